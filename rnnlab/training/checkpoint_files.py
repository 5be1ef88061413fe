"""One checkpoint file on the disk: written atomically, read without running any code.

**Why reading needs care.** ``torch.save`` writes a pickle, and unpickling may import and call
anything the file names: a file planted in a run's folder (a shared drive, a downloaded "run")
would run its code the moment a resume loaded it. So a checkpoint is read with
``torch.load(..., weights_only=True)``, which rebuilds tensors, numbers, strings and containers
and nothing else; :func:`_read` turns what it refuses into one of two errors:

- :class:`UnsafeCheckpointError` when the file would import Python objects (found by reading
  the pickle's opcodes, :func:`_imported_names`, never by unpickling it): nothing in it ran;
- :class:`CorruptCheckpointError` when it is truncated, empty or not a checkpoint at all.

**Why writing needs care.** A kernel killed mid-save must not leave half a file where the last
good checkpoint was. :func:`_write` writes ``<path>.tmp``, fsyncs it, renames it over ``path`` and
fsyncs the folder: a crash leaves the old file or the new one. Before that, save_checkpoint calls
:func:`_check_loadable`, so nothing is written that the safe load would then refuse.
"""
from __future__ import annotations

import io
import os
import pickletools
import re
import warnings
import zipfile
from collections import OrderedDict
from pathlib import Path

import torch

from rnnlab.training.checkpoint_errors import CorruptCheckpointError, UnsafeCheckpointError

# the types torch.load(..., weights_only=True) rebuilds (and containers of them)
_LOADABLE = (str, bytes, int, float, complex, bool, type(None), torch.Tensor, torch.nn.Parameter, torch.Size,
             torch.device, torch.dtype)
# the opcodes that push a string: STACK_GLOBAL imports the module and name pushed last
_STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"}


# ---- writing -------------------------------------------------------------------------------------
def _check_loadable(value, where: str) -> None:
    """Raise ``TypeError`` at the first thing in ``value`` that ``torch.load(weights_only=True)`` refuses."""
    if type(value) in (dict, OrderedDict):
        for key, item in value.items():
            _check_loadable(key, f"{where} key {key!r}")
            _check_loadable(item, f"{where}[{key!r}]")
    elif type(value) in (list, tuple, set):
        for i, item in enumerate(value):
            _check_loadable(item, f"{where}[{i}]")
    elif type(value) not in _LOADABLE:
        raise TypeError(f"save_checkpoint: {where} is a {type(value).__module__}.{type(value).__qualname__}, which "
                        f"a safe load (torch.load(..., weights_only=True)) refuses; a checkpoint holds tensors, "
                        f"numbers, str, None and lists, tuples and dicts of them (store e.g. a vocabulary as "
                        f"its list of tokens, a NumPy array as a tensor)")


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; Windows cannot open a folder, so there it is skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write(path: Path, payload: dict) -> None:
    """``torch.save(payload)`` to ``path`` atomically: the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())                 # on the disk before the rename makes it the checkpoint
        os.replace(tmp, path)
    except BaseException:                           # KeyboardInterrupt too: no half-written .tmp stays behind
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


# ---- reading -------------------------------------------------------------------------------------
def _imported_names(path: Path) -> list[str]:
    """The ``module.name`` globals the pickle in ``path`` would import, read without unpickling."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".pkl"))
        else:
            data = path.read_bytes()
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return []
    stream, found, strings, memo, top = io.BytesIO(data), [], [], {}, None
    try:
        while stream.tell() < len(data):              # torch's old format is several pickles in a row
            for op, arg, _ in pickletools.genops(stream):
                if op.name in ("GLOBAL", "INST"):
                    found.append(arg.replace(" ", "."))
                elif op.name == "STACK_GLOBAL":       # module and name: the two strings pushed last
                    found.append(".".join(str(s) for s in strings[-2:]))
                if op.name == "MEMOIZE" or op.name.endswith("PUT"):     # the memo keeps the top of the stack
                    memo[len(memo) if op.name == "MEMOIZE" else arg] = top
                    continue
                top = memo.get(arg) if op.name.endswith("GET") else arg if op.name in _STRING_OPS else None
                if isinstance(top, str):
                    strings.append(top)
    except Exception:                                 # the rest is tensor bytes or garbage
        pass
    return [n for n in found if re.fullmatch(r"[A-Za-z_][\w.]*", n)]


def _safe_name(name: str) -> bool:
    """What torch's own files import and its safe load allows: not a sign of a planted file."""
    return name.split(".")[0] == "torch" or name in ("collections.OrderedDict", "collections.Counter",
                                                     "_codecs.encode", "builtins.set", "builtins.bytearray",
                                                     "builtins.complex")


def _read(path: Path, device: torch.device):
    """``torch.load(path, weights_only=True)``; what it refuses becomes an Unsafe or Corrupt error."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            return torch.load(path, map_location=device, weights_only=True)
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except Exception as error:              # a short zip may come as OSError(EINVAL), so: not OSError here
        foreign = sorted({n for n in _imported_names(path) if not _safe_name(n)})
        if foreign:
            raise UnsafeCheckpointError(
                f"load_checkpoint: refusing {path}: it would import {', '.join(foreign[:4])} when unpickled, which "
                f"could run code, and a checkpoint that save_checkpoint writes never does. If you did not put it "
                f"there, delete it; if it is an older rnnlab checkpoint (NumPy random state) or your own torch.save "
                f"and you trust it, load it yourself with torch.load(path, weights_only=False)") from None
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
        raise CorruptCheckpointError(f"load_checkpoint: {path} cannot be read: it is truncated or corrupt (an empty "
                                     f"file, or a save that did not finish); torch.load said: {reason}") from error
