"""Time each course notebook's execution in quick mode, as `make test` runs it.

Each notebook is executed from scratch by `jupyter nbconvert --execute` into a
temporary file (the stored notebook is not touched), so the figure includes the
kernel's start-up, like a student's "Restart and run all". Target: < 60 s each.

    .venv/bin/python benchmarks/notebook_times.py [notebooks/03-*.ipynb ...]
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 60.0


def time_notebook(path: Path, workdir: Path) -> float:
    env = dict(os.environ, RNNLAB_MODE="quick", JUPYTER_PLATFORM_DIRS="1",
               MPLCONFIGDIR=str(workdir / "mpl"), IPYTHONDIR=str(workdir / "ipython"))
    jupyter = Path(sys.executable).parent / "jupyter"
    start = time.perf_counter()
    subprocess.run(
        [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(workdir),
         "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3", str(path)],
        check=True, env=env, cwd=path.parent, capture_output=True,
    )
    return time.perf_counter() - start


def main(args: list[str]) -> None:
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'notebook':<40} {'seconds':>8}  target < {TARGET_S:.0f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            seconds = time_notebook(path, Path(tmp))
            verdict = "ok" if seconds < TARGET_S else "OVER"
            print(f"{path.name:<40} {seconds:8.1f}  {verdict}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
