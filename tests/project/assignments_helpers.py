"""Reading the assignments' source notebooks: cells by role, and what must stay secret.

Shared by tests/project/test_assignments_sources.py, test_assignments_workflow.py and
test_classroom_exchange.py; the last two also share the temporary nbgrader course and the
submissions built from the source.
"""
from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


def nbgrader_exe() -> Path:
    exe = Path(sys.executable).with_name("nbgrader")
    if exe.exists():
        return exe
    why = ("nbgrader is not installed in this environment, so the assignments' grading workflow "
           "cannot be tested: `make test` installs it (or `make instructor`, or pip install -e '.[instructor]')")
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


class Course:
    """A temporary nbgrader course over the repository's sources (notebooks/assignments/source)."""

    def __init__(self, tmp: Path):
        self.exe = nbgrader_exe()
        self.release = tmp / "release"
        self.grading = tmp / "grading"
        self.submitted = self.grading / "submitted"
        self.env = {**os.environ,
                    "PATH": f"{self.exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",   # alembic
                    "RNNLAB_RELEASE_DIR": str(self.release), "RNNLAB_GRADING_DIR": str(self.grading),
                    "RNNLAB_SUBMISSIONS": str(self.submitted), "RNNLAB_MODE": "quick",
                    "TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR": "1"}
        self.env.pop("RNNLAB_CELL_TIMEOUT", None)

    def run(self, *args, timeout: int | None = None) -> subprocess.CompletedProcess:
        env = dict(self.env, **({"RNNLAB_CELL_TIMEOUT": str(timeout)} if timeout else {}))
        return subprocess.run([str(self.exe), *args], cwd=COURSE, env=env, capture_output=True, text=True,
                              timeout=900)

    def released(self, assignment: str) -> Path:
        return self.release / assignment / f"{assignment}.ipynb"

    def autograded(self, student: str, assignment: str) -> Path:
        return self.grading / "autograded" / student / assignment / f"{assignment}.ipynb"

    def submit(self, student: str, assignment: str, nb: dict) -> None:
        folder = self.submitted / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")

    def grades(self, student: str, assignment: str) -> dict:
        """grade_id -> (score, max_score) of every graded cell, from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.grading / 'gradebook.db'}", course_id="rnnlab") as gb:
            notebook = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.score, g.max_score) for g in notebook.grades}


def answered(assignment: str, release: dict, edit: dict | None = None) -> dict:
    """The release with every solution cell filled in from the source: a student's submission.

    ``edit``: grade_id -> function(source text) -> source text, to plant mistakes.
    """
    solutions = {nbgrader(c)["grade_id"]: text(c) for c in load(source_path(assignment))["cells"]
                 if nbgrader(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        gid = nbgrader(cell).get("grade_id")
        if gid in solutions:
            cell["source"] = solutions[gid]
            if edit and gid in edit:
                cell["source"] = edit[gid](cell["source"])
    return nb
