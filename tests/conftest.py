"""Shared test settings: headless matplotlib, figures written to a temporary folder."""
import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def figures_tmp(tmp_path, monkeypatch):
    """Send rnnlab.course.figures.save_figure output to a temporary folder."""
    monkeypatch.setenv("RNNLAB_FIGURES", str(tmp_path))
    return tmp_path
