"""The class's hub configuration files parse and agree with the repository (issue 19).

- classroom/jupyterhub_config.py (one machine): loaded as jupyterhub loads it, into a traitlets
  Config, with its environment; the paths it names exist, its per-role hook points at
  classroom/jupyter/<role>/, and it refuses to start without a password or with bad user names.
- classroom/jupyter/<role>/: nbgrader's extensions per role (students: assignment list, no formgrader).
- classroom/z2jh-values.yaml (Kubernetes) and classroom/k8s-exchange-pvc.yaml: parse; the image is
  the one postBuild's build command names; the exchange volume's claim is the PVC's name, mounted
  where RNNLAB_EXCHANGE says; every /srv/rnnlab/... path is a path of this repository (the image
  holds it there); the hub's extra config, run with a fake user, picks the role folders.
- classroom/package.json and package-lock.json pin the proxy (configurable-http-proxy 5.x) alike.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config, PyFileConfigLoader

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "classroom"
HUB_CONFIG = CLASSROOM / "jupyterhub_config.py"
IMAGE_ROOT = "/srv/rnnlab"          # where postBuild's build command puts the repository in the image


def load_hub_config(tmp_path: Path, **env) -> Config:
    """classroom/jupyterhub_config.py as jupyterhub reads it (a PyFileConfigLoader), with ``env`` set."""
    base = {"RNNLAB_HUB_PASSWORD": "pw", "RNNLAB_HUB_STUDENTS": "ada,grace", "RNNLAB_HUB_INSTRUCTORS": "prof",
            "RNNLAB_HUB_STATE": str(tmp_path / "state"), "RNNLAB_EXCHANGE": ""}
    old = {k: os.environ.get(k) for k in {**base, **env}}
    os.environ.update({**base, **env})
    try:
        return PyFileConfigLoader(HUB_CONFIG.name, path=str(CLASSROOM)).load_config()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((CLASSROOM / "z2jh-values.yaml").read_text())


def repo_path(image_path: str) -> Path:
    assert image_path.startswith(IMAGE_ROOT + "/"), f"{image_path} is not under {IMAGE_ROOT}"
    return ROOT / image_path[len(IMAGE_ROOT) + 1:]


def test_hub_config_loads_and_keeps_to_loopback(tmp_path):
    if not os.access(CLASSROOM / "node_modules" / ".bin" / "configurable-http-proxy", os.X_OK):
        pytest.skip("the proxy is not installed (make classroom); the config refuses to load without it")
    c = load_hub_config(tmp_path, RNNLAB_HUB_PORT="8123")
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.JupyterHub.port == 8123
    assert c.JupyterHub.authenticator_class == "dummy" and c.JupyterHub.spawner_class == "simple"
    assert c.Authenticator.allowed_users == {"ada", "grace", "prof"} and c.Authenticator.admin_users == {"prof"}
    assert c.Spawner.default_url == "/lab"
    for exe in (c.Spawner.cmd[0], c.ConfigurableHTTPProxy.command[0]):
        assert os.access(exe, os.X_OK), exe
    state = tmp_path / "state"
    for value in (c.JupyterHub.db_url.removeprefix("sqlite:///"), c.JupyterHub.cookie_secret_file,
                  c.ConfigurableHTTPProxy.pid_file, c.Spawner.environment["RNNLAB_EXCHANGE"]):
        assert Path(value).is_relative_to(state), f"{value} is not in the state folder {state}"
    assert (state / "exchange").is_dir() and (state / "homes").is_dir()
    assert c.SimpleLocalProcessSpawner.home_dir_template.startswith(str(state / "homes"))

    # the per-role hook: classroom/jupyter/<role>/ first on the config path, the instructor's root the repo
    for name, role, root in (("ada", "student", tmp_path / "home-ada"), ("prof", "instructor", ROOT)):
        spawner = SimpleNamespace(user=SimpleNamespace(name=name), home_dir=str(tmp_path / f"home-{name}"),
                                  environment={"RNNLAB_MODE": "quick"}, notebook_dir="")
        c.Spawner.pre_spawn_hook(spawner)
        assert spawner.environment["JUPYTER_CONFIG_PATH"] == str(CLASSROOM / "jupyter" / role)
        assert spawner.environment["RNNLAB_ROLE"] == role and spawner.environment["RNNLAB_MODE"] == "quick"
        assert Path(spawner.notebook_dir) == root and Path(spawner.home_dir).is_dir()


@pytest.mark.parametrize("env, match", [
    ({"RNNLAB_HUB_PASSWORD": ""}, "set RNNLAB_HUB_PASSWORD"),
    ({"RNNLAB_HUB_STUDENTS": "", "RNNLAB_HUB_INSTRUCTORS": ""}, "nobody may log in"),
    ({"RNNLAB_HUB_STUDENTS": "ada,Bad Name"}, r"RNNLAB_HUB_STUDENTS holds \['Bad Name'\]"),
    ({"RNNLAB_HUB_STUDENTS": "ada", "RNNLAB_HUB_INSTRUCTORS": "ada"}, "students AND instructors"),
])
def test_hub_config_refuses_bad_settings(tmp_path, env, match):
    code = ("import os, sys; from traitlets.config import PyFileConfigLoader; "
            f"PyFileConfigLoader('jupyterhub_config.py', path={str(CLASSROOM)!r}).load_config()")
    full = {**os.environ, "RNNLAB_HUB_PASSWORD": "pw", "RNNLAB_HUB_STUDENTS": "ada",
            "RNNLAB_HUB_INSTRUCTORS": "", "RNNLAB_HUB_STATE": str(tmp_path / "state"), **env}
    done = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and re.search(match, done.stderr), done.stderr[-1000:]


@pytest.mark.parametrize("role, on, off", [
    ("student", {"assignment_list", "validate_assignment"}, {"formgrader", "course_list"}),
    ("instructor", {"assignment_list", "validate_assignment", "formgrader", "course_list"}, set()),
])
def test_role_folders_turn_on_nbgrader_per_role(role, on, off):
    folder = CLASSROOM / "jupyter" / role
    ext = json.loads((folder / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    assert {k.rsplit(".", 1)[1] for k, v in ext.items() if v} == on
    assert {k.rsplit(".", 1)[1] for k, v in ext.items() if not v} == off
    disabled = json.loads((folder / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert disabled["@jupyter/nbgrader:formgrader"] is (role == "student")
    assert disabled["@jupyter/nbgrader:assignment-list"] is False
    # nbgrader reads nbgrader_config.py from the config path: it must load the right file of this repository
    target = {"student": CLASSROOM / "student_nbgrader_config.py",
              "instructor": ROOT / "notebooks" / "assignments" / "nbgrader_config.py"}[role]
    parts = re.findall(r'"([^"]+)"', (folder / "nbgrader_config.py").read_text().split("load_subconfig", 1)[1])
    assert (folder.joinpath(*parts)).resolve() == target.resolve() and target.exists()


def test_student_role_folder_gives_nbgrader_the_student_config(tmp_path):
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(CLASSROOM / "jupyter" / "student"), "JUPYTERHUB_USER": "ada",
           "RNNLAB_EXCHANGE": str(tmp_path / "exchange")}
    code = ("from traitlets.config import PyFileConfigLoader; import sys; "
            "c = PyFileConfigLoader('nbgrader_config.py', path=sys.argv[1]).load_config(); "
            "print(c.CourseDirectory.student_id, c.CourseDirectory.course_id, c.Exchange.root)")
    done = subprocess.run([sys.executable, "-c", code, env["JUPYTER_CONFIG_PATH"]], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["ada", "rnnlab", str(tmp_path / "exchange")], done.stderr[-1000:]


def test_z2jh_values_agree_with_the_image_and_the_volume(values):
    single = values["singleuser"]
    assert single["defaultUrl"] == "/lab"
    # the image: the one postBuild's (and the values' own) repo2docker command builds
    image = single["image"]["name"]
    for f in (ROOT / "postBuild", CLASSROOM / "z2jh-values.yaml"):
        text = f.read_text()
        assert f"--image-name={image}:" in text and f"--target-repo-dir={IMAGE_ROOT}" in text, f
    assert single["image"]["tag"], "singleuser.image.tag is empty"
    # the exchange: the PVC of k8s-exchange-pvc.yaml, mounted where RNNLAB_EXCHANGE points
    pvc = yaml.safe_load((CLASSROOM / "k8s-exchange-pvc.yaml").read_text())
    assert pvc["kind"] == "PersistentVolumeClaim" and "ReadWriteMany" in pvc["spec"]["accessModes"]
    volumes = {v["name"]: v for v in single["storage"]["extraVolumes"]}
    mounts = {m["name"]: m for m in single["storage"]["extraVolumeMounts"]}
    assert set(volumes) == set(mounts)
    (name,) = [n for n, v in volumes.items() if v["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]]
    assert mounts[name]["mountPath"] == single["extraEnv"]["RNNLAB_EXCHANGE"] == "/srv/nbgrader/exchange"
    # every path inside the image that the values name is a path of this repository
    text = (CLASSROOM / "z2jh-values.yaml").read_text()
    paths = set(re.findall(re.escape(IMAGE_ROOT) + r"/[\w./-]+", text)) - {f"{IMAGE_ROOT}/classroom/jupyter/"}
    assert paths, "no /srv/rnnlab paths found"
    for p in paths:
        assert repo_path(p.rstrip("/")).exists(), p


def test_z2jh_hub_extra_config_picks_the_role_folders(values):
    snippet = values["hub"]["extraConfig"]["rnnlab-roles"]
    c = Config()
    exec(compile(snippet, "z2jh-values.yaml:hub.extraConfig", "exec"), {"c": c})
    for admin, role in ((True, "instructor"), (False, "student")):
        spawner = SimpleNamespace(user=SimpleNamespace(admin=admin, name="x"), environment={})
        c.KubeSpawner.pre_spawn_hook(spawner)
        folder = repo_path(spawner.environment["JUPYTER_CONFIG_PATH"])
        assert folder == CLASSROOM / "jupyter" / role and (folder / "jupyter_server_config.json").exists()
    admins = set(values["hub"]["config"]["Authenticator"]["admin_users"])
    assert admins <= set(values["hub"]["config"]["Authenticator"]["allowed_users"])


def test_proxy_pinned_alike_in_package_and_lock():
    wanted = json.loads((CLASSROOM / "package.json").read_text())["dependencies"]["configurable-http-proxy"]
    lock = json.loads((CLASSROOM / "package-lock.json").read_text())
    assert re.fullmatch(r"5\.\d+\.\d+", wanted), f"pin an exact 5.x version, not {wanted!r}"
    assert lock["packages"][""]["dependencies"]["configurable-http-proxy"] == wanted
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == wanted
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "classroom/node_modules/" in ignored and "classroom/state/" in ignored


def test_pyproject_extra_and_constraints_pin_the_same_jupyterhub():
    pyproject = (ROOT / "pyproject.toml").read_text()
    (pin,) = re.findall(r'^classroom = \["jupyterhub==([^"]+)"\]', pyproject, re.M)
    assert f"jupyterhub=={pin}" in (ROOT / "constraints.txt").read_text().split()
