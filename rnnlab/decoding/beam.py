"""Beam search with length normalisation, for any step-by-step decoder.

Greedy decoding keeps one prefix and extends it with the most likely next token; it can
miss the most likely *sequence* when a likely first token leads only to unlikely
continuations. Beam search keeps the ``K`` best prefixes by log-probability::

    live = [BOS]                                   (one prefix, log p = 0)
    each step:  score every one-token extension of every live prefix: log p(prefix) + log p(v | prefix)
                keep the best K - (number finished); an extension ending in EOS is finished
    stop when K hypotheses are finished (or after max_len steps)
    answer: the finished hypothesis with the best  log p(y) / |y|^alpha

|y| counts the tokens after BOS, EOS included. alpha = 0 ranks by log p (which favours
short outputs, every token costs probability); alpha = 1 by the mean log-probability per
token. Pruning always uses the raw log p, so width 1 is exactly greedy decoding.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from rnnlab.course.runtime import evaluating, on_model_device


@dataclass
class Hypothesis:
    """A decoded sequence: ``tokens`` after BOS (EOS included if ``finished``) and its log p."""

    tokens: list
    logprob: float
    finished: bool

    def score(self, alpha: float = 0.0) -> float:
        """The length-normalised score log p / |y|^alpha."""
        return length_normalised(self.logprob, len(self.tokens), alpha)


def length_normalised(logprob: float, length: int, alpha: float) -> float:
    """log p / length^alpha (alpha = 0: raw log p; alpha = 1: mean log-probability per token)."""
    return logprob / max(length, 1) ** alpha


def _index(state, rows):
    """Reorder the state's batch rows (dim 0): a tensor or a tuple of tensors."""
    if isinstance(state, tuple):
        return tuple(_index(s, rows) for s in state)
    return state[rows]


def beam_search(step, state, *, bos: int, eos: int, beam_width: int, max_len: int,
                alpha: float = 0.0) -> list[Hypothesis]:
    """All hypotheses found, best first by ``score(alpha)`` (finished ones before unfinished).

    step(tokens (n,) int64, state) -> (log-probs (n, V), state): one decoder step for n prefixes,
    state a tensor or tuple of tensors with the n prefixes on dim 0 (at the start n = 1).
    """
    if not isinstance(beam_width, int) or isinstance(beam_width, bool) or beam_width < 1:
        raise ValueError(f"beam_width: expected an int >= 1 (1 is greedy decoding), got {beam_width!r}")
    if not isinstance(max_len, int) or max_len < 1:
        raise ValueError(f"max_len: expected an int >= 1, got {max_len!r}")
    if alpha < 0:
        raise ValueError(f"alpha: expected a length-normalisation exponent >= 0, got {alpha!r}")
    with torch.no_grad():
        return beam_loop(step, state, bos, eos, beam_width, max_len, alpha)


def beam_loop(step, state, bos, eos, beam_width, max_len, alpha):
    """The loop of :func:`beam_search` (arguments already checked)."""
    prefixes, scores = [[]], torch.zeros(1)
    last = torch.tensor([bos])
    finished = []
    for _ in range(max_len):
        logp, state = step(last, state)  # (n, V)
        V = logp.shape[1]
        cand = (scores[:, None] + logp.float().cpu()).flatten()  # (n * V,) log p of each extension
        top = torch.topk(cand, min(beam_width - len(finished), cand.numel()))
        keep_rows, keep_tokens, keep_scores, keep_prefixes = [], [], [], []
        for value, flat in zip(top.values.tolist(), top.indices.tolist()):
            row, token = divmod(flat, V)
            seq = prefixes[row] + [token]
            if token == eos:
                finished.append(Hypothesis(seq, value, True))
            else:
                keep_rows.append(row), keep_tokens.append(token)
                keep_scores.append(value), keep_prefixes.append(seq)
        if not keep_rows:
            break
        rows = torch.tensor(keep_rows)
        state = _index(state, rows.to(logp.device))
        last = torch.tensor(keep_tokens, device=logp.device)
        scores, prefixes = torch.tensor(keep_scores), keep_prefixes
    else:
        finished += [Hypothesis(p, s, False) for p, s in zip(prefixes, scores.tolist())]
    return sorted(finished, key=lambda h: (h.finished, h.score(alpha)), reverse=True)


@on_model_device
def beam_decode(model, src, lengths, *, beam_width: int, max_len: int = 20, alpha: float = 0.0):
    """Beam-search each source of a batch with a :class:`rnnlab.models.seq2seq.Seq2Seq`.

    src (B, S), lengths (B,) -> ids (B, L) (EOS included, PAD after), log p (B,) of each best hypothesis.
    """
    from rnnlab.data.vocab import BOS, EOS, PAD
    from rnnlab.models.seq2seq import step_function

    best = []
    with evaluating(model), torch.no_grad():
        memory, state = model.encoder(src, lengths)
        for b in range(src.shape[0]):
            rows = torch.tensor([b], device=src.device)
            hyps = beam_search(step_function(model, memory.index(rows)), _index(state, rows), bos=BOS, eos=EOS,
                               beam_width=beam_width, max_len=max_len, alpha=alpha)
            best.append(hyps[0])
    L = max(len(h.tokens) for h in best)
    ids = torch.full((len(best), L), PAD, dtype=torch.int64)
    for b, h in enumerate(best):
        ids[b, :len(h.tokens)] = torch.tensor(h.tokens)
    return ids, torch.tensor([h.logprob for h in best])
