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

import math

import torch

from rnnlab.checks import check_int, check_number
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
    """Reorder the state's batch rows (dim 0): a tensor, or a tuple or list of them; None stays None."""
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return type(state)(_index(s, rows) for s in state)
    return state[rows]


def _check_start_state(state) -> None:
    """The state of one source: tensors with 1 row on dim 0 (a tensor, a tuple or list of them, or None)."""
    if state is None:
        return
    if isinstance(state, (tuple, list)):
        for s in state:
            _check_start_state(s)
        return
    if not isinstance(state, torch.Tensor):
        raise TypeError(f"state: expected a tensor, a tuple of tensors or None (the prefixes on dim 0), "
                        f"got {type(state).__name__}")
    if state.ndim == 0 or state.shape[0] != 1:
        raise ValueError(f"state: expected the state of one source, 1 row on dim 0, got shape {tuple(state.shape)}; "
                         f"beam-search one source at a time (state[b:b + 1])")


def check_beam_knobs(beam_width, max_len, alpha) -> tuple[int, int, float]:
    """``beam_width`` and ``max_len`` ints >= 1, ``alpha`` a finite number >= 0 (NumPy and 0-d tensors too)."""
    return (check_int("beam_width", beam_width, 1, what="1 is greedy decoding"),
            check_int("max_len", max_len, 1, what="the most tokens to write"),
            check_number("alpha", alpha, 0, finite=True, what="the length-normalisation exponent"))


def _checked_step(step, bos: int, eos: int | None):
    """``step`` with every answer checked, so a wrong one stops the search with a clear error.

    Its log-probs must be a float tensor (n, V) for the n prefixes it was given, without NaN or
    +inf, each row summing to at most 1 (log_softmax, not raw logits: beam search adds them up
    as log-probabilities; a row may be all -inf, after an impossible prefix). After the first
    step, V is known and ``bos`` and ``eos`` are checked against it.
    """
    first = True

    def checked(tokens, state):
        nonlocal first
        try:
            out = step(tokens, state)
        except IndexError as err:
            if not first:
                raise
            raise ValueError(f"bos: step raised {type(err).__name__} ({err}) on its first call, tokens = [bos] = "
                             f"[{bos}]; expected bos to be the <bos> id of the step's vocabulary") from err
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(f"step: expected step(tokens, state) to return (log-probs (n, V), state), "
                            f"got {type(out).__name__}")
        logp, new_state = out
        n = tokens.shape[0]
        if not isinstance(logp, torch.Tensor) or logp.ndim != 2 or logp.shape[0] != n:
            got = tuple(logp.shape) if isinstance(logp, torch.Tensor) else type(logp).__name__
            raise ValueError(f"step: expected log-probs of shape (n, V) = ({n}, V) for the {n} prefix(es), got {got}")
        if not logp.is_floating_point() or logp.shape[1] == 0:
            raise ValueError(f"step: expected float log-probs over V >= 1 tokens, got dtype {logp.dtype}, "
                             f"shape {tuple(logp.shape)}")
        for bad, what in ((torch.isnan(logp), "NaN"), (torch.isposinf(logp), "+inf")):
            if bool(bad.any()):
                raise ValueError(f"step: {what} in the log-probs of prefix {int(bad.nonzero()[0, 0])}; expected "
                                 f"log-probabilities <= 0 (-inf for an impossible token)")
        mass = logp.float().logsumexp(1).max()  # log of the largest total probability of a row
        if float(mass) > 1e-2:
            raise ValueError(f"step: expected log-probabilities (each row's probabilities summing to 1), got a row "
                             f"summing to {math.exp(min(float(mass), 700)):.4g}; apply .log_softmax(-1) to the logits")
        if first:
            V = logp.shape[1]
            if bos >= V:
                raise ValueError(f"bos: expected the <bos> id, in [0, {V - 1}] (V = {V}), got {bos}")
            if eos is not None and eos >= V:
                raise ValueError(f"eos: expected the <eos> id, in [0, {V - 1}] (V = {V}, the step's vocabulary), "
                                 f"got {eos}: no hypothesis could ever finish (eos=None: none is meant to)")
            first = False
        return logp, new_state

    return checked


def beam_search(step, state, *, bos: int, eos: int | None, beam_width: int, max_len: int,
                alpha: float = 0.0) -> list[Hypothesis]:
    """All hypotheses found, best first by ``score(alpha)`` (finished ones before unfinished).

    step(tokens (n,) int64, state) -> (log-probs (n, V), state): one decoder step for n prefixes,
    state a tensor, a tuple of tensors or None, with the n prefixes on dim 0 (at the start n = 1).
    bos: the token the first step reads, an id in [0, V). eos: the id in [0, V) that finishes a
    hypothesis, or None when there is none (every hypothesis then runs ``max_len`` steps).
    Every answer of ``step`` is checked (shape, no NaN, log-probabilities rather than logits);
    hypotheses of probability 0 (log p = -inf) are left out.
    """
    if not callable(step):
        raise TypeError(f"step: expected a function step(tokens, state) -> (log-probs, state), "
                        f"got {type(step).__name__}")
    beam_width, max_len, alpha = check_beam_knobs(beam_width, max_len, alpha)
    bos = check_int("bos", bos, 0, what="the <bos> id")
    if eos is not None:
        eos = check_int("eos", eos, 0, what="the <eos> id, or None")
    _check_start_state(state)
    with torch.no_grad():
        hyps = beam_loop(_checked_step(step, bos, eos), state, bos, eos, beam_width, max_len, alpha)
    possible = [h for h in hyps if h.logprob > -math.inf]
    if not possible:
        raise ValueError(f"step: every hypothesis has probability 0 (log p = -inf): the step's log-probs rule out "
                         f"every continuation of bos = {bos}; expected at least one possible token sequence")
    return possible


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
    from rnnlab.decoding.greedy import check_seq2seq
    from rnnlab.models.seq2seq import step_function

    check_seq2seq(model)
    beam_width, max_len, alpha = check_beam_knobs(beam_width, max_len, alpha)

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
