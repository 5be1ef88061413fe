"""rnnlab.nn.init: orthogonal W_hh blocks, Xavier W_ih blocks, LSTM forget-gate bias."""
import math

import pytest
import torch

from rnnlab.nn import GRU, LSTM, RNN, LSTMCell, course_init_, forget_bias_, orthogonal_recurrent_, xavier_input_


@pytest.mark.parametrize("module", [
    RNN(3, 6, num_layers=2), LSTM(3, 6, bidirectional=True), GRU(3, 6, num_layers=2), LSTMCell(3, 6),
    torch.nn.LSTM(3, 6, num_layers=2),
], ids=lambda m: type(m).__module__.split(".")[0] + "." + type(m).__name__)
def test_course_init(module):
    torch.manual_seed(0)
    assert course_init_(module, forget_bias=1.0) is module
    lstm = isinstance(module, (LSTM, LSTMCell, torch.nn.LSTM))
    for name, p in module.named_parameters():
        blocks = p.detach().split(6)
        if "weight_hh" in name:
            for w in blocks:  # (H, H)
                torch.testing.assert_close(w @ w.T, torch.eye(6), atol=1e-5, rtol=0)
        elif "weight_ih" in name:
            fan_in, fan_out = p.shape[1], 6
            bound = math.sqrt(6 / (fan_in + fan_out))
            assert all(w.abs().max() <= bound for w in blocks)
            assert all(w.abs().max() > bound / 2 for w in blocks)
        elif "bias_ih" in name and lstm:
            assert torch.all(blocks[1] == 1.0)  # forget gate: rows H..2H
            assert torch.all(torch.cat([blocks[0], blocks[2], blocks[3]]) == 0)
        else:
            assert torch.all(p == 0)


def test_forget_bias_sums_to_the_value():
    lstm = LSTM(3, 4, num_layers=2)
    forget_bias_(lstm, 2.5)
    for cell in lstm.cells:
        torch.testing.assert_close((cell.bias_ih + cell.bias_hh)[4:8], torch.full((4,), 2.5))


def test_forget_bias_leaves_other_modules_alone():
    gru = GRU(3, 4)
    before = {k: v.clone() for k, v in gru.state_dict().items()}
    forget_bias_(gru, 1.0)
    assert all(torch.equal(before[k], v) for k, v in gru.state_dict().items())


def test_separate_initialisers():
    torch.manual_seed(0)
    rnn = RNN(3, 5, dtype=torch.float64)
    b = rnn.bias_ih_l0.clone()
    orthogonal_recurrent_(rnn)
    xavier_input_(rnn)
    w = rnn.weight_hh_l0
    torch.testing.assert_close(w @ w.T, torch.eye(5, dtype=torch.float64), atol=1e-12, rtol=0)
    assert torch.equal(rnn.bias_ih_l0, b)  # biases untouched
    assert rnn.cells[0].weight_hh is w  # the cell computes with the layer's tensor
