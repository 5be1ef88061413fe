"""Every notebook says, near its top, which mode (quick or full) produced the numbers it shows (issue 15)."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _mode_line(path: Path, first_code_cells: int = 15):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"][:first_code_cells]
    for cell in cells:
        for out in cell.get("outputs", []):
            for line in "".join(out.get("text", [])).splitlines():
                if re.match(r"mode:?\s+(quick|full)\b", line):
                    return line
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_prints_its_mode_near_the_top(path):
    assert _mode_line(path), f"{path.name}: no 'mode: quick|full' line among the outputs of its first code cells"


def test_the_check_fails_on_a_notebook_without_a_mode_line(tmp_path):
    silent = tmp_path / "99-silent.ipynb"
    silent.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["loss 2.46\n"]}]}]}))
    assert _mode_line(silent) is None
