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
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
from pathlib import Path

import numpy as np
import torch

from rnnlab.course.runtime import seed_everything
from rnnlab.training.loop import TrainLog, train

_STEP_FILE = re.compile(r"^step-(\d{8})\.pt$")


def checkpoints_root() -> Path:
    """``$RNNLAB_CHECKPOINTS`` if set, else the project's git-ignored ``checkpoints/``."""
    if os.environ.get("RNNLAB_CHECKPOINTS"):
        return Path(os.environ["RNNLAB_CHECKPOINTS"])
    return Path(__file__).resolve().parents[2] / "checkpoints"


def config_key(config: dict) -> str:
    """A short hash of ``config`` (JSON, keys sorted): equal configs give equal keys."""
    if not isinstance(config, dict):
        raise TypeError(f"config_key: expected a dict of settings, got {type(config).__name__}")
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def run_folder(name: str, config: dict, root=None) -> Path:
    """``<root>/<name>-<config_key(config)>``; root defaults to :func:`checkpoints_root`."""
    return Path(root if root is not None else checkpoints_root()) / f"{name}-{config_key(config)}"


def rng_state() -> dict:
    """The state of every random generator the course uses."""
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore what :func:`rng_state` returned."""
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path, *, model, optimizer, step: int, extra: dict | None = None) -> Path:
    """Write model, optimizer, ``step``, the RNG states and ``extra`` to ``path``, atomically.

    The file is written beside ``path`` and then renamed, so a kernel killed mid-save
    leaves the previous checkpoint intact rather than a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": int(step),
               "rng": rng_state(), "extra": extra or {}}
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path, *, model, optimizer=None, restore_rng: bool = True) -> dict:
    """Load ``path`` into ``model`` (and ``optimizer``); restore the RNGs; return the payload.

    Tensors are mapped to the device of ``model``'s parameters. ``payload["step"]`` is the
    number of steps the checkpoint had done.
    """
    device = next(model.parameters()).device
    payload = torch.load(Path(path), map_location=device, weights_only=False)
    model.load_state_dict(payload["model"])
    if optimizer is not None:
        optimizer.load_state_dict(payload["optimizer"])
    if restore_rng:
        set_rng_state(payload["rng"])
    return payload


def latest_checkpoint(folder) -> Path | None:
    """The checkpoint with the highest step in ``folder`` (files ``step-00001000.pt``), or None."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    found = sorted(p for p in folder.iterdir() if _STEP_FILE.match(p.name))
    return found[-1] if found else None


def train_resumable(model, batches, loss_fn, *, optimizer, steps: int, folder, every: int,
                    seed: int = 0, keep: int = 2, evaluate=None, **train_kwargs) -> tuple[TrainLog, int]:
    """:func:`rnnlab.training.loop.train` that saves a checkpoint every ``every`` steps and resumes.

    If ``folder`` holds a checkpoint, training continues from its step with the model,
    optimizer and random state it saved; otherwise it starts from step 1 seeded with
    ``seed``. ``batches`` must be a callable ``batches(step)`` (step counts from 1 over the
    whole run, so a resumed run sees the same batches). Keeps the ``keep`` newest files.
    ``evaluate(model) -> dict`` runs at each checkpoint and at the end.

    Returns ``(log, start)``: the log of the steps run now (numbered over the whole run)
    and the step the run resumed from (0 for a fresh start). When the run had already
    finished, nothing is trained and the log is empty.
    """
    if not callable(batches):
        raise TypeError("train_resumable: expected batches to be a callable step -> batch, so that a "
                        f"resumed run continues with the right batch; got {type(batches).__name__}")
    if not isinstance(every, int) or every < 1:
        raise ValueError(f"train_resumable: expected every to be an int >= 1, got {every!r}")
    folder = Path(folder)
    start = 0
    last = latest_checkpoint(folder)
    if last is not None:
        start = load_checkpoint(last, model=model, optimizer=optimizer)["step"]
    else:
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
        save_checkpoint(folder / f"step-{step:08d}.pt", model=model_, optimizer=optimizer, step=step)
        for old in sorted(p for p in folder.iterdir() if _STEP_FILE.match(p.name))[:-keep]:
            old.unlink()
        return {"step": step, **metrics}

    log = train(model, run_batches, loss_fn, optimizer=optimizer, steps=steps - start, seed=None,
                evaluate=checkpoint, eval_every=every, **train_kwargs)
    log.steps = [start + s for s in log.steps]
    return log, start
