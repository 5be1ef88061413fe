"""The graded assignments under the real nbgrader: release, autograde, export (issue 7).

One temporary course folder for the whole module: `nbgrader generate_assignment` writes the
student release there, a few made-up students submit (the reference solutions; the blank
release; a planted sign error; two slips in assignment 5's CTC lattice; code that raises; a loop
that never ends; a loop that even swallows the interrupt; code that kills its kernel), `nbgrader
autograde` grades them and `nbgrader export` writes the CSV. Nothing is written into the
repository. nbgrader is the `instructor` extra: `make test` installs it; without it these tests
fail on CI and are skipped (with the reason) elsewhere.
"""
from __future__ import annotations

import csv
import json
import re
import time

import pytest

from assignments_helpers import (
    ASSIGNMENTS, COURSE, Course, answered, file_haystack, leaks, load, nbgrader, secrets, source_path, text,
)

A1 = "a1-rnn-by-hand"
A5 = "a5-ctc-by-hand"
LOG_SPACE = "new.append(logsumexp(*into) + log_probs[t, ext[s]])"   # in A5's ctc_alpha
TIMEOUT = 6          # seconds per cell for the students whose code never ends
CUT_OFF = ("cutoff-loop", "cutoff-stubborn", "cutoff-crash")


def replace(old: str, new: str):
    def edit(source: str) -> str:
        assert old in source, f"the planted mistake needs {old!r} in the solution"
        return source.replace(old, new)
    return edit


PLANTED = {  # student -> (assignment, edits)
    "sign-error": (A1, {"rnn_step_backward": replace("dW_hh = da.T @ h_prev", "dW_hh = -(da.T @ h_prev)")}),
    "raises": (A1, {"rnn_sequence": replace('    """x (B, T, D), h0 (B, H) -> hs (B, T, H), cache."""\n',
                                            '    """x (B, T, D), h0 (B, H) -> hs (B, T, H), cache."""\n'
                                            '    raise ValueError("not finished")\n')}),
    "cutoff-loop": (A1, {"find_the_bug": lambda s: "t = 0\nwhile t < 10:   # forgot t += 1\n    pass\n" + s}),
    "cutoff-stubborn": (A1, {"find_the_bug": lambda s: (
        "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n"
        "    except BaseException:   # swallows the interrupt too\n        pass\n" + s)}),
    "cutoff-crash": (A1, {"find_the_bug": lambda s: "import os\nos._exit(1)   # the kernel dies\n" + s}),
    "nan-gradient": (A5, {"ctc_alpha": replace(LOG_SPACE, "new.append(torch.logsumexp(torch.stack(into), 0)"
                                                          " + log_probs[t, ext[s]])")}),
    "probability-space": (A5, {"ctc_alpha": replace(LOG_SPACE, "new.append(torch.log(sum(torch.exp(v) for v in into))"
                                                               " + log_probs[t, ext[s]])")}),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("course"))
    started = time.monotonic()
    done = course.run("generate_assignment", "*", "--force")
    course.release_seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return course


@pytest.fixture(scope="module")
def graded(course):
    """Submit, autograde (two runs: the cut-off students with a short cell limit) and export."""
    for assignment in ASSIGNMENTS:
        release = load(course.released(assignment))
        course.submit("reference", assignment, answered(assignment, release))
        course.submit("blank", assignment, release)
    for student, (assignment, edit) in PLANTED.items():
        course.submit(student, assignment, answered(assignment, load(course.released(assignment)), edit))
    started = time.monotonic()
    first = course.run("autograde", "*", "--force", f"--CourseDirectory.student_id_exclude={','.join(CUT_OFF)}")
    course.autograde_seconds = time.monotonic() - started
    started = time.monotonic()
    second = course.run("autograde", A1, "--force", "--student=cutoff-*", timeout=TIMEOUT)
    course.timeout_seconds = time.monotonic() - started
    for run in (first, second):
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-6000:]
    course.log = second.stdout + second.stderr
    export = course.run("export", f"--to={course.grading / 'grades.csv'}")
    assert export.returncode == 0, export.stderr
    with open(course.grading / "grades.csv", newline="") as fh:
        course.csv = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(fh)}
    return course


def score(course, student, assignment) -> tuple[float, float]:
    row = course.csv[(student, assignment)]
    return float(row["score"]), float(row["max_score"])


def failed(course, student, assignment) -> set[str]:
    return {gid for gid, (got, most) in course.grades(student, assignment).items() if got < most}


def outputs(course, student, assignment, grade_id) -> str:
    for cell in load(course.autograded(student, assignment))["cells"]:
        if nbgrader(cell).get("grade_id") == grade_id:
            found = "\n".join("".join(o.get("text", "")) + "\n".join(o.get("traceback", []))
                              for o in cell.get("outputs", []))
            return re.sub(r"\x1b\[[0-9;]*m", "", found)          # no terminal colours
    raise KeyError(grade_id)


# ---------------------------------------------------------------- the release


def test_release_holds_one_notebook_per_assignment_and_nothing_else(course):
    files = sorted(p.relative_to(course.release).as_posix() for p in course.release.rglob("*") if p.is_file())
    assert files == [f"{a}/{a}.ipynb" for a in ASSIGNMENTS]
    assert not (COURSE / "gradebook.db").exists() and not (COURSE / "release").exists(), \
        "nbgrader wrote into notebooks/assignments: the config was not used"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_blank_and_keeps_the_tests_visible_students_need(course, assignment):
    nb = load(course.released(assignment))
    source = load(source_path(assignment))
    for cell in nb["cells"]:
        meta = nbgrader(cell)
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
        if meta.get("solution"):
            assert "raise NotImplementedError()" in text(cell), meta["grade_id"]
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text(cell), (meta.get("grade_id"), marker)
    graded = [c for c in nb["cells"] if nbgrader(c).get("grade")]
    assert [nbgrader(c)["grade_id"] for c in graded] == [nbgrader(c)["grade_id"] for c in source["cells"]
                                                        if nbgrader(c).get("grade")]
    public = [c for c in graded if not nbgrader(c)["grade_id"].startswith("hidden")]
    assert all("expect_" in text(c) for c in public), "every public test cell checks something"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_hidden_test_or_answer_value_appears_anywhere_in_the_release(course, assignment):
    source = load(source_path(assignment))
    lines, numbers = secrets(source)
    assert len(lines) >= 10, "the source has solutions and hidden tests to keep secret"
    raw_source = "\n".join(text(c) for c in source["cells"])
    assert set(leaks(raw_source, lines, numbers)) == lines | numbers, "sanity: the search finds them in the source"
    found = {}
    for path in (course.release / assignment).rglob("*"):
        if path.is_file():
            found[path.name] = leaks(file_haystack(path), lines, numbers)
    assert found and not any(found.values()), found


def test_the_leak_search_finds_a_secret_hidden_in_metadata(course):
    source = load(source_path(A1))
    lines, numbers = secrets(source)
    nb = load(course.released(A1))
    nb["cells"][3]["metadata"]["note"] = sorted(lines)[0]          # a solution line, tucked away
    nb["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x " + sorted(numbers)[0]]}]
    path = course.release.parent / "planted.ipynb"
    path.write_text(json.dumps(nb))
    assert leaks(file_haystack(path), lines, numbers) == [sorted(lines)[0], sorted(numbers)[0]]


# ---------------------------------------------------------------- grading


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_scores_full_marks(graded, assignment):
    got, most = score(graded, "reference", assignment)
    assert most > 0 and got == most, failed(graded, "reference", assignment)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_is_graded_without_crashing_and_scores_zero(graded, assignment):
    assert graded.autograded("blank", assignment).exists()
    assert score(graded, "blank", assignment) == (0.0, score(graded, "reference", assignment)[1])
    assert failed(graded, "blank", assignment) == set(graded.grades("blank", assignment))


def test_a_sign_error_in_one_term_gets_partial_marks_and_names_the_term(graded):
    got, most = score(graded, "sign-error", A1)
    assert 0 < got < most
    assert failed(graded, "sign-error", A1) == {"test_step_backward_gradcheck", "hidden_step_backward",
                                               "test_sequence_gradcheck", "hidden_sequence"}
    feedback = outputs(graded, "sign-error", A1, "test_step_backward_gradcheck")
    assert "✅ dx" in feedback and "❌ dW_hh" in feedback and "dW_hh does not match" in feedback


def test_a_function_that_raises_loses_only_the_tests_that_call_it(graded):
    assert failed(graded, "raises", A1) == {"test_sequence_forward", "test_sequence_gradcheck", "hidden_sequence"}
    assert score(graded, "raises", A1) == (21.0, 30.0)
    assert "ValueError: not finished" in outputs(graded, "raises", A1, "test_sequence_forward")


@pytest.mark.parametrize("student", CUT_OFF)
def test_a_loop_that_never_ends_or_a_dying_kernel_is_cut_off_and_the_rest_graded(graded, student):
    assert failed(graded, student, A1) == {"test_find_the_bug", "hidden_find_the_bug"}
    assert score(graded, student, A1) == (26.0, 30.0)
    assert graded.timeout_seconds < 150, f"grading the three took {graded.timeout_seconds:.0f} s"
    loop_cell = next(c for c in load(graded.autograded(student, A1))["cells"]
                     if nbgrader(c).get("grade_id") == "find_the_bug")
    errors = [o for o in loop_cell["outputs"] if o["output_type"] == "error"]
    assert errors, "the cut-off cell shows why it stopped"


def test_ctc_slips_lose_only_the_tests_that_catch_them_and_the_feedback_says_why(graded):
    # torch.logsumexp of only -inf (an unreachable state) has a NaN gradient: the values are right
    assert failed(graded, "nan-gradient", A5) == {"test_nll_gradient", "hidden_nll"}
    assert score(graded, "nan-gradient", A5) == (25.0, 30.0)
    feedback = outputs(graded, "nan-gradient", A5, "test_nll_gradient")
    assert "contains NaN" in feedback and "use the setup cell's logsumexp" in feedback
    # probabilities instead of logs pass the visible alpha tests; 300 frames in the hidden ones underflow
    assert failed(graded, "probability-space", A5) == {"hidden_alpha", "test_nll_gradient", "hidden_nll"}
    assert score(graded, "probability-space", A5) == (21.0, 30.0)


def test_grades_csv_has_a_row_per_student_and_assignment(graded):
    students = {"reference", "blank", *PLANTED}
    assert set(graded.csv) == {(s, a) for s in students for a in ASSIGNMENTS}
    assert {float(r["max_score"]) for (s, a), r in graded.csv.items() if a == A1} == {30.0}


def test_feedback_shows_each_score_but_not_the_hidden_tests(graded):
    done = graded.run("generate_feedback", "*", "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    for assignment in ASSIGNMENTS:
        lines, numbers = secrets(load(source_path(assignment)), kinds=("### BEGIN HIDDEN TESTS",))
        for student, verdict in [("blank", "Hidden tests: failed ("), ("reference", "Hidden tests: passed")]:
            page = file_haystack(graded.grading / "feedback" / student / assignment / f"{assignment}.html")
            assert verdict in page and "BEGIN HIDDEN TESTS" not in page
            if student == "blank":     # (the reference's page holds its own solution code)
                assert leaks(page, lines, numbers) == [], assignment


def test_grading_runs_take_a_reasonable_time(graded):
    print(f"\ngenerate_assignment {graded.release_seconds:.0f} s; autograde of "
          f"{2 * len(ASSIGNMENTS) + len(PLANTED) - len(CUT_OFF)} notebooks {graded.autograde_seconds:.0f} s; "
          f"the loops and the crash {graded.timeout_seconds:.0f} s")
    assert graded.autograde_seconds < 600
