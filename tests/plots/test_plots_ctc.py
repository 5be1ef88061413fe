"""rnnlab.plots.ctc_plots: the spectrogram and CTC posteriors figure draws, labels the winning units, and
names its bad inputs."""
import matplotlib.pyplot as plt
import pytest
import torch

from rnnlab.plots.ctc_plots import draw_spectrogram_and_posteriors
from rnnlab.tasks.speech import SYMBOLS


def test_draws_the_spectrogram_and_labels_each_winning_unit():
    feats = torch.randn(9, 16)
    ids = torch.tensor([0, 2, 0, 0, 11])                          # a, then t win a step each; stack 2: 9 frames
    log_probs = (torch.nn.functional.one_hot(ids, len(SYMBOLS)) * 5.0).log_softmax(-1)
    top, bottom = draw_spectrogram_and_posteriors(feats, log_probs, SYMBOLS, stack=2)
    assert top.images[0].get_array().shape == (16, 9)
    assert sorted(t.get_text() for t in bottom.texts) == ["a", "t"]
    assert len(bottom.lines) == 3                                  # blank, a, t
    plt.close("all")


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((torch.randn(9, 16), torch.zeros(5, 3).log_softmax(-1), SYMBOLS), {"stack": 2}, ValueError, r"one symbol per class, C = 3"),
    ((torch.randn(9, 16), torch.zeros(5, 13), SYMBOLS), {}, ValueError, r"ceil\(frames / stack\) = model steps"),
    ((torch.randn(9, 16).numpy(), torch.zeros(9, 13), SYMBOLS), {}, TypeError, r"features: expected a torch tensor"),
    ((torch.randn(9, 16), torch.zeros(1, 9, 13), SYMBOLS), {}, ValueError, r"log_probs: expected a 2-D input"),
])
def test_bad_inputs_are_named(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        draw_spectrogram_and_posteriors(*args, **kwargs)
