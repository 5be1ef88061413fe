"""Collect the claims ledger from the executed notebooks into results/claims.json and RESULTS.md.

    python tools/collect_results.py            write both files (``make results``)
    python tools/collect_results.py --check    exit 1 if either file is not what the notebooks say

Quick mode: the stored outputs of ``notebooks/NN-*.ipynb`` (what CI checks with nbval). Full mode:
``results/full/NN-*.ipynb``, notebooks executed with ``RNNLAB_MODE=full`` by ``tools/run_full.py``, which
records each run's date, wall time and machine in the notebook's metadata (``rnnlab_run``). Each claim is
a line printed by :func:`rnnlab.course.claims.claim`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnlab.course.claims import parse  # noqa: E402


def claims_of(path: Path) -> list:
    """The claims printed in a notebook's stored outputs, in order: dicts with name, value, holds, says, paper."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if out.get("output_type") != "stream":
                continue
            for line in "".join(out.get("text", [])).splitlines():
                stated = parse(line)
                if stated is not None:
                    found.append({"name": stated.name, "value": stated.value, "holds": stated.holds,
                                  "says": stated.says, "mode": stated.mode, "paper": stated.paper})
    return found


def run_record(path: Path):
    """The full-mode run record tools/run_full.py left in a notebook's metadata, or None."""
    return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("rnnlab_run")


def ledger(root: Path = ROOT) -> dict:
    """notebook stem -> {"quick": [claims], "full": [claims] or None (not run), "full_run": record or None}."""
    full_dir = root / "results" / "full"
    out = {}
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        full = full_dir / path.name
        ran = full.exists()
        out[path.stem] = {"quick": claims_of(path), "full": claims_of(full) if ran else None,
                          "full_run": run_record(full) if ran else None}
    return out


def _run_line(record) -> str:
    if record is None:
        return "not run yet"
    how = "ran through" if record["completed"] else f"**stopped with an error** ({record['error']})"
    return f"{how} in {record['wall_s'] / 60:.1f} min on {record['date']}, {record['machine']}"


def _value(claims, name) -> str:
    if claims is None:
        return "not run"
    for c in claims:
        if c["name"] == name:
            return f"{c['value']:.4g}" + ("" if c["holds"] else " (FAILS)")
    return "—"


def markdown(book: dict) -> str:
    """RESULTS.md: one table per notebook, quick | full | paper side by side."""
    lines = ["# Results", "",
             "Every measured claim the notebooks state through `rnnlab.course.claims.claim`, collected by",
             "`make results` (`tools/collect_results.py`) from the executed notebooks: **quick** from their stored",
             "outputs (checked by CI), **full** from `results/full/` (notebooks executed with `RNNLAB_MODE=full`),",
             "and the paper's number for the closest setting where there is one. Do not edit by hand.", ""]
    done = [stem for stem, modes in book.items() if modes["quick"]]
    ran = [s for s, m in book.items() if m["full"] is not None]
    lines += [f"Notebooks stating their claims through the ledger: {len(done)} of {len(book)}.",
              f"Full mode (`make full`, `tools/run_full.py`): run for {len(ran)} of {len(book)} notebooks.", "",
              "| notebook | full mode |", "|---|---|"]
    lines += [f"| {stem} | {_run_line(modes.get('full_run'))} |" for stem, modes in book.items()]
    total = sum(m["full_run"]["wall_s"] for m in book.values() if m.get("full_run"))
    lines += ["", f"Full mode's wall time, the notebooks run so far together: {total / 60:.1f} min.", ""]
    for stem, modes in book.items():
        lines += [f"## {stem}", "", f"Full mode: {_run_line(modes.get('full_run'))}.", ""]
        if not modes["quick"]:
            lines += ["No claims stated through the ledger yet.", ""]
            continue
        lines += ["| claim | says | quick | full | paper |", "|---|---|---|---|---|"]
        names = [c["name"] for c in modes["quick"]]
        extra = [c for c in modes["full"] or [] if c["name"] not in names]
        for c in modes["quick"] + extra:
            lines.append(f"| `{c['name']}` | {c['says']} | {_value(modes['quick'], c['name'])} | "
                         f"{_value(modes['full'], c['name'])} | {c['paper'] or ''} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the files are not up to date")
    args = ap.parse_args(argv)
    book = ledger()
    files = {ROOT / "results" / "claims.json": json.dumps(book, indent=1, ensure_ascii=False) + "\n",
             ROOT / "RESULTS.md": markdown(book)}
    if args.check:
        stale = [p.name for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"out of date: {', '.join(stale)}; run `make results`")
            return 1
        print("RESULTS.md and results/claims.json match the notebooks")
        return 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
