"""Bad input to rnnlab.nn modules: errors that say what was expected and what came."""
import pytest
import torch

from rnnlab.nn import GRU, LSTM, RNN, GRUCell, LSTMCell


def test_wrong_rank(raises_naming):
    with raises_naming(ValueError, "input", "2-D or 3-D", "(2, 3, 4, 5)", "(4-D)"):
        LSTM(5, 8)(torch.randn(2, 3, 4, 5))


def test_wrong_feature_size(raises_naming):
    with raises_naming(ValueError, "input_size D = 5", "dim -1", "got 6"):
        GRU(5, 8, batch_first=True)(torch.randn(2, 3, 6))


def test_wrong_feature_size_of_a_cell(raises_naming):
    with raises_naming(ValueError, "input_size D = 5", "dim -1", "got 4"):
        GRUCell(5, 8)(torch.randn(2, 4))


def test_initial_state_with_wrong_batch(raises_naming):
    x = torch.randn(7, 3, 5)  # (T, B=3, D)
    h0 = torch.zeros(2, 4, 8)  # B = 4
    with raises_naming(ValueError, "hx", "(2, 3, 8)", "(num_layers * num_directions, B, H)", "got (2, 4, 8)"):
        RNN(5, 8, num_layers=2)(x, h0)


def test_initial_state_with_wrong_layers(raises_naming):
    x = torch.randn(7, 3, 5)
    h0, c0 = torch.zeros(1, 3, 8), torch.zeros(2, 3, 8)
    with raises_naming(ValueError, "hx[0] (h_0)", "(2, 3, 8)", "got (1, 3, 8)"):
        LSTM(5, 8, bidirectional=True)(x, (h0, c0))


def test_cell_state_with_wrong_shape(raises_naming):
    with raises_naming(ValueError, "hx[1] (c)", "(2, 8)", "(B, H)", "got (2, 7)"):
        LSTMCell(5, 8)(torch.randn(2, 5), (torch.zeros(2, 8), torch.zeros(2, 7)))


def test_integer_input(raises_naming):
    with raises_naming(TypeError, "input", "floating-point", "got torch.int64"):
        LSTM(5, 8)(torch.ones(7, 3, 5, dtype=torch.long))


def test_integer_initial_state(raises_naming):
    with raises_naming(TypeError, "hx", "floating-point", "got torch.int64"):
        GRU(5, 8)(torch.randn(7, 3, 5), torch.zeros(1, 3, 8, dtype=torch.long))


def test_empty_sequence(raises_naming):
    with raises_naming(ValueError, "input", "T is 0", "(3, 0, 5)"):
        LSTM(5, 8, batch_first=True)(torch.randn(3, 0, 5))


def test_empty_unbatched_sequence(raises_naming):
    with raises_naming(ValueError, "input", "T is 0", "(0, 5)"):
        RNN(5, 8)(torch.randn(0, 5))


def test_bad_constructor_arguments(raises_naming):
    with raises_naming(ValueError, "nonlinearity", "'tanh'", "'relu'", "got 'sigmoid'"):
        RNN(5, 8, nonlinearity="sigmoid")
    with raises_naming(ValueError, "dropout", "[0, 1]", "got 1.5"):
        GRU(5, 8, num_layers=2, dropout=1.5)
    with raises_naming(ValueError, "proj_size", "expected 0", "got 4"):
        LSTM(5, 8, proj_size=4)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):  # torch's words
        LSTM(5, 8, dropout=0.5)
