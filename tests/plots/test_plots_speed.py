"""Notebook 12's figures draw headless, with the data the notebook passes them."""
import matplotlib.pyplot as plt
import pytest

from rnnlab.plots.speed_plots import (draw_dependencies, draw_ladder, draw_memory_vs_length, draw_op_counts,
                                draw_state_memory, draw_tokens_per_second)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_dependencies_has_three_panels_with_titles():
    axes = draw_dependencies(T=8)
    assert [ax.get_title() for ax in axes] == ["RNN: 8 steps, one after another", "attention: 1 round, 28 pairs",
                                               "scan: 3 rounds (log2 8), T·log2 T work"]


def test_tokens_per_second_and_ladder_label_every_line():
    lengths = [16, 64, 256]
    ax = draw_tokens_per_second(lengths, {"LSTM": [1e4, 1e4, 1e4], "transformer": [4e4, 2e4, 5e3]},
                                params={"LSTM": 46180, "transformer": 46500})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["LSTM (46.2 k params)",
                                                                   "transformer (46.5 k params)"]
    ax = draw_ladder(lengths, {"loop": [1e-3, 4e-3, 16e-3], "scan": [1e-3, 1e-3, 1e-3]},
                     colors={"loop": "C3", "scan": "C4"})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["loop (slope 1.00)", "scan (slope 0.00)"]  # never "-0.00"
    assert ax.get_lines()[0].get_color() == "C3"
    ax = draw_op_counts(lengths, {"loop": [100, 400, 1600], "scan": [90, 90, 90]})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loop (slope 1.00)", "scan (slope 0.00)"]


def test_memory_plots_state_and_peak_per_model():
    r = {"length": [1, 2, 3], "state_bytes": [1000, 1000, 1000], "peak_bytes": [2000, 2000, 2000]}
    ax = draw_memory_vs_length({"LSTM": r, "transformer": {**r, "state_bytes": [1000, 2000, 3000]}}, log=True)
    assert len(ax.get_lines()) == 4 and ax.get_yscale() == "log"


def test_state_memory_widget_title_gives_the_sizes():
    ax = draw_state_memory(layers=32, d_model=4096, tokens=4096, batch=1, bytes_per_number=2)
    assert "KV cache 2,048.0 MiB, LSTM state 0.500 MiB (4,096x)" in ax.get_title()
