"""rnnlab.plots.transformer_plots draws headless, and says clearly what it expected."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from rnnlab.nn import causal_mask, sinusoidal_positions
from rnnlab.plots.transformer_plots import (draw_heads, draw_mask, draw_norm_experiment, draw_positions,
                                      draw_recurrence_vs_attention, draw_weights, head_figure, labels)


def test_figures_draw():
    draw_recurrence_vs_attention("7 mars")
    ax = draw_mask(causal_mask(4))
    assert len(ax.texts) == 6  # a cross on each hidden entry
    draw_positions(sinusoidal_positions(16, 8), dims=(0, 1, 7))
    alpha = torch.softmax(torch.randn(2, 3, 4), -1)
    axes = draw_heads(alpha, "abc", "wxyz")
    assert len(axes) == 2 and np.allclose(axes[1].images[0].get_array(), alpha[1].numpy())
    stats = {k: {"rms": np.ones(4), "depths": [1, 2], "last_grad": np.ones(2)} for k in ("post", "pre")}
    draw_norm_experiment(stats, {"pre-norm, N = 2": ([1, 2], [3.0, 2.0])})
    plt.close("all")


def test_head_figure_cuts_the_padding():
    maps = {"decoder.layers.0.multihead_attn": torch.softmax(torch.randn(2, 4, 5, 9), -1)}
    fig = head_figure(maps, "decoder.layers.0.multihead_attn", rows="12345", cols="abc", example=1)
    assert len(fig.axes) == 4 and fig.axes[0].images[0].get_array().shape == (5, 3)
    with pytest.raises(ValueError, match="expected a layer name among"):
        head_figure(maps, "encoder.layers.0.self_attn", "a", "b")
    plt.close("all")


def test_bad_shapes_are_explained(raises_naming):
    with raises_naming(ValueError, "alpha", "(L, S) = (2, 3)", "got (3, 2)"):
        draw_weights(np.ones((3, 2)), "ab", "abc")
    with pytest.raises(ValueError, match=r"\(H, L, S\)"):
        draw_heads(np.ones((3, 2)), "abc", "ab")
    with pytest.raises(ValueError, match="at least 2 characters"):
        draw_recurrence_vs_attention("a")
    assert labels("a b\n") == ["a", "␣", "b", "⏎"]
