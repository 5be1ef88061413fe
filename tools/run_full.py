"""Run course notebooks in full mode and keep what they measured in ``results/full/``.

    python tools/run_full.py 04 07          notebooks 04 and 07 (``make full NB="04 07"``)
    python tools/run_full.py                every notebook, one after the other (``make full``)

Each notebook is executed from scratch with ``RNNLAB_MODE=full`` (the literature-scale settings;
target: at most 20 minutes a notebook on a 2-core laptop CPU) into ``results/full/NN-name.ipynb``.
The run is recorded in that notebook's metadata under ``rnnlab_run``: mode, date, wall time, the
machine (CPU, cores, Python, torch) and whether every cell ran. Figures go to
``results/full/figures/`` (the stored notebook keeps their text, not their pixels, to stay small).
``make results`` then reads the claims of these notebooks into ``RESULTS.md`` beside quick mode's.

A notebook that fails is still written (up to the failing cell) and recorded as failed; the
script goes on with the next one and exits 1 at the end.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL = ROOT / "results" / "full"
CELL_TIMEOUT_S = 1200          # one cell may take at most the whole notebook's target
NOTEBOOK_TIMEOUT_S = 1800      # a notebook that runs past 30 minutes is stopped and reported (target: 20)


def machine() -> str:
    """This machine in words: CPU model, cores, OS, Python and torch versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch

    gpu = f", GPU {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ", no GPU"
    return (f"{cpu}, {os.cpu_count()} cores{gpu}, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, torch {torch.__version__}")


def notebooks(selected: list[str]) -> list[Path]:
    """The course notebooks named by number (``["04", "7"]``), or all of them."""
    every = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    if not selected:
        return every
    wanted = {s.zfill(2) for s in selected}
    unknown = wanted - {p.name[:2] for p in every}
    if unknown:
        raise SystemExit(f"run_full: no notebook numbered {sorted(unknown)}; "
                         f"expected numbers among {[p.name[:2] for p in every]}")
    return [p for p in every if p.name[:2] in wanted]


def strip_pixels(nb: dict) -> None:
    """Drop image data from the outputs (the figures are saved as PNG files beside the notebook) and the
    widgets' saved state (up to 0.5 MB a notebook; the widgets' text stays in each output)."""
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data:
                for key in [k for k in data if k.startswith("image/")]:
                    del data[key]


def run(path: Path) -> dict:
    """Execute one notebook in full mode into results/full/; return its run record."""
    FULL.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, RNNLAB_MODE="full", RNNLAB_FIGURES=str(FULL / "figures"),
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    jupyter = Path(sys.executable).parent / "jupyter"
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run(
                [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                 "--output-dir", tmp, f"--ExecutePreprocessor.timeout={CELL_TIMEOUT_S}",
                 "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.record_timing=False",
                 str(path)],
                env=env, cwd=path.parent, capture_output=True, text=True, timeout=NOTEBOOK_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return {"completed": False, "wall_s": NOTEBOOK_TIMEOUT_S,
                    "error": f"stopped after {NOTEBOOK_TIMEOUT_S // 60} min; nothing written"}
        wall = time.perf_counter() - t0
        executed = Path(tmp) / path.name
        if not executed.exists():
            return {"completed": False, "wall_s": round(wall, 1),
                    "error": f"nbconvert wrote nothing: {done.stderr[-500:]}"}
        nb = json.loads(executed.read_text(encoding="utf-8"))
    errors = [out for cell in nb["cells"] for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    record = {"mode": "full", "date": started.strftime("%Y-%m-%d %H:%M UTC"), "wall_s": round(wall, 1),
              "machine": machine(), "completed": not errors,
              "error": None if not errors else f"{errors[0]['ename']}: {errors[0]['evalue']}"[:500]}
    strip_pixels(nb)
    nb["metadata"]["rnnlab_run"] = record
    (FULL / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def main(args: list[str]) -> int:
    failed = 0
    for path in notebooks(args):
        print(f"{path.name}: running in full mode ...", flush=True)
        record = run(path)
        failed += not record["completed"]
        verdict = "ran through" if record["completed"] else f"FAILED ({record['error']})"
        print(f"{path.name}: {verdict} in {record['wall_s'] / 60:.1f} min", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
