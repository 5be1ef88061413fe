"""nbgrader's configuration for the rnnlab assignments (used by `make release` and `make autograde`).

Where things live (paths from the repository root; see docs/INSTRUCTORS.md):

    notebooks/assignments/source/<id>/<id>.ipynb   the instructor's versions: solutions, hidden tests
    release/<id>/<id>.ipynb                        the student versions (`make release`; git-ignored)
    grading/submitted/<student>/<id>/<id>.ipynb    submissions (or SUBMISSIONS=... for `make autograde`)
    grading/gradebook.db, autograded/, feedback/   nbgrader's gradebook and outputs (git-ignored)
    grading/downloaded/<id>/archive/               submissions downloaded from an LMS (nbgrader zip_collect)

The gradebook holds the hidden tests, so it never goes into release/. Environment variables
move those places (the workflow tests grade in a temporary folder):
RNNLAB_RELEASE_DIR, RNNLAB_GRADING_DIR, RNNLAB_SUBMISSIONS; RNNLAB_CELL_TIMEOUT is the
seconds one cell may run when autograding (default 120) before it is interrupted and failed.

nbgrader's exchange (a class on one machine or a JupyterHub: `nbgrader release_assignment`,
`collect`, `release_feedback`) is opt-in: RNNLAB_EXCHANGE names its folder, shared with the
students, whose own config is classroom/student_nbgrader_config.py. Unset, nbgrader's default
folder (/usr/local/share/nbgrader/exchange) applies, as before.
"""
import os
import re
import sys

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat import NotebookNode
from nbgrader.converters import Autograde
from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _place(variable, default):
    path = os.path.abspath(os.path.expanduser(os.environ.get(variable) or default))
    # nbgrader matches these paths with regular expressions without escaping them
    if re.search(r"[\\^$*+?{}\[\]|()]", path):
        sys.exit(f"nbgrader_config.py: {variable} = {path!r} contains one of \\^$*+?{{}}[]|(), which "
                 f"nbgrader cannot handle in a path; choose a folder without them.")
    return path


GRADING = _place("RNNLAB_GRADING_DIR", os.path.join(REPO, "grading"))
os.makedirs(GRADING, exist_ok=True)  # the gradebook's folder must exist before sqlite opens it

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.CourseDirectory.course_id = "rnnlab"
c.CourseDirectory.root = HERE                                   # source/ is beside this file
c.CourseDirectory.release_directory = _place("RNNLAB_RELEASE_DIR", os.path.join(REPO, "release"))
c.CourseDirectory.submitted_directory = _place("RNNLAB_SUBMISSIONS", os.path.join(GRADING, "submitted"))
c.CourseDirectory.autograded_directory = os.path.join(GRADING, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(GRADING, "feedback")
c.CourseDirectory.solution_directory = os.path.join(GRADING, "solution")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(GRADING, "gradebook.db")
c.ZipCollectApp.downloaded_directory = os.path.relpath(os.path.join(GRADING, "downloaded"), HERE)  # zip_collect: relative
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".nbgrader.log"]
# The instructor acts on every student unless --student says otherwise (nbgrader's default, said
# again because a student config installed for every user, e.g. /etc/jupyter on a hub, sets it to
# the user's own name, which would make `collect` and `autograde` see only the instructor).
c.CourseDirectory.student_id = "*"
if os.environ.get("RNNLAB_EXCHANGE"):   # the exchange folder shared with the students (opt-in)
    c.Exchange.root = _place("RNNLAB_EXCHANGE", "")

# Autograding: each cell may run this long; then the kernel is interrupted, the cell fails
# (its test scores 0) and grading goes on with the next cell.
c.Execute.timeout = int(os.environ.get("RNNLAB_CELL_TIMEOUT") or 120)
c.Execute.interrupt_on_timeout = True

# Students' kernels run the course's quick settings on the CPU, as the thresholds assume.
os.environ.setdefault("RNNLAB_MODE", "quick")
os.environ.setdefault("RNNLAB_DEVICE", "cpu")


class RestartingExecute(Execute):
    """nbgrader's Execute, except when a kernel ignores the interrupt (code that catches
    KeyboardInterrupt in a loop) or dies (os._exit, a crash in C): then that cell fails,
    the kernel is restarted and grading goes on with the next cell, where nbgrader would
    give up on the whole submission and score it 0. Cells after it run in the fresh kernel,
    without the earlier definitions, so their tests usually fail too."""

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except (CellTimeoutError, DeadKernelError) as error:
            what = "did not stop when interrupted" if isinstance(error, CellTimeoutError) else "died"
            self.log.error("Cell %d: the kernel %s; restarting it and going on with the next cell", index, what)
            cell.outputs.append(NotebookNode(
                output_type="error", ename=type(error).__name__, evalue=f"the kernel {what}",
                traceback=[f"{type(error).__name__}: the kernel {what} (cut off after {self.timeout} s); "
                           f"the cells after this one ran in a fresh kernel"]))
            run_sync(self.km.restart_kernel)(now=True)
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
            return cell, self.resources


c.Autograde.autograde_preprocessors = [RestartingExecute if p is Execute else p
                                       for p in Autograde.class_traits()["autograde_preprocessors"].default()]


class HideHiddenTests(ClearHiddenTests):
    """For feedback: the hidden tests' code and what they printed (which can quote the expected
    answers) are removed, so feedback can go to students and the tests can be used again; the
    cell keeps its score and says whether the hidden tests passed (and the error's name if not)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self._remove_hidden_test_region(cell):
            errors = [o.get("ename", "an error") for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            verdict = f"failed ({errors[0]})" if errors else "passed"
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=f"Hidden tests: {verdict}\n")]
        return cell, resources


c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
