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

from rnnlab.checks import check_int, check_rank

from .affine import temporal_affine_backward, temporal_affine_forward
from .activations import check_nonlinearity
from .elman import rnn_backward, rnn_forward
from .inputs import check_array, check_array_shape, check_sequence, check_targets
from .loss import softmax_cross_entropy

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def check_params(params, D: int | None = None) -> tuple[int, int, int]:
    """Check a parameter dict (keys :data:`PARAM_NAMES`, shapes as above); return ``(D, H, V)``.

    ``D``, if given, is the input size the model must have (e.g. the vocabulary's, for one-hot inputs).
    """
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict with keys {PARAM_NAMES} (init_elman_lm makes one), "
                        f"got {type(params).__name__}")
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"params: expected the keys {PARAM_NAMES}, got {tuple(params)}: {missing} missing")
    for name in PARAM_NAMES:
        check_array(f"params['{name}']", params[name])
    W_xh, W_hh, b_h, W_hy, b_y = (params[name] for name in PARAM_NAMES)
    for name, layout in (("W_hh", "(H, H)"), ("W_hy", "(V, H)"), ("W_xh", "(H, D)")):
        check_rank(f"params['{name}']", params[name], 2, layout)
    H, V = W_hh.shape[0], W_hy.shape[0]
    D = W_xh.shape[1] if D is None else D
    check_array_shape("params['W_hh']", W_hh, (H, H), f"(H, H) with H = {H}")
    check_array_shape("params['W_xh']", W_xh, (H, D), f"(H, D) with H = {H} from W_hh, D = {D}")
    check_array_shape("params['b_h']", b_h, (H,), f"(H,) with H = {H} from W_hh")
    check_array_shape("params['W_hy']", W_hy, (V, H), f"(V, H) with H = {H} from W_hh")
    check_array_shape("params['b_y']", b_y, (V,), f"(V,) with V = {V} from W_hy")
    return int(D), int(H), int(V)


def check_lm_inputs(x, targets, h0, params, nonlinearity="tanh") -> np.ndarray:
    """Check the arguments of :func:`elman_lm_loss` (and of tbptt, at its call); return targets as an array."""
    check_nonlinearity(nonlinearity)
    _, _, V = check_params(params)
    B, T, _, _ = check_sequence(x, {"h0": h0}, {"params['W_xh']": params["W_xh"], "params['W_hh']": params["W_hh"]},
                                {"params['b_h']": params["b_h"]})
    return check_targets("targets", targets, V, (B, T), "(B, T), one target per step of x")


def init_elman_lm(D: int, H: int, V: int, seed: int = 0) -> dict:
    """Random float64 parameters, uniform in ``[-1/sqrt(H), 1/sqrt(H)]`` as ``torch.nn.RNN`` draws them.

    -> {"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,), "W_hy": (V, H), "b_y": (V,)}.
    """
    D, H, V = (check_int(name, n, 1) for name, n in (("D", D), ("H", H), ("V", V)))
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
    check_lm_inputs(x, targets, h0, params, nonlinearity)
    p = params
    hs, rnn_cache = rnn_forward(x, h0, p["W_xh"], p["W_hh"], p["b_h"], nonlinearity)  # (B, T, H)
    logits, out_cache = temporal_affine_forward(hs, p["W_hy"], p["b_y"])  # (B, T, V)
    loss, dlogits = softmax_cross_entropy(logits, targets, counted)
    dhs, dW_hy, db_y = temporal_affine_backward(dlogits, out_cache)  # dhs (B, T, H)
    dx, dh0, dW_xh, dW_hh, db_h = rnn_backward(dhs, rnn_cache)
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y, "x": dx, "h0": dh0}
    return loss, grads, hs
