"""The fused LSTM loop (hand-written backward) against LSTMCell.step under autograd."""
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from rnnlab.nn import LSTM, LSTMCell
from rnnlab.nn.cell import RecurrentCell
from rnnlab.nn.lstm_scan import lstm_scan


@pytest.mark.parametrize("batch_sizes", [[3, 3, 3, 3], [3, 3, 2, 1, 1]])
def test_fused_scan_matches_autograd_scan(batch_sizes):
    torch.manual_seed(0)
    cell = LSTMCell(2, 4, dtype=torch.float64)
    N = sum(batch_sizes)
    leaves = [torch.randn(N, 16, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64),
              torch.randn(3, 4, dtype=torch.float64)]
    results = []
    for scan in (LSTMCell.scan, RecurrentCell.scan):  # fused, then plain autograd
        cell.zero_grad()
        xp, h0, c0 = (t.clone().requires_grad_() for t in leaves)
        y, (h, c) = scan(cell, xp, (h0, c0), batch_sizes)
        torch.manual_seed(1)
        sum((t * torch.randn_like(t)).sum() for t in (y, h, c)).backward()
        results.append([y, h, c, xp.grad, h0.grad, c0.grad, cell.weight_hh.grad.clone()])
    for a, b in zip(*results):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)


def test_fused_scan_passes_gradcheck():
    torch.manual_seed(0)
    args = [torch.randn(*s, dtype=torch.float64, requires_grad=True) for s in [(7, 12), (3, 3), (3, 3), (12, 3)]]
    assert torch.autograd.gradcheck(lambda *a: lstm_scan(*a, [3, 2, 2]), args)


def test_unfused_layer_matches_fused_and_supports_double_backward():
    torch.manual_seed(0)
    fused = LSTM(2, 3, bidirectional=True, dtype=torch.float64)
    plain = LSTM(2, 3, bidirectional=True, dtype=torch.float64, fused=False)
    plain.load_state_dict(fused.state_dict())
    x = torch.randn(4, 2, 2, dtype=torch.float64)
    packed = pack_padded_sequence(x, torch.tensor([4, 2]))
    torch.testing.assert_close(fused(packed)[0].data, plain(packed)[0].data, rtol=0, atol=1e-12)
    x.requires_grad_()
    (g,) = torch.autograd.grad(plain(x)[0].square().sum(), x, create_graph=True)
    g.sum().backward()  # second derivative through the autograd path
    assert x.grad is not None
