"""The class's JupyterHub for real (issue 19): classroom/jupyterhub_config.py, two students, an instructor.

The test starts ``jupyterhub -f classroom/jupyterhub_config.py`` on 127.0.0.1 (a free port, its
state in a temporary folder) with its proxy from npm (classroom/node_modules), logs students ada and
grace and instructor prof in through the hub's login page, spawns their JupyterLab servers through
the hub's REST API, and, in ada's server and only through the hub's public URL: uploads
notebooks/00-welcome.ipynb (contents API), starts a kernel and runs every code cell over the
kernel's websocket, checking the outputs against the stored ones. Then it checks that grace cannot
reach ada's server nor her files, that a student's server has nbgrader's student extension and not
formgrader while the instructor's has formgrader, stops the servers and the hub, and asserts that no
process it started (hub, proxy, single-user servers, kernels) is left, killing by process id
whatever is.

Without jupyterhub (the `classroom` extra), the proxy (`npm ci --prefix classroom`) or nbgrader (the
`instructor` extra), which `make test` installs, the test fails on CI and is skipped elsewhere.
"""
from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

requests = pytest.importorskip("requests")
websocket = pytest.importorskip("websocket")

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "classroom" / "jupyterhub_config.py"
PROXY = ROOT / "classroom" / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOK = ROOT / "notebooks" / "00-welcome.ipynb"
STUDENTS = ("ada", "grace")
INSTRUCTOR = "prof"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def hub_exe() -> Path:
    exe = Path(sys.executable).with_name("jupyterhub")
    missing = [what for what, ok in ((f"jupyterhub ({exe})", exe.exists()),
                                     (f"its proxy ({PROXY})", os.access(PROXY, os.X_OK)),
                                     ("nbgrader", importlib.util.find_spec("nbgrader") is not None)) if not ok]
    if missing:
        why = (f"the classroom hub cannot be tested: {' and '.join(missing)} not installed; `make test` "
               f"installs them (or `make classroom instructor`: pip install -e '.[classroom,instructor]' and "
               f"npm ci --prefix classroom)")
        if _in_ci():
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _descendants(pid: int) -> dict[int, str]:
    """Every process under ``pid`` (children, grandchildren...), with its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
            except OSError:
                continue
            todo.append(child)
    return found


class Hub:
    """The hub as a subprocess of the test (its own session), talked to over HTTP on loopback."""

    def __init__(self, tmp: Path):
        self.exe = hub_exe()
        self.tmp = tmp
        self.password = secrets.token_hex(8)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "jupyterhub.log"
        self.process: subprocess.Popen | None = None
        self.seen: dict[int, str] = {}      # every process the hub started, as it runs

    def start(self, timeout: float = 60.0) -> "Hub":
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "JPY_"))}
        env.update(RNNLAB_HUB_STATE=str(self.tmp / "state"), RNNLAB_HUB_PASSWORD=self.password,
                   RNNLAB_HUB_STUDENTS=",".join(STUDENTS), RNNLAB_HUB_INSTRUCTORS=INSTRUCTOR,
                   RNNLAB_HUB_PORT=str(self.port), RNNLAB_HUB_IP="127.0.0.1",
                   RNNLAB_EXCHANGE=str(self.tmp / "exchange"), RNNLAB_FIGURES=str(self.tmp / "figures"),
                   RNNLAB_MODE="quick")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([str(self.exe), "-f", str(CONFIG)], cwd=self.tmp, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        self.wait_for(lambda: requests.get(f"{self.url}/hub/api", timeout=2).status_code == 200, timeout,
                      "the hub's /hub/api to answer")
        return self

    def wait_for(self, ready, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"jupyterhub exited ({self.process.returncode}) waiting for {what}:\n"
                                     f"{self.read_log()}")
            self.seen.update(_descendants(self.process.pid))
            try:
                value = ready()
                if value:
                    return value
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}:\n{self.read_log()}")

    def read_log(self) -> str:
        self.log.flush()
        return self.log_path.read_text()[-5000:]

    def login(self, name: str) -> "Student":
        """Log in through the hub's login page, as a browser does; then an API token of the student's own."""
        web = requests.Session()
        web.get(f"{self.url}/hub/login", timeout=10).raise_for_status()
        xsrf = web.cookies.get("_xsrf")
        assert xsrf, "the hub's login page set no _xsrf cookie"
        bad = web.post(f"{self.url}/hub/login?next=", data={"username": name, "password": "wrong", "_xsrf": xsrf},
                       timeout=10, allow_redirects=False)
        assert bad.status_code == 403, f"a wrong password got {bad.status_code}, not 403"
        ok = web.post(f"{self.url}/hub/login?next=", data={"username": name, "password": self.password,
                                                          "_xsrf": xsrf}, timeout=10, allow_redirects=False)
        assert ok.status_code == 302, f"login of {name}: {ok.status_code} {ok.text[:300]}"
        made = web.post(f"{self.url}/hub/api/users/{name}/tokens", json={"note": "test", "expires_in": 600},
                        headers={"X-XSRFToken": web.cookies.get("_xsrf")}, timeout=10)
        assert made.status_code == 201, f"token for {name}: {made.status_code} {made.text[:300]}"
        return Student(self, name, made.json()["token"])

    def stop(self) -> None:
        """SIGTERM the hub by its PID (it stops the servers and the proxy), then SIGKILL what is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()

    def leftovers(self, grace: float = 10.0) -> dict[int, str]:
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(_alive(p) for p in self.seen):
            time.sleep(0.2)
        return {pid: cmd for pid, cmd in self.seen.items() if _alive(pid)}


class Student:
    def __init__(self, hub: Hub, name: str, token: str):
        self.hub, self.name, self.token = hub, name, token
        self.headers = {"Authorization": f"token {token}"}

    def api(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.hub.url}{path}", headers=self.headers, timeout=30, **kw)

    def spawn(self) -> None:
        r = self.api("POST", f"/hub/api/users/{self.name}/server")
        assert r.status_code in (201, 202), f"spawn {self.name}: {r.status_code} {r.text[:300]}"

    def ready(self) -> bool:
        server = self.api("GET", f"/hub/api/users/{self.name}").json().get("servers", {}).get("", {})
        return bool(server.get("ready"))

    def stop(self) -> None:
        r = self.api("DELETE", f"/hub/api/users/{self.name}/server")
        assert r.status_code in (202, 204), f"stop {self.name}: {r.status_code} {r.text[:300]}"

    def stopped(self) -> bool:
        return not self.api("GET", f"/hub/api/users/{self.name}").json().get("servers")


def run_notebook(student: Student, nb: dict, timeout: float = 120.0) -> list[dict]:
    """Run ``nb``'s code cells in a new kernel of ``student``'s server over the hub's proxy.

    Returns, per code cell, {"stream": printed text, "errors": [ename: evalue, ...]}.
    """
    base = f"/user/{student.name}/api"
    kernel = student.api("POST", f"{base}/kernels", json={"name": nb["metadata"]["kernelspec"]["name"]})
    assert kernel.status_code == 201, f"start kernel: {kernel.status_code} {kernel.text[:300]}"
    kid = kernel.json()["id"]
    ws = websocket.create_connection(f"ws://127.0.0.1:{student.hub.port}{base}/kernels/{kid}/channels",
                                     header=[f"Authorization: token {student.token}"], timeout=timeout)
    student.hub.seen.update(_descendants(student.hub.process.pid))      # the kernel too, while it runs
    results = []
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            msg_id = secrets.token_hex(8)
            ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                                           "session": kid, "version": "5.3"},
                                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                                "content": {"code": "".join(cell["source"]), "silent": False,
                                            "store_history": True, "user_expressions": {},
                                            "allow_stdin": False, "stop_on_error": True}}))
            out = {"stream": "", "errors": []}
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    out["stream"] += msg["content"]["text"]
                elif kind == "error":
                    out["errors"].append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    break
            results.append(out)
    finally:
        ws.close()
        student.api("DELETE", f"{base}/kernels/{kid}")
    return results


def stored_stream(cell: dict) -> str:
    return "".join("".join(o["text"]) for o in cell.get("outputs", []) if o["output_type"] == "stream")


def test_two_students_and_an_instructor_on_the_class_hub(tmp_path):
    hub = Hub(tmp_path)
    try:
        hub.start()
        ada, grace, prof = (hub.login(name) for name in (*STUDENTS, INSTRUCTOR))
        for s in (ada, grace, prof):
            s.spawn()
        for s in (ada, grace, prof):
            hub.wait_for(s.ready, 90, f"{s.name}'s server to be ready")

        # ada's server, through the hub's proxy: upload notebook 00, run it in a kernel there
        nb = json.loads(NOTEBOOK.read_text())
        put = ada.api("PUT", "/user/ada/api/contents/00-welcome.ipynb",
                      json={"type": "notebook", "format": "json", "content": nb})
        assert put.status_code in (200, 201), f"upload: {put.status_code} {put.text[:300]}"
        listed = [f["name"] for f in ada.api("GET", "/user/ada/api/contents/").json()["content"]]
        assert "00-welcome.ipynb" in listed
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        results = run_notebook(ada, nb)
        assert len(results) == len(code)
        for i, (cell, got) in enumerate(zip(code, results)):
            assert not got["errors"], f"code cell {i} of notebook 00 failed in ada's server: {got['errors']}"
            if not "".join(cell["source"]).startswith("# NBVAL_IGNORE_OUTPUT"):
                assert got["stream"] == stored_stream(cell), f"code cell {i}: printed {got['stream']!r}"
        printed = "".join(r["stream"] for r in results)
        assert "mode:   quick" in printed and "All checks passed." in printed, printed[:2000]

        # the hub keeps the students apart: grace's token opens neither ada's server nor ada's record
        for path in ("/user/ada/api/contents/00-welcome.ipynb", "/user/ada/api/kernels"):
            r = grace.api("GET", path, allow_redirects=False)
            assert r.status_code == 403, f"grace GET {path}: {r.status_code}, expected 403"
        assert grace.api("GET", "/hub/api/users/ada").status_code in (403, 404)
        assert grace.api("GET", "/user/grace/api/contents/").json()["content"] == [], "grace sees ada's files"

        # nbgrader per role: a student's server has the assignment list, not formgrader; the instructor's both
        version = __import__("nbgrader").__version__
        assert ada.api("GET", f"/user/ada/nbgrader_version?version={version}").status_code == 200
        assert ada.api("GET", "/user/ada/formgrader", allow_redirects=False).status_code == 404
        page = prof.api("GET", "/user/prof/formgrader")
        assert page.status_code == 200 and "Manage Assignments" in page.text, (page.status_code, page.url)
        assert grace.api("GET", "/user/prof/formgrader", allow_redirects=False).status_code == 403

        hub.seen.update(_descendants(hub.process.pid))
        assert any("configurable-http-proxy" in cmd for cmd in hub.seen.values()), hub.seen
        assert sum("jupyterhub-singleuser" in cmd for cmd in hub.seen.values()) == 3, hub.seen
        for s in (ada, grace, prof):
            s.stop()
        for s in (ada, grace, prof):
            hub.wait_for(s.stopped, 30, f"{s.name}'s server to stop")
        hub.stop()
        left = hub.leftovers()
        assert not left, f"processes left after the hub stopped: {left}"
    finally:
        hub.stop()
        for pid in hub.leftovers(grace=0):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
