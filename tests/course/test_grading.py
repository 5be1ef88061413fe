"""rnnlab.course.grading: the checks the assignments' test cells use (pass quietly, fail with specifics)."""
import numpy as np
import pytest
import torch

from rnnlab.byhand import rnn_step_forward
from rnnlab.course.grading import (
    expect_close, expect_equal, expect_gradients, expect_shape, expect_true, own_work, relative_error,
)


def test_a_passing_check_prints_a_tick_and_returns_none(capsys):
    assert expect_close("h", np.ones(3), np.ones(3)) is None        # a number would be partial credit
    assert expect_shape("h", np.ones((2, 3)), (2, 3), "(B, H)") is None
    assert capsys.readouterr().out.splitlines() == [
        "✅ h is correct (relative error 0.0e+00).", "✅ h has shape (2, 3) (B, H)."]


def test_close_reports_the_relative_error_the_worst_entry_and_the_hint(raises_naming):
    got, want = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 5.0]])
    with raises_naming(AssertionError, "dW_hh", "relative error 2.0e-01", "1e-07", "(1, 1)", "expected 5", "got 4",
                       "pair da_t with h_{t-1}"):
        expect_close("dW_hh", got, want, hint="pair da_t with h_{t-1}")


@pytest.mark.parametrize("got, want, parts", [
    (None, np.ones(2), ("h is None", "return")),
    (np.ones((3, 2)), np.ones((2, 3)), ("h:", "(2, 3)", "got (3, 2)")),
    (np.array([np.nan, 1.0]), np.ones(2), ("h contains NaN",)),
    ("text", np.ones(2), ("h:", "numbers", "(2,)", "got str")),
])
def test_close_says_what_kind_of_wrong(raises_naming, got, want, parts):
    with raises_naming(AssertionError, *parts):
        expect_close("h", got, want)


def test_close_handles_minus_infinity_where_it_is_expected(raises_naming):
    want = torch.tensor([0.5, -float("inf")])
    expect_close("e", torch.tensor([0.5, -float("inf")]), want)
    with raises_naming(AssertionError, "e:", "(1,)", "expected -inf", "got 0.3"):
        expect_close("e", torch.tensor([0.5, 0.3]), want)


def test_shape_suggests_a_transpose_when_the_sizes_are_swapped():
    with pytest.raises(AssertionError, match="a missing transpose"):
        expect_shape("W", np.ones((4, 3)), (3, 4))


def test_equal_and_true(raises_naming):
    expect_equal("buggy", "dW_hh", "dW_hh")
    with pytest.raises(AssertionError, match="expected 'dW_hh', got 'dx'"):
        expect_equal("buggy", "dx", "dW_hh")
    with raises_naming(AssertionError, "pointers", "1 of 3", "(2,)"):
        expect_equal("pointers", np.array([0, 1, 1]), np.array([0, 1, 2]))
    with pytest.raises(AssertionError, match="❌ MSE below 0.05"):
        expect_true(False, "MSE below 0.05")


def test_gradients_lists_the_wrong_terms_with_their_hints(capsys):
    with pytest.raises(AssertionError) as err:
        expect_gradients({"dx": 1e-10, "dW_hh": 0.3}, hints={"dW_hh": "h_{t-1}", "dx": "no"})
    assert "dW_hh does not match" in str(err.value) and "dW_hh: h_{t-1}" in str(err.value)
    assert "no" not in str(err.value).split("\n", 1)[1]
    assert "✅ dx" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="All of them: tanh"):
        expect_gradients({"dx": 1.0, "db": 1.0}, hints={"*": "tanh", "dx": "x"})


def test_relative_error_is_scale_free_and_zero_for_zeros():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 2.2)
    assert relative_error([1e6, 2e6], [1e6, 2.2e6]) == pytest.approx(0.2 / 2.2)


def _mine(x):
    return np.tanh(x)


def _delegates(x, h, W_xh, W_hh, b):
    step = rnn_step_forward          # an alias does not hide it
    return step(x, h, W_xh, W_hh, b)[0]


def test_own_work_catches_calls_into_the_reference_and_torch_layers():
    x, h = np.ones((1, 2)), np.ones((1, 3))
    W_xh, W_hh, b = np.ones((3, 2)), np.ones((3, 3)), np.ones(3)
    with own_work("mine", "rnnlab.byhand"):
        _mine(x)
    with pytest.raises(AssertionError, match=r"delegates calls rnnlab\.byhand\.elman\.rnn_step_forward"):
        with own_work("delegates", "rnnlab.byhand"):
            _delegates(x, h, W_xh, W_hh, b)
    cell = torch.nn.LSTMCell(2, 3)
    with pytest.raises(AssertionError, match="torch.nn.LSTMCell"):
        with own_work("lstm", "torch.nn.LSTMCell"):
            cell(torch.ones(1, 2))
    with pytest.raises(AssertionError, match="torch.lstm_cell"):
        with own_work("lstm", "torch.lstm_cell"):
            torch.lstm_cell(torch.ones(1, 2), (torch.ones(1, 3), torch.ones(1, 3)), cell.weight_ih, cell.weight_hh)
    with own_work("a linear layer", "torch.nn.LSTMCell", "torch.nn.MultiheadAttention"):
        torch.nn.Linear(2, 3)(torch.ones(1, 2))                  # other modules are fine


def test_own_work_restores_the_previous_profiler_even_when_the_code_raises():
    import sys

    def previous(frame, event, arg):
        return None

    sys.setprofile(previous)
    try:
        with pytest.raises(ZeroDivisionError):
            with own_work("boom", "rnnlab.byhand"):
                1 / 0
        assert sys.getprofile() is previous
    finally:
        sys.setprofile(None)
