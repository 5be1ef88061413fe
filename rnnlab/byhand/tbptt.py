"""Truncated backpropagation through time, TBPTT(k1, k2), for an Elman RNN with a softmax output.

Williams & Peng (1990) call it BPTT(h; h'); Sutskever (2013) writes TBPTT(k1, k2):
**every k1 steps, backpropagate through the last k2 steps** (``1 <= k1 <= k2``).

Precisely, with steps numbered ``0 .. T-1``, update ``u = 0, 1, ...`` covers

* ``steps = range(start, stop)`` with ``start = u*k1``, ``stop = min(start + k1, T)``:
  the update's loss is the mean cross-entropy over these steps (and the batch);
* ``reach = range(back, stop)`` with ``back = max(0, start - (k2 - k1))``: the gradient
  flows back through these steps only, i.e. through the update's own steps and the
  ``k2 - k1`` before them, the last ``k2`` steps. The hidden state entering step
  ``back`` is a constant (carried forward from earlier updates, with no gradient: it is
  "detached").

So the loss at step ``t`` of an update sends gradient to ``x_s`` and ``h_s`` only for
``back <= s <= t``: never for ``s < t - k2 + 1``. The last step of each full update sees
``k2`` steps of history, the first sees ``k2 - k1 + 1``. When ``T`` is not a multiple of
``k1`` the final update is shorter and keeps the same ``back`` (as chunked TBPTT in
torch does). Special cases:

* ``k1 = k2 = T``: one update, exactly full BPTT;
* ``k1 = k2 = k``: the usual chunked TBPTT (in torch: ``h = h.detach()`` every k steps);
* ``k1 = 1``: an update after every step, each looking ``k2`` steps back (online learning).

Each update runs the forward pass from the stored state at ``back`` with the parameters
as they are *then*, so a training loop may change ``params`` in place between updates::

    for update in tbptt(x, targets, h0, params, k1=5, k2=10):
        for name, grad in update.grads.items():
            params[name] -= lr * grad
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from rnnlab.checks import check_int

from .elman_lm import check_lm_inputs, elman_lm_loss


@dataclass
class TBPTTUpdate:
    """One truncated update: what it counted, how far its gradient reached, the gradient."""

    loss: float  # mean cross-entropy over `steps` (and the batch)
    grads: dict  # parameter name -> gradient, shaped like params[name]
    steps: range  # the time steps whose losses count: range(start, stop)
    reach: range  # the time steps the gradient flows through: range(back, stop)
    dx: np.ndarray  # (B, len(reach), D): gradient on x[:, back:stop]; zero on every other step
    h: np.ndarray  # (B, H): hidden state after step stop - 1, carried to the next update


def _check_k(k1, k2) -> None:
    for name, k in (("k1", k1), ("k2", k2)):
        check_int(name, k, 1, expected="a positive integer number of steps")
    if k2 < k1:
        raise ValueError(
            f"k2: expected k2 >= k1 (k1 = {k1}), got k2 = {k2}; with k2 < k1 the first "
            f"k1 - k2 losses of each update would get no gradient at all"
        )


def tbptt(x, targets, h0, params: dict, k1: int, k2: int, nonlinearity="tanh") -> Iterator[TBPTTUpdate]:
    """Walk a long sequence, yielding one :class:`TBPTTUpdate` every ``k1`` steps (see module docstring).

    x (B, T, D), targets (B, T) integers in [0, V), h0 (B, H),
    params {"W_xh", "W_hh", "b_h", "W_hy", "b_y"} (read afresh at every update),
    k1: update every k1 steps; k2: backpropagate k2 steps (k1 <= k2)
    -> an iterator of ceil(T / k1) updates; ``list(tbptt(...))`` collects them.
    Bad arguments raise here, at the call, not at the first update.
    """
    _check_k(k1, k2)
    targets = check_lm_inputs(x, targets, h0, params, nonlinearity)  # here, not at the first update
    return _updates(x, targets, h0, params, k1, k2, nonlinearity)


def _updates(x, targets, h0, params, k1, k2, nonlinearity) -> Iterator[TBPTTUpdate]:
    B, T, _ = x.shape
    states = np.empty((B, T + 1, h0.shape[1]), dtype=np.result_type(x, h0))  # states[:, s] enters step s
    states[:, 0] = h0
    for start in range(0, T, k1):
        stop = min(start + k1, T)
        back = max(0, start - (k2 - k1))
        counted = np.zeros((B, stop - back), dtype=bool)  # only this update's own steps count
        counted[:, start - back :] = True
        loss, grads, hs = elman_lm_loss(
            x[:, back:stop], targets[:, back:stop], states[:, back], params, counted, nonlinearity
        )
        states[:, back + 1 : stop + 1] = hs  # carried forward, without gradient
        dx = grads.pop("x")
        grads.pop("h0")  # the gradient on the state entering `back` is dropped: the truncation
        yield TBPTTUpdate(loss, grads, range(start, stop), range(back, stop), dx, hs[:, -1].copy())
