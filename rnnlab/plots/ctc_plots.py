"""Notebook 13's figure: a log-mel spectrogram with the CTC posteriors under it (drawing only).

The posteriors of a trained CTC model are "spiky": the blank takes almost every frame, and each unit
wins one or two frames somewhere inside the stretch where it sounds.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from rnnlab.checks import check_float, check_int, check_rank, check_tensor


def draw_spectrogram_and_posteriors(features: torch.Tensor, log_probs: torch.Tensor, symbols, blank: int = 0,
                                    stack: int = 1, title: str = "", axes=None):
    """Top: ``features (T, n_mels)`` (a log-mel spectrogram, time along x). Bottom: each class's
    posterior ``exp(log_probs (T', C))`` over time, the blank dashed grey, every other class that wins
    a frame labelled by its symbol at its peak. ``stack``: frames per model step (T' = ceil(T / stack)),
    so both panels share the time axis in 10 ms frames. Returns the two axes."""
    for name, x, layout in (("features", features, "(T, n_mels)"), ("log_probs", log_probs, "(T', C)")):
        check_tensor(name, x, layout)
        check_float(name, x)
        check_rank(name, x, 2, layout + " of one utterance")
    stack = check_int("stack", stack, 1, what="frames per model step")
    T, C = log_probs.shape
    if len(symbols) != C:
        raise ValueError(f"symbols: expected one symbol per class, C = {C} (from log_probs {tuple(log_probs.shape)}), "
                         f"got {len(symbols)}")
    blank = check_int("blank", blank, 0, C - 1, what=f"the blank's class id, one of the C = {C} classes")
    if -(-features.shape[0] // stack) != T:
        raise ValueError(f"features, log_probs: expected ceil(frames / stack) = model steps, got {features.shape[0]} "
                         f"frames, stack {stack} and {T} steps")
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    top, bottom = axes
    top.imshow(features.detach().cpu().numpy().T, origin="lower", aspect="auto", cmap="magma")
    top.set_ylabel("mel band")
    top.set_title(title or "log-mel spectrogram")
    post = log_probs.detach().cpu().double().exp().numpy()             # (T', C)
    t = (np.arange(T) + 0.5) * stack - 0.5
    winners = set(post.argmax(1).tolist()) - {blank}
    bottom.plot(t, post[:, blank], "--", color="grey", label=f"blank {symbols[blank]!s}")
    for c in sorted(winners):
        bottom.plot(t, post[:, c], lw=1.2)
        for k in np.nonzero(post.argmax(1) == c)[0]:
            bottom.text(t[k], min(post[k, c] + 0.03, 1.02), str(symbols[c]), ha="center", fontsize=8)
    bottom.set_ylim(0, 1.1)
    bottom.set_ylabel("posterior")
    bottom.set_xlabel("frame (10 ms)")
    bottom.legend(loc="upper right", fontsize=8)
    return top, bottom
