"""tools/run_full.py: which notebooks it runs, what it keeps of their outputs, how it names the machine."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("run_full", ROOT / "tools" / "run_full.py")
run_full = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_full)


def test_notebooks_are_chosen_by_number():
    every = run_full.notebooks([])
    assert [p.name[:2] for p in every] == sorted(p.name[:2] for p in every) and len(every) >= 13
    assert [p.name[:2] for p in run_full.notebooks(["4", "07"])] == ["04", "07"]
    with pytest.raises(SystemExit, match="no notebook numbered"):
        run_full.notebooks(["99"])


def test_pixels_and_widget_state_are_dropped_and_text_kept():
    nb = {"metadata": {"widgets": {"state": "..."}, "rnnlab_run": {"mode": "full"}}, "cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"image/png": "iVBOR...", "text/plain": "<Figure>"}},
        {"output_type": "stream", "name": "stdout", "text": "claim x = 1 | full | holds | y\n"}]}]}
    run_full.strip_pixels(nb)
    outs = nb["cells"][0]["outputs"]
    assert outs[0]["data"] == {"text/plain": "<Figure>"} and outs[1]["text"].startswith("claim x")
    assert nb["metadata"] == {"rnnlab_run": {"mode": "full"}}


def test_the_machine_is_named_with_cores_python_and_torch():
    text = run_full.machine()
    assert "cores" in text and "Python 3." in text and "torch" in text
