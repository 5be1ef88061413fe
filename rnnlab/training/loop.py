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

import numpy as np
import torch
from tqdm.auto import tqdm

from rnnlab.checks import check_bool, check_int, check_number
from rnnlab.course.runtime import evaluating, seed_everything, to_device


class TrainingDiverged(FloatingPointError):
    """The loss, the gradient or the weights became NaN or infinite."""


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
    """``next_batch(step)``: ``batches`` itself if callable, else the next item of ``batches``, restarted
    when it runs out. The kinds that iterate into something other than batches are refused."""
    if callable(batches):
        return batches
    expected = "an iterable of batches or a callable step -> batch (e.g. a list of batches)"
    if isinstance(batches, (str, bytes)):
        raise TypeError(f"train: expected batches to be {expected}, got a {type(batches).__name__}, "
                        f"which would be read one character per batch")
    if isinstance(batches, dict):
        raise TypeError(f"train: expected batches to be {expected}, got a dict, which iterates over its keys; "
                        f"for one batch pass [batch]")
    if isinstance(batches, (torch.Tensor, np.ndarray)):
        raise TypeError(f"train: expected batches to be {expected}, got a {type(batches).__name__} of shape "
                        f"{tuple(batches.shape)}, which iterates over its rows; for one batch pass [x]")
    if isinstance(batches, tuple) and any(isinstance(b, torch.Tensor) for b in batches):
        raise TypeError(f"train: expected batches to be {expected}, got a tuple of {len(batches)} items with "
                        f"tensors among them, which train would read as {len(batches)} separate batches; "
                        f"for one batch (x, y) pass [(x, y)]")
    if not hasattr(batches, "__iter__"):
        raise TypeError(f"train: expected batches to be {expected}, got {type(batches).__name__}")
    state = {"it": iter(batches), "served": 0}

    def next_batch(step):
        try:
            batch = next(state["it"])
        except StopIteration:
            if state["served"] and iter(batches) is batches:  # an iterator or generator: read once
                raise ValueError(f"train: batches ran out after {state['served']} batch(es) at step {step} and "
                                 f"cannot start over (it is an iterator or a generator, read once); pass a list "
                                 f"of batches or a callable step -> batch") from None
            state["it"] = iter(batches)
            try:
                batch = next(state["it"])
            except StopIteration:
                raise ValueError("train: batches is empty; expected at least one batch") from None
        state["served"] += 1
        return batch

    return next_batch


def _check_loss(loss, step: int) -> None:
    """What ``loss_fn`` returned: a scalar tensor with a gradient to follow."""
    if not isinstance(loss, torch.Tensor):
        hint = ("; return the loss tensor itself, not loss.item() or float(loss): a number has no gradient"
                if isinstance(loss, (int, float)) else "")
        raise TypeError(f"train: expected loss_fn(model, batch) to return a scalar loss tensor, got "
                        f"{type(loss).__name__} {loss!r:.40} at step {step}{hint}")
    if loss.ndim != 0:
        raise ValueError(f"train: loss_fn must return a scalar tensor, got shape {tuple(loss.shape)}; "
                         f"reduce it first, e.g. loss.mean()")
    if not loss.requires_grad:
        raise ValueError(f"train: loss_fn returned a loss with no gradient (requires_grad=False) at step {step}, "
                         f"so there is nothing to train; was it detached, computed under torch.no_grad(), or "
                         f"computed without the model's parameters?")


def _nonfinite_weights(model) -> list[str]:
    """Names of the trainable parameters that hold a NaN or an infinity."""
    return [name for name, p in model.named_parameters() if p.requires_grad and not bool(torch.isfinite(p).all())]


def _diverged(what: str, step: int, value: float, log: TrainLog, broken: list[str] | None = None) -> TrainingDiverged:
    last = f"; last finite loss {log.losses[-1]:.4g} at step {log.steps[-1]}" if log.losses else ""
    if broken:
        when = f"the optimizer step of step {step - 1}" if step > 1 else "the model's initialisation or loading"
        last += f"; the weights were already non-finite ({_names(broken)}), from {when}"
    return TrainingDiverged(
        f"training stopped at step {step}: the {what} is {value}{last}. "
        f"Try a smaller learning rate, gradient clipping (clip=1.0), or check the inputs for NaN."
    )


def _names(broken: list[str]) -> str:
    return ", ".join(repr(n) for n in broken[:5]) + (f" and {len(broken) - 5} more" if len(broken) > 5 else "")


def _weights_diverged(step: int, broken: list[str], log: TrainLog) -> TrainingDiverged:
    last = f" (last logged loss {log.losses[-1]:.4g} at step {log.steps[-1]})" if log.losses else ""
    return TrainingDiverged(
        f"training stopped after step {step}: the optimizer step left non-finite weights (NaN or inf) in "
        f"{_names(broken)}, though the loss and the gradient norm were finite{last}. Try a smaller learning "
        f"rate, gradient clipping (clip=1.0), or check the optimizer's settings (e.g. Adam's eps > 0)."
    )


def _check_arguments(model, loss_fn, optimizer, steps, clip, log_every, eval_every, evaluate):
    """Every argument of :func:`train`, checked before any work; returns steps, clip, log_every, eval_every."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"train: expected model to be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"train: expected loss_fn to be a function (model, batch) -> scalar loss tensor, "
                        f"got {type(loss_fn).__name__}")
    if not all(hasattr(optimizer, a) for a in ("step", "zero_grad", "param_groups")):
        raise TypeError(f"train: expected optimizer to be a torch.optim optimizer over the model's parameters, e.g. "
                        f"torch.optim.Adam(model.parameters(), lr=1e-3), got {type(optimizer).__name__}")
    if evaluate is not None and not callable(evaluate):
        raise TypeError(f"train: expected evaluate to be None or a function model -> dict, "
                        f"got {type(evaluate).__name__}")
    steps = check_int("steps", steps, 1, expected="a positive int", fn="train")
    if clip is not None:
        clip = check_number("clip", clip, above=0, expected="a positive number or None", fn="train")
    log_every = check_int("log_every", log_every, 1, fn="train")
    eval_every = check_int("eval_every", eval_every, 0, what="0: evaluate only after the last step", fn="train")
    return steps, clip, log_every, eval_every


def _check_optimizer_holds(optimizer, params) -> None:
    if not params:
        raise ValueError("train: the model has no trainable parameters (every requires_grad is False); "
                         "expected at least one to train")
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not any(id(p) in held for p in params):
        raise ValueError(f"train: the optimizer holds none of the model's {len(params)} trainable parameters (was it "
                         f"made for another model?), so training would change nothing; build it from this model, "
                         f"e.g. torch.optim.Adam(model.parameters(), lr=1e-3)")


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
        TrainingDiverged: when the loss or the gradient norm becomes NaN or infinite, or an
            optimizer step leaves NaN or infinite weights; the message names the step, the last
            finite loss and the broken weights. The weights are checked after the last step and
            before every ``evaluate`` (and, when a loss goes non-finite, to say whether the step
            before broke them): a few microseconds per parameter tensor, not on every step, so
            training runs as fast as without the check.
        TypeError, ValueError: an argument of the wrong kind or value (a loss_fn that returns a
            float or a tensor of several numbers, steps < 1, batches that are not batches, an
            optimizer over another model's parameters, ...), before any step or at the step it shows.
    """
    steps, clip, log_every, eval_every = _check_arguments(model, loss_fn, optimizer, steps, clip, log_every,
                                                          eval_every, evaluate)
    check_bool("progress", progress)
    if seed is not None:
        seed_everything(seed)
    next_batch = _batch_source(batches)
    if device is not None:
        device = torch.device(device)
        model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    _check_optimizer_holds(optimizer, params)
    log = TrainLog()
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, leave=True)
    model.train()
    for step in bar:
        batch = next_batch(step)
        loss = loss_fn(model, batch if device is None else to_device(batch, device))
        _check_loss(loss, step)
        value = loss.item()
        if not math.isfinite(value):
            bar.close()
            raise _diverged("loss", step, value, log, _nonfinite_weights(model))
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
        evaluate_now = evaluate is not None and ((eval_every and step % eval_every == 0) or step == steps)
        if evaluate_now or step == steps:
            broken = _nonfinite_weights(model)  # never evaluate (or save) nor return a broken model
            if broken:
                bar.close()
                raise _weights_diverged(step, broken, log)
        if evaluate_now:
            with evaluating(model), torch.no_grad():
                log.evals.append((step, evaluate(model)))
    bar.close()
    return log
