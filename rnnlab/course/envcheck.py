"""Check that this machine can run the course, and say how to fix what is missing.

Notebook 00 calls :func:`check_environment` and shows the report. What it expects
comes from the project's own files, so there is one list of each thing, not two:

- the Pythons the course is tested on: ``requires-python`` in ``pyproject.toml``
  (read from rnnlab's installed metadata), e.g. ``>=3.11,<3.14`` -> 3.11, 3.12, 3.13;
- the packages and their ranges: ``dependencies`` in ``pyproject.toml``, likewise;
- the exact versions the stored outputs were made with: ``constraints.txt`` beside
  the package, when the course is installed from its folder (``make setup``).
"""
from __future__ import annotations

import importlib.metadata as metadata
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rnnlab.course import runtime

#: The exact versions ``make setup`` installs (absent when rnnlab is installed some other way).
CONSTRAINTS = Path(__file__).resolve().parents[2] / "constraints.txt"
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


def tested_pythons(requires_python: str | None = None) -> list[tuple[int, int]]:
    """The Python versions the course is tested on, ``[(3, 11), (3, 12), (3, 13)]``, read from
    ``requires_python`` (default: rnnlab's ``Requires-Python``, e.g. ``">=3.11,<3.14"``)."""
    if requires_python is None:
        requires_python = metadata.metadata("rnnlab")["Requires-Python"] or ""
    low = re.search(r">=\s*3\.(\d+)", requires_python)
    high = re.search(r"<\s*3\.(\d+)", requires_python)
    if not (low and high):
        raise ValueError(f"tested_pythons: expected Requires-Python of the form '>=3.A,<3.B', got {requires_python!r}")
    return [(3, minor) for minor in range(int(low.group(1)), int(high.group(1)))]


def check_python(version: tuple[int, int] | None = None) -> Check:
    """Is this Python (``version``, default the running one) one the course is tested on?"""
    version = tuple(version or sys.version_info[:2])
    tested = tested_pythons()
    names = ", ".join(f"{a}.{b}" for a, b in tested)
    found = platform.python_version() if version == tuple(sys.version_info[:2]) else "%d.%d" % version
    if version in tested:
        return Check("python", True, f"{found}, one of the Pythons the course is tested on ({names})")
    return Check("python", False, f"{found}, not one of the Pythons the course is tested on ({names})",
                 f"install one of them, then `make lab PYTHON=python{tested[-1][0]}.{tested[-1][1]}`; "
                 f"on another Python, results may differ from the stored ones, or packages fail to install")


def tested_versions(path: Path = CONSTRAINTS) -> dict[str, str]:
    """``{distribution name (normalised): version}`` from ``constraints.txt``; empty if absent."""
    if not path.is_file():
        return {}
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if m:
            pins[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return pins


def check_tested_versions(path: Path = CONSTRAINTS) -> Check | None:
    """Are the installed libraries the ones the stored outputs were made with? None without ``path``."""
    pins = tested_versions(path)
    if not pins:
        return None
    differ = []
    for name, want in sorted(pins.items()):
        try:
            # the first on sys.path, the one `import` finds (setuptools puts copies of its own
            # vendored packaging, platformdirs... at the end of sys.path once it is imported)
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue                          # e.g. nbgrader, which only `make test` installs
        if have.split("+")[0] != want.split("+")[0]:          # a CUDA build of torch is the same torch
            differ.append(f"{name} {have} (tested {want})")
    if not differ:
        return Check("library versions", True, f"the {len(pins)} tested versions of {path.name}")
    return Check("library versions", False, "; ".join(differ[:5]) + (" ..." if len(differ) > 5 else ""),
                 "run `make setup`, which installs the tested versions; with others, numbers may differ "
                 "from the stored outputs")


def check_environment() -> list[Check]:
    """Check Python, every declared package and the tested versions, the widget front end,
    the mode and the device."""
    checks = [check_python()]
    checks += [_check_package(*req) for req in _requirements()]
    tested = check_tested_versions()
    if tested is not None:
        checks.append(tested)
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
