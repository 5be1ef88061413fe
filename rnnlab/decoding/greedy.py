"""Greedy decoding of an encoder-decoder: at every step the arg-max token, fed back as the next input.

Works for every model with the interface of :class:`rnnlab.models.seq2seq.Seq2Seq` (08's RNNs,
09's attention decoders, 11's transformer): ``model.encoder(src, lengths) -> (memory, state)`` and
``model.decoder.step(y_prev (B,), state, memory) -> (logits (B, V), state)``. Ids follow
:mod:`rnnlab.data.vocab` (``BOS`` starts, ``EOS`` ends, ``PAD`` after). The pointer network
decodes greedily in its own ``forward``; beam search is :mod:`rnnlab.decoding.beam`.
"""
from __future__ import annotations

import torch

from rnnlab.course.runtime import evaluating, on_model_device
from rnnlab.data.vocab import BOS, EOS, PAD


@on_model_device
@torch.no_grad()
def greedy_decode(model, src, lengths, max_len: int = 20, return_alpha: bool = False):
    """Arg-max decoding of ``src`` (B, S), ``lengths`` (B,) -> ids (B, L) (EOS included, PAD after it),
    log p of each sequence (B,).

    With ``return_alpha`` (an attention decoder, which keeps its last weights in ``.alpha``),
    also the attention weights alpha (B, L, S) of every output step over the source.
    """
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
