"""An Elman RNN with a softmax output layer: forward, loss and full BPTT in one call.

The model, for inputs ``x_t`` (e.g. one-hot characters) and integer targets ``k_t``::

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)
    y_t = W_hy h_t + b_y                       scores over V classes
    L   = mean over t (and the batch) of -log softmax(y_t)[k_t]

Parameters live in a dict with the course's names, ``W_xh (H, D)``, ``W_hh (H, H)``,
``b_h (H,)``, ``W_hy (V, H)``, ``b_y (V,)``, so gradients can be keyed the same way.
"""
from __future__ import annotations

import numpy as np

from .affine import temporal_affine_backward, temporal_affine_forward
from .elman import rnn_backward, rnn_forward
from .loss import softmax_cross_entropy

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def init_elman_lm(D: int, H: int, V: int, seed: int = 0) -> dict:
    """Random float64 parameters, uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` as ``torch.nn.RNN`` draws them.

    -> {"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,), "W_hy": (V, H), "b_y": (V,)}.
    """
    rng = np.random.default_rng(seed)
    bound = 1.0 / np.sqrt(H)
    shapes = {"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,), "W_hy": (V, H), "b_y": (V,)}
    return {name: rng.uniform(-bound, bound, size=shape) for name, shape in shapes.items()}


def elman_lm_loss(x, targets, h0, params: dict, counted=None, nonlinearity="tanh"):
    """Mean softmax cross-entropy of an Elman RNN's outputs, and its gradient by full BPTT.

    x (B, T, D), targets (B, T) integers in [0, V), h0 (B, H), params as above,
    counted (B, T) or None: True where a step's loss counts (default: all)
    -> loss (float), grads (dict: one entry per parameter, plus "x" (B, T, D) and "h0" (B, H)),
       hs (B, T, H) the hidden states.
    """
    p = params
    hs, rnn_cache = rnn_forward(x, h0, p["W_xh"], p["W_hh"], p["b_h"], nonlinearity)  # (B, T, H)
    logits, out_cache = temporal_affine_forward(hs, p["W_hy"], p["b_y"])  # (B, T, V)
    loss, dlogits = softmax_cross_entropy(logits, targets, counted)
    dhs, dW_hy, db_y = temporal_affine_backward(dlogits, out_cache)  # dhs (B, T, H)
    dx, dh0, dW_xh, dW_hh, db_h = rnn_backward(dhs, rnn_cache)
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y, "x": dx, "h0": dh0}
    return loss, grads, hs
