"""Softmax cross-entropy by hand, with its gradient, for scores at every time step.

The maths, for scores ``y`` (length ``V``) and the right class ``k``::

    p = softmax(y)              p_j = exp(y_j) / sum_i exp(y_i)
    loss = -log p_k             = log sum_i exp(y_i) - y_k
    dloss/dy = p - onehot(k)

The log-sum-exp is computed after subtracting ``max(y)``, so large scores do not
overflow. The loss is the mean over the positions that count (all of them, or those
where ``counted`` is true), so the gradient carries a ``1 / N`` factor.
"""
from __future__ import annotations

import numpy as np

from rnnlab.checks import check_float, check_rank, check_shape


def softmax_cross_entropy(logits, targets, counted=None):
    """Mean cross-entropy of ``softmax(logits)`` against integer ``targets``, and its gradient.

    logits (B, T, V) or (N, V), float; targets (B, T) or (N,), integers in [0, V);
    counted (B, T) or (N,), optional, bool or 0/1: True (1) where a position's loss counts (default: all)
    -> loss (float: mean over counted positions), dlogits (same shape as logits).
    """
    check_float("logits", logits)
    check_rank("logits", logits, (2, 3), "(B, T, V) or (N, V)")
    V = int(logits.shape[-1])
    targets = np.asarray(targets)
    if not np.issubdtype(targets.dtype, np.integer):
        raise TypeError(
            f"targets: expected integer class indices, got dtype {targets.dtype}. "
            f"Convert them first, e.g. targets.astype(np.int64)."
        )
    check_shape("targets", targets, logits.shape[:-1], "(logits' shape without its last axis V)")
    if targets.size and (targets.min() < 0 or targets.max() >= V):
        bad = targets.min() if targets.min() < 0 else targets.max()
        raise ValueError(f"targets: expected class indices in [0, {V - 1}] (V = {V} from logits), got {bad}")
    weight = np.ones(targets.shape) if counted is None else np.asarray(counted, dtype=logits.dtype)
    check_shape("counted", weight, targets.shape, "(the shape of targets)")
    count = weight.sum()
    if count == 0:
        raise ValueError(f"counted: expected at least one position that counts, got none of {weight.size}; "
                         f"the mean loss is undefined")

    shifted = logits - logits.max(axis=-1, keepdims=True)  # (..., V), max is 0
    log_sum_exp = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (..., 1)
    log_p = shifted - log_sum_exp  # (..., V) log-probabilities
    onehot = np.eye(V, dtype=logits.dtype)[targets]  # (..., V), 1 at the right class
    loss = float(-((log_p * onehot).sum(axis=-1) * weight).sum() / count)
    dlogits = (np.exp(log_p) - onehot) * (weight[..., None] / count)  # (p - onehot) / N
    return loss, dlogits
