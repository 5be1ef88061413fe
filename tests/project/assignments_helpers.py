"""Reading the assignments' source notebooks: cells by role, and what must stay secret.

Shared by tests/project/test_assignments_sources.py and tests/project/test_assignments_workflow.py.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "notebooks" / "assignments"
SOURCE = COURSE / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and not p.name.startswith("."))

BEGIN = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
END = ("### END SOLUTION", "### END HIDDEN TESTS")
NUMBER = r"(?<![\w.])(?:\d+\.\d+(?:e-?\d+)?|\d+e-?\d+|\d{3,})(?![\w.])"


def source_path(assignment: str) -> Path:
    return SOURCE / assignment / f"{assignment}.ipynb"


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def text(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def split_secret(nb: dict, kinds=BEGIN) -> tuple[list[str], list[str]]:
    """(public lines, secret lines) of a source notebook: secret = inside the blocks that ``kinds``
    begin (solutions and hidden tests by default); public = outside every block."""
    public, secret = [], []
    for cell in nb["cells"]:
        inside = None
        for line in text(cell).splitlines():
            stripped = line.strip()
            if stripped in BEGIN:
                inside = stripped
            elif stripped in END:
                inside = None
            elif inside is None:
                public.append(stripped)
            elif inside in kinds:
                secret.append(stripped)
    return public, secret


def secrets(nb: dict, kinds=BEGIN) -> tuple[set[str], set[str]]:
    """What the student release must not contain: (lines, numbers).

    Lines: each line of a solution or hidden-test block (10 characters or more) that does not
    occur anywhere in the public part of the source. Numbers: the numeric literals of those
    blocks (answer values, hidden seeds and sizes like 303 or 0.0833) that the public part
    does not use.
    """
    public, secret = split_secret(nb, kinds)
    public_text = "\n".join(public)
    lines = {s for s in secret if len(s) >= 10 and s not in public_text}
    public_numbers = set(re.findall(NUMBER, public_text))
    numbers = {n for s in secret for n in re.findall(NUMBER, s)} - public_numbers
    return lines, numbers


def strings(tree) -> list[str]:
    """Every string in a JSON tree (keys and values): sources, outputs, metadata, attachments."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return [s for k, v in tree.items() for s in [k, *strings(v)]]
    if isinstance(tree, list):
        return [s for v in tree for s in strings(v)]
    return [str(tree)]


def leaks(haystack: str, lines: set[str], numbers: set[str]) -> list[str]:
    """The secret lines and numbers that occur in ``haystack``."""
    found = [line for line in sorted(lines) if line in haystack]
    found += [n for n in sorted(numbers) if re.search(r"(?<![\w.])" + re.escape(n) + r"(?![\w.])", haystack)]
    return found


def file_haystack(path: Path) -> str:
    """All the text of a file; for a notebook every string anywhere in its JSON, for an HTML page
    its text without tags, styles and scripts (highlighted code reads as it was written)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        return "\n".join(strings(json.loads(raw))) + "\n" + raw
    if path.suffix == ".html":    # the page's text: no style sheets or scripts (#777 is a colour), no tags
        page = re.sub(r"<(style|script)\b.*?</\1>", "", raw, flags=re.S | re.I)
        return html.unescape(re.sub(r"<[^>]*>", "", page))
    return raw
