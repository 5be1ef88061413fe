"""nbgrader's configuration for a STUDENT of the rnnlab course, on a shared machine or a JupyterHub.

With it a student fetches the assignments from nbgrader's exchange, submits them and fetches the
feedback (docs/INSTRUCTORS.md, "A class on one machine or a hub"):

    nbgrader list                                 what the instructor has released
    nbgrader fetch_assignment a1-rnn-by-hand      -> ./rnnlab/a1-rnn-by-hand/a1-rnn-by-hand.ipynb
    nbgrader submit a1-rnn-by-hand                (again at will: the latest one is graded)
    nbgrader list --inbound                       your submissions, and whether feedback is ready
    nbgrader fetch_feedback a1-rnn-by-hand        -> ./rnnlab/a1-rnn-by-hand/feedback/<time>/*.html

Install it where nbgrader looks for a config, NOT in the instructor's course folder and not
instead of notebooks/assignments/nbgrader_config.py (that one is the instructor's: it knows where
the solutions and the gradebook are):

    ~/.jupyter/nbgrader_config.py                  one student
    /etc/jupyter/nbgrader_config.py                everyone on the machine or in the hub's image
                                                   (the instructor's config overrides it where they
                                                   grade, so it is safe for the instructor too)

The student runs nbgrader in their own work folder (their home, on a hub). Environment:

    RNNLAB_EXCHANGE   the exchange folder, the same as the instructor's (default: nbgrader's own,
                      /usr/local/share/nbgrader/exchange)

Who the student is: JUPYTERHUB_USER on a hub (the hub's user name, whatever the Unix user in the
container is), else the login name (getpass.getuser(): $LOGNAME, $USER, else the Unix account).
nbgrader itself only asks the Unix account (and JUPYTERHUB_USER when that account is `jovyan`),
which is the same name on a hub and on a shared machine; reading the login name as well lets
several students share one Unix account in a container or a test. A name claimed falsely is not
hidden: `nbgrader collect` warns when a submission's owner is not the student it names (and
nbgrader's `--student` option could always claim any name), so on a shared machine give each
student their own Unix account.
"""
import getpass
import os
import re
import sys

# nbgrader writes the name into file names ("<student>+<assignment>+<time>+<random>") and matches
# paths with regular expressions, so these characters break it.
UNUSABLE = r"[\s/+*\\^$?{}\[\]|()]"

student = os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
if not student or re.search(UNUSABLE, student):
    sys.exit(f"student_nbgrader_config.py: the student name {student!r} (from JUPYTERHUB_USER, "
             f"LOGNAME or USER) is empty or contains a space or one of / + * \\ ^ $ ? {{}} [] | (), "
             f"which nbgrader cannot put in a submission's name; log in under another name, or set "
             f"LOGNAME to one made of letters, digits, '.', '_', '-' or '@'.")

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.CourseDirectory.course_id = "rnnlab"          # the instructor's config says the same
c.CourseDirectory.student_id = student
c.Exchange.root = os.path.abspath(os.path.expanduser(
    os.environ.get("RNNLAB_EXCHANGE") or "/usr/local/share/nbgrader/exchange"))
# fetch into ./rnnlab/<assignment>/ so that the course's work stays in one folder
c.Exchange.path_includes_course = True
