"""Bad input to rnnlab.nn modules: errors that say what was expected and what came."""
import pytest
import torch

from rnnlab.nn import GRU, LSTM, RNN, GRUCell, LSTMCell


def test_wrong_rank():
    with pytest.raises(ValueError, match=r"expected a 2-D or 3-D input .*got shape \(2, 3, 4, 5\) \(4-D\)"):
        LSTM(5, 8)(torch.randn(2, 3, 4, 5))


def test_wrong_feature_size():
    with pytest.raises(ValueError, match=r"expected input_size D = 5 along dim -1, got 6"):
        GRU(5, 8, batch_first=True)(torch.randn(2, 3, 6))


def test_wrong_feature_size_of_a_cell():
    with pytest.raises(ValueError, match=r"expected input_size D = 5 along dim -1, got 4"):
        GRUCell(5, 8)(torch.randn(2, 4))


def test_initial_state_with_wrong_batch():
    x = torch.randn(7, 3, 5)  # (T, B=3, D)
    h0 = torch.zeros(2, 4, 8)  # B = 4
    with pytest.raises(ValueError, match=r"hx: expected shape \(2, 3, 8\) \(num_layers \* num_directions, B, H\).*got \(2, 4, 8\)"):
        RNN(5, 8, num_layers=2)(x, h0)


def test_initial_state_with_wrong_layers():
    x = torch.randn(7, 3, 5)
    h0, c0 = torch.zeros(1, 3, 8), torch.zeros(2, 3, 8)
    with pytest.raises(ValueError, match=r"hx\[0\] \(h_0\): expected shape \(2, 3, 8\).*got \(1, 3, 8\)"):
        LSTM(5, 8, bidirectional=True)(x, (h0, c0))


def test_cell_state_with_wrong_shape():
    with pytest.raises(ValueError, match=r"hx\[1\] \(c\): expected shape \(2, 8\) \(B, H\), got \(2, 7\)"):
        LSTMCell(5, 8)(torch.randn(2, 5), (torch.zeros(2, 8), torch.zeros(2, 7)))


def test_integer_input():
    with pytest.raises(TypeError, match=r"input: expected a floating-point dtype .*got torch.int64"):
        LSTM(5, 8)(torch.ones(7, 3, 5, dtype=torch.long))


def test_integer_initial_state():
    with pytest.raises(TypeError, match=r"hx: expected a floating-point dtype .*got torch.int64"):
        GRU(5, 8)(torch.randn(7, 3, 5), torch.zeros(1, 3, 8, dtype=torch.long))


def test_empty_sequence():
    with pytest.raises(ValueError, match=r"sequence length T is 0 \(shape \(3, 0, 5\)\)"):
        LSTM(5, 8, batch_first=True)(torch.randn(3, 0, 5))


def test_empty_unbatched_sequence():
    with pytest.raises(ValueError, match=r"sequence length T is 0"):
        RNN(5, 8)(torch.randn(0, 5))


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match=r"nonlinearity: expected 'tanh' or 'relu', got 'sigmoid'"):
        RNN(5, 8, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"dropout: expected a probability in \[0, 1\], got 1.5"):
        GRU(5, 8, num_layers=2, dropout=1.5)
    with pytest.raises(ValueError, match=r"proj_size: .*expected 0, got 4"):
        LSTM(5, 8, proj_size=4)
    with pytest.warns(UserWarning, match="num_layers > 1"):
        LSTM(5, 8, dropout=0.5)
