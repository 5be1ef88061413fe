"""nbgrader's config for the INSTRUCTOR's server on the hub: notebooks/assignments/nbgrader_config.py.

classroom/jupyterhub_config.py puts this folder first on the instructor's JUPYTER_CONFIG_PATH, so
formgrader (which reads nbgrader's config from the config path and the server's start folder) finds
the course: its source/ folder, gradebook and the exchange (RNNLAB_EXCHANGE).
"""
import os

load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)),  # noqa: F821 (traitlets provides it)
                            "..", "..", "..", "notebooks", "assignments", "nbgrader_config.py"))
