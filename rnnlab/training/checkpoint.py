"""Save and resume training, so a restarted kernel picks up where it stopped.

A checkpoint holds everything the next step depends on: the model's parameters (and
extra state, e.g. a language model's carried hidden state), the optimizer's state
(Adam's moments), the step reached, and every random generator (Python, NumPy,
torch CPU and CUDA). Resuming from it continues **bit-identically** to a run that was
never interrupted (tests/training/test_checkpoint.py checks this).

Checkpoints live in a folder keyed by the run's configuration, so a run with other
settings never resumes the wrong one::

    folder = run_folder("07-char-lstm", config)       # checkpoints/07-char-lstm-<hash of config>/
    log, step0 = train_resumable(model, batches, loss_fn, optimizer=opt, steps=5000,
                                 folder=folder, every=500)

**Safe to resume.** Unpickling a file can run any code it names, so a file planted in a run's
folder would run the moment a resume loaded it. A checkpoint is therefore loaded with
``torch.load(..., weights_only=True)``, which rebuilds tensors, numbers, strings and containers
but never imports or calls anything, so a checkpoint holds only those (the random states too:
tensors and plain numbers), and :func:`save_checkpoint` refuses anything else before writing.
What a folder can hold, and what resuming does with it:

- a file that would import Python objects (a pickle planted in the folder, or a checkpoint of an
  older rnnlab that still holds NumPy arrays) is **refused** with :class:`UnsafeCheckpointError`,
  and nothing in it runs. It is not skipped: it names a step and would be met again at every
  resume, so you decide (delete it, or load it yourself if you trust it);
- a truncated, empty or corrupt file is **skipped** with a :class:`CorruptCheckpointWarning`
  naming it, and the run resumes from the newest file that reads (``keep=2``, the default,
  leaves one to fall back on); with none left it starts afresh;
- a checkpoint of another model, another optimizer, or a bare ``state_dict`` raises
  :class:`CheckpointMismatchError`, which says what the file holds and what was expected;
- a ``.tmp`` file left by a save that died is deleted. A save writes a ``.tmp`` file, fsyncs it,
  renames it over the checkpoint and fsyncs the folder, so a crash leaves the old file or the new
  one, never half of one.

This module is the public API: import everything from here. Each piece behind it is one short
module of ``rnnlab.training``: ``run_folders`` (the folder and its config key), ``random_states``
(every generator's state), ``checkpoint_files`` (one file written atomically and read safely),
``checkpoint_checks`` (arguments, and whether a file fits this model and optimizer) and
``checkpoint_errors`` (the error classes).
"""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import torch

from rnnlab.checks import check_bool, check_int
from rnnlab.course.runtime import device_of, seed_everything
from rnnlab.training.checkpoint_checks import (_as_folder, _as_path, _check_model, _check_model_fits,
                                               _check_optimizer_fits, _check_optimizer_over, _check_payload,
                                               _check_resumable)
from rnnlab.training.checkpoint_errors import (CheckpointError, CheckpointMismatchError, CorruptCheckpointError,
                                               CorruptCheckpointWarning, UnsafeCheckpointError)
from rnnlab.training.checkpoint_files import _check_loadable, _read, _write
from rnnlab.training.loop import TrainLog, train
from rnnlab.training.random_states import _apply_rng, _rng_arguments, rng_state, set_rng_state
from rnnlab.training.run_folders import checkpoints_root, config_key, run_folder

__all__ = ["CheckpointError", "CheckpointMismatchError", "CorruptCheckpointError", "CorruptCheckpointWarning",
           "UnsafeCheckpointError", "checkpoints_root", "config_key", "latest_checkpoint", "load_checkpoint",
           "load_latest", "rng_state", "run_folder", "save_checkpoint", "set_rng_state", "train_resumable"]

_STEP_FILE = re.compile(r"^step-(\d{8,})\.pt$")       # step-00001000.pt; more digits past 99,999,999
_TMP_FILE = re.compile(r"^step-\d{8,}\.pt\.tmp$")    # what a save that died left behind


# ---- one checkpoint file -------------------------------------------------------------------------
def save_checkpoint(path: str | os.PathLike, *, model, optimizer, step: int, extra: dict | None = None) -> Path:
    """Write model, optimizer, ``step``, the RNG states and ``extra`` to ``path``, atomically.

    The file is written beside ``path``, flushed to the disk and then renamed, so a kernel
    killed mid-save leaves the previous checkpoint intact rather than a half-written one.
    ``extra`` (a dict) may hold tensors, numbers, str, None and lists, tuples and dicts of them.
    """
    _check_model("save_checkpoint", model, optimizer)
    _check_optimizer_over("save_checkpoint", model, optimizer)
    step = check_int("save_checkpoint: step", step, 0)
    if extra is not None and not isinstance(extra, dict):
        raise TypeError(f"save_checkpoint: expected extra to be a dict or None, got {type(extra).__name__}")
    path = _as_path("save_checkpoint: path", path)
    if path.is_dir():
        raise ValueError(f"save_checkpoint: expected path to be a file name, got the directory {path}; "
                         f"pass e.g. {path / f'step-{step:08d}.pt'}")
    _as_folder("save_checkpoint: path's parent", path.parent)
    payload = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "rng": rng_state(),
               "extra": dict(extra or {}), "model_class": type(model).__name__,
               "optimizer_class": type(optimizer).__name__}
    _check_loadable(payload["model"], "model.state_dict()")      # refuse before writing what would not load
    _check_loadable(payload["optimizer"], "optimizer.state_dict()")
    _check_loadable(payload["extra"], "extra")
    _write(path, payload)
    return path


def load_checkpoint(path: str | os.PathLike, *, model, optimizer=None, restore_rng: bool = True) -> dict:
    """Load ``path`` into ``model`` (and ``optimizer``); restore the RNGs; return the payload.

    Tensors are mapped to the device of ``model``'s parameters. ``payload["step"]`` is the
    number of steps the checkpoint had done. Everything is checked before anything is loaded,
    so on an error the model, optimizer and random generators are as they were.

    Raises:
        FileNotFoundError: no such file.
        UnsafeCheckpointError: the file would import Python objects when unpickled; refused.
        CorruptCheckpointError: the file is truncated, empty or corrupt.
        CheckpointMismatchError: not a checkpoint of this model and optimizer; the message lists
            the missing and unexpected keys and the shapes that differ.
    """
    _check_model("load_checkpoint", model, optimizer, optional=True)
    restore_rng = check_bool("load_checkpoint: restore_rng", restore_rng)
    path = _as_path("load_checkpoint: path", path)
    if not path.is_file():
        raise FileNotFoundError(f"load_checkpoint: no checkpoint file at {path}"
                                + ("; it is a folder: latest_checkpoint(folder) finds the newest in it"
                                   if path.is_dir() else ""))
    payload = _read(path, device_of(model))
    _check_payload(path, payload)
    _check_model_fits(path, payload, model)
    if optimizer is not None:          # after the model: a wrong model is the more useful thing to hear
        _check_optimizer_over("load_checkpoint", model, optimizer)
        _check_optimizer_fits(path, payload, optimizer)
    rng = _rng_arguments(payload["rng"], f"load_checkpoint: {path}: rng", CheckpointMismatchError) if restore_rng \
        else None
    model.load_state_dict(payload["model"])
    if optimizer is not None:
        optimizer.load_state_dict(payload["optimizer"])
    if rng is not None:
        _apply_rng(rng)
    return payload


# ---- a folder of checkpoints ---------------------------------------------------------------------
def _checkpoints(folder: Path) -> list[Path]:
    """The ``step-*.pt`` files in ``folder``, oldest step first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _STEP_FILE.match(p.name) and p.is_file()]
    return sorted(found, key=lambda p: int(_STEP_FILE.match(p.name).group(1)))


def latest_checkpoint(folder: str | os.PathLike) -> Path | None:
    """The checkpoint with the highest step in ``folder`` (files ``step-00001000.pt``), or None."""
    found = _checkpoints(_as_folder("latest_checkpoint: folder", folder))
    return found[-1] if found else None


def load_latest(folder: str | os.PathLike, *, model, optimizer=None) -> dict | None:
    """Load the newest checkpoint in ``folder`` that reads (see :func:`load_checkpoint`); None if none.

    A truncated or corrupt file is skipped with a :class:`CorruptCheckpointWarning` naming it;
    an unsafe file or one of another model stops with its error, whatever older files there are.
    """
    _check_model("load_latest", model, optimizer, optional=True)     # even when the folder is empty
    found = _checkpoints(_as_folder("load_latest: folder", folder))
    for path in reversed(found):
        try:
            return load_checkpoint(path, model=model, optimizer=optimizer)
        except CorruptCheckpointError as error:
            then = "an older checkpoint" if path != found[0] else "step 0: no older checkpoint is left"
            warnings.warn(f"{error}. Skipped it; resuming from {then}", CorruptCheckpointWarning, stacklevel=2)
    return None


# ---- training that resumes -----------------------------------------------------------------------
def train_resumable(model, batches, loss_fn, *, optimizer, steps: int, folder, every: int,
                    seed: int = 0, keep: int = 2, evaluate=None, **train_kwargs) -> tuple[TrainLog, int]:
    """:func:`rnnlab.training.loop.train` that saves a checkpoint every ``every`` steps and resumes.

    If ``folder`` holds a checkpoint, training continues from its step with the model,
    optimizer and random state it saved; otherwise it starts from step 1 seeded with
    ``seed``. ``batches`` must be a callable ``batches(step)`` (step counts from 1 over the
    whole run, so a resumed run sees the same batches). Keeps the ``keep`` newest files
    (with 2, a corrupt newest file leaves one to fall back on; see the module's docstring).
    ``evaluate(model) -> dict`` runs at each checkpoint and at the end.

    Returns ``(log, start)``: the log of the steps run now (numbered over the whole run)
    and the step the run resumed from (0 for a fresh start). When the run had already
    finished, nothing is trained and the log is empty.
    """
    steps, every, keep = _check_resumable(model, batches, loss_fn, optimizer, steps, every, keep, seed, evaluate,
                                          train_kwargs)
    folder = _as_folder("train_resumable: folder", folder)
    if train_kwargs.get("device") is not None:   # move first, so the optimizer's state loads onto that device
        model.to(torch.device(train_kwargs["device"]))
    for leftover in (p for p in folder.glob("step-*.tmp") if _TMP_FILE.match(p.name)):
        leftover.unlink()                         # a save that died; the rename never happened
    payload = load_latest(folder, model=model, optimizer=optimizer)
    start = payload["step"] if payload is not None else 0
    if payload is None:
        seed_everything(seed)
    if start >= steps:
        return TrainLog(), start
    done = {"step": start}

    def run_batches(step):  # train counts from 1 each call; the run counts on from start
        done["step"] = start + step
        return batches(start + step)

    def checkpoint(model_):  # train calls it every `every` steps and after the last
        step = done["step"]
        metrics = evaluate(model_) if evaluate is not None else {}
        if not isinstance(metrics, dict):
            raise TypeError(f"train_resumable: expected evaluate(model) to return a dict of metrics, got "
                            f"{type(metrics).__name__}; e.g. return {{'valid_loss': value}}")
        save_checkpoint(folder / f"step-{step:08d}.pt", model=model_, optimizer=optimizer, step=step)
        for old in _checkpoints(folder)[:-keep]:
            old.unlink()
        return {"step": step, **metrics}

    log = train(model, run_batches, loss_fn, optimizer=optimizer, steps=steps - start, seed=None,
                evaluate=checkpoint, eval_every=every, **train_kwargs)
    log.steps = [start + s for s in log.steps]
    return log, start
