"""What the browser test needs: Debian's Chromium, a JupyterLab server of its own, a page.

- :func:`find_chromium` finds ``/usr/bin/chromium``; when it is missing and ``CI=true`` it
  installs Debian's ``chromium`` package with apt (as CI runs as root); elsewhere the test
  is skipped with a message saying how to install it. Playwright drives that executable:
  no browser is ever downloaded.
- :class:`LabServer` starts ``jupyter-lab`` on loopback with a random token, its Jupyter,
  IPython and matplotlib state in a temporary directory, serving *copies* of the notebooks
  (JupyterLab autosaves, and the stored outputs in ``notebooks/`` must not change); it
  stops the server by its own process id (and the kernels it started, by process group).
- :class:`LabPage` wraps the few JupyterLab actions the test uses, through the app object
  that ``--LabApp.expose_app_in_browser`` puts on ``window.jupyterapp``.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def find_chromium() -> str:
    """The path of Debian's Chromium; installed with apt under CI=true, else skip the test."""
    found = shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium")
    if found:
        return found
    if _in_ci() and shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends",
                                                  "chromium"]):
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if done.returncode != 0:
                pytest.fail(f"browser test: `{' '.join(cmd)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
        found = shutil.which("chromium")
        if found:
            return found
        pytest.fail("browser test: apt installed the chromium package but no `chromium` is on PATH")
    if _in_ci():
        pytest.fail("browser test: Chromium is missing and cannot be installed here "
                    "(needs apt-get and root); install Debian's chromium package")
    pytest.skip("browser test skipped: Chromium not found. Install Debian's package "
                "(sudo apt-get install chromium) to run it; no browser is downloaded.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter-lab`` on 127.0.0.1 serving copies of ``notebooks`` from ``workdir``."""

    def __init__(self, workdir: Path, notebooks: list[str]):
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        self.root.mkdir(parents=True)
        for name in notebooks:
            shutil.copy(ROOT / "notebooks" / name, self.root / name)
        self.figures = self.workdir / "figures"  # where the notebooks' save_figure writes here
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.workdir / "jupyter-lab.log", "w")
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        state = self.workdir / "state"
        return dict(os.environ, RNNLAB_MODE="quick", RNNLAB_FIGURES=str(self.figures),
                    JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_DIR=str(state / "config"),
                    JUPYTER_DATA_DIR=str(state / "data"), JUPYTER_RUNTIME_DIR=str(state / "runtime"),
                    IPYTHONDIR=str(state / "ipython"), MPLCONFIGDIR=str(state / "mpl"),
                    PYDEVD_DISABLE_FILE_VALIDATION="1")

    def start(self, timeout: float = 90.0) -> "LabServer":
        lab = Path(sys.executable).with_name("jupyter-lab")
        cmd = [str(lab), "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        # No news pop-up, no update check: the course's own settings (jupyter-settings/, copied into
        # the environment by `make setup`) see to that, as they do for `make lab`; the test checks it.
        # its own process group, so the kernels it starts can be stopped with it
        self.process = subprocess.Popen(cmd, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter-lab exited with {self.process.returncode}:\n{self.read_log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"jupyter-lab did not answer within {timeout:.0f} s:\n{self.read_log()}")

    def get_json(self, path: str):
        """The JSON that the server answers to ``GET path`` (e.g. ``/lab/api/news``)."""
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=30) as r:
            return json.load(r)

    def read_log(self) -> str:
        self.log.flush()
        return (self.workdir / "jupyter-lab.log").read_text()[-4000:]

    def stop(self) -> None:
        """SIGTERM the server by its PID (then its process group), SIGKILL what is left after 10 s."""
        if self.process is None:
            return
        pid = self.process.pid
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        try:
            os.killpg(pid, signal.SIGKILL)  # kernels left behind, if any
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()
        self.process = None

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


JS_STATE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.sessionContext) return null;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const code = panel.content.widgets.filter(c => c.model.type === 'code');
    const errors = [];
    code.forEach((c, i) => c.model.outputs.toJSON().forEach(o => {
        if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
    }));
    return {status: kernel ? kernel.status : 'none',
            pending: code.filter(c => c.model.executionCount === null).length,
            running: code.filter(c => c.promptNode && c.promptNode.textContent.includes('*')).length,
            cells: code.length, errors: errors};
}"""


class LabPage:
    """A JupyterLab tab in Playwright's ``page``, with the notebook actions the test needs."""

    def __init__(self, page, server: LabServer):
        self.page, self.server = page, server

    def open(self, name: str, timeout: float = 120.0) -> None:
        self.page.goto(self.server.notebook_url(name))
        self.page.wait_for_function(
            """(name) => window.jupyterapp && window.jupyterapp.shell.currentWidget
                && window.jupyterapp.shell.currentWidget.context
                && window.jupyterapp.shell.currentWidget.context.path.endsWith(name)""",
            arg=name, timeout=timeout * 1000)
        self.wait_for_kernel_idle(timeout)

    def wait_for_kernel_idle(self, timeout: float) -> None:
        self.page.wait_for_function(f"() => {{ const s = ({JS_STATE})(); return s && s.status === 'idle'; }}",
                                    timeout=timeout * 1000)

    def command(self, name: str) -> None:
        self.page.evaluate("(name) => window.jupyterapp.commands.execute(name)", name)

    def run_all(self, timeout: float = 240.0) -> dict:
        """Clear every output, run all cells, wait until each code cell has run; the final state."""
        self.command("notebook:clear-all-cell-outputs")
        self.page.wait_for_function(f"() => ({JS_STATE})().pending === ({JS_STATE})().cells")
        self.command("notebook:run-all-cells")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.page.evaluate(f"({JS_STATE})")
            if state["errors"]:
                return state
            if state["pending"] == 0 and state["running"] == 0 and state["status"] == "idle":
                return state
            time.sleep(0.5)
        raise TimeoutError(f"cells still running after {timeout:.0f} s: {self.page.evaluate(f'({JS_STATE})')}")

    def widget_cell(self, text: str):
        """The notebook cell (a Playwright locator) whose source contains ``text``."""
        cell = self.page.locator(".jp-Notebook .jp-CodeCell").filter(has_text=text).first
        cell.scroll_into_view_if_needed()
        return cell
