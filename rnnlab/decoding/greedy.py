"""Greedy decoding of an encoder-decoder: at every step the arg-max token, fed back as the next input.

Works for every model with the interface of :class:`rnnlab.models.seq2seq.Seq2Seq` (08's RNNs,
09's attention decoders, 11's transformer): ``model.encoder(src, lengths) -> (memory, state)`` and
``model.decoder.step(y_prev (B,), state, memory) -> (logits (B, V), state)``. Ids follow
:mod:`rnnlab.data.vocab` (``BOS`` starts, ``EOS`` ends, ``PAD`` after). The pointer network
decodes greedily in its own ``forward``; beam search is :mod:`rnnlab.decoding.beam`.
"""
from __future__ import annotations

import torch

from rnnlab.checks import check_bool, check_int
from rnnlab.course.runtime import evaluating, on_model_device
from rnnlab.data.vocab import BOS, EOS, PAD


def check_seq2seq(model) -> None:
    """Raise unless ``model`` decodes as a Seq2Seq does: ``.encoder`` and ``.decoder.step``, and a target
    vocabulary (the decoder's embedding, where it has one) that holds BOS and EOS."""
    if not (hasattr(model, "encoder") and callable(getattr(getattr(model, "decoder", None), "step", None))):
        raise TypeError(f"model: expected an encoder-decoder with .encoder and .decoder.step, as "
                        f"rnnlab.models.seq2seq.Seq2Seq, got {type(model).__name__}")
    V = getattr(getattr(model.decoder, "embed", None), "num_embeddings", None)
    if isinstance(V, int) and V <= max(BOS, EOS):
        raise ValueError(f"model: its decoder reads and writes V = {V} target ids, but decoding starts from "
                         f"BOS = {BOS} and stops at EOS = {EOS}; expected a target vocabulary with <pad> <bos> "
                         f"<eos> (Vocab(..., pad=True, bos=True, eos=True)), V >= {max(BOS, EOS) + 1}")


@on_model_device
@torch.no_grad()
def greedy_decode(model, src, lengths, max_len: int = 20, return_alpha: bool = False):
    """Arg-max decoding of ``src`` (B, S), ``lengths`` (B,) -> ids (B, L) (EOS included, PAD after it),
    log p of each sequence (B,).

    With ``return_alpha`` (an attention decoder, which keeps its last weights in ``.alpha``),
    also the attention weights alpha (B, L, S) of every output step over the source.
    ``max_len``: the most tokens written per sequence, an int >= 1.
    """
    check_seq2seq(model)
    max_len = check_int("max_len", max_len, 1, what="the most tokens to write")
    if check_bool("return_alpha", return_alpha) and not hasattr(model.decoder, "alpha"):
        raise TypeError(f"return_alpha: True needs an attention decoder (one that keeps its weights in .alpha, "
                        f"as BahdanauDecoder and LuongDecoder do), got {type(model.decoder).__name__}")
    with evaluating(model):
        memory, state = model.encoder(src, lengths)
        B = src.shape[0]
        y = torch.full((B,), BOS, dtype=torch.int64, device=src.device)
        done = torch.zeros(B, dtype=torch.bool, device=src.device)
        total = torch.zeros(B, device=src.device)
        out, alphas = [], []
        for _ in range(max_len):
            logits, state = model.decoder.step(y, state, memory)
            if return_alpha:
                alphas.append(model.decoder.alpha)  # (B, S)
            logp = logits.log_softmax(-1)
            y = logp.argmax(-1)
            total += torch.where(done, 0.0, logp.gather(1, y[:, None])[:, 0])
            out.append(torch.where(done, PAD, y))
            done |= y == EOS
            if bool(done.all()):
                break
    if return_alpha:
        return torch.stack(out, 1), total, torch.stack(alphas, 1)
    return torch.stack(out, 1), total
