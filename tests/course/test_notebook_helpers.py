"""show_source, save_figure, selfcheck and the environment report."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from rnnlab.course import envcheck, runtime
from rnnlab.course.figures import save_figure
from rnnlab.course.selfcheck import check_close, check_shape
from rnnlab.course.show import show_source


def test_show_source_gives_the_real_code_with_its_place():
    src = show_source(runtime.by_mode)
    text = repr(src)
    assert text.startswith("# rnnlab/course/runtime.py, lines ")
    assert "def by_mode(*, quick, full):" in text
    assert "return quick if get_mode() == \"quick\" else full" in text
    html = src._repr_html_()
    assert "rnnlab/course/runtime.py" in html and "<span" in html  # highlighted


def test_show_source_rejects_builtins(raises_naming):
    with raises_naming(TypeError, "function, class or module", "got builtin_function_or_method"):
        show_source(len)


def test_save_figure_writes_a_png_under_the_course_name(figures_tmp):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = save_figure(fig, "00-test-figure")
    assert path == figures_tmp / "00-test-figure.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = path.read_bytes()
    save_figure(fig, "00-test-figure")
    assert path.read_bytes() == first  # no timestamp inside: same figure, same bytes
    plt.close(fig)


@pytest.mark.parametrize("name", ["gradients", "3-gradients", "03_gradients", "03-Gradients", "03-"])
def test_save_figure_rejects_bad_names(figures_tmp, name, raises_naming):
    fig = plt.figure()
    with raises_naming(ValueError, "'03-gradient-norms'", f"got {name!r}"):
        save_figure(fig, name)
    plt.close(fig)


def test_save_figure_rejects_non_figures(figures_tmp):
    with pytest.raises(TypeError, match="expected a matplotlib Figure, got list"):
        save_figure([], "00-x")


def test_check_shape_feedback(capsys):
    assert check_shape("x", np.zeros((4, 7, 3)), (4, 7, 3), "(B, T, D)")
    assert "✅ x has shape (4, 7, 3) (B, T, D)." in capsys.readouterr().out
    assert not check_shape("x", np.zeros((7, 4, 3)), (4, 7, 3), "(B, T, D)")
    out = capsys.readouterr().out
    assert "expected shape (4, 7, 3) (B, T, D), got (7, 4, 3)" in out and "transpose" in out
    assert not check_shape("x", None, (1,))
    assert "forget to assign" in capsys.readouterr().out


def test_check_close_feedback(capsys):
    want = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert check_close("dW", torch.tensor(want), want)
    assert "✅ dW is correct" in capsys.readouterr().out
    got = want.copy()
    got[1, 0] = 3.3
    assert not check_close("dW", got, want)
    out = capsys.readouterr().out
    assert "at index (1, 0) (expected 3, got 3.3)" in out
    assert not check_close("dW", np.zeros(3), want)
    assert "expected shape (2, 2), got (3,)" in capsys.readouterr().out
    assert not check_close("dW", np.full((2, 2), np.nan), want)
    assert "NaN or inf" in capsys.readouterr().out


def test_environment_report_passes_here_and_lists_every_dependency():
    report = envcheck.environment_report()
    names = {c.name for c in report}
    assert {"python", "numpy", "torch", "jupyterlab", "ipywidgets", "nbval", "mode", "device"} <= names
    assert report.ok, repr(report)
    assert "Everything is ready." in repr(report)


def test_environment_report_says_how_to_fix_a_missing_package(monkeypatch):
    real = envcheck.metadata.version

    def fake_version(name):
        if name == "tqdm":
            raise envcheck.metadata.PackageNotFoundError(name)
        return "1.0" if name == "numpy" else real(name)

    monkeypatch.setattr(envcheck.metadata, "version", fake_version)
    report = envcheck.environment_report()
    assert not report.ok
    text = repr(report)
    assert "FIX  tqdm" in text and "not installed" in text and "make lab" in text
    assert "need numpy >=" in text
    assert "Some checks failed" in text


def test_environment_report_says_whether_this_python_is_tested():
    import platform

    line = next(c for c in envcheck.environment_report() if c.name == "python")
    assert line.ok and line.found == f"{platform.python_version()}, one of the Pythons the course is tested on (3.11, 3.12, 3.13)"
    for version in [(3, 11), (3, 12), (3, 13)]:
        assert envcheck.check_python(version).ok
    for version in [(3, 10), (3, 14)]:
        check = envcheck.check_python(version)
        assert not check.ok
        assert check.found == f"3.{version[1]}, not one of the Pythons the course is tested on (3.11, 3.12, 3.13)"
        assert "make lab PYTHON=python3.13" in check.fix


def test_tested_pythons_reads_requires_python(raises_naming):
    assert envcheck.tested_pythons(">=3.11,<3.14") == [(3, 11), (3, 12), (3, 13)]
    assert envcheck.tested_pythons(">= 3.12, < 3.13") == [(3, 12)]
    with raises_naming(ValueError, "Requires-Python", "'>=3.A,<3.B'", "got '>=3.11'"):
        envcheck.tested_pythons(">=3.11")


def test_environment_report_names_libraries_at_other_versions_than_the_tested_ones(tmp_path):
    import importlib.metadata as md

    numpy, torch = md.version("numpy"), md.version("torch")
    pins = tmp_path / "constraints.txt"
    pins.write_text(f"# comment\nnumpy==0.0.1\ntorch=={torch.split('+')[0]}\nnot-installed-here==1.0\n")
    check = envcheck.check_tested_versions(pins)
    assert not check.ok and check.found == f"numpy {numpy} (tested 0.0.1)" and "make setup" in check.fix
    pins.write_text(f"numpy=={numpy}\ntorch=={torch.split('+')[0]}\n")   # a +cpu or CUDA build is the same torch
    assert envcheck.check_tested_versions(pins).ok
    assert envcheck.check_tested_versions(tmp_path / "absent.txt") is None
    import setuptools  # noqa: F401  (it puts its vendored copies of packaging, platformdirs... on sys.path)

    assert envcheck.check_tested_versions().ok          # make setup installed constraints.txt's versions


def test_environment_report_flags_a_bad_mode(monkeypatch):
    monkeypatch.setenv("RNNLAB_MODE", "turbo")
    report = envcheck.environment_report()
    bad = [c for c in report if not c.ok]
    assert [c.name for c in bad] == ["mode"] and "got 'turbo'" in bad[0].fix
