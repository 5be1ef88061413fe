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

from rnnlab.checks import check_rank

from .inputs import check_array, check_array_shape, check_targets


def _check_scores(logits, targets, counted):
    """Check the arguments of :func:`softmax_cross_entropy`; return targets and the weights (0 or 1)."""
    check_array("logits", logits, "(B, T, V) or (N, V)")
    check_rank("logits", logits, (2, 3), "(B, T, V) or (N, V)")
    if logits.size == 0:
        raise ValueError(f"logits: expected at least one position and one class, got shape {logits.shape}")
    targets = check_targets("targets", targets, logits.shape[-1], logits.shape[:-1],
                            "(logits' shape without its last axis V)")
    if counted is None:
        return targets, np.ones(targets.shape)
    if isinstance(counted, str) or not hasattr(counted, "__len__"):
        raise TypeError(f"counted: expected a bool (or 0/1) array shaped like targets {targets.shape}, "
                        f"got {type(counted).__name__}")
    counted = np.asarray(counted)
    if counted.dtype.kind not in "biuf":
        raise TypeError(f"counted: expected a bool (or 0/1) array shaped like targets, got dtype {counted.dtype}")
    check_array_shape("counted", counted, targets.shape, "(the shape of targets)")
    bad = (counted != 0) & (counted != 1)
    if bad.any():  # a 2 or a 0.5 would weight the mean silently
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"counted: expected True/False (or 0/1) at every position, got {counted[where].item()!r} at "
                         f"position {where}; to weight positions, weight the loss yourself")
    weight = counted.astype(logits.dtype)
    if weight.sum() == 0:
        raise ValueError(f"counted: expected at least one position that counts, got none of {weight.size}; "
                         f"the mean loss is undefined")
    return targets, weight


def softmax_cross_entropy(logits, targets, counted=None):
    """Mean cross-entropy of ``softmax(logits)`` against integer ``targets``, and its gradient.

    logits (B, T, V) or (N, V), float; targets (B, T) or (N,), integers in [0, V);
    counted (B, T) or (N,), optional, bool or 0/1: True (1) where a position's loss counts (default: all)
    -> loss (float: mean over counted positions), dlogits (same shape as logits).
    """
    targets, weight = _check_scores(logits, targets, counted)  # weight (B, T) or (N,): 1 where it counts
    V, count = logits.shape[-1], weight.sum()
    shifted = logits - logits.max(axis=-1, keepdims=True)  # (..., V), max is 0
    log_sum_exp = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (..., 1)
    log_p = shifted - log_sum_exp  # (..., V) log-probabilities
    onehot = np.eye(V, dtype=logits.dtype)[targets]  # (..., V), 1 at the right class
    loss = float(-((log_p * onehot).sum(axis=-1) * weight).sum() / count)
    dlogits = (np.exp(log_p) - onehot) * (weight[..., None] / count)  # (p - onehot) / N
    return loss, dlogits
