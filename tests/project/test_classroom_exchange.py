"""nbgrader's real exchange, end to end: one assignment's round trip through a class (issue 19).

In a temporary folder: the exchange; the instructor's course (the repository's
notebooks/assignments/nbgrader_config.py, with RNNLAB_EXCHANGE naming the exchange), who releases
a1-rnn-by-hand with `nbgrader generate_assignment` and `release_assignment`; and three students,
each a separate nbgrader user (their own HOME, USER and LOGNAME, Jupyter folders and nbgrader cache,
working in their home) with classroom/student_nbgrader_config.py installed for everyone, as a hub's
image would have it in /etc/jupyter (here a folder on JUPYTER_CONFIG_PATH, which the instructor's
commands read too). Each student runs `nbgrader list`, `fetch_assignment` and `submit` as a
subprocess: ada hands in a full solution, grace answers two parts of five and leaves the rest as
released, alan's kernel dies of a segmentation fault in part 4. The instructor runs `collect`,
`autograde`, `generate_feedback`, `release_feedback` and `export`; each student `fetch_feedback`s.

Everything runs as the one Unix user running the tests (root on CI), for whom the exchange's
permission bits stop nothing: the tests check the bits nbgrader sets, and what nbgrader shows and
hands to each student. Without nbgrader (the `instructor` extra) they fail on CI and are skipped
elsewhere, as the workflow tests are.
"""
from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import stat
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from assignments_helpers import (
    ROOT, Course, answered, file_haystack, leaks, load, nbgrader, nbgrader_exe, secrets, source_path, text,
)

A1 = "a1-rnn-by-hand"
STUDENT_CONFIG = ROOT / "classroom" / "student_nbgrader_config.py"
PARTIAL = ("rnn_step_forward", "numerical_gradient")        # the parts grace answers (1 and 3 of 5)
CRASH_CELL = "rnn_sequence"                                  # where alan's kernel dies (part 4 of 5)
SEGFAULT = "import ctypes\nctypes.string_at(0)   # reads address 0: the kernel dies (segmentation fault)\n"


def marker(name: str) -> str:
    """A line only this student's notebook holds, to find whose work a page shows."""
    return f"# the notebook of {name}"


def signed(name: str):
    return lambda source: f"{marker(name)}\n{source}"


def as_released(release: dict, grade_id: str):
    kept = next(text(c) for c in release["cells"] if nbgrader(c).get("grade_id") == grade_id)
    return lambda source: kept


def full(name: str, release: dict) -> dict:
    return answered(A1, release, {"rnn_step_forward": signed(name)})


def partial(name: str, release: dict) -> dict:
    edits = {gid: as_released(release, gid) for gid in solution_ids() if gid not in PARTIAL}
    return answered(A1, release, {**edits, "rnn_step_forward": signed(name)})


def crash(name: str, release: dict) -> dict:
    return answered(A1, release, {"rnn_step_forward": signed(name), CRASH_CELL: lambda s: SEGFAULT + s})


STUDENTS = {"ada": full, "grace": partial, "alan": crash}


def solution_ids() -> list[str]:
    return [nbgrader(c)["grade_id"] for c in load(source_path(A1))["cells"] if nbgrader(c).get("solution")]


def parts() -> dict[str, dict[str, float]]:
    """solution grade_id -> {grade_id: points} of the test cells after it, up to the next solution
    cell: the tests of that part, in the source's order."""
    found: dict[str, dict[str, float]] = {}
    current = None
    for cell in load(source_path(A1))["cells"]:
        meta = nbgrader(cell)
        if meta.get("solution"):
            current = found.setdefault(meta["grade_id"], {})
        elif meta.get("grade"):
            current[meta["grade_id"]] = float(meta["points"])
    return found


def expected_passes(name: str) -> set[str]:
    """The test cells each student's notebook deserves to pass: ada all; grace those of the parts
    she answered; alan those before the cell that kills the kernel (the cells after it run in a
    fresh kernel, without the setup's imports and the earlier definitions, and fail)."""
    by_part = parts()
    if name == "ada":
        return {gid for tests in by_part.values() for gid in tests}
    if name == "grace":
        return {gid for part in PARTIAL for gid in by_part[part]}
    before = list(by_part)[:list(by_part).index(CRASH_CELL)]
    return {gid for part in before for gid in by_part[part]}


def points(grade_ids: set[str]) -> float:
    return sum(tests[gid] for tests in parts().values() for gid in tests if gid in grade_ids)


def install_student_config(tmp: Path) -> Path:
    """A folder standing for /etc/jupyter in a hub's image, with the student config installed."""
    etc = tmp / "etc-jupyter"
    etc.mkdir()
    shutil.copy(STUDENT_CONFIG, etc / "nbgrader_config.py")
    return etc


class Student:
    """One nbgrader user: their own home (where they work), login name, Jupyter folders and cache."""

    def __init__(self, name: str, tmp: Path, exe: Path, exchange: Path, etc: Path):
        self.name, self.exe = name, exe
        self.home = tmp / "home" / name
        self.home.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "XDG_")) and k not in ("RNNLAB_RELEASE_DIR", "RNNLAB_GRADING_DIR",
                                                                   "RNNLAB_SUBMISSIONS")}
        self.env = {**env, "HOME": str(self.home), "USER": name, "LOGNAME": name,
                    "JUPYTER_CONFIG_DIR": str(self.home / ".jupyter"),
                    "JUPYTER_DATA_DIR": str(self.home / ".local" / "share" / "jupyter"),
                    "JUPYTER_CONFIG_PATH": str(etc), "RNNLAB_EXCHANGE": str(exchange),
                    "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
                    "TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR": "1"}

    def run(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(self.exe), *args], cwd=self.home, env=self.env, capture_output=True,
                              text=True, timeout=300)
        if check:
            assert done.returncode == 0, f"{self.name}: nbgrader {' '.join(args)}\n{done.stdout}{done.stderr[-3000:]}"
        return done

    @property
    def folder(self) -> Path:
        return self.home / "rnnlab" / A1               # path_includes_course: ./<course>/<assignment>/

    def feedback_pages(self) -> list[Path]:
        return sorted((self.folder / "feedback").glob(f"*/{A1}.html"))


def listed(done: subprocess.CompletedProcess) -> list[str]:
    """The student ids in `nbgrader list --inbound`'s lines "rnnlab <student> <assignment> <time> (...)"."""
    return re.findall(rf"\brnnlab (\S+) {A1} \d{{4}}-", done.stdout + done.stderr)


@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    started = time.monotonic()
    tmp = tmp_path_factory.mktemp("classroom")
    exchange = tmp / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)                   # what the administrator does once (docs/INSTRUCTORS.md)
    etc = install_student_config(tmp)

    teacher = Course(tmp)
    teacher.env.update(RNNLAB_EXCHANGE=str(exchange), JUPYTER_CONFIG_PATH=str(etc))

    def instructor(*args) -> subprocess.CompletedProcess:
        done = teacher.run(*args)
        assert done.returncode == 0, f"instructor: nbgrader {' '.join(args)}\n{done.stdout}{done.stderr[-3000:]}"
        return done

    s = SimpleNamespace(exchange=exchange, teacher=teacher, seconds={})
    instructor("generate_assignment", A1, "--force")
    s.release_log = instructor("release_assignment", A1).stderr
    release = load(teacher.released(A1))

    def fetch_work_submit(name: str) -> subprocess.CompletedProcess:
        student = s.students[name]
        listing = student.run("list")
        student.run("fetch_assignment", A1)
        assert (student.folder / f"{A1}.ipynb").read_bytes() == teacher.released(A1).read_bytes()
        (student.folder / f"{A1}.ipynb").write_text(json.dumps(STUDENTS[name](name, release)), encoding="utf-8")
        student.run("submit", A1)
        return listing

    s.students = {name: Student(name, tmp, teacher.exe, exchange, etc) for name in STUDENTS}
    with ThreadPoolExecutor(len(STUDENTS)) as pool:     # the class works at the same time
        s.listed = dict(zip(STUDENTS, pool.map(fetch_work_submit, STUDENTS)))

    s.collect_log = instructor("collect", A1).stderr
    t = time.monotonic()
    instructor("autograde", A1, "--force")
    s.seconds["autograde"] = time.monotonic() - t
    instructor("generate_feedback", A1, "--force")
    instructor("release_feedback", A1)
    instructor("export", f"--to={tmp / 'grades.csv'}")
    with open(tmp / "grades.csv", newline="") as fh:
        s.csv = {row["student_id"]: row for row in csv.DictReader(fh)}

    def fetch_feedback(name: str) -> subprocess.CompletedProcess:
        s.students[name].run("fetch_feedback", A1)
        return s.students[name].run("list", "--inbound")

    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        s.inbound = dict(zip(STUDENTS, pool.map(fetch_feedback, STUDENTS)))
    s.seconds["all"] = time.monotonic() - started
    return s


# ---------------------------------------------------------------- release, fetch, submit


def test_every_student_sees_the_released_assignment_and_fetches_it_into_their_own_home(semester):
    for name, student in semester.students.items():
        out = semester.listed[name].stdout + semester.listed[name].stderr
        assert re.search(rf"\brnnlab {A1}\b", out), out
        assert (student.folder / f"{A1}.ipynb").is_file()
        assert (student.home / ".local" / "share" / "jupyter" / "nbgrader_cache" / "rnnlab").is_dir(), \
            "the student's cache of their submissions is in their own home"
    assert "Released as: rnnlab " + A1 in semester.release_log


def test_the_exchange_has_the_permissions_nbgrader_relies_on(semester):
    course = semester.exchange / "rnnlab"
    mode = {p: stat.S_IMODE(p.stat().st_mode) for p in (semester.exchange, course, course / "outbound",
                                                        course / "inbound", course / "feedback")}
    # everyone writes into the exchange; only a folder's owner may remove or rename it (the sticky
    # bit, which nbgrader leaves alone: it looks at the lower nine bits only)
    assert mode[semester.exchange] == 0o1777
    assert mode[course] == mode[course / "outbound"] == 0o755, "the release is readable, not writable"
    # inbound: students may write a submission into it and enter it, but not list it (no o+r), and
    # the group (the instructor's, by the set-group-id bit) owns what they write
    assert mode[course / "inbound"] == 0o2733
    # feedback: pages by a hash of each submission's secret, which only its author's cache holds
    assert mode[course / "feedback"] == 0o711
    released = course / "outbound" / A1 / f"{A1}.ipynb"
    assert stat.S_IMODE(released.stat().st_mode) == 0o644


def test_a_student_sees_only_their_own_submission(semester):
    for name in STUDENTS:
        assert listed(semester.inbound[name]) == [name], semester.inbound[name].stderr
    # and in the exchange each one is named <student>+<assignment>+<time>+<random>: without the
    # right to list the folder, nobody can guess another's name
    names = sorted(p.name for p in (semester.exchange / "rnnlab" / "inbound").iterdir())
    assert [n.split("+")[0] for n in names] == sorted(STUDENTS)
    assert all(re.fullmatch(rf"[a-z]+\+{A1}\+[^+]+ UTC\+[A-Za-z0-9_-]{{12}}", n) for n in names), names
    # each student's own record of what they submitted (with its secret) is in their own home only
    for name, student in semester.students.items():
        cache = student.home / ".local" / "share" / "jupyter" / "nbgrader_cache" / "rnnlab"
        assert [p.name.split("+")[0] for p in cache.iterdir()] == [name]
        assert (next(cache.iterdir()) / "submission_secret.txt").is_file()


def test_on_a_hub_the_hub_user_name_wins_over_the_containers_login(semester):
    # DockerSpawner's containers all log in as jovyan; JUPYTERHUB_USER says who it is
    grace = copy.copy(semester.students["grace"])
    grace.env = {**grace.env, "JUPYTERHUB_USER": "grace", "USER": "jovyan", "LOGNAME": "jovyan"}
    assert listed(grace.run("list", "--inbound")) == ["grace"]


@pytest.mark.parametrize("variable, name", [("LOGNAME", "ada+bob"), ("JUPYTERHUB_USER", "ada/../bob")])
def test_a_student_name_nbgrader_cannot_use_is_refused_with_a_message(tmp_path, variable, name):
    student = Student("ada", tmp_path, nbgrader_exe(), tmp_path / "exchange", install_student_config(tmp_path))
    student.env.update({variable: name, "USER": name})
    done = student.run("list", check=False)
    assert done.returncode != 0
    assert f"the student name {name!r}" in done.stderr and "cannot put in a submission's name" in done.stderr, \
        done.stderr[-2000:]


def test_collect_takes_each_submission_and_warns_that_the_owner_is_not_the_student(semester):
    for name in STUDENTS:
        folder = semester.teacher.submitted / name / A1
        assert (folder / f"{A1}.ipynb").is_file() and (folder / "timestamp.txt").is_file()
        # the cross-check against a student who claims another's name: here one Unix user submitted all three
        assert f"claims to be submitted by {name} but is owned by" in semester.collect_log


# ---------------------------------------------------------------- grades


def score(semester, name) -> tuple[float, float]:
    row = semester.csv[name]
    return float(row["score"]), float(row["max_score"])


def passed(semester, name) -> set[str]:
    return {gid for gid, (got, most) in semester.teacher.grades(name, A1).items() if got == most}


def test_the_full_solution_scores_full_marks(semester):
    got, most = score(semester, "ada")
    assert most == points(expected_passes("ada")) == 30
    assert got == most and passed(semester, "ada") == expected_passes("ada")


def test_the_partial_solution_scores_exactly_the_parts_it_answered(semester):
    got, most = score(semester, "grace")
    assert 0 < got < most
    assert got == points(expected_passes("grace")) == 10          # parts 1 and 3: 4 + 6 points
    assert passed(semester, "grace") == expected_passes("grace")


def test_the_crashing_notebook_keeps_the_points_before_the_crash_and_no_more(semester):
    got, most = score(semester, "alan")
    assert got == points(expected_passes("alan")) == 17 and got < most     # parts 1-3: 4 + 7 + 6 points
    assert passed(semester, "alan") == expected_passes("alan")
    crashed = next(c for c in load(semester.teacher.autograded("alan", A1))["cells"]
                   if nbgrader(c).get("grade_id") == CRASH_CELL)
    assert any(o.get("ename") == "DeadKernelError" for o in crashed["outputs"]), crashed["outputs"]


def test_the_csv_has_one_row_per_student(semester):
    assert sorted(semester.csv) == sorted(STUDENTS)
    assert {row["assignment"] for row in semester.csv.values()} == {A1}


# ---------------------------------------------------------------- feedback


def test_each_student_fetches_their_own_feedback_and_nobody_elses(semester):
    lines, numbers = secrets(load(source_path(A1)), kinds=("### BEGIN HIDDEN TESTS",))
    for name, student in semester.students.items():
        pages = student.feedback_pages()
        assert len(pages) == 1, f"{name}: {pages}"
        page = file_haystack(pages[0])
        assert marker(name) in page
        assert not [other for other in STUDENTS if other != name and marker(other) in page]
        got = score(semester, name)[0]
        assert f"{A1} (Score: {got:.1f} / 30.0)" in page, name        # the notebook's total, on top
        # nothing of the hidden tests, beyond what the student wrote themselves (a full solution
        # shares lines with the tests that check it)
        own = leaks(file_haystack(student.folder / f"{A1}.ipynb"), lines, numbers)
        assert "BEGIN HIDDEN TESTS" not in page
        assert set(leaks(page, lines, numbers)) - set(own) == set(), name
        assert "(feedback already fetched)" in semester.inbound[name].stdout + semester.inbound[name].stderr


def test_the_round_trip_takes_a_reasonable_time(semester):
    print(f"\nautograde of three notebooks {semester.seconds['autograde']:.0f} s; "
          f"the whole semester {semester.seconds['all']:.0f} s")
    assert semester.seconds["all"] < 180
