"""The course's training loop: seeded, with a progress bar, gradient clipping and a log.

Every notebook trains through :func:`train`, so they all clip, log and fail the
same way::

    log = train(model, batches, loss_fn, optimizer=torch.optim.Adam(model.parameters(), 1e-3),
                steps=500, clip=1.0, seed=0)
    plt.plot(log.steps, log.losses)

``loss_fn(model, batch)`` returns a scalar loss tensor. ``batches`` is an iterable
of batches (cycled if it runs out) or a callable ``batches(step) -> batch``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import torch
from tqdm.auto import tqdm

from rnnlab.course.runtime import evaluating, seed_everything, to_device


class TrainingDiverged(FloatingPointError):
    """The loss or the gradient became NaN or infinite."""


@dataclass
class TrainLog:
    """What :func:`train` measured, one entry per logged step.

    ``grad_norms`` are the total gradient norms *before* clipping; ``clipped``
    says whether clipping rescaled that step's gradient. ``evals`` holds
    ``(step, metrics)`` pairs from the ``evaluate`` callback.
    """

    steps: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    clipped: list = field(default_factory=list)
    evals: list = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        if not self.losses:
            raise ValueError("TrainLog.final_loss: no steps were logged")
        return self.losses[-1]


def _batch_source(batches):
    if callable(batches):
        return batches
    if not hasattr(batches, "__iter__"):
        raise TypeError(
            f"train: expected batches to be an iterable of batches or a callable step -> batch, "
            f"got {type(batches).__name__}"
        )
    state = {"it": iter(batches)}

    def next_batch(step):
        try:
            return next(state["it"])
        except StopIteration:
            state["it"] = iter(batches)
            try:
                return next(state["it"])
            except StopIteration:
                raise ValueError("train: batches is empty; expected at least one batch") from None

    return next_batch


def _diverged(what: str, step: int, value: float, log: TrainLog) -> TrainingDiverged:
    last = f"; last finite loss {log.losses[-1]:.4g} at step {log.steps[-1]}" if log.losses else ""
    return TrainingDiverged(
        f"training stopped at step {step}: the {what} is {value}{last}. "
        f"Try a smaller learning rate, gradient clipping (clip=1.0), or check the inputs for NaN."
    )


def train(
    model: torch.nn.Module,
    batches,
    loss_fn: Callable,
    *,
    optimizer: torch.optim.Optimizer,
    steps: int,
    clip: float | None = None,
    seed: int | None = 0,
    log_every: int = 1,
    evaluate: Callable | None = None,
    eval_every: int = 0,
    progress: bool = True,
    desc: str = "training",
    device: torch.device | str | None = None,
) -> TrainLog:
    """Train ``model`` for ``steps`` optimizer steps and return a :class:`TrainLog`.

    Args:
        batches: an iterable of batches (restarted when exhausted) or ``batches(step)``.
        loss_fn: ``loss_fn(model, batch) -> loss``, a scalar tensor.
        clip: if given, rescale the gradient to total norm at most ``clip``.
        seed: seeds Python, NumPy and torch before the first step (``None``: leave as is).
        log_every: record loss and gradient norm every this many steps (and the last).
        evaluate: optional ``evaluate(model) -> dict`` run every ``eval_every`` steps
            and after the last, in ``model.eval()`` mode under ``torch.no_grad()``.
        progress: show a progress bar (tqdm's notebook-aware bar).
        device: if given, the model is moved there (before the first step) and so is every
            batch (its tensors, in tuples, lists or dicts); notebooks pass
            ``rnnlab.course.runtime.get_device()``. The parameters move in place, so an optimizer
            made before the call (and not yet stepped) keeps working.

    Raises:
        TrainingDiverged: when the loss or the gradient norm becomes NaN or infinite;
            the message names the step and the last finite loss.
    """
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"train: expected steps to be a positive int, got {steps!r}")
    if clip is not None and not clip > 0:
        raise ValueError(f"train: expected clip to be a positive number or None, got {clip!r}")
    if log_every < 1:
        raise ValueError(f"train: expected log_every >= 1, got {log_every}")
    if seed is not None:
        seed_everything(seed)
    next_batch = _batch_source(batches)
    if device is not None:
        device = torch.device(device)
        model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    log = TrainLog()
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, leave=True)
    model.train()
    for step in bar:
        batch = next_batch(step)
        loss = loss_fn(model, batch if device is None else to_device(batch, device))
        if loss.ndim != 0:
            raise ValueError(f"train: loss_fn must return a scalar tensor, got shape {tuple(loss.shape)}")
        value = loss.item()
        if not math.isfinite(value):
            bar.close()
            raise _diverged("loss", step, value, log)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = float(torch.nn.utils.clip_grad_norm_(params, clip if clip is not None else math.inf))
        if not math.isfinite(norm):
            bar.close()
            raise _diverged("gradient norm", step, norm, log)
        optimizer.step()
        if step % log_every == 0 or step == steps:
            log.steps.append(step)
            log.losses.append(value)
            log.grad_norms.append(norm)
            log.clipped.append(clip is not None and norm > clip)
            bar.set_postfix(loss=f"{value:.4f}", refresh=False)
        if evaluate is not None and ((eval_every and step % eval_every == 0) or step == steps):
            with evaluating(model), torch.no_grad():
                log.evals.append((step, evaluate(model)))
    bar.close()
    return log
