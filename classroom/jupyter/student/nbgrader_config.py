"""nbgrader's config for a STUDENT's server on the hub: classroom/student_nbgrader_config.py.

classroom/jupyterhub_config.py puts this folder first on the student's JUPYTER_CONFIG_PATH, where
nbgrader looks for nbgrader_config.py; the file itself stays in one place (classroom/).
"""
import os

load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)),  # noqa: F821 (traitlets provides it)
                            "..", "..", "student_nbgrader_config.py"))
