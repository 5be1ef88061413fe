"""Every random generator's state, saved and restored, so a resumed run draws what it would have.

A run draws from four generators: Python's ``random``, NumPy's global one, torch's CPU one and,
with a GPU, torch's CUDA ones (dropout, sampling, shuffling, noise in a loss). Resuming
bit-identically needs all four back where they were. :func:`rng_state` returns them as tensors
and plain numbers only, never NumPy arrays, because a checkpoint is read with
``torch.load(..., weights_only=True)``, which rebuilds nothing else (see
:mod:`rnnlab.training.checkpoint_files`).

    state = rng_state()          # {"python": ..., "numpy": ..., "torch": uint8 tensor, ["cuda": [...]]}
    ...                          # draw anything
    set_rng_state(state)         # the same draws again
"""
from __future__ import annotations

import random

import numpy as np
import torch

_PYTHON_WORDS = 625   # random.getstate(): 624 Mersenne Twister words and the position
_NUMPY_WORDS = 624    # np.random.get_state(): the 624 words, the position apart


def rng_state() -> dict:
    """The state of every random generator the course uses, as tensors and plain numbers."""
    version, mt, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = {"python": {"version": version, "state": torch.tensor(mt, dtype=torch.int64), "gauss": gauss},
             "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                       "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
             "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _describe(state) -> str:
    if isinstance(state, dict):
        keys = [str(k) for k in list(state)[:6]]
        return f"a dict with keys {keys}{' ...' if len(state) > 6 else ''}"
    return f"a {type(state).__name__}"


def _rng_arguments(state, where: str, error=ValueError):
    """What random, NumPy and torch's setters take, built (and so checked) before any is called.

    Building all four first is what makes a bad ``state`` change nothing: the setters only run
    once every part has been read. ``error`` is the class to raise (a checkpoint raises its own).
    """
    try:
        py, npy = state["python"], state["numpy"]
        python = (int(py["version"]), tuple(int(v) for v in py["state"].tolist()), py["gauss"])
        numpy = (str(npy["kind"]), npy["keys"].cpu().numpy().astype(np.uint32), int(npy["pos"]),
                 int(npy["has_gauss"]), float(npy["cached_gaussian"]))
        cpu = state["torch"].cpu()                 # a checkpoint loaded onto a GPU brings it there
        cuda = [s.cpu() for s in state.get("cuda", [])]
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as cause:
        raise error(f"{where}: expected the random state rng_state() returns (keys python, numpy, torch and, "
                    f"with CUDA, cuda), got {_describe(state)} ({type(cause).__name__}: {cause})") from None
    if len(python[1]) != _PYTHON_WORDS or numpy[1].shape != (_NUMPY_WORDS,) or cpu.dtype != torch.uint8 \
            or cpu.numel() != torch.get_rng_state().numel():
        raise error(f"{where}: expected the random state rng_state() returns; its sizes differ (Python "
                    f"{len(python[1])} of {_PYTHON_WORDS} numbers, NumPy {numpy[1].size} of {_NUMPY_WORDS}, "
                    f"torch {cpu.numel()} {cpu.dtype} of {torch.get_rng_state().numel()} torch.uint8)")
    return python, numpy, cpu, cuda


def _apply_rng(arguments) -> None:
    """Set every generator from what :func:`_rng_arguments` built; CUDA only where there is one."""
    python, numpy, cpu, cuda = arguments
    random.setstate(python)
    np.random.set_state(numpy)
    torch.set_rng_state(cpu)
    if cuda and torch.cuda.is_available():    # saved on 2 GPUs, resumed on 1: restore the ones there are
        n = min(len(cuda), torch.cuda.device_count())
        torch.cuda.set_rng_state_all(cuda[:n])


def set_rng_state(state: dict) -> None:
    """Restore what :func:`rng_state` returned (all generators or, on a bad ``state``, none)."""
    if not isinstance(state, dict):
        raise TypeError(f"set_rng_state: expected the dict rng_state() returns, got {type(state).__name__}")
    _apply_rng(_rng_arguments(state, "set_rng_state: state"))
