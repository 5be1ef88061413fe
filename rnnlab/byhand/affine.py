"""The output layer by hand: an affine map applied at every time step.

The maths: ``y_t = W_hy h_t + b_y``, the scores (logits) over ``V`` classes or
characters. In batch-first code over all steps at once::

    ys = hs @ W_hy.T + b_y          hs (B, T, H), W_hy (V, H), b_y (V,) -> ys (B, T, V)

Backward, given ``dys = dL/dys``: ``dhs = dys @ W_hy``, ``dW_hy`` sums
``dy_t h_t^T`` over batch and time, ``db_y`` sums ``dy_t``. The same code serves any
leading axes: ``(N, H)`` or ``(B, T, H)``.
"""
from __future__ import annotations

from rnnlab.checks import check_rank, check_size

from .inputs import check_array, check_array_shape, check_cache, check_upstream


def temporal_affine_forward(hs, W_hy, b_y):
    """``ys = hs @ W_hy.T + b_y``.

    hs (B, T, H) or (N, H), W_hy (V, H), b_y (V,) -> ys (B, T, V) or (N, V), cache.
    """
    for name, value in {"hs": hs, "W_hy": W_hy, "b_y": b_y}.items():
        check_array(name, value)
    check_rank("hs", hs, (2, 3), "(B, T, H) or (N, H)")
    check_rank("W_hy", W_hy, 2, "(V, H)")
    if b_y.ndim == 1 and W_hy.shape == (hs.shape[-1], b_y.shape[0]) != W_hy.shape[::-1]:
        check_array_shape("W_hy", W_hy, W_hy.shape[::-1], "(V, H)")  # (H, V): "transposed", not "wrong H"
    check_size("hs", hs, -1, int(W_hy.shape[1]), "hidden size H (the columns of W_hy)")
    check_array_shape("b_y", b_y, (W_hy.shape[0],), "(V,)")
    ys = hs @ W_hy.T + b_y
    return ys, (hs, W_hy)


def temporal_affine_backward(dys, cache):
    """Backward of :func:`temporal_affine_forward`.

    dys (B, T, V) or (N, V) -> dhs (B, T, H) or (N, H), dW_hy (V, H), db_y (V,).
    """
    check_cache(cache, "temporal_affine_forward", 2)
    hs, W_hy = cache
    check_upstream("dys", dys, hs.shape[:-1] + W_hy.shape[:1], "(the shape of ys)")
    V, H = W_hy.shape
    dys_flat, hs_flat = dys.reshape(-1, V), hs.reshape(-1, H)  # (B*T, V), (B*T, H)
    dhs = dys @ W_hy
    dW_hy = dys_flat.T @ hs_flat  # (V, H)
    db_y = dys_flat.sum(axis=0)  # (V,)
    return dhs, dW_hy, db_y
