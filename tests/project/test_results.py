"""RESULTS.md and results/claims.json are what the executed notebooks' claims say (make results)."""
import importlib.util
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


def test_the_collector_reads_claims_from_a_notebook(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "99-demo.ipynb").write_text('{"cells": [{"cell_type": "code", "outputs": [{"output_type": '
                                                          '"stream", "text": ["x\\n", "claim acc = 0.9 | quick | holds | '
                                                          'most are right\\n"]}]}]}')
    book = collect.ledger(tmp_path)
    assert book == {"99-demo": {"quick": [{"name": "acc", "value": 0.9, "holds": True, "says": "most are right",
                                           "mode": "quick", "paper": None}], "full": None}}
    assert "| `acc` | most are right | 0.9 | not run |  |" in collect.markdown(book)
