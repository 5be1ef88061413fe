"""Shared test settings: headless matplotlib, figures written to a temporary folder."""
import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def figures_tmp(tmp_path, monkeypatch):
    """Send rnnlab.course.figures.save_figure output to a temporary folder."""
    monkeypatch.setenv("RNNLAB_FIGURES", str(tmp_path))
    return tmp_path


@pytest.fixture
def raises_naming():
    """``with raises_naming(ValueError, "(B, T)", "got (2,)"):`` -- the error's type, and each part in its message.

    Tests of error messages check the stable parts (what was expected, what came), plain substrings in
    any order, not whole sentences: a clearer message then needs no test rewrite.
    """
    from contextlib import contextmanager

    @contextmanager
    def check(exception, *parts):
        with pytest.raises(exception) as caught:
            yield caught
        message = str(caught.value)
        missing = [part for part in parts if part not in message]
        assert not missing, f"the {exception.__name__} message does not name {missing}:\n{message}"

    return check
