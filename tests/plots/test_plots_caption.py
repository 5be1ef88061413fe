"""rnnlab.plots.caption_plots: the figures draw, one panel per word, and reject mismatched input."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.plots import caption_plots as cp  # noqa: E402
from rnnlab.tasks import scenes as sc  # noqa: E402


def test_attention_per_word_draws_a_panel_per_word_with_the_word_under_it():
    scenes = sc.make_scenes(2, 2, seed=0)
    words = scenes.captions[0].split()
    alpha = torch.softmax(torch.randn(len(words), 64), -1)
    fig = cp.draw_attention_per_word(scenes.images[0], words, alpha, 8, title="t")
    assert len(fig.axes) == len(words) + 1
    assert [ax.get_xlabel() for ax in fig.axes[1:]] == words
    plt.close(fig)
    with pytest.raises(ValueError, match=r"L = 64"):
        cp.draw_attention_per_word(scenes.images[0], words, torch.rand(len(words), 49), 8)
    with pytest.raises(ValueError, match=r"\(3, S, S\)"):
        cp.draw_attention_per_word(scenes.images[0].permute(1, 2, 0), words, alpha, 8)


def test_scenes_and_race_draw():
    scenes = sc.make_scenes(5, (1, 2), seed=0)
    fig = cp.draw_scenes(scenes.images, scenes.captions, per_row=3)
    assert len(fig.axes) == 6 and fig.axes[0].get_title().startswith("a ")
    plt.close(fig)
    with pytest.raises(ValueError, match="a caption per image"):
        cp.draw_scenes(scenes.images, scenes.captions[:2])
    fig = cp.draw_race({"attention": {"BLEU": [90, 91]}, "mean-pool": {"BLEU": [80, 82]}}, ("BLEU",), [0, 1])
    assert len(fig.axes[0].collections) == 2
    plt.close(fig)
