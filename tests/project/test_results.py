"""RESULTS.md and results/claims.json are what the executed notebooks' claims say (make results)."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("collect_results", ROOT / "tools" / "collect_results.py")
collect = importlib.util.module_from_spec(spec)
spec.loader.exec_module(collect)


def test_the_ledger_files_are_up_to_date():
    assert collect.main(["--check"]) == 0, "RESULTS.md or results/claims.json is stale: run `make results`"


def test_every_notebook_has_a_record_with_the_claims_it_prints():
    book = collect.ledger()
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert sorted(book) == notebooks
    for stem, modes in book.items():
        names = [c["name"] for c in modes["quick"]]
        assert len(names) == len(set(names)), f"{stem}: a claim name is used twice"
        assert all(c["holds"] and c["mode"] == "quick" for c in modes["quick"]), f"{stem}: stored outputs hold a failed or full-mode claim"


def test_every_full_mode_record_is_a_dated_timed_run_naming_the_notebooks_claims():
    for stem, modes in collect.ledger().items():
        if modes["full"] is None:
            continue
        run = modes["full_run"]
        assert run is not None, f"results/full/{stem}.ipynb has no run record: run it with tools/run_full.py"
        assert run["mode"] == "full" and run["wall_s"] > 0 and run["machine"] and run["date"], f"{stem}: {run}"
        assert all(c["mode"] == "full" for c in modes["full"]), f"{stem}: the full-mode record holds a quick-mode claim"
        full = {c["name"]: c["value"] for c in modes["full"]}
        missing = [c["name"] for c in modes["quick"] if c["name"] not in full]
        assert not missing, (f"{stem}: the full-mode record lacks the notebook's claims {missing} (it is stale): "
                             f"run `python tools/run_full.py {stem[:2]}` and `make results`")
        # full mode may state more (experiments too big for quick mode), never fewer
        for c in modes["quick"]:
            if "_tuned_lr_" in c["name"]:
                assert c["value"] == full[c["name"]], (
                    f"{stem}: quick mode trains with {c['name']} = {c['value']}, but full mode's grid chose "
                    f"{full[c['name']]}: copy the rate full mode found into the notebook")


def test_the_collector_reads_claims_from_a_notebook(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "99-demo.ipynb").write_text('{"cells": [{"cell_type": "code", "outputs": [{"output_type": '
                                                          '"stream", "text": ["x\\n", "claim acc = 0.9 | quick | holds | '
                                                          'most are right\\n"]}]}]}')
    book = collect.ledger(tmp_path)
    assert book == {"99-demo": {"quick": [{"name": "acc", "value": 0.9, "holds": True, "says": "most are right",
                                           "mode": "quick", "paper": None}], "full": None,
                                 "full_run": None}}
    assert "| `acc` | most are right | 0.9 | not run |  |" in collect.markdown(book)


def test_the_collector_shows_a_full_mode_run_with_its_date_time_and_machine(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "results" / "full").mkdir(parents=True)
    cell = '{"cell_type": "code", "outputs": [{"output_type": "stream", "text": ["claim acc = %s | %s | holds | most\\n"]}]}'
    (tmp_path / "notebooks" / "99-demo.ipynb").write_text('{"cells": [%s]}' % (cell % ("0.9", "quick")))
    record = {"mode": "full", "date": "2026-12-05 10:00 UTC", "wall_s": 600.0, "machine": "a 2-core CPU",
              "completed": True, "error": None}
    (tmp_path / "results" / "full" / "99-demo.ipynb").write_text(
        '{"cells": [%s], "metadata": {"rnnlab_run": %s}}' % (cell % ("0.95", "full"), json.dumps(record)))
    book = collect.ledger(tmp_path)
    assert book["99-demo"]["full"][0]["value"] == 0.95 and book["99-demo"]["full_run"] == record
    text = collect.markdown(book)
    assert "| `acc` | most | 0.9 | 0.95 |  |" in text
    assert "ran through in 10.0 min on 2026-12-05 10:00 UTC, a 2-core CPU" in text
