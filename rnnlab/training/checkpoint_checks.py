"""The checks that run before a checkpoint touches anything: of the arguments, and of the file.

Two kinds, both raised before torch would fail deep inside (or, worse, load the wrong thing
without a word):

- the arguments: a model and an optimizer over its parameters, paths, folders, counts
  (:func:`_check_model`, :func:`_check_optimizer_over`, :func:`_as_path`, :func:`_as_folder`, :func:`_check_resumable`);
- what a file holds, once it has been read safely: a dict with the keys ``save_checkpoint``
  writes (:func:`_check_payload`), the state_dict of *this* model (:func:`_check_model_fits`: every
  missing or unexpected key, shape and dtype, in one message) and of *this* optimizer
  (:func:`_check_optimizer_fits`). These raise :class:`CheckpointMismatchError`.

Because every check runs before the first ``load_state_dict``, an error leaves the model,
the optimizer and the random generators as they were.
"""
from __future__ import annotations

import os
import reprlib
from pathlib import Path

import torch

from rnnlab.checks import check_int
from rnnlab.training.checkpoint_errors import CheckpointMismatchError

_PAYLOAD_KEYS = ("model", "optimizer", "step", "rng", "extra")    # what save_checkpoint writes


def _describe(value) -> str:
    """``a dict with keys [...]`` or ``a <type>``: what a message says came instead."""
    if isinstance(value, dict):
        keys = [str(k) for k in list(value)[:6]]
        return f"a dict with keys {keys}{' ...' if len(value) > 6 else ''}"
    return f"a {type(value).__name__}"


def _few(names, n: int = 4) -> str:
    """The first ``n`` names, and how many more there are."""
    names = [str(x) for x in names]
    if len(names) <= n + 1:
        return ", ".join(names)
    return ", ".join(names[:n]) + f", ... ({len(names) - n} more)"


# ---- the arguments -------------------------------------------------------------------------------
def _check_model(where: str, model, optimizer, optional: bool = False) -> None:
    """A ``torch.nn.Module`` and a ``torch.optim.Optimizer`` (or ``None``, if ``optional``)."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{where}: expected model to be a torch.nn.Module, got {type(model).__name__}"
                        + ("; pass the model itself, not its state_dict()" if isinstance(model, dict) else ""))
    if optimizer is None and optional:
        return
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{where}: expected optimizer to be a torch.optim.Optimizer, got {type(optimizer).__name__}"
                        + ("; pass the optimizer itself, not its state_dict()" if isinstance(optimizer, dict) else ""))


def _check_optimizer_over(where: str, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """``ValueError`` unless every tensor ``optimizer`` steps is one of ``model``'s parameters.

    An optimizer built from another model (or holding a tensor from outside it) would step tensors
    the checkpoint never saves: resuming would look right while training the wrong thing.
    """
    own = {id(p) for p in model.parameters()}
    foreign = sum(id(p) not in own for group in optimizer.param_groups for p in group["params"])
    if foreign:
        raise ValueError(f"{where}: expected an optimizer over model's parameters, got one with {foreign} tensor(s) "
                         f"that are not (a checkpoint saves model.state_dict() only); build it from this model, "
                         f"e.g. torch.optim.Adam(model.parameters(), lr)")


def _as_path(where: str, path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: expected a path (str or pathlib.Path), got {type(path).__name__}")
    return Path(path)


def _as_folder(where: str, folder) -> Path:
    """``folder`` as a Path, unless it (or the nearest part of it that exists) is a file."""
    folder = _as_path(where, folder)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        place = f"the file {folder}" if existing == folder else f"{folder}, inside the file {existing}"
        raise ValueError(f"{where}: expected a folder for the checkpoints, got {place}; pass a folder "
                         f"(run_folder(name, config) makes one) or move the file")
    return folder


def _check_resumable(model, batches, loss_fn, optimizer, steps, every, keep, seed, evaluate, train_kwargs):
    """train_resumable's arguments; returns ``steps, every, keep`` as ints."""
    where = "train_resumable"
    _check_model(where, model, optimizer)
    if not callable(batches):
        raise TypeError(f"{where}: expected batches to be a callable step -> batch, so that a "
                        f"resumed run continues with the right batch; got {type(batches).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"{where}: expected loss_fn to be a function (model, batch) -> loss tensor, "
                        f"got {type(loss_fn).__name__}")
    if evaluate is not None and not callable(evaluate):
        raise TypeError(f"{where}: expected evaluate to be None or a function model -> dict of metrics, "
                        f"got {type(evaluate).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{where}: expected seed to be an int, got {seed!r} ({type(seed).__name__})")
    if "eval_every" in train_kwargs:
        raise TypeError(f"{where}: eval_every is set by every (the checkpoint interval); leave it out")
    _check_optimizer_over(where, model, optimizer)
    return (check_int(f"{where}: steps", steps, 1), check_int(f"{where}: every", every, 1),
            check_int(f"{where}: keep (how many checkpoints the folder holds)", keep, 1))


# ---- what a file holds ---------------------------------------------------------------------------
def _check_payload(path: Path, payload) -> None:
    """A dict with the keys save_checkpoint writes, an int step; else a mismatch naming what it is."""
    expected = f"expected the dict save_checkpoint writes (keys {', '.join(_PAYLOAD_KEYS)})"
    if not isinstance(payload, dict):
        raise CheckpointMismatchError(f"load_checkpoint: {path} holds {_describe(payload)}, not a checkpoint; "
                                      f"{expected}")
    missing = [k for k in _PAYLOAD_KEYS if k not in payload]
    if missing:
        if payload and all(isinstance(v, torch.Tensor) or str(k).endswith("_extra_state")
                           for k, v in payload.items()):
            what = (f"a bare state_dict ({len(payload)} entries: {_few(payload)}); load it with "
                    f"model.load_state_dict(torch.load(path, weights_only=True)), or save with save_checkpoint")
        elif {"state", "param_groups"} <= payload.keys():
            what = "an optimizer's bare state_dict"
        else:
            what = _describe(payload)
        raise CheckpointMismatchError(f"load_checkpoint: {path} is not a checkpoint: it lacks {missing}; "
                                      f"{expected}. It holds {what}")
    step = payload["step"]
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise CheckpointMismatchError(f"load_checkpoint: {path}: expected its step to be an int >= 0, got {step!r} "
                                      f"({type(step).__name__}); the file was not written by save_checkpoint")
    for key in ("model", "optimizer", "extra"):
        if not isinstance(payload[key], dict):
            raise CheckpointMismatchError(f"load_checkpoint: {path}: expected its {key!r} entry to be a dict, got "
                                          f"{_describe(payload[key])}; the file was not written by save_checkpoint")


def _check_model_fits(path: Path, payload: dict, model: torch.nn.Module) -> None:
    """Compare keys, shapes and dtypes before loading, and say every difference in one message."""
    want, got = model.state_dict(), payload["model"]
    problems, shapes, dtypes = [], [], []
    for key in (k for k in want if k in got):
        a, b = got[key], want[key]
        if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
            if a.shape != b.shape:
                shapes.append(f"{key}: checkpoint {tuple(a.shape)}, model {tuple(b.shape)}")
            elif a.dtype != b.dtype:
                dtypes.append(f"{key}: checkpoint {a.dtype}, model {b.dtype}")
        elif isinstance(a, torch.Tensor) != isinstance(b, torch.Tensor):
            shapes.append(f"{key}: checkpoint {type(a).__name__}, model {type(b).__name__}")
    missing, unexpected = [k for k in want if k not in got], [k for k in got if k not in want]
    for what, items in (("missing key(s)", missing), ("unexpected key(s)", unexpected),
                        ("shape mismatch(es)", shapes), ("dtype mismatch(es)", dtypes)):
        if items:
            problems.append(f"{len(items)} {what} ({_few(items, 3)})")
    if problems:
        saved = payload.get("model_class")
        who = f"a {saved}" if saved and saved != type(model).__name__ else "a model with other settings"
        only_dtypes = dtypes and not (missing or unexpected or shapes)
        fix = ("convert the model first (model.float() or model.double())" if only_dtypes else
               "build the model with the settings the run was saved with, or use another folder (run_folder "
               "keys the folder by the config)")
        raise CheckpointMismatchError(f"load_checkpoint: {path} was written by {who}, not this "
                                      f"{type(model).__name__}: {'; '.join(problems)}. Expected the state_dict of "
                                      f"this model; {fix}")


def _check_optimizer_fits(path: Path, payload: dict, optimizer: torch.optim.Optimizer) -> None:
    """The same optimizer class, over parameter groups of the same sizes."""
    saved, name = payload["optimizer"], type(optimizer).__name__
    if not ({"state", "param_groups"} <= saved.keys()):
        raise CheckpointMismatchError(f"load_checkpoint: {path}: expected an optimizer's state_dict (keys state, "
                                      f"param_groups) under 'optimizer', got {_describe(saved)}")
    groups = saved["param_groups"]
    if not isinstance(saved["state"], dict) or not isinstance(groups, list) \
            or not all(isinstance(g, dict) and isinstance(g.get("params"), list) for g in groups):
        raise CheckpointMismatchError(f"load_checkpoint: {path}: expected its optimizer's state_dict as torch writes "
                                      f"it (state a dict, param_groups a list of dicts with a 'params' list), got "
                                      f"state {_describe(saved['state'])} and param_groups {reprlib.repr(groups)}; "
                                      f"the file was not written by save_checkpoint")
    if payload.get("optimizer_class", name) != name:
        raise CheckpointMismatchError(f"load_checkpoint: {path} was written with the optimizer "
                                      f"{payload['optimizer_class']}, got {name}; build the optimizer the run was "
                                      f"saved with (one optimizer's state, e.g. Adam's moments, means nothing to "
                                      f"another)")
    sizes = [len(g["params"]) for g in groups]
    ours = [len(g["params"]) for g in optimizer.param_groups]
    if sizes != ours:
        raise CheckpointMismatchError(f"load_checkpoint: {path}: expected an optimizer over parameter groups of "
                                      f"sizes {ours} (this optimizer), got groups of sizes {sizes}; build the "
                                      f"optimizer from the same parameters, in the same groups, as the saved run")
