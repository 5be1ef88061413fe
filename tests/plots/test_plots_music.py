"""Notebook 15's piano roll and NLL race draw headless and show what they were given."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlab.data.chorales import piano_roll
from rnnlab.experiments.fair import Contender
from rnnlab.plots.music_plots import draw_nll_race, draw_piano_roll, note_name


def test_note_names():
    assert [note_name(p) for p in (21, 60, 61, 108)] == ["A0", "C4", "C#4", "C8"]


def test_piano_roll_image_shows_the_used_pitches_and_the_split():
    roll = piano_roll([[60, 67], [62], [64, 72]])
    ax = draw_piano_roll(roll, split=2)
    image = ax.images[0].get_array()
    assert image.shape == (72 + 2 - (60 - 2) + 1, 3)             # pitches 58..74, 3 frames
    assert image[60 - 58, 0] == 1 and image[62 - 58, 1] == 1 and image[61 - 58, :].sum() == 0
    assert [line.get_xdata()[0] for line in ax.lines if line.get_color() == "C3"] == [1.5]
    plt.close("all")


def test_race_plot_has_a_dot_per_seed_and_the_baselines():
    race = {n: Contender(n, 1e-3, [0, 1, 2], [9.0 + k, 9.1 + k, 9.2 + k], 100) for k, n in enumerate(["tanh", "GRU"])}
    ax = draw_nll_race(race, {"key frequencies": 11.4}, papers={"GRU": 8.54})
    offsets = [c.get_offsets() for c in ax.collections]
    assert sum(len(o) for o in offsets) == 3 + 3 + 1
    assert any(np.allclose(o, [[1.15, 8.54]]) for o in offsets)
    plt.close("all")


def test_refuses_an_empty_roll():
    with pytest.raises(ValueError, match=r"roll: expected at least one frame, got an empty piano roll"):
        draw_piano_roll(np.zeros((0, 88), np.float32))
