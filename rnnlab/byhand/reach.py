"""How far back a gradient reaches: full BPTT against truncated BPTT(k1=1, k2) (notebook 02).

The measurement: take the loss at the **last** step only, ``L_{T-1}``, and compute its
gradient with respect to every earlier input ``x_s`` and to ``W_hh``:

* full BPTT (:func:`rnnlab.byhand.elman_lm_loss` with only the last step counted) sends
  gradient to every ``x_s``, weaker the further back;
* truncated BPTT (:func:`rnnlab.byhand.tbptt` with ``k1 = 1``: an update after every step,
  each backpropagating ``k2`` steps) sends gradient to ``x_s`` only for
  ``s >= T - k2``: exactly zero beyond, and its ``dW_hh`` misses those steps' terms.

Shapes: ``x (B, T, D)``, ``targets (B, T)``, ``h0 (B, H)``; params as in
:mod:`rnnlab.byhand.elman_lm`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rnnlab.checks import check_int, check_number

from .elman_lm import check_lm_inputs, elman_lm_loss, init_elman_lm
from .tbptt import tbptt


@dataclass
class Reach:
    """Gradients of the last step's loss: per-input norms and dW_hh."""

    input_norms: np.ndarray  # (T,): ||dL_{T-1}/dx_s||, s = 0 .. T-1 (norm over batch and features)
    dW_hh: np.ndarray  # (H, H)


def _check_reach(x, targets, h0, params, k2) -> None:
    check_lm_inputs(x, targets, h0, params)
    if k2 is not None:
        check_int("k2", k2, 1)


def late_loss_reach(x, targets, h0, params: dict, k2: int | None = None) -> Reach:
    """The last step's loss's gradient, by full BPTT (``k2=None``) or by TBPTT(k1=1, k2)."""
    _check_reach(x, targets, h0, params, k2)
    B, T, _ = x.shape
    if k2 is None:
        last = np.zeros((B, T), dtype=bool)
        last[:, -1] = True
        _, grads, _ = elman_lm_loss(x, targets, h0, params, counted=last)
        dx, dW_hh = grads["x"], grads["W_hh"]
    else:
        *_, update = tbptt(x, targets, h0, params, k1=1, k2=min(k2, T))  # the last update: L_{T-1} only
        dx = np.zeros_like(x)
        dx[:, update.reach.start:update.reach.stop] = update.dx
        dW_hh = update.grads["W_hh"]
    return Reach(np.sqrt((dx**2).sum(axis=(0, 2))), dW_hh)


def reach_problem(T: int = 40, scale: float = 2.0, B: int = 4, D: int = 8, H: int = 32, seed: int = 0):
    """A random Elman RNN + softmax and random one-hot inputs: ``(x, targets, h0, params)``.

    ``W_hh`` is the course's uniform initialisation times ``scale`` (``scale=2`` puts its
    spectral radius near 1.15, so gradients fade slowly and the truncation shows).
    """
    T, B = check_int("T", T, 1), check_int("B", B, 1)  # D and H: init_elman_lm checks them
    scale = check_number("scale", scale, finite=True, what="the factor on W_hh")
    rng = np.random.default_rng(seed)
    params = init_elman_lm(D, H, D, seed=seed)
    params["W_hh"] = params["W_hh"] * scale
    x = np.eye(D)[rng.integers(0, D, size=(B, T))]  # (B, T, D) one-hot
    targets = rng.integers(0, D, size=(B, T))
    return x, targets, np.zeros((B, H)), params


def truncation_error(x, targets, h0, params: dict, k2s) -> np.ndarray:
    """For each ``k2`` in ``k2s``: ``||dW_hh(TBPTT k2) - dW_hh(full)|| / ||dW_hh(full)||`` -> (len(k2s),)."""
    if isinstance(k2s, (str, bytes)) or not hasattr(k2s, "__iter__"):
        raise TypeError(f"k2s: expected a list of truncation lengths k2, got {k2s!r}; for one, pass [{k2s!r}]")
    full = late_loss_reach(x, targets, h0, params).dW_hh
    norm = np.linalg.norm(full)
    return np.array([np.linalg.norm(late_loss_reach(x, targets, h0, params, k).dW_hh - full) / norm for k in k2s])


@lru_cache(maxsize=32)
def reach_curves(scale: float, T: int, seed: int):
    """Full BPTT and TBPTT(1, k2) for every k2 = 1..T on one problem, computed once per scale.

    -> full input norms (T,), truncated input norms {k2: (T,)}, dW_hh errors (T,) for k2 = 1..T.
    """
    problem = reach_problem(T=T, scale=scale, seed=seed)
    full = late_loss_reach(*problem)
    runs = {k2: late_loss_reach(*problem, k2=k2) for k2 in range(1, T + 1)}
    norm = np.linalg.norm(full.dW_hh)
    errors = np.array([np.linalg.norm(runs[k2].dW_hh - full.dW_hh) / norm for k2 in range(1, T + 1)])
    return full.input_norms, {k2: run.input_norms for k2, run in runs.items()}, errors
