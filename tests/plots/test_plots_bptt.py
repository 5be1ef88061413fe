"""Notebook 02's figures and widget callbacks, headless: no slider value raises."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlab.byhand.charmodel import init_char_rnn
from rnnlab.data import Vocab
from rnnlab.plots.bptt_plots import draw_backward, reach_figure, reach_widget, temperature_widget, training_figure


@pytest.mark.parametrize("k2, scale", [(1, 0.5), (40, 0.5), (1, 3.0), (40, 3.0), (0, 2.0), (99, 2.0)])
def test_reach_widget_extremes(k2, scale):
    reach_widget(k2, scale)
    plt.close("all")


def test_reach_figure_cuts_at_k2():
    fig, r = reach_figure(k2=7, scale=2.0, T=20)
    assert np.all(r["truncated"][7:] == 0) and np.all(r["truncated"][:7] > 0)
    assert r["errors"].shape == (20,) and r["errors"][-1] < 1e-12
    plt.close(fig)


def test_training_figure_and_backward_picture():
    fig, smoothed = training_figure(np.linspace(4, 2, 50), uniform=4.6, unigram=3.3, held_out={0: 4.6, 50: 2.5})
    assert smoothed.shape == (50,) and smoothed[0] < 4.6
    ax = draw_backward(T=3)
    plt.close("all")


@pytest.mark.parametrize("temperature", [0.0, 0.05, 0.1, 2.0])
def test_temperature_widget_extremes(capsys, temperature):
    model = init_char_rnn(Vocab.from_text("The abc\n"), 8)
    temperature_widget(model, temperature, prompt="The ", length=20, seed=0)
    out = capsys.readouterr().out
    head, text = out.split("\n\n", 1)
    assert head == f"temperature {max(temperature, 0.05):.2f}:"
    assert text.startswith("The ")
