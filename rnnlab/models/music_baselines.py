"""Baselines for next-frame NLL on piano rolls, in nats per frame (notebook 15).

Each predicts every key of frame ``t+1`` independently, as the RNNs do, and is scored on the same
frames (``1..T-1`` of every roll), so its number sits beside theirs:

- **coin flips**: ``p = 0.5`` for every key: ``88 ln 2 = 61.0`` nats per frame, whatever the music;
- **key frequencies** (unigram): ``p_k`` = how often key ``k`` sounds in a training frame, with
  add-one smoothing (Laplace): knows the chorales' range, not what came before;
- **per-key Markov**: ``p(key k on | it was on / off in frame t)``, counted per key on the training
  rolls with add-one smoothing: "notes tend to be held", the cheapest use of the previous frame.
"""
from __future__ import annotations

import math

import numpy as np

from rnnlab.data.chorales import N_KEYS, check_roll


def _rolls(name: str, rolls) -> list:
    if isinstance(rolls, np.ndarray) or not hasattr(rolls, "__len__"):
        raise TypeError(f"{name}: expected a list of piano rolls (T, 88), got {type(rolls).__name__}")
    if len(rolls) == 0:
        raise ValueError(f"{name}: expected at least one piano roll, got an empty list")
    for b, roll in enumerate(rolls):
        check_roll(f"{name}[{b}]", roll)
        if len(roll) < 2:
            raise ValueError(f"{name}[{b}]: expected at least 2 frames (one in, one predicted), got {len(roll)}")
    return [np.asarray(r, dtype=np.float64) for r in rolls]


def _bernoulli_nll(p: np.ndarray, x: np.ndarray) -> float:
    """Total NLL (nats) of 0/1 ``x`` under independent Bernoullis ``p`` (same shape)."""
    return float(-(x * np.log(p) + (1 - x) * np.log1p(-p)).sum())


def coin_flip_nll() -> float:
    """``p = 0.5`` for each of the 88 keys: ``88 ln 2`` nats per frame."""
    return N_KEYS * math.log(2)


def key_frequency_nll(train_rolls, eval_rolls) -> float:
    """Nats per predicted frame of ``eval_rolls`` under each key's smoothed frequency in ``train_rolls``."""
    train, test = _rolls("train_rolls", train_rolls), _rolls("eval_rolls", eval_rolls)
    frames = np.concatenate(train)                                       # (N, 88)
    p = (frames.sum(0) + 1) / (len(frames) + 2)                          # (88,) add-one smoothing
    targets = np.concatenate([r[1:] for r in test])                      # the frames the RNNs predict
    return _bernoulli_nll(np.broadcast_to(p, targets.shape), targets) / len(targets)


def key_markov_nll(train_rolls, eval_rolls) -> float:
    """Nats per predicted frame of ``eval_rolls`` under ``p(x_{t+1,k} = 1 | x_{t,k})``, counted per key
    on ``train_rolls`` with add-one smoothing."""
    train, test = _rolls("train_rolls", train_rolls), _rolls("eval_rolls", eval_rolls)
    before = np.concatenate([r[:-1] for r in train])                     # (N, 88) x_t
    after = np.concatenate([r[1:] for r in train])                       # (N, 88) x_{t+1}
    p_on_after_on = ((before * after).sum(0) + 1) / (before.sum(0) + 2)            # (88,)
    p_on_after_off = (((1 - before) * after).sum(0) + 1) / ((1 - before).sum(0) + 2)
    x_t = np.concatenate([r[:-1] for r in test])
    targets = np.concatenate([r[1:] for r in test])
    p = np.where(x_t > 0.5, p_on_after_on, p_on_after_off)
    return _bernoulli_nll(p, targets) / len(targets)
