"""Check that this machine can run the course, and say how to fix what is missing.

Notebook 00 calls :func:`check_environment` and shows the report. The packages
and versions it expects are read from rnnlab's own installed metadata (that is,
from ``pyproject.toml``), so there is one list of requirements, not two.
"""
from __future__ import annotations

import importlib.metadata as metadata
import platform
import re
import sys
from dataclasses import dataclass

from . import runtime

MIN_PYTHON = (3, 11)
FIX_INSTALL = "run `make lab` (or `make setup`) from the course folder; it installs the course's packages into .venv"


@dataclass
class Check:
    """One line of the report: what was checked, whether it passed, what was found, how to fix it."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def _version_tuple(text: str) -> tuple:
    return tuple(int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3])


def _requirements() -> list[tuple[str, str, str]]:
    """``(name, operator, version)`` for each dependency rnnlab declares."""
    found = []
    for line in metadata.requires("rnnlab") or []:
        if "extra ==" in line:
            continue
        m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(==|>=)?\s*([0-9][^;,\s]*)?", line)
        if m:
            found.append((m.group(1), m.group(2) or "", m.group(3) or ""))
    return found


def _check_package(name: str, op: str, wanted: str) -> Check:
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        return Check(name, False, "not installed", FIX_INSTALL)
    if op == ">=" and _version_tuple(have) < _version_tuple(wanted):
        return Check(name, False, have, f"need {name} >= {wanted}; {FIX_INSTALL}")
    if op == "==" and _version_tuple(have) != _version_tuple(wanted):
        hint = " (a CUDA build of the same version is fine: see the README's 'On a GPU')" if name == "torch" else ""
        return Check(name, False, have, f"the course is tested with {name} {wanted}{hint}")
    return Check(name, True, have)


def check_environment() -> list[Check]:
    """Check Python, every declared package, the widget front end, the mode and the device."""
    checks = [
        Check(
            "python",
            sys.version_info[:2] >= MIN_PYTHON,
            platform.python_version(),
            f"install Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer",
        )
    ]
    checks += [_check_package(*req) for req in _requirements()]
    widgets = _check_package("jupyterlab_widgets", "", "")
    widgets.name = "jupyterlab_widgets (widget front end)"
    checks.append(widgets)
    try:
        mode = runtime.get_mode()
        checks.append(Check("mode", True, mode))
    except ValueError as err:
        checks.append(Check("mode", False, "invalid", str(err)))
    device = runtime.get_device()
    name = f"cuda ({__import__('torch').cuda.get_device_name(0)})" if device.type == "cuda" else "cpu"
    checks.append(Check("device", True, name))
    return checks


class Report(list):
    """A list of :class:`Check` that displays as a table."""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self)

    def __repr__(self) -> str:
        width = max(len(c.name) for c in self)
        lines = [f"{'ok ' if c.ok else 'FIX'}  {c.name:<{width}}  {c.found}" + (f"  -> {c.fix}" if not c.ok else "") for c in self]
        verdict = "Everything is ready." if self.ok else "Some checks failed: fix the lines marked FIX, then restart the kernel."
        return "\n".join(lines + ["", verdict])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✅' if c.ok else '❌'}</td><td>{c.name}</td><td>{c.found}</td><td>{c.fix if not c.ok else ''}</td></tr>"
            for c in self
        )
        verdict = "Everything is ready." if self.ok else "<b>Some checks failed</b>: fix the rows marked ❌, then restart the kernel."
        return f"<table><tr><th></th><th>check</th><th>found</th><th>how to fix</th></tr>{rows}</table><p>{verdict}</p>"


def environment_report() -> Report:
    """:func:`check_environment` as a displayable :class:`Report`."""
    return Report(check_environment())
