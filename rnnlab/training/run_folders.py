"""Where a run's checkpoints live: one folder per run, named after a hash of its settings.

A run with other settings (another width, learning rate, data) must never resume the checkpoints
of this one, and a restarted kernel must find this run's folder again. So the folder's name is
the run's name plus a short hash of its config::

    run_folder("07-char-lstm", {"hidden": 512, "lr": 2e-3})    # checkpoints/07-char-lstm-64abe429ec81/

The hash must come out the same in every session, so a config holds plain JSON values only.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np


def checkpoints_root() -> Path:
    """``$RNNLAB_CHECKPOINTS`` if set, else the project's git-ignored ``checkpoints/``."""
    if os.environ.get("RNNLAB_CHECKPOINTS"):
        return Path(os.environ["RNNLAB_CHECKPOINTS"])
    return Path(__file__).resolve().parents[2] / "checkpoints"


def _json_value(value, where: str):
    """``value`` as plain JSON, or a TypeError naming where in the config the odd value sits.

    Not ``default=str``: an object's text may hold its memory address (a new key every run, so
    nothing ever resumes) or elide a tensor's values (two configs, one key).
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic) and isinstance(value.item(), (bool, int, float)):
        return value.item()                                     # np.int64(5) is the setting 5
    if isinstance(value, (list, tuple)):
        return [_json_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{where}: expected setting names (dict keys) to be str, got the key {key!r} "
                                f"({type(key).__name__}); JSON would turn it into the string {str(key)!r}")
        return {k: _json_value(v, f"{where}[{k!r}]") for k, v in value.items()}
    hint = {"device": "; pass device.type, e.g. 'cuda'", "Tensor": "; pass a number or .tolist()",
            "ndarray": "; pass a number or .tolist()"}.get(type(value).__name__, "; pass str(value) or a number")
    raise TypeError(f"{where}: expected a JSON value (str, int, float, bool, None, or lists and dicts of them), "
                    f"got {type(value).__name__}{hint}. The config names the run's folder, so it must hash the same "
                    f"in every session")


def config_key(config: dict) -> str:
    """A short hash of ``config`` (JSON, keys sorted): equal configs give equal keys.

    Values must be JSON (str, int, float, bool, None, lists and dicts of them; NumPy scalars count
    as their numbers); anything else raises ``TypeError``, naming where it sits.
    """
    if not isinstance(config, dict):
        raise TypeError(f"config_key: expected a dict of settings, got {type(config).__name__}")
    text = json.dumps(_json_value(config, "config"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def run_folder(name: str, config: dict, root=None) -> Path:
    """``<root>/<name>-<config_key(config)>``; root defaults to :func:`checkpoints_root`."""
    if not isinstance(name, str):
        raise TypeError(f"run_folder: expected name to be a str such as '07-char-lstm', got {type(name).__name__}")
    if not name.strip() or name in (".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"run_folder: expected name to be one folder name such as '07-char-lstm' (no path "
                         f"separators, not '.' or '..'), got {name!r}; pass the parent folder as root")
    if root is not None and not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"run_folder: expected root to be a path (str or pathlib.Path) or None, "
                        f"got {type(root).__name__}")
    return Path(root if root is not None else checkpoints_root()) / f"{name}-{config_key(config)}"
