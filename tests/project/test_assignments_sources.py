"""The assignments' source notebooks follow nbgrader's conventions and say what they promise.

Each source (notebooks/assignments/source/<id>/<id>.ipynb) states its points, time and
learning goals; its points add up (header, table, parts, test cells); every graded cell is
locked and says its points; solutions and hidden tests are fenced by nbgrader's markers.
These checks need no nbgrader; tests/project/test_assignments_workflow.py runs it.
"""
import re

import pytest

from assignments_helpers import ASSIGNMENTS, BEGIN, END, SOURCE, load, nbgrader, source_path, text


def test_there_are_at_least_four_assignments_each_one_notebook_named_after_its_folder():
    assert len(ASSIGNMENTS) >= 4
    for assignment in ASSIGNMENTS:
        assert sorted(p.name for p in (SOURCE / assignment).glob("*.ipynb")) == [f"{assignment}.ipynb"]


@pytest.fixture(params=ASSIGNMENTS)
def nb(request):
    return load(source_path(request.param))


def graded_cells(nb):
    return [c for c in nb["cells"] if nbgrader(c).get("grade")]


def test_header_states_points_time_and_learning_goals(nb):
    header = text(nb["cells"][0])
    total = sum(nbgrader(c)["points"] for c in graded_cells(nb))
    assert re.match(r"# Assignment \d ·", header)
    assert re.search(rf"\*\*Points:\*\* {total}\b", header), f"the header should say **Points:** {total}"
    assert re.search(r"\*\*Time:\*\* about \d+(–\d+)? hours?", header)
    assert "**Learning goals.**" in header and re.search(r"^1\. .+^2\. .+^3\. ", header, re.M | re.S)
    table = [int(m) for m in re.findall(r"^\| \d+ \|[^\n]*\| (\d+) \|$", header, re.M)]
    assert sum(table) == total and re.search(rf"\| \*\*total\*\* \| \*\*{total}\*\* \|", header)


def test_each_part_says_its_points_and_its_tests_add_up_to_them(nb):
    parts, current = {}, None
    for cell in nb["cells"]:
        m = re.match(r"## Part (\d+) · .*\((\d+) points?\)", text(cell))
        if cell["cell_type"] == "markdown" and m:
            current = m.group(1)
            parts[current] = [int(m.group(2)), 0]
        elif nbgrader(cell).get("grade"):
            assert current, "a graded cell before the first part"
            parts[current][1] += nbgrader(cell)["points"]
    assert parts and all(said == tests for said, tests in parts.values()), parts


def test_graded_cells_are_locked_and_say_their_points(nb):
    for cell in graded_cells(nb):
        meta, first = nbgrader(cell), text(cell).splitlines()[0]
        assert cell["cell_type"] == "code" and meta["locked"] and not meta["solution"]
        m = re.match(r"# (Test|Hidden tests) \((\d+) points?\): \S", first)
        assert m and int(m.group(2)) == meta["points"], (meta["grade_id"], first)
        hidden = "### BEGIN HIDDEN TESTS" in text(cell)
        assert hidden == (m.group(1) == "Hidden tests") == meta["grade_id"].startswith("hidden"), meta["grade_id"]
        if hidden:  # everything outside the hidden block is a comment for the student
            outside = text(cell).split("### BEGIN HIDDEN TESTS")[0] + text(cell).split("### END HIDDEN TESTS")[1]
            assert all(l.startswith("#") for l in outside.strip().splitlines()), meta["grade_id"]


def test_markers_are_balanced_and_only_where_nbgrader_expects_them(nb):
    for cell in nb["cells"]:
        meta, lines = nbgrader(cell), [l.strip() for l in text(cell).splitlines()]
        depth = 0
        for line in lines:
            if line in BEGIN:
                assert depth == 0, meta.get("grade_id")
                depth += 1
                kind = "solution" if line == BEGIN[0] else "grade"
                assert meta.get(kind), (meta.get("grade_id"), line)
            elif line in END:
                depth -= 1
                assert depth == 0, meta.get("grade_id")
        assert depth == 0
        if meta.get("solution"):
            assert BEGIN[0] in lines and cell["cell_type"] == "code"


def test_cells_are_well_formed_for_nbgrader(nb):
    ids = [nbgrader(c)["grade_id"] for c in nb["cells"] if nbgrader(c)]
    assert len(ids) == len(set(ids))
    assert all(nbgrader(c)["schema_version"] == 3 for c in nb["cells"] if nbgrader(c))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in nb["cells"]), \
        "sources are stored without outputs (outputs could give answers away)"
    setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert nbgrader(setup) == {**nbgrader(setup), "grade_id": "setup", "locked": True, "solution": False}
    assert "from rnnlab.course.grading import" in text(setup)
