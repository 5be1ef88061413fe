"""The GRU by hand: forward and backward, one step and a whole sequence, in three conventions.

The course's symbols, gates in ``torch.nn.GRU``'s order ``r, z, n``; each weight and bias
stacks three blocks: ``W_xh = [W_xr; W_xz; W_xn]`` (3H, D), ``W_hh = [W_hr; W_hz; W_hn]``
(3H, H), the input side's bias ``b_xh = [b_xr; b_xz; b_xn]`` (3H,) and the hidden side's
``b_hh = [b_hr; b_hz; b_hn]`` (3H,). Two biases, not one: in torch's convention ``r`` scales
``b_hn``, so ``b_xn`` and ``b_hn`` do not enter as a sum. From ``torch.nn.GRU``: ``W_xh =
weight_ih_l0``, ``W_hh = weight_hh_l0``, ``b_xh = bias_ih_l0``, ``b_hh = bias_hh_l0``.
The maths, ``convention`` as in ``rnnlab.nn.GRUCell``::

    r = sigmoid(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)        reset gate
    z = sigmoid(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)        update gate
    "torch" (default):  n = tanh(W_xn x_t + b_xn + r * (W_hn h_{t-1} + b_hn))   reset after W_hn
                        h_t = (1 - z) * n + z * h_{t-1}       z near 1 keeps the old state
    "cho" (Cho et al. 2014):
                        n = tanh(W_xn x_t + b_xn + W_hn (r * h_{t-1}) + b_hn)   reset before W_hn
                        h_t = (1 - z) * n + z * h_{t-1}
    "chung" (Chung et al. 2014): Cho's n, the update written the other way round,
                        h_t = (1 - z) * h_{t-1} + z * n       z near 1 takes the candidate

Backward through one step, given ``dh = dL/dh_t``; ``k`` is the share of the old state kept,
``k = z`` ("torch", "cho") or ``k = 1 - z`` ("chung"), so that ``h_t = k h_{t-1} + (1 - k) n``::

    dn = dh * (1 - k)     dk = dh * (h_{t-1} - n)     dh_prev = dh * k   (direct path)
    dz = dk ("torch", "cho") or -dk ("chung")
    dan = dn * (1 - n**2)                                 gradient on n's pre-activation
    "torch":         dr = dan * (W_hn h_{t-1} + b_hn);  the hidden block of n gets dan * r
    "cho", "chung":  d(r*h) = dan @ W_hn;  dr = d(r*h) * h_{t-1};  dh_prev += d(r*h) * r
    dar = dr * r(1-r),  daz = dz * z(1-z)                 through the sigmoids
"""
from __future__ import annotations

import numpy as np

from rnnlab.checks import check_gru_convention

from .activations import sigmoid
from .inputs import check_cache, check_cell, check_sequence, check_steps, check_upstream


def gru_step_forward(x, h_prev, W_xh, W_hh, b_xh, b_hh, *, convention="torch"):
    """One GRU step.

    x (B, D), h_prev (B, H), W_xh (3H, D), W_hh (3H, H), b_xh (3H,), b_hh (3H,) -> h (B, H), cache.
    ``convention`` (keyword-only): "torch" (default), "cho" or "chung"; see the module docstring.
    """
    check_gru_convention(convention)
    _, _, H = check_cell(x, {"h_prev": h_prev}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_xh": b_xh, "b_hh": b_hh}, gates=3)
    a_x = x @ W_xh.T + b_xh  # (B, 3H): the input's share of r, z, n
    a_h = h_prev @ W_hh[: 2 * H].T + b_hh[: 2 * H]  # (B, 2H): the hidden state's share of r, z
    r = sigmoid(a_x[:, :H] + a_h[:, :H])  # (B, H)
    z = sigmoid(a_x[:, H : 2 * H] + a_h[:, H:])  # (B, H)
    W_hn, b_hn = W_hh[2 * H :], b_hh[2 * H :]  # (H, H), (H,)
    if convention == "torch":
        hidden = h_prev @ W_hn.T + b_hn  # (B, H): W_hn h + b_hn, then reset
        n = np.tanh(a_x[:, 2 * H :] + r * hidden)
    else:
        hidden = r * h_prev  # (B, H): reset first, then W_hn
        n = np.tanh(a_x[:, 2 * H :] + hidden @ W_hn.T + b_hn)
    keep = 1.0 - z if convention == "chung" else z  # (B, H): the share of h_prev kept
    h = keep * h_prev + (1.0 - keep) * n  # (B, H)
    cache = (x, h_prev, W_xh, W_hh, r, z, n, hidden, convention)
    return h, cache


def gru_step_backward(dh, cache):
    """Backward through one GRU step (in the convention of its forward).

    dh (B, H) = dL/dh_t -> dx (B, D), dh_prev (B, H), dW_xh (3H, D), dW_hh (3H, H),
    db_xh (3H,), db_hh (3H,).
    """
    check_cache(cache, "gru_step_forward", 9)
    x, h_prev, W_xh, W_hh, r, z, n, hidden, convention = cache
    check_upstream("dh", dh, h_prev.shape, "(B, H), the shape of h")
    H = h_prev.shape[1]
    W_hn = W_hh[2 * H :]  # (H, H)
    keep = 1.0 - z if convention == "chung" else z
    dn = dh * (1.0 - keep)  # (B, H)
    dkeep = dh * (h_prev - n)
    dz = -dkeep if convention == "chung" else dkeep
    dh_prev = dh * keep  # the direct path h_{t-1} -> h_t
    dan = dn * (1.0 - n**2)  # through tanh
    if convention == "torch":  # n = tanh(. + r * hidden), hidden = W_hn h_prev + b_hn
        dr = dan * hidden
        da_hn = dan * r  # (B, H) gradient on hidden
        dh_prev += da_hn @ W_hn
        dW_hn = da_hn.T @ h_prev  # (H, H)
    else:  # n = tanh(. + W_hn hidden + b_hn), hidden = r * h_prev
        da_hn = dan  # gradient on W_hn hidden + b_hn
        dhidden = dan @ W_hn  # (B, H)
        dr = dhidden * h_prev
        dh_prev += dhidden * r
        dW_hn = dan.T @ hidden  # (H, H)
    dar, daz = dr * r * (1.0 - r), dz * z * (1.0 - z)  # through the sigmoids
    da_x = np.concatenate([dar, daz, dan], axis=1)  # (B, 3H) on x @ W_xh.T + b_xh
    da_rz = np.concatenate([dar, daz], axis=1)  # (B, 2H) on h_prev @ W_hh[:2H].T + b_hh[:2H]
    dx = da_x @ W_xh  # (B, D)
    dh_prev += da_rz @ W_hh[: 2 * H]
    dW_xh = da_x.T @ x  # (3H, D)
    dW_hh = np.concatenate([da_rz.T @ h_prev, dW_hn], axis=0)  # (3H, H)
    db_xh = da_x.sum(axis=0)  # (3H,)
    db_hh = np.concatenate([da_rz.sum(axis=0), da_hn.sum(axis=0)])  # (3H,)
    return dx, dh_prev, dW_xh, dW_hh, db_xh, db_hh


def gru_forward(x, h0, W_xh, W_hh, b_xh, b_hh, *, convention="torch"):
    """Run a GRU over a whole sequence.

    x (B, T, D), h0 (B, H), W_xh (3H, D), W_hh (3H, H), b_xh (3H,), b_hh (3H,) -> hs (B, T, H), cache.
    ``convention`` (keyword-only): "torch" (default), "cho" or "chung"; see the module docstring.
    """
    check_gru_convention(convention)
    B, T, D, H = check_sequence(x, {"h0": h0}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_xh": b_xh, "b_hh": b_hh}, gates=3)
    hs = np.empty((B, T, H), dtype=np.result_type(x, h0, W_xh, W_hh, b_xh, b_hh))
    steps = []
    h = h0
    for t in range(T):
        h, step_cache = gru_step_forward(x[:, t], h, W_xh, W_hh, b_xh, b_hh, convention=convention)
        hs[:, t] = h
        steps.append(step_cache)
    return hs, steps


def gru_backward(dhs, cache):
    """Backpropagation through time for :func:`gru_forward`.

    dhs (B, T, H): the loss's gradient on every h_t
    -> dx (B, T, D), dh0 (B, H), dW_xh (3H, D), dW_hh (3H, H), db_xh (3H,), db_hh (3H,).
    """
    check_steps(cache, "gru_forward", "gru_step_forward", 9)
    steps = cache
    x_0, h_0, W_xh, W_hh = steps[0][:4]
    B, H, T, D = h_0.shape[0], h_0.shape[1], len(steps), x_0.shape[1]
    check_upstream("dhs", dhs, (B, T, H), "(B, T, H), the shape of hs")
    dx = np.empty((B, T, D), dtype=dhs.dtype)
    dW_xh, dW_hh = np.zeros_like(W_xh), np.zeros_like(W_hh)
    db_xh, db_hh = np.zeros(3 * H, dtype=W_hh.dtype), np.zeros(3 * H, dtype=W_hh.dtype)
    dh_next = np.zeros((B, H), dtype=dhs.dtype)  # gradient arriving from step t+1
    for t in reversed(range(T)):
        dx[:, t], dh_next, dW_xh_t, dW_hh_t, db_xh_t, db_hh_t = gru_step_backward(dhs[:, t] + dh_next, steps[t])
        dW_xh += dW_xh_t
        dW_hh += dW_hh_t
        db_xh += db_xh_t
        db_hh += db_hh_t
    return dx, dh_next, dW_xh, dW_hh, db_xh, db_hh
