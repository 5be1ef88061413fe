"""Measuring speed and memory fairly: interleaved repeats, medians, peak memory of tensors.

**Time.** A shared or busy machine slows whatever runs while it is busy. Timing contender A
for a while and then contender B compares two different machines; so :func:`time_interleaved`
runs one repetition of each contender in turn, after warm-ups, and reports each one's median
(robust to the odd slow repetition). Ratios taken from one such run are trustworthy even when
the absolute times are not. On a GPU, kernels run asynchronously: the clock is read only after
``torch.cuda.synchronize()``.

    stats = time_interleaved({"torch": run_torch, "ours": run_ours}, repeats=7, warmup=2)
    stats["ours"].median / stats["torch"].median

**Memory.** :class:`MemoryMeter` reports the bytes of tensors allocated inside its block that
are still alive (``current``) and the most that were alive at once (``peak``):

    CUDA  torch.cuda.memory_allocated / max_memory_allocated, less what was there before
    CPU   torch has no allocator statistics on the CPU, so the meter watches every tensor
          operation (a ``TorchDispatchMode``), records each new storage's size and notices
          when it is freed (a weak reference): the same quantity, counted from the outside.

:func:`tensor_bytes` counts the storages a model's state holds (an RNN's ``(h, c)``, a
transformer's KV cache) directly; the meter adds the temporaries a step creates on the way.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import math
import platform
import statistics
import time
from dataclasses import dataclass, field

import torch
from torch.multiprocessing.reductions import StorageWeakRef
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from rnnlab.checks import check_int


# -- time -----------------------------------------------------------------------------------
@dataclass
class TimingStats:
    """The repetitions of one contender, in seconds: ``times``, and their median/min/max."""

    name: str
    times: list = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def max(self) -> float:
        return max(self.times)

    def __repr__(self) -> str:
        return (f"TimingStats({self.name!r}: median {self.median * 1e3:.3g} ms, "
                f"min {self.min * 1e3:.3g} ms, max {self.max * 1e3:.3g} ms, n={len(self.times)})")


def synchronize(device=None) -> None:
    """Wait for the GPU's queued kernels (a no-op on the CPU)."""
    device = torch.device(device) if device is not None else None
    if device is not None and device.type == "cuda":
        torch.cuda.synchronize(device)


def time_interleaved(contenders: dict, repeats: int = 5, warmup: int = 1, device=None,
                     min_time: float = 0.0) -> dict:
    """Time each callable in ``contenders`` (name -> fn()), one repetition of each in turn.

    ``warmup`` untimed rounds first (allocations, oneDNN/cuDNN plan selection), then ``repeats``
    timed rounds; within a round the contenders run in the given order. ``min_time`` (seconds):
    a contender faster than this is called several times per repetition (as many as the last
    warm-up call says fit in ``min_time``) and the time per call is kept, so that one lost time
    slice of a busy machine does not swamp a sub-millisecond call. ``device``: pass the CUDA
    device so the clock waits for its kernels. Returns name -> :class:`TimingStats` (per call).
    """
    if not isinstance(contenders, dict) or not contenders:
        raise ValueError(f"time_interleaved: expected a non-empty dict name -> callable, got {contenders!r}")
    for name, fn in contenders.items():
        if not callable(fn):
            raise TypeError(f"time_interleaved: contender {name!r}: expected a callable, got {type(fn).__name__}")
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"time_interleaved: expected repeats to be an int >= 1, got {repeats!r}")
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"time_interleaved: expected warmup to be an int >= 0, got {warmup!r}")
    if min_time > 0 and warmup < 1:
        raise ValueError(f"time_interleaved: min_time = {min_time} needs warmup >= 1 (a warm-up call measures how many "
                         f"fit), got warmup = {warmup}")
    stats = {name: TimingStats(name) for name in contenders}
    calls = dict.fromkeys(contenders, 1)  # calls per repetition
    for rnd in range(warmup + repeats):
        for name, fn in contenders.items():
            synchronize(device)
            start = time.perf_counter()
            for _ in range(calls[name]):
                fn()
            synchronize(device)
            elapsed = (time.perf_counter() - start) / calls[name]
            if rnd >= warmup:
                stats[name].times.append(elapsed)
            elif rnd == warmup - 1 and min_time > 0:
                calls[name] = max(1, math.ceil(min_time / max(elapsed, 1e-9)))
    return stats


def ratios(stats: dict, base: str) -> dict:
    """Each contender's median divided by ``base``'s median: name -> ratio (base -> 1.0)."""
    if base not in stats:
        raise KeyError(f"ratios: base {base!r} is not among the contenders {list(stats)}")
    ref = stats[base].median
    return {name: s.median / ref for name, s in stats.items()}


def tokens_per_second(tokens: int, seconds: float) -> float:
    """Throughput: ``tokens`` processed (e.g. B * T per training step) in ``seconds``."""
    if seconds <= 0:
        raise ValueError(f"tokens_per_second: expected a positive time, got {seconds!r} s")
    return tokens / seconds


@contextlib.contextmanager
def torch_threads(n: int | None):
    """Run the block with ``torch.set_num_threads(n)`` (None: leave it), then restore.

    On a shared machine a second thread waits for a core another process holds; for the
    small operations of a recurrent loop one thread gives steadier (often faster) timings.
    """
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(check_int("n", n, 1, expected="an int >= 1 or None", fn="torch_threads"))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def loglog_slope(x, y) -> float:
    """The least-squares slope of log y against log x: how a cost grows, y ~ x^slope."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):  # a value <= 0 is refused below, not warned about
        lx, ly = np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float))
    if lx.shape != ly.shape or lx.size < 2:
        raise ValueError(f"loglog_slope: expected two sequences of the same length >= 2, got {lx.shape}, {ly.shape}")
    if not (np.all(np.isfinite(lx)) and np.all(np.isfinite(ly))):
        raise ValueError("loglog_slope: expected positive, finite x and y (their logs are fitted), got a value <= 0, "
                         "NaN or inf")
    return float(np.polyfit(lx, ly, 1)[0])


def machine_summary(device=None) -> str:
    """One line naming the machine: CPU, cores, torch threads, torch version, and the GPU if used."""
    import os

    device = torch.device(device) if device is not None else torch.device("cpu")
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.1f}".format(os.getloadavg()[0])
    text = (f"{cpu}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads{load}; "
            f"torch {torch.__version__}")
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        text += f"; GPU {props.name} ({props.total_memory / 2**30:.0f} GiB), cuDNN {torch.backends.cudnn.version()}"
    else:
        text += f"; device cpu (oneDNN {'available' if torch.backends.mkldnn.is_available() else 'absent'})"
    return text


class _OpCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.count += 1
        return func(*args, **(kwargs or {}))


def count_ops(fn) -> int:
    """How many tensor operations (aten ops, forward and backward) one call of ``fn()`` dispatches.

    On a GPU each is at least one kernel launch (several microseconds), so this count is a floor
    under the time that no GPU can beat: a loop over T steps dispatches about T times as many.
    NumPy calls are not tensor operations and are not counted.
    """
    if not callable(fn):
        raise TypeError(f"count_ops: expected a callable, got {type(fn).__name__}")
    with _OpCounter() as counter:
        fn()
    return counter.count


# -- memory ---------------------------------------------------------------------------------
def tensor_bytes(*objs) -> int:
    """Bytes of the distinct storages behind the tensors in ``objs`` (nested tuples/lists/dicts/dataclasses).

    Views of one storage count once; this is what holding ``objs`` costs.
    """
    seen, total = set(), 0
    for leaf in _leaves(objs):
        if isinstance(leaf, torch.Tensor):
            storage = leaf.untyped_storage()
            key = (storage.device, storage.data_ptr())
            if key not in seen:
                seen.add(key)
                total += storage.nbytes()
    return total


def _leaves(obj):
    """Everything inside ``obj``: nested tuples, lists, dict values and dataclass fields (e.g. a KVCache) opened."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    elif isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _leaves(item)
    else:
        yield obj


_ALIASING = {}  # aten op -> does it return (a view of) an input?


def _aliases_input(func) -> bool:
    """Does this aten op return (a view of) one of its inputs? Read from its schema, cached."""
    if func not in _ALIASING:
        _ALIASING[func] = any(r.alias_info is not None for r in func._schema.returns)
    return _ALIASING[func]


def rss_bytes() -> int:
    """The process's resident memory now (Linux: /proc/self/statm; elsewhere psutil if present, else 0).

    A process-level cross-check of :class:`MemoryMeter`: it includes everything (Python objects,
    freed memory the allocator keeps), so only large differences mean anything.
    """
    import os

    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        try:
            import psutil

            return int(psutil.Process().memory_info().rss)
        except ImportError:
            return 0


class _StorageTracker(TorchDispatchMode):
    """Sees every tensor operation; keeps a weak reference to each new storage and its size."""

    def __init__(self):
        super().__init__()
        self.live = {}  # data_ptr -> (StorageWeakRef, nbytes)
        self.current = 0
        self.peak = 0

    def _collect(self) -> None:
        dead = [ptr for ptr, (ref, _) in self.live.items() if ref.expired()]
        for ptr in dead:
            self.current -= self.live.pop(ptr)[1]

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self._collect()  # storages freed since the last op (their addresses may be reused now)
        if _aliases_input(func):  # a view, in-place or out= op: it allocated nothing new
            return out
        for leaf in tree_leaves(out):
            if isinstance(leaf, torch.Tensor) and leaf.device.type == "cpu":
                storage = leaf.untyped_storage()
                ptr, nbytes = storage.data_ptr(), storage.nbytes()
                if nbytes and ptr not in self.live:
                    self.live[ptr] = (StorageWeakRef(storage), nbytes)
                    self.current += nbytes
        self.peak = max(self.peak, self.current)
        return out


class MemoryMeter:
    """Bytes of tensors allocated inside the ``with`` block: ``current()`` alive now, ``peak()`` at most.

    ``device``: "cpu" (a dispatch-mode tracker, see the module docstring) or a CUDA device
    (the caching allocator's statistics). Tensors that existed before the block (the model's
    parameters) are not counted; ``reset_peak()`` starts a new peak from the current level.

        with MemoryMeter("cpu") as meter:
            state = model.step(x, state)
        meter.peak(), meter.current()
    """

    def __init__(self, device="cpu"):
        self.device = torch.device(device)
        if self.device.type not in ("cpu", "cuda"):
            raise ValueError(f"MemoryMeter: expected a cpu or cuda device, got {self.device}")
        self._tracker = None
        self._base = 0

    def __enter__(self):
        if self.device.type == "cuda":
            gc.collect()
            torch.cuda.synchronize(self.device)
            self._base = torch.cuda.memory_allocated(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
        else:
            self._tracker = _StorageTracker()
            self._tracker.__enter__()
        return self

    def __exit__(self, *exc):
        self._refresh()
        if self._tracker is not None:
            self._tracker.__exit__(*exc)
        return False

    def _refresh(self) -> None:
        if self._tracker is not None:
            self._tracker._collect()
        elif self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def current(self) -> int:
        """Bytes of tensors created in the block and still alive."""
        self._refresh()
        if self.device.type == "cuda":
            return torch.cuda.memory_allocated(self.device) - self._base
        return self._tracker.current

    def peak(self) -> int:
        """The most bytes alive at once since the block began (or since ``reset_peak``)."""
        self._refresh()
        if self.device.type == "cuda":
            return torch.cuda.max_memory_allocated(self.device) - self._base
        return self._tracker.peak

    def reset_peak(self) -> None:
        """Start a new peak from what is alive now."""
        self._refresh()
        if self.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self.device)
        else:
            self._tracker.peak = self._tracker.current
