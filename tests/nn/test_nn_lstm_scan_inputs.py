"""lstm_scan's inputs: every bad one a clear error before the loop; the plain-ops loop is the cell's."""
import numpy as np
import pytest
import torch

from rnnlab.checks import DtypeMismatchError
from rnnlab.nn import LSTMCell
from rnnlab.nn.cell import RecurrentCell
from rnnlab.nn.lstm_scan import lstm_scan, scan_under_autograd

H = 3
SIZES = [3, 2, 2]  # N = 7 rows, B = 3


def good(**change):
    """Valid arguments (xp (7, 4H), h0, c0 (3, H), weight_hh (4H, H), batch_sizes), some replaced."""
    torch.manual_seed(0)
    args = dict(xp=torch.randn(7, 4 * H), h0=torch.randn(3, H), c0=torch.randn(3, H),
                weight_hh=torch.randn(4 * H, H), batch_sizes=SIZES)
    args.update(change)
    return args


# name: (the bad arguments, the error, the parts its message must name)
BAD = {
    "xp float64 into float32 weights": (good(xp=torch.randn(7, 4 * H, dtype=torch.float64)),
                                        DtypeMismatchError, ["xp", "torch.float32", "got torch.float64"]),
    "h0 float64": (good(h0=torch.zeros(3, H, dtype=torch.float64)), DtypeMismatchError, ["h0", "torch.float64"]),
    "xp of ints": (good(xp=torch.ones(7, 4 * H, dtype=torch.int64)), TypeError, ["xp", "floating-point", "int64"]),
    "xp a list": (good(xp=[[0.0] * 12] * 7), TypeError, ["xp", "torch tensor", "list"]),
    "xp a string": (good(xp="xp"), TypeError, ["xp", "torch tensor", "str"]),
    "xp padded (T, B, 4H), not packed": (good(xp=torch.randn(7, 1, 4 * H)), ValueError, ["xp", "2-D", "(7, 1, 12)"]),
    "xp rows != sum(batch_sizes)": (good(xp=torch.randn(8, 4 * H)), ValueError, ["xp", "(7, 12)", "got (8, 12)"]),
    "xp width != 4H": (good(xp=torch.randn(7, 10)), ValueError, ["xp", "4H", "got (7, 10)"]),
    "h0 of another batch": (good(h0=torch.randn(2, H)), ValueError, ["h0", "(3, 3)", "batch_sizes[0]", "got (2, 3)"]),
    "c0 of another H": (good(c0=torch.randn(3, H + 1)), ValueError, ["c0", "(3, 3)", "got (3, 4)"]),
    "weight_hh (3H, H)": (good(weight_hh=torch.randn(3 * H, H)), ValueError, ["weight_hh", "(12, 3)", "got (9, 3)"]),
    "batch_sizes increasing": (good(batch_sizes=[2, 2, 3]), ValueError, ["batch_sizes", "non-increasing", "[2, 2, 3]"]),
    "batch_sizes with a 0": (good(batch_sizes=[3, 2, 2, 0]), ValueError, ["batch_sizes[3]", ">= 1", "got 0"]),
    "batch_sizes empty": (good(xp=torch.randn(0, 4 * H), batch_sizes=[]), ValueError, ["batch_sizes", "non-empty"]),
    "batch_sizes of floats": (good(batch_sizes=[3.0, 2.0, 2.0]), TypeError, ["batch_sizes[0]", "int", "3.0"]),
    "batch_sizes a string": (good(batch_sizes="322"), TypeError, ["batch_sizes", "list of ints", "'322'"]),
    # h0 has 3 rows but batch_sizes says 2 sequences: row 2 used to come back unchanged, silently
    "batch_sizes[0] != B": (good(batch_sizes=[2, 2, 2, 1]), ValueError, ["h0", "(2, 3)", "got (3, 3)"]),
}


@pytest.mark.parametrize("args, error, parts", BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_clearly(args, error, parts, raises_naming):
    with raises_naming(error, *parts):
        lstm_scan(**args)


@pytest.mark.parametrize("batch_sizes", [torch.tensor(SIZES), np.array(SIZES), tuple(SIZES)],
                         ids=["tensor (PackedSequence.batch_sizes)", "numpy", "tuple"])
def test_batch_sizes_in_other_containers_are_accepted(batch_sizes):
    want = lstm_scan(**good())
    got = lstm_scan(**good(batch_sizes=batch_sizes))
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("batch_sizes", [[3, 3, 3], [3, 2, 2, 1]])
def test_the_plain_ops_loop_is_the_cells_step(batch_sizes):
    """scan_under_autograd (the double-backward and torch.func path) is LSTMCell.step's loop, bit for bit."""
    torch.manual_seed(0)
    cell = LSTMCell(2, H, dtype=torch.float64)
    xp = torch.randn(sum(batch_sizes), 4 * H, dtype=torch.float64)
    h0, c0 = torch.randn(2, 3, H, dtype=torch.float64)
    y, (h, c) = RecurrentCell.scan(cell, xp, (h0, c0), batch_sizes)
    for a, b in zip(scan_under_autograd(xp, h0, c0, cell.weight_hh, batch_sizes), (y, h, c)):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_a_batch_of_no_sequences_runs_the_fused_loop_to_empty_outputs():
    # torch.nn.LSTM accepts B = 0; the fused loop runs no row at any step (zeros in batch_sizes only then)
    weight_hh = torch.randn(4 * H, H, requires_grad=True)
    y, h_n, c_n = lstm_scan(torch.randn(0, 4 * H), torch.zeros(0, H), torch.zeros(0, H), weight_hh, [0, 0, 0])
    assert (tuple(y.shape), tuple(h_n.shape), tuple(c_n.shape)) == ((0, H), (0, H), (0, H))
    y.sum().backward()
    assert torch.equal(weight_hh.grad, torch.zeros(4 * H, H))
