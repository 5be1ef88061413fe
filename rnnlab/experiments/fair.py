"""Fair comparisons: a learning rate tuned per contender, several seeds, the spread kept.

The course compares models (RNN vs LSTM vs GRU, uni- vs bidirectional, attention vs none, ...) only
this way. Each contender gets the same budget (the ``run`` function decides it: same steps, same
data); its learning rate is tuned on a small grid with the first seed, then it runs again with
the other seeds at the rate it liked best. A claim "A beats B" holds only if A's *worst* seed beats
B's *best* (:func:`clearly_better`)::

    def run(name, lr, seed):            # trains a fresh model
        ...
        return test_score, n_params, valid_score
    results = compare(["RNN", "LSTM"], run, lrs=[1e-3, 3e-3, 1e-2], seeds=[0, 1, 2])
    print(table(results, "test MSE"))
    clearly_better(results["LSTM"], results["RNN"])      # lower is better by default

The grid chooses by the validation score, so that the test data chooses nothing. (A ``run`` that
returns only ``(test_score, n_params)`` has the grid choose by the test score: for tests of this
module, not for a notebook's claims.)

In quick mode a notebook cannot afford the grid: it passes ``tuned={name: lr}`` (the rates full
mode found, kept in the claims ledger) and one seed, and says that its run is one draw of the
spread full mode recorded.
"""
from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence


@dataclass
class Contender:
    """One contender's measurements: its tuned learning rate, its score for every seed.

    ``grid`` maps each learning rate tried to the score it was chosen by (the validation score, or
    the test score when ``run`` gives none) with the first seed (empty when the rate was given, not
    tuned). ``scores`` are the scores at the chosen ``lr``, one per seed, in
    ``seeds``' order. ``params`` is the model's parameter count; ``seconds`` the wall time of all
    its runs. ``kept`` maps each seed to what ``run`` handed back beside its scores at the chosen
    ``lr`` (the trained model, its log, ...), if it handed anything back.
    """

    name: str
    lr: float
    seeds: list
    scores: list
    params: int
    grid: dict = field(default_factory=dict)
    seconds: float = 0.0
    lower_is_better: bool = True
    kept: dict = field(default_factory=dict)

    @property
    def best(self) -> float:
        return min(self.scores) if self.lower_is_better else max(self.scores)

    @property
    def worst(self) -> float:
        return max(self.scores) if self.lower_is_better else min(self.scores)

    @property
    def median(self) -> float:
        ordered = sorted(self.scores)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _check_score(name, lr, seed, out):
    """``(test, params, chosen by, kept)`` from what ``run`` returned."""
    if not (isinstance(out, tuple) and len(out) in (2, 3, 4)):
        raise TypeError(f"compare: run({name!r}, {lr}, {seed}) should return (test score, parameter count), "
                        f"(test score, parameter count, validation score) or those three and what to keep, "
                        f"got {out!r}")
    score, params = out[:2]
    valid = out[2] if len(out) > 2 else score
    kept = out[3] if len(out) > 3 else None
    for what, value in (("score", score), ("validation score", valid)):
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"compare: run({name!r}, lr={lr}, seed={seed}) gave the {what} {value!r}; "
                             f"expected a finite number")
    return float(score), int(params), float(valid), kept


def compare(names: Sequence[str], run: Callable, *, seeds: Sequence[int], lrs: Sequence[float] = (),
            tuned: dict | None = None, lower_is_better: bool = True) -> dict:
    """Run every contender with its tuned learning rate on every seed; return ``{name: Contender}``.

    Args:
        names: the contenders, passed to ``run``.
        run: ``run(name, lr, seed) -> (test score, parameter count, validation score[, kept])``;
            trains a fresh model with that seed and evaluates it. The budget (steps, batch, data) is
            the same for every name. The validation score may be left out (see the module's
            docstring); ``kept`` (the model, its log, ...) is handed back in ``Contender.kept``
            for the seeds at the chosen rate.
        seeds: at least one; the first also tunes the learning rate.
        lrs: the grid, tried for each contender with ``seeds[0]`` (when ``tuned`` is not given).
        tuned: ``{name: lr}``, rates found before (in full mode): skips the grid.
        lower_is_better: True for losses and errors, False for accuracies.
    """
    if isinstance(names, str) or not all(isinstance(n, str) for n in names) or not names:
        raise TypeError(f"compare: expected names, a non-empty list of contender names (str), got {names!r}")
    if not callable(run):
        raise TypeError(f"compare: expected run, a callable run(name, lr, seed), got {type(run).__name__}")
    if isinstance(seeds, int) or not hasattr(seeds, "__len__"):
        raise TypeError(f"compare: expected seeds, a list of ints such as [0, 1, 2], got {seeds!r}")
    if not seeds:
        raise ValueError("compare: expected at least one seed, got none")
    bad = [lr for lr in lrs if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0]
    if bad:
        raise ValueError(f"compare: expected learning rates > 0 in lrs, got {bad!r}")
    if tuned is None and not lrs:
        raise ValueError("compare: expected a grid of learning rates (lrs) or the tuned rates (tuned={name: lr})")
    if tuned is not None:
        missing = [n for n in names if n not in tuned]
        if missing:
            raise ValueError(f"compare: tuned has no learning rate for {missing}; it has {sorted(tuned)}")
    pick = min if lower_is_better else max
    results = {}
    for name in names:
        start = time.perf_counter()
        grid, tests, first_kept, params = {}, {}, {}, 0
        if tuned is None:
            for lr in lrs:
                tests[lr], params, grid[lr], first_kept[lr] = _check_score(name, lr, seeds[0], run(name, lr, seeds[0]))
            lr = pick(grid, key=grid.get)
            scores, kept = [tests[lr]], {seeds[0]: first_kept[lr]}
            rest = list(seeds[1:])
        else:
            lr, scores, kept, rest = tuned[name], [], {}, list(seeds)
        for seed in rest:
            score, params, _, kept[seed] = _check_score(name, lr, seed, run(name, lr, seed))
            scores.append(score)
        results[name] = Contender(name, lr, list(seeds), scores, params, grid,
                                  time.perf_counter() - start, lower_is_better, kept)
    return results


def clearly_better(a: Contender, b: Contender) -> bool:
    """True when ``a``'s worst seed beats ``b``'s best: the spreads do not overlap."""
    if a.lower_is_better != b.lower_is_better:
        raise ValueError(f"clearly_better: {a.name} and {b.name} disagree on whether lower is better")
    return a.worst < b.best if a.lower_is_better else a.worst > b.best


def table(results: dict, score: str, fmt: str = ".4f") -> str:
    """A text table: contender, parameters, learning rate, and min / median / max over the seeds."""
    w = max([6] + [len(name) for name in results])
    rows = [f"{'':{w}s} {'params':>7s} {'lr':>7s}   {score}: min / median / max over {{n}}"]
    n = 0
    for c in results.values():
        n = len(c.scores)
        lo, hi = min(c.scores), max(c.scores)
        rows.append(f"{c.name:{w}s} {c.params:7d} {c.lr:7.0e}   {lo:{fmt}} / {c.median:{fmt}} / {hi:{fmt}}")
    rows[0] = rows[0].format(n=f"{n} seed" + ("s" if n != 1 else ""))
    return "\n".join(rows)
