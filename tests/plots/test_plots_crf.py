"""Notebook 14's transition heatmap draws headless, blanks forbidden transitions, refuses bad input."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnnlab.nn.crf import CRF, bio_constraints
from rnnlab.plots.crf_plots import draw_transitions
from rnnlab.tasks.entities import TAGS


def test_draws_the_scores_with_start_row_and_end_column_and_blanks_forbidden():
    crf = CRF(len(TAGS), constraints=bio_constraints(TAGS), tag_names=TAGS)
    ax = draw_transitions(crf)
    shown = ax.images[0].get_array()
    assert shown.shape == (len(TAGS) + 1, len(TAGS) + 1)
    i, j = 1 + TAGS.index("O"), TAGS.index("I-PER")
    assert np.ma.is_masked(shown[i, j])                               # O -> I-PER is forbidden
    np.testing.assert_allclose(shown[1 + TAGS.index("B-PER"), j], crf.transitions[TAGS.index("B-PER"), j].item())
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "<start>"
    plt.close("all")


def test_unconstrained_without_names():
    ax = draw_transitions(CRF(3))
    assert not np.ma.is_masked(ax.images[0].get_array()[1:, :3].sum())
    plt.close("all")


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros((3, 3)),), TypeError, r"expected crf, an rnnlab.nn.CRF"),
    ((CRF(3), ["O", "B-X"]), ValueError, r"expected 3 tag names"),
])
def test_bad_inputs(args, error, match):
    with pytest.raises(error, match=match):
        draw_transitions(*args)
