"""How gradients flow back through time in a vanilla RNN: measured, bounded, clipped.

The recurrence (course symbols, one sequence, no batch)::

    a_t = W_hh h_{t-1} + W_xh x_t + b_h        a_t, h_t: (n,)
    h_t = f(a_t)

has the one-step Jacobian ``dh_t/dh_{t-1} = diag(f'(a_t)) W_hh``, so the gradient that
reaches step ``t`` from step ``T`` passes through the product::

    dh_T/dh_t = diag(f'(a_T)) W_hh · diag(f'(a_{T-1})) W_hh ··· diag(f'(a_{t+1})) W_hh

If ``|f'| <= gamma`` everywhere, each factor has spectral norm at most ``gamma * sigma_max``
(``sigma_max`` = the largest *singular value* of ``W_hh``), which gives Pascanu et al.
(2013)'s bound ``||dh_T/dh_t|| <= (gamma sigma_max)^(T-t)`` and their *sufficient* condition
for vanishing, ``sigma_max < 1/gamma``. The spectral radius (largest |eigenvalue|) does not
bound a product of *different* matrices: see :func:`nilpotent_example`.

Everything here is NumPy in float64 and never raises on overflow: values that do not fit
in float32 (what a network trains in) are reported, not hidden. :func:`hidden_gradient_norms`
measures the same quantity on a torch model with autograd.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NONLINEARITIES = ("tanh", "relu", "linear", "sigmoid")
INITS = ("gaussian", "orthogonal", "identity")
#: gamma: the largest |f'(a)| over all a, for each nonlinearity.
GAMMA = {"tanh": 1.0, "relu": 1.0, "linear": 1.0, "sigmoid": 0.25}
#: Beyond this a float32 network's gradient is inf: what we call overflow.
CEILING = float(np.finfo(np.float32).max)


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"{name}: expected one of {choices}, got {value!r}")


def _check_square(name: str, W) -> np.ndarray:
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise ValueError(f"{name}: expected a square 2-D matrix (n, n), got shape {W.shape}")
    return W


def activation(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """``f(a)`` elementwise for ``nonlinearity`` in :data:`NONLINEARITIES`; any shape."""
    _check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if nonlinearity == "tanh":
        return np.tanh(a)
    if nonlinearity == "relu":
        return np.maximum(a, 0.0)
    if nonlinearity == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -a))
    return np.array(a, dtype=np.float64)


def activation_derivative(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    """``f'(a)`` elementwise (ReLU: 1 where ``a > 0``, else 0); any shape; ``|f'| <= GAMMA``."""
    _check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if nonlinearity == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if nonlinearity == "relu":
        return (np.asarray(a) > 0).astype(np.float64)
    if nonlinearity == "sigmoid":
        s = activation(a, "sigmoid")
        return s * (1.0 - s)
    return np.ones_like(a, dtype=np.float64)


def recurrent_matrix(n: int, scale: float = 1.0, init: str = "gaussian", seed: int = 0) -> np.ndarray:
    """A recurrent matrix ``W_hh`` of shape ``(n, n)``, ``scale`` times a unit-size draw.

    - ``"gaussian"``: entries N(0, 1/n); spectral radius ≈ 1 (circular law) but
      ``sigma_max`` ≈ 2 for large ``n``, so ``scale`` is roughly the spectral radius.
    - ``"orthogonal"``: a random orthogonal matrix; every singular value and |eigenvalue| is 1.
    - ``"identity"``: ``I`` (Le et al. 2015's IRNN init, meant for ReLU).
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"recurrent_matrix: expected n to be a positive int, got {n!r}")
    if not np.isfinite(scale):
        raise ValueError(f"recurrent_matrix: expected a finite scale, got {scale!r}")
    _check_choice("init", init, INITS)
    rng = np.random.default_rng(seed)
    if init == "identity":
        base = np.eye(n)
    else:
        base = rng.normal(0.0, 1.0 / np.sqrt(n), size=(n, n))
        if init == "orthogonal":
            q, r = np.linalg.qr(base * np.sqrt(n))
            base = q * np.sign(np.diag(r))  # sign fix: Haar-distributed
    return scale * base


def spectral_radius(W) -> float:
    """The largest |eigenvalue| of the square matrix ``W`` (n, n)."""
    W = _check_square("W", W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def largest_singular_value(W) -> float:
    """``sigma_max(W)`` = the spectral norm ``||W||_2`` of the square matrix ``W`` (n, n)."""
    W = _check_square("W", W)
    return float(np.linalg.norm(W, 2))


def pascanu_bound(W_hh, nonlinearity: str, T: int) -> np.ndarray:
    """``(gamma * sigma_max)^(T - t)`` for ``t = 0..T``, shape ``(T + 1,)``; may hold ``inf``."""
    _check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"pascanu_bound: expected T to be a positive int, got {T!r}")
    factor = GAMMA[nonlinearity] * largest_singular_value(W_hh)
    with np.errstate(over="ignore", under="ignore"):
        return factor ** (T - np.arange(T + 1, dtype=np.float64))


def rnn_forward(x, W_hh, W_xh, b_h=None, h0=None, nonlinearity: str = "tanh"):
    """Run ``h_t = f(W_hh h_{t-1} + W_xh x_t + b_h)`` over one sequence.

    Args:
        x: inputs ``(T, D)``. W_hh: ``(n, n)``. W_xh: ``(n, D)``. b_h: ``(n,)`` or None (zeros).
        h0: ``(n,)`` or None (zeros).
    Returns:
        ``(a, h)``: pre-activations ``a_1..a_T`` and states ``h_1..h_T``, each ``(T, n)``.
        Overflow gives ``inf``/``nan`` entries rather than an error.
    """
    W_hh = _check_square("W_hh", W_hh)
    n = W_hh.shape[0]
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"rnn_forward: expected x of shape (T, D) with T >= 1, got shape {x.shape}")
    W_xh = np.asarray(W_xh, dtype=np.float64)
    if W_xh.shape != (n, x.shape[1]):
        raise ValueError(f"rnn_forward: expected W_xh of shape (n, D) = {(n, x.shape[1])}, got {W_xh.shape}")
    b_h = np.zeros(n) if b_h is None else np.asarray(b_h, dtype=np.float64)
    h = np.zeros(n) if h0 is None else np.asarray(h0, dtype=np.float64)
    if b_h.shape != (n,) or h.shape != (n,):
        raise ValueError(f"rnn_forward: expected b_h and h0 of shape (n,) = ({n},), got {b_h.shape} and {h.shape}")
    drive = x @ W_xh.T + b_h                                  # (T, n): W_xh x_t + b_h
    a_all, h_all = np.empty((len(x), n)), np.empty((len(x), n))
    with np.errstate(all="ignore"):
        for t in range(len(x)):
            a = W_hh @ h + drive[t]                           # (n,)
            h = activation(a, nonlinearity)
            a_all[t], h_all[t] = a, h
    return a_all, h_all


def product_norms(jacobians: np.ndarray) -> np.ndarray:
    """``||ds_T/ds_t||_2`` for ``t = 0..T`` from one-step Jacobians ``(T, S, S)``: shape ``(T + 1,)``.

    Entry ``T`` is 1. Overflow gives ``inf`` (or ``nan``) entries, never an error.
    """
    jacobians = np.asarray(jacobians, dtype=np.float64)
    if jacobians.ndim != 3 or jacobians.shape[1] != jacobians.shape[2]:
        raise ValueError(f"product_norms: expected jacobians of shape (T, S, S), got {jacobians.shape}")
    T, S = jacobians.shape[:2]
    products = np.empty((T + 1, S, S))
    J = np.eye(S)
    with np.errstate(all="ignore"):
        for t in range(T, -1, -1):
            products[t] = J
            if t > 0:
                J = J @ jacobians[t - 1]
    norms = np.full(T + 1, np.inf)
    finite = np.isfinite(products).all(axis=(1, 2))
    if finite.any():
        norms[finite] = np.linalg.svd(products[finite], compute_uv=False)[:, 0]
    norms[~finite & np.isnan(products).any(axis=(1, 2))] = np.nan
    return norms


def jacobian_norms(W_hh, a, nonlinearity: str) -> np.ndarray:
    """``||dh_T/dh_t||_2`` for ``t = 0..T``, shape ``(T + 1,)``; entry ``T`` is 1.

    ``a`` holds the pre-activations ``a_1..a_T`` ``(T, n)`` of a forward pass. The product
    is accumulated from ``t = T`` backwards, ``dh_T/dh_{t-1} = dh_T/dh_t diag(f'(a_t)) W_hh``,
    in float64; entries that overflowed are ``inf`` (or ``nan`` if the forward pass did).
    """
    W_hh = _check_square("W_hh", W_hh)
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != W_hh.shape[0]:
        raise ValueError(f"jacobian_norms: expected a of shape (T, n) with n = {W_hh.shape[0]}, got {a.shape}")
    d = activation_derivative(a, nonlinearity)  # (T, n): f'(a_t)
    with np.errstate(all="ignore"):
        jacobians = d[:, :, None] * W_hh[None]  # (T, n, n): dh_t/dh_{t-1} = diag(f'(a_t)) W_hh
    return product_norms(jacobians)


@dataclass
class GradientFlow:
    """One measurement of ``||dh_T/dh_t||`` against ``t``; arrays have shape ``(T + 1,)``."""

    t: np.ndarray
    norms: np.ndarray
    bound: np.ndarray
    sigma_max: float
    spectral_radius: float
    gamma: float
    nonlinearity: str
    init: str
    scale: float

    @property
    def T(self) -> int:
        return int(self.t[-1])

    @property
    def overflow(self) -> np.ndarray:
        """True where the norm is inf/nan or beyond what float32 holds (:data:`CEILING`)."""
        return ~np.isfinite(self.norms) | (np.nan_to_num(self.norms, nan=np.inf) > CEILING)

    @property
    def overflow_from(self) -> int | None:
        """The largest ``t`` whose gradient overflowed (it overflows for every earlier t too), or None."""
        over = np.flatnonzero(self.overflow)
        return int(over.max()) if over.size else None

    @property
    def below_bound(self) -> bool:
        """Every finite measured norm is at most the bound (up to rounding)."""
        ok = np.isfinite(self.norms) & np.isfinite(self.bound)
        return bool(np.all(self.norms[ok] <= self.bound[ok] * (1 + 1e-9) + 1e-300))

    @property
    def verdict(self) -> str:
        """``"explodes"``, ``"vanishes"`` or ``"holds"``, from the gradient reaching ``t = 0``."""
        first = self.norms[0]
        if not np.isfinite(first) or first > 1e3:
            return "explodes"
        return "vanishes" if first < 1e-3 else "holds"


def measure_gradient_flow(scale: float = 1.0, T: int = 50, nonlinearity: str = "tanh",
                          init: str = "gaussian", n: int = 32, input_std: float = 1.0,
                          seed: int = 0) -> GradientFlow:
    """Build ``W_hh = scale * init``, run a random input sequence, measure ``||dh_T/dh_t||``.

    The inputs ``x_t`` ``(T, 4)`` and ``W_xh`` ``(n, 4)`` are Gaussian (``input_std`` scales
    ``x_t``), ``b_h = 0``, ``h_0 = 0``; the same ``seed`` gives the same numbers.
    """
    _check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    _check_choice("init", init, INITS)
    if not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"measure_gradient_flow: expected T to be a positive int, got {T!r}")
    W_hh = recurrent_matrix(n, scale, init, seed)
    rng = np.random.default_rng(seed + 1)
    W_xh = rng.normal(0.0, 0.5, size=(n, 4))
    x = rng.normal(0.0, input_std, size=(T, 4))
    a, _ = rnn_forward(x, W_hh, W_xh, nonlinearity=nonlinearity)
    return GradientFlow(
        t=np.arange(T + 1), norms=jacobian_norms(W_hh, a, nonlinearity),
        bound=pascanu_bound(W_hh, nonlinearity, T), sigma_max=largest_singular_value(W_hh),
        spectral_radius=spectral_radius(W_hh), gamma=GAMMA[nonlinearity],
        nonlinearity=nonlinearity, init=init, scale=float(scale),
    )


def nilpotent_example(T: int = 12, nonlinearity: str = "tanh", saturation: float = 3.0) -> GradientFlow:
    """``W_hh = [[8, 8], [-8, -8]]``: all eigenvalues 0 (``W_hh @ W_hh = 0``), ``sigma_max = 16``.

    The constant input ``x_t = (-8 tanh(s), s + 8 tanh(s))`` with ``W_xh = I``, ``s = saturation``,
    and ``h_0 = (0, tanh(s))`` hold the tanh network on a fixed point where unit 1 sits at the
    centre of its linear range (``a_1 = 0``, ``f' = 1``) and unit 2 is saturated (``a_2 = s``,
    ``f' ≈ 0``). Then ``W D W = 8 (d_1 - d_2) W`` is not 0: every step multiplies the gradient by
    ``8 (1 - d_2) ≈ 7.9``. With ``nonlinearity="linear"`` the same inputs give ``W^2 = 0``: the
    gradient is exactly 0 two steps back. The fixed point is unstable (that *is* the explosion),
    so keep ``T`` below ~15 or float rounding pushes the state off it.
    """
    W_hh = np.array([[8.0, 8.0], [-8.0, -8.0]])
    tanh_s = np.tanh(saturation)
    x = np.tile([-8.0 * tanh_s, saturation + 8.0 * tanh_s], (T, 1))
    a, _ = rnn_forward(x, W_hh, np.eye(2), h0=np.array([0.0, tanh_s]), nonlinearity=nonlinearity)
    return GradientFlow(
        t=np.arange(T + 1), norms=jacobian_norms(W_hh, a, nonlinearity),
        bound=pascanu_bound(W_hh, nonlinearity, T), sigma_max=largest_singular_value(W_hh),
        spectral_radius=spectral_radius(W_hh), gamma=GAMMA[nonlinearity],
        nonlinearity=nonlinearity, init="nilpotent", scale=1.0,
    )


# ---------------------------------------------------------------- gradient clipping

def clip_by_norm(g, threshold: float):
    """Pascanu et al. (2013)'s clipping: if ``||g|| > threshold``, ``g <- threshold g / ||g||``.

    Returns ``(clipped, norm)``: the clipped copy of ``g`` (any shape) and ``||g||`` before
    clipping. The direction is kept; only the length changes. A non-finite ``g`` cannot be
    rescaled: the result is then all ``nan`` (skip that step, as ``rnnlab.training.loop`` does).
    """
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"clip_by_norm: expected a positive finite threshold, got {threshold!r}")
    g = np.asarray(g, dtype=np.float64)
    norm = float(np.linalg.norm(g))
    if not np.isfinite(norm):
        return np.full_like(g, np.nan), norm
    return (g * (threshold / norm) if norm > threshold else g.copy()), norm


def scalar_rnn_loss(w, b, T: int = 20, h0: float = 0.5, target: float = 0.5):
    """Loss ``(h_T - target)^2`` of the one-unit RNN ``h_t = tanh(w h_{t-1} + b)``.

    ``w`` and ``b`` broadcast (e.g. a grid ``(nb, 1)`` and ``(1, nw)``); the result has their
    broadcast shape. Near the bifurcation the loss has a cliff (Pascanu et al. 2013, Fig. 6).
    """
    w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
    h = np.full(np.broadcast(w, b).shape, float(h0))
    for _ in range(T):
        h = np.tanh(w * h + b)
    return (h - target) ** 2


def scalar_rnn_gradient(w: float, b: float, T: int = 20, h0: float = 0.5, target: float = 0.5) -> np.ndarray:
    """``(dL/dw, dL/db)`` of :func:`scalar_rnn_loss` at one point, by forward-mode BPTT. Shape (2,)."""
    h, dh_dw, dh_db = float(h0), 0.0, 0.0
    for _ in range(T):
        h_new = np.tanh(w * h + b)
        d = 1.0 - h_new ** 2                                  # f'(a_t)
        dh_dw, dh_db = d * (h + w * dh_dw), d * (1.0 + w * dh_db)
        h = h_new
    return 2.0 * (h - target) * np.array([dh_dw, dh_db])


#: A point on the cliff of the one-unit RNN's loss (T = 20, target 0.5), and the step size.
CLIFF_POINT = (1.489, -0.2)
CLIFF_LR = 0.05


@lru_cache(maxsize=1)
def cliff_landscape() -> np.ndarray:
    """The loss of the one-unit RNN on a grid, w in [0, 3] (241 columns), b in [-1, 1] (161 rows)."""
    w = np.linspace(0.0, 3.0, 241)
    b = np.linspace(-1.0, 1.0, 161)
    return scalar_rnn_loss(w[None, :], b[:, None])


def clipping_step(threshold: float = 5.0, lr: float = CLIFF_LR, point=CLIFF_POINT) -> dict:
    """One gradient step of the one-unit RNN from ``point`` on its cliff, raw and clipped by norm.

    Returns ``grad_norm``, ``raw_step`` and ``clipped_step`` (arrays (2,), ``-lr * g`` and
    ``-lr * clip(g)``), and the loss at the start (``start_loss``) and where each step lands
    (``raw_loss``, ``clipped_loss``), and the gradient's norm where the raw step lands
    (``raw_end_grad_norm``).
    """
    w0, b0 = point
    g = scalar_rnn_gradient(w0, b0)
    clipped, norm = clip_by_norm(g, threshold)
    raw_step, clipped_step = -lr * g, -lr * clipped
    start = float(scalar_rnn_loss(w0, b0))
    with np.errstate(all="ignore"):
        raw_loss = float(scalar_rnn_loss(w0 + raw_step[0], b0 + raw_step[1]))
        clipped_loss = float(scalar_rnn_loss(w0 + clipped_step[0], b0 + clipped_step[1]))
        raw_end_grad = float(np.linalg.norm(scalar_rnn_gradient(w0 + raw_step[0], b0 + raw_step[1])))
    return dict(grad_norm=norm, raw_step=raw_step, clipped_step=clipped_step, start_loss=start,
                raw_loss=raw_loss, clipped_loss=clipped_loss, raw_end_grad_norm=raw_end_grad)


# ---------------------------------------------------------------- torch models

def hidden_gradient_norms(rnn, head, x, y, loss_fn) -> np.ndarray:
    """``||dL/dh_t||`` for ``t = 1..T`` of a torch RNN, measured by autograd. Shape ``(T,)``.

    ``rnn`` is a one-layer ``torch.nn.RNN``-like module with ``batch_first=True``; it is run
    one step at a time so each ``h_t`` is a tensor we can ask for its gradient. ``head``
    maps the last state ``(B, H)`` to outputs, ``loss_fn(outputs, y)`` gives a scalar.
    ``x``: ``(B, T, D)``. The norm is taken over the whole batch.
    """
    if x.ndim != 3:
        raise ValueError(f"hidden_gradient_norms: expected x of shape (B, T, D), got {tuple(x.shape)}")
    h, states = None, []
    for t in range(x.shape[1]):
        _, h = rnn(x[:, t:t + 1], h)                          # h: (1, B, H)
        h.retain_grad()
        states.append(h)
    loss = loss_fn(head(h[-1]), y)
    loss.backward()
    return np.array([float(s.grad.norm()) for s in states])


# ---------------------------------------------------------------- exercise feedback

#: Notebook 03, exercise 2: setting -> (gamma * sigma_max, why).
VANISHING_QUIZ = {
    "tanh, orthogonal W_hh x 0.9": (0.9, "gamma = 1 and every singular value of an orthogonal matrix x 0.9 is 0.9"),
    "sigmoid, orthogonal W_hh x 3.5": (0.875, "gamma = 1/4 for the sigmoid, so gamma * sigma_max = 3.5 / 4 = 0.875"),
    "relu, identity W_hh x 1.0": (1.0, "gamma * sigma_max = 1 exactly, and the condition needs < 1"),
    "tanh, [[8, 8], [-8, -8]]": (16.0, "sigma_max = 16 (its eigenvalues are 0, but the condition is on singular values)"),
}


def check_vanishing_guarantees(answers: dict) -> bool:
    """Self-check for exercise 2: is vanishing *guaranteed* (``gamma * sigma_max < 1``)?

    ``answers`` maps each setting of :data:`VANISHING_QUIZ` to ``True`` or ``False``. Prints
    one line per setting (what is right, or why not) and returns whether all are right.
    """
    if not isinstance(answers, dict):
        raise TypeError(f"check_vanishing_guarantees: expected a dict setting -> True/False, got {type(answers).__name__}")
    all_ok = True
    for setting, (factor, why) in VANISHING_QUIZ.items():
        given = answers.get(setting)
        truth = factor < 1
        if given is None:
            ok, text = False, f"{setting}: no answer yet (write True or False)."
        elif not isinstance(given, (bool, np.bool_)):
            ok, text = False, f"{setting}: expected True or False, got {given!r}."
        elif bool(given) == truth:
            ok, text = True, f"{setting}: {truth} is right — {why}."
        else:
            ok, text = False, (f"{setting}: not {given}. Compute gamma * sigma_max = {factor:g}: {why}; "
                               f"vanishing is guaranteed only when it is < 1.")
        print(("✅ " if ok else "❌ ") + text)
        all_ok &= ok
    return all_ok
