"""A JupyterHub for a class taking the rnnlab course, on ONE machine (docs/INSTRUCTORS.md).

    make classroom                       jupyterhub (PyPI) + its proxy, configurable-http-proxy (npm)
    RNNLAB_HUB_PASSWORD=... RNNLAB_HUB_STUDENTS=ada,grace RNNLAB_HUB_INSTRUCTORS=prof \\
        .venv/bin/jupyterhub -f classroom/jupyterhub_config.py
    then open http://127.0.0.1:8000 and log in as one of them with that password.

Each user gets JupyterLab (/lab) from this repository's .venv, with the course installed, HOME in
<state>/homes/<name>, and nbgrader's extensions for their role (classroom/jupyter/<role>/ is put
first on their JUPYTER_CONFIG_PATH): students get the assignment list and validation, their
nbgrader config being classroom/student_nbgrader_config.py; instructors get formgrader too, over
notebooks/assignments (their server's root is the repository). Everyone shares nbgrader's exchange
folder (RNNLAB_EXCHANGE). tests/project/test_classroom_hub.py starts this hub with two students.

HONEST LIMITS of this one-machine set-up, fine for a demo, a workshop room or a test, not for a
class over the internet:
- SimpleLocalProcessSpawner runs every server as the Unix user running the hub: students are kept
  apart by the hub (each can reach only their own server), NOT by the operating system. A real
  single machine uses LocalProcessSpawner (one Unix account per student; the hub runs as root) or
  SystemdSpawner; a cluster uses KubeSpawner (Zero to JupyterHub: classroom/z2jh-values.yaml).
- DummyAuthenticator: everyone listed logs in with ONE shared password. A class uses
  NativeAuthenticator (sign-up with approval), the school's LMS through LTI (ltiauthenticator) or
  OAuth (oauthenticator: GitHub, Google, a university's single sign-on).
- Plain HTTP on loopback. To serve a room, set RNNLAB_HUB_IP and put TLS in front
  (c.JupyterHub.ssl_cert/ssl_key, or a reverse proxy).

Environment (all optional except the password):
    RNNLAB_HUB_PASSWORD      the shared password (DummyAuthenticator); the hub refuses to start without
    RNNLAB_HUB_STUDENTS      who may log in as a student, comma-separated (e.g. "ada,grace")
    RNNLAB_HUB_INSTRUCTORS   who may log in as an instructor (hub admins, formgrader on)
    RNNLAB_HUB_IP            default 127.0.0.1 (loopback: nobody else can connect)
    RNNLAB_HUB_PORT          the public (proxy) port, default 8000; the hub's own port is free-chosen
    RNNLAB_HUB_STATE         where the hub writes (sqlite db, cookie secret, proxy pid, homes),
                             default classroom/state/ (git-ignored)
    RNNLAB_EXCHANGE          nbgrader's exchange folder, default <state>/exchange
    RNNLAB_MODE              the notebooks' mode on the servers, default quick
"""
import os
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)                    # the .venv running this hub: the course is in it
PROXY = os.path.join(HERE, "node_modules", ".bin", "configurable-http-proxy")
NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]*$")            # usable by the hub, nbgrader and as a folder


def _names(var: str) -> set[str]:
    names = {n.strip() for n in os.environ.get(var, "").split(",") if n.strip()}
    bad = sorted(n for n in names if not NAME.match(n))
    if bad:
        sys.exit(f"jupyterhub_config.py: {var} holds {bad}, which are not usable user names; use lower-case "
                 f"letters, digits, '.', '_', '-' or '@', comma-separated (e.g. {var}=ada,grace).")
    return names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STATE = os.path.abspath(os.environ.get("RNNLAB_HUB_STATE") or os.path.join(HERE, "state"))
EXCHANGE = os.path.abspath(os.environ.get("RNNLAB_EXCHANGE") or os.path.join(STATE, "exchange"))
PASSWORD = os.environ.get("RNNLAB_HUB_PASSWORD", "")
STUDENTS = _names("RNNLAB_HUB_STUDENTS")
INSTRUCTORS = _names("RNNLAB_HUB_INSTRUCTORS")
if not PASSWORD:
    sys.exit("jupyterhub_config.py: set RNNLAB_HUB_PASSWORD (the password everyone logs in with on this "
             "demo hub); without it DummyAuthenticator would accept ANY password.")
if not STUDENTS | INSTRUCTORS:
    sys.exit("jupyterhub_config.py: nobody may log in; name the users in RNNLAB_HUB_STUDENTS and/or "
             "RNNLAB_HUB_INSTRUCTORS (comma-separated, e.g. RNNLAB_HUB_STUDENTS=ada,grace).")
if STUDENTS & INSTRUCTORS:
    sys.exit(f"jupyterhub_config.py: {sorted(STUDENTS & INSTRUCTORS)} are listed as students AND instructors; "
             f"list each name once (RNNLAB_HUB_STUDENTS, RNNLAB_HUB_INSTRUCTORS).")
if not os.access(PROXY, os.X_OK):
    sys.exit(f"jupyterhub_config.py: the proxy {PROXY} is missing; run `make classroom` "
             f"(npm ci --prefix classroom installs it at the version classroom/package-lock.json pins).")
for folder in (STATE, os.path.join(STATE, "homes"), EXCHANGE):
    os.makedirs(folder, exist_ok=True)
os.chmod(EXCHANGE, 0o777)   # nbgrader's exchange: everyone writes their submissions in it

c = get_config()  # noqa: F821 (provided by traitlets when jupyterhub loads this file)

# Network: the proxy listens where users connect; the hub talks to it and the servers on loopback.
c.JupyterHub.ip = os.environ.get("RNNLAB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("RNNLAB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _free_port()
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.command = [PROXY]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.debug = False

# Everything the hub writes, in one folder.
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True          # stopping the hub stops the students' servers
c.JupyterHub.cleanup_proxy = True

# Who logs in (see the module docstring for what a class should use instead).
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = PASSWORD
c.Authenticator.allowed_users = STUDENTS | INSTRUCTORS
c.Authenticator.admin_users = INSTRUCTORS

# The single-user servers: JupyterLab from this environment, HOME under the state folder.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE, "homes", "{username}")
c.Spawner.cmd = [os.path.join(BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
if os.geteuid() == 0:                        # containers and CI run as root; Jupyter refuses without it
    c.Spawner.args = ["--ServerApp.allow_root=True"]
# Passed through from the hub's environment when set (the tests' offline guard: tests/offline).
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "JUPYTERHUB_SINGLEUSER_APP",
                      "RNNLAB_OFFLINE", "RNNLAB_FIGURES", "PYDEVD_DISABLE_FILE_VALIDATION"]
c.Spawner.environment = {"RNNLAB_EXCHANGE": EXCHANGE, "RNNLAB_MODE": os.environ.get("RNNLAB_MODE", "quick")}


def pre_spawn_hook(spawner):
    """Per role: nbgrader's extensions and config (classroom/jupyter/<role>/), and the server's root."""
    name = spawner.user.name
    role = "instructor" if name in INSTRUCTORS else "student"
    os.makedirs(spawner.home_dir, exist_ok=True)
    # jupyterhub gives each server JUPYTERHUB_USER; student_nbgrader_config.py makes it the student id.
    spawner.environment = dict(spawner.environment, JUPYTER_CONFIG_PATH=os.path.join(HERE, "jupyter", role),
                               RNNLAB_ROLE=role)
    # formgrader needs the course folder (notebooks/assignments) inside the server's root.
    spawner.notebook_dir = REPO if role == "instructor" else spawner.home_dir


c.Spawner.pre_spawn_hook = pre_spawn_hook
