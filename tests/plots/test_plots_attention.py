"""Notebook 09's figures and widget callback, headless: what they draw, and that no input raises."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from rnnlab.models.attention_decoders import BahdanauDecoder, LuongDecoder
from rnnlab.plots.attention_plots import (MAX_CHARS, alignment_figure, char_label, draw_alignment, draw_attention_sketch,
                                    draw_scores_by_length)
from rnnlab.data.vocab import EOS
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.models.seq2seq import Seq2Seq
from rnnlab.tasks.dates import source_vocabulary, target_vocabulary

SRC, TGT = source_vocabulary(), target_vocabulary()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _date_model(decoder="bahdanau", seed=0):
    torch.manual_seed(seed)
    dec = BahdanauDecoder(len(TGT), 4, 8) if decoder == "bahdanau" else LuongDecoder(len(TGT), 4, 8, score=decoder)
    return Seq2Seq(len(SRC), len(TGT), 4, 8, decoder=dec)


def _rows(alpha):
    a = np.random.default_rng(0).random(alpha)
    return a / a.sum(1, keepdims=True)


def _ticks(labels):
    return [t.get_text() for t in labels]


# ---------------------------------------------------------------------------------------------- draw_alignment
def test_draw_alignment_shows_alpha_with_source_along_x_and_output_down_y():
    alpha = _rows((4, 6))
    ax = draw_alignment(alpha, "7 mars", ["2", "0", "-", "⟨eos⟩"], highlight=(2, 6), title="t")
    assert len(ax.images) == 1
    np.testing.assert_array_equal(ax.images[0].get_array(), alpha)
    assert ax.images[0].get_clim() == (0.0, 1.0)  # one colour scale for every example
    assert _ticks(ax.get_xticklabels()) == ["7", "␣", "m", "a", "r", "s"]  # the space is visible
    assert _ticks(ax.get_yticklabels()) == ["2", "0", "-", "⟨eos⟩"]
    outline = [p for p in ax.patches if isinstance(p, plt.Rectangle)]
    assert len(outline) == 1 and outline[0].get_x() == 1.5 and outline[0].get_width() == 4  # columns 2..5
    assert ax.get_title() == "t"
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar


def test_draw_alignment_takes_tensors_and_can_skip_the_colorbar():
    alpha = torch.softmax(torch.randn(3, 5), -1)
    ax = draw_alignment(alpha, "abcde", "xyz", colorbar=False)
    np.testing.assert_allclose(ax.images[0].get_array(), alpha.numpy())
    assert len(ax.figure.axes) == 1


@pytest.mark.parametrize("shape", [(0, 5), (3, 0), (0, 0)])
def test_draw_alignment_says_when_there_is_nothing_to_draw(shape):
    ax = draw_alignment(np.zeros(shape), "x" * shape[1], ["y"] * shape[0])
    assert len(ax.images) == 0
    assert any("nothing to draw" in t.get_text() for t in ax.texts)


def test_draw_alignment_rejects_alpha_that_does_not_fit_the_labels(raises_naming):
    with raises_naming(ValueError, "alpha", "(L, S) = (2, 3)", "got (3, 2)"):
        draw_alignment(np.zeros((3, 2)), "abc", "xy")


def test_char_label_makes_whitespace_visible():
    assert [char_label(c) for c in "a \n\t"] == ["a", "␣", "\\n", "\\t"]


# ---------------------------------------------------------------------------------------------- the widget
@pytest.mark.parametrize("decoder", ["bahdanau", "dot"])
def test_alignment_figure_draws_the_greedy_alpha_of_the_typed_date(decoder):
    model = _date_model(decoder)
    fig, message = alignment_figure(model, SRC, TGT, "  14 Juillet 1987 ")  # stripped and lower-cased
    text = "14 juillet 1987"
    src, lengths = SRC.encode_batch([text])
    ids, logp, alpha = greedy_decode(model, src, lengths, max_len=14, return_alpha=True)
    ids = ids[0].tolist()
    steps = ids.index(EOS) + 1 if EOS in ids else len(ids)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), alpha[0, :steps].numpy())
    assert _ticks(ax.get_xticklabels()) == [char_label(c) for c in text]
    assert len(ax.get_yticklabels()) == steps
    assert message.startswith(f"output {TGT.decode(ids)!r}   p = {np.exp(float(logp[0])):.3f}")


def test_alignment_figure_with_a_decoder_that_never_stops_says_the_output_was_cut():
    model = _date_model()
    with torch.no_grad():
        model.decoder.out.bias[EOS] = -1e3  # EOS can never win
    fig, message = alignment_figure(model, SRC, TGT, "3 mai 2001", max_len=3)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (3, len("3 mai 2001"))
    assert "⟨eos⟩" not in _ticks(ax.get_yticklabels())
    assert "no ⟨eos⟩ within 3 steps: the output was cut" in message


def test_alignment_figure_with_an_empty_output_draws_one_eos_row_and_checks_the_reference():
    model = _date_model()
    with torch.no_grad():
        model.decoder.out.bias[EOS] = 1e3  # EOS at once: the output is empty
    fig, message = alignment_figure(model, SRC, TGT, "3 mai 2001", reference="2001-05-03")
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (1, len("3 mai 2001"))
    assert _ticks(ax.get_yticklabels()) == ["⟨eos⟩"]
    assert message.startswith("output ''") and "✗ expected '2001-05-03'" in message
    _, message = alignment_figure(model, SRC, TGT, "3 mai 2001", reference="")
    assert message.endswith("✓ correct")


@pytest.mark.parametrize("text, expected", [
    ("14 July 1987!", "Cannot read this input: '14 july 1987!': 1 character(s) not in the vocabulary"),
    ("14 juillet 1987 ☃", "'☃'"),
    ("", "Type a date"),
    ("   ", "Type a date"),
    (None, "Type a date"),
    ("1" * (MAX_CHARS + 1), f"That is {MAX_CHARS + 1} characters"),
])
def test_alignment_figure_answers_bad_input_with_a_message_not_a_traceback(text, expected):
    fig, message = alignment_figure(_date_model(), SRC, TGT, text)
    assert fig is None
    assert expected in message
    assert plt.get_fignums() == []  # nothing half-drawn left behind


@pytest.mark.parametrize("text", ["1", "1" * MAX_CHARS])
def test_alignment_figure_extremes_of_length_are_drawn(text):
    fig, _ = alignment_figure(_date_model(), SRC, TGT, text)
    assert fig.axes[0].images[0].get_array().shape[1] == len(text)
    w, h = fig.get_size_inches()
    assert w <= 12 and h <= 6  # the figure stays on the screen


def test_alignment_figure_needs_an_attention_decoder(raises_naming):
    torch.manual_seed(0)
    plain = Seq2Seq(len(SRC), len(TGT), 4, 8)
    with raises_naming(TypeError, "attention decoder", "got Decoder"):
        alignment_figure(plain, SRC, TGT, "3 mai 2001")


# ---------------------------------------------------------------------------------------------- the other figures
def test_draw_scores_by_length_plots_each_model_on_each_metric():
    lengths = np.array([4, 6, 8])
    scores = {"none": {"exact": [90, 40, 0], "bleu": [95, 60, 30], "chrf": [96, 62, 31]},
              "attention": {"exact": [99, 95, 90], "bleu": [99, 98, 97], "chrf": [99, 98, 96]}}
    axes = draw_scores_by_length(lengths, scores, trained=(3, 6))
    assert len(axes) == 3
    for ax, metric in zip(axes, ("exact", "bleu", "chrf")):
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == ["none", "attention"]
        for line, name in zip(lines, scores):
            np.testing.assert_array_equal(line.get_xdata(), lengths)
            np.testing.assert_array_equal(line.get_ydata(), scores[name][metric])
        (span,) = ax.patches  # the trained range 3..6, shaded from 2.5 to 6.5
        assert (span.get_x(), span.get_x() + span.get_width()) == (2.5, 6.5)


def test_draw_scores_by_length_rejects_misaligned_values():
    with pytest.raises(ValueError, match="expected 3 values"):
        draw_scores_by_length([4, 6, 8], {"m": {"exact": [1, 2], "bleu": [1, 2, 3], "chrf": [1, 2, 3]}})
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="expected 3 axes"):
        draw_scores_by_length([4], {"m": {"exact": [1], "bleu": [1], "chrf": [1]}}, axes=axes)


def test_draw_attention_sketch_draws_one_line_per_weight_that_matters(raises_naming):
    alpha = np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])  # (L = 3, S = 2)
    left, right = draw_attention_sketch("ab", "xyz", alpha)
    assert len(left.get_lines()) == 2 + 3  # every x_j into c, c out to every y_i
    widths = sorted(line.get_linewidth() for line in right.get_lines())
    assert widths == [2.0, 2.0, 4.0, 4.0]  # zero weights are not drawn; width 4 * alpha
    with raises_naming(ValueError, "alpha", "(L, S) = (3, 2)", "got (2, 3)"):
        draw_attention_sketch("ab", "xyz", alpha.T)
