"""Where and how big the course runs: the mode, the device and the seed.

``RNNLAB_MODE=quick|full`` picks the size of every experiment. The default is
``full`` when a CUDA GPU is present and ``quick`` otherwise; quick mode is what
CI and the notebook tests run (every notebook in under a minute on a laptop
CPU). Both modes run the same code; only the settings differ::

    steps = by_mode(quick=200, full=20_000)
"""
from __future__ import annotations

import functools
import os
import random
from contextlib import contextmanager

import numpy as np
import torch

MODES = ("quick", "full")


def cuda_available() -> bool:
    """True when torch sees a CUDA GPU."""
    return torch.cuda.is_available()


def get_mode() -> str:
    """The course mode: ``RNNLAB_MODE`` if set, else ``full`` on a GPU, ``quick`` otherwise."""
    mode = os.environ.get("RNNLAB_MODE", "").strip().lower()
    if not mode:
        return "full" if cuda_available() else "quick"
    if mode not in MODES:
        raise ValueError(
            f"RNNLAB_MODE: expected one of {MODES}, got {os.environ['RNNLAB_MODE']!r}. "
            f"Unset it to get the default for this machine."
        )
    return mode


def by_mode(*, quick, full):
    """Return ``quick`` or ``full`` according to :func:`get_mode`."""
    return quick if get_mode() == "quick" else full


def get_device() -> torch.device:
    """The one device the course trains on: the first CUDA GPU if present, else the CPU.

    Set ``RNNLAB_DEVICE=cpu`` to stay on the CPU on a GPU machine.
    """
    wanted = os.environ.get("RNNLAB_DEVICE", "").strip().lower()
    if wanted not in ("", "cpu", "cuda"):
        raise ValueError(f"RNNLAB_DEVICE: expected 'cpu' or 'cuda', got {wanted!r}")
    if wanted == "cuda" and not cuda_available():
        raise ValueError("RNNLAB_DEVICE is 'cuda' but torch sees no CUDA GPU; unset it to use the CPU")
    return torch.device("cuda" if cuda_available() and wanted != "cpu" else "cpu")


def to_device(batch, device):
    """``batch`` with every tensor in it moved to ``device``: a tensor, or tuples, lists and dicts of them.

    Anything else (ints, strings, None) comes back as it is::

        x, y = to_device((x, y), get_device())
    """
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):        # a namedtuple
        return type(batch)(*(to_device(b, device) for b in batch))
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    return batch


def device_of(model: torch.nn.Module) -> torch.device:
    """The device ``model``'s parameters are on (the CPU for a model without parameters)."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"device_of: expected a torch.nn.Module, got {type(model).__name__}")
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def _first_tensor_device(obj):
    if isinstance(obj, torch.Tensor):
        return obj.device
    items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (tuple, list)) else ()
    for item in items:
        found = _first_tensor_device(item)
        if found is not None:
            return found
    return None


def on_model_device(fn):
    """Decorator for ``fn(model, *args, **kwargs)``, so it runs wherever the model is.

    The tensors among the arguments move to the model's device (:func:`device_of`); the tensors of
    the result come back to the device the inputs were on (the CPU when no argument is a tensor).
    A notebook keeps its data on the CPU, trains on ``get_device()`` and calls the evaluation and
    decoding functions as it would on a CPU-only machine.
    """
    @functools.wraps(fn)
    def wrapper(model, *args, **kwargs):
        home = _first_tensor_device((args, kwargs)) or torch.device("cpu")
        device = device_of(model)
        return to_device(fn(model, *to_device(args, device), **to_device(kwargs, device)), home)

    return wrapper


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and CUDA)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def one_blas_thread() -> None:
    """Run NumPy's matrix products (its BLAS, OpenBLAS) on one thread from now on, in this process.

    OpenBLAS adds up a matrix product in a different order on one thread than on several, so a
    NumPy model trained for hundreds of steps ends a few digits apart on a 1-core and a 2-core
    machine (notebook 02: 2.13 vs 2.14 nats/char). Notebooks whose printed numbers come from NumPy
    training call this first, so that every machine, whatever its cores, prints the same numbers.
    Its matrices are small, so one thread costs nothing. torch's CPU kernels gave identical numbers
    on 1, 2 and 8 threads in every notebook (checked with OMP_NUM_THREADS), so they are left alone.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


@contextmanager
def evaluating(model: torch.nn.Module):
    """Run the block with ``model`` in eval mode (dropout off), then give it back the mode it had.

    The one way rnnlab's evaluation, decoding and sampling functions switch a model to eval mode,
    so that calling one of them in the middle of training never leaves the model in eval mode
    (the mode is put back on an error too)::

        with evaluating(model), torch.no_grad():
            logits = model(x)
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"evaluating: expected a torch.nn.Module, got {type(model).__name__}")
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)
