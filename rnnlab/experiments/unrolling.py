"""Untrained RNNs run forward: random weights at a chosen scale, and how long an input lasts.

Notebook 01 uses these to show what the recurrence does before any training: the
same weights at every step, a state that carries the past forward, and a memory
that fades or persists depending on the scale of the recurrent weights.
"""
from __future__ import annotations

import numpy as np

from rnnlab.byhand import jordan_forward, rnn_forward
from rnnlab.checks import check_float, check_int, check_nonempty, check_number, check_rank


def random_elman(D: int, H: int, scale: float = 1.0, seed: int = 0) -> dict:
    """Random Elman weights ``W_xh (H, D)``, ``W_hh (H, H)``, ``b_h (H,)``, float64.

    ``W_hh`` has i.i.d. N(0, scale²/H) entries, so its spectral radius is close to
    ``scale`` for large ``H`` (the circular law).
    """
    D, H, scale = check_int("D", D, 1), check_int("H", H, 1), check_number("scale", scale, 0.0)
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.normal(0, 1 / np.sqrt(D), (H, D)),
        "W_hh": rng.normal(0, scale / np.sqrt(H), (H, H)),
        "b_h": np.zeros(H),
    }


def random_jordan(D: int, H: int, V: int, scale: float = 1.0, seed: int = 0) -> dict:
    """Random Jordan weights ``W_xh (H, D)``, ``W_yh (H, V)``, ``b_h (H,)``, ``W_hy (V, H)``, ``b_y (V,)``.

    The loop ``y_{t-1} -> h_t -> y_t`` goes through ``W_yh`` and ``W_hy``; ``scale``
    sets the product's size the way it sets ``W_hh``'s in :func:`random_elman`.
    """
    D, H, V, scale = check_int("D", D, 1), check_int("H", H, 1), check_int("V", V, 1), check_number("scale", scale, 0.0)
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.normal(0, 1 / np.sqrt(D), (H, D)),
        "W_yh": rng.normal(0, np.sqrt(scale) / np.sqrt(V), (H, V)),
        "b_h": np.zeros(H),
        "W_hy": rng.normal(0, np.sqrt(scale) / np.sqrt(H), (V, H)),
        "b_y": np.zeros(V),
    }


def elman_states(x: np.ndarray, params: dict) -> np.ndarray:
    """Hidden states ``h_1..h_T`` of an Elman RNN from ``h_0 = 0``: x (B, T, D) -> (B, T, H)."""
    h0 = np.zeros((x.shape[0], params["W_hh"].shape[0]))
    return rnn_forward(x, h0, params["W_xh"], params["W_hh"], params["b_h"])[0]


def jordan_states(x: np.ndarray, params: dict) -> np.ndarray:
    """What a Jordan network feeds back, its outputs ``y_1..y_T``: x (B, T, D) -> (B, T, V)."""
    return jordan_forward(x, None, **params)[1]


def _nudge(D: int) -> np.ndarray:
    """The unit direction ``u`` (D,) in which ``x_1`` is nudged: every feature equally."""
    return np.full(D, 1 / np.sqrt(D))


def _influence(tangents: list) -> np.ndarray:
    """Norms of the tangents, one (B, S) array per step, averaged over the batch -> (T,)."""
    return np.array([np.linalg.norm(d, axis=1).mean() for d in tangents])


def elman_influence(x: np.ndarray, params: dict) -> np.ndarray:
    """How much each hidden state still depends on the first input: shape ``(T,)``.

    Entry ``t`` is ``||(dh_t/dx_1) u||`` averaged over the batch, ``u`` a unit
    nudge of ``x_1``. It is computed exactly by the chain rule, forward in time::

        d_1 = (1 - h_1**2) * (W_xh u)          d_t = (1 - h_t**2) * (W_hh d_{t-1})

    Large means the network still remembers ``x_1`` at step ``t``; near zero,
    it has forgotten. x (B, T, D).
    """
    check_float("x", x)
    check_rank("x", x, 3, "(B, T, D)")
    check_nonempty("x", x, 1)
    hs = elman_states(x, params)  # (B, T, H)
    d = (1 - hs[:, 0] ** 2) * (_nudge(x.shape[2]) @ params["W_xh"].T)  # (B, H)
    tangents = [d]
    for t in range(1, x.shape[1]):
        d = (1 - hs[:, t] ** 2) * (d @ params["W_hh"].T)
        tangents.append(d)
    return _influence(tangents)


def jordan_influence(x: np.ndarray, params: dict) -> np.ndarray:
    """Like :func:`elman_influence` for what a Jordan network carries, ``y_t``: shape ``(T,)``.

    ``d_t = (1 - h_t**2) * (W_yh W_hy d_{t-1})`` for the hidden tangent, and the
    carried tangent is ``W_hy d_t``. x (B, T, D).
    """
    check_float("x", x)
    check_rank("x", x, 3, "(B, T, D)")
    check_nonempty("x", x, 1)
    hs, _, _ = jordan_forward(x, None, **params)  # (B, T, H)
    d = (1 - hs[:, 0] ** 2) * (_nudge(x.shape[2]) @ params["W_xh"].T)  # (B, H)
    tangents = [d @ params["W_hy"].T]  # (B, V)
    for t in range(1, x.shape[1]):
        d = (1 - hs[:, t] ** 2) * (tangents[-1] @ params["W_yh"].T)
        tangents.append(d @ params["W_hy"].T)
    return _influence(tangents)


#: The sizes of notebook 01's untrained networks: inputs D, hidden H, outputs V, batch B.
D, H, V, B = 4, 32, 4, 8


def influence_curves(scale: float, T: int, seed: int = 0) -> dict:
    """``{"Elman": (T,), "Jordan": (T,)}``: the first input's influence at each step."""
    T = check_int("T", T, 1)
    x = np.random.default_rng(seed).normal(size=(B, T, D))
    elman, jordan = random_elman(D, H, scale, seed), random_jordan(D, H, V, scale, seed)
    return {
        "Elman": elman_influence(x, elman),
        "Jordan": jordan_influence(x, jordan),
    }
