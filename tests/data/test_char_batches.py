import numpy as np
import pytest
import torch

from rnnlab.data.char_batches import StatefulBatches


def test_layout_matches_docstring():
    ids = np.arange(25)
    b = StatefulBatches(ids, batch_size=2, seq_len=4)
    assert len(b) == 3
    x, y, reset, k = b[0]
    assert x.tolist() == [[0, 1, 2, 3], [12, 13, 14, 15]] and y.tolist() == [[1, 2, 3, 4], [13, 14, 15, 16]]
    assert reset and k == 0
    assert b[2].x.tolist() == [[8, 9, 10, 11], [20, 21, 22, 23]] and b[2].y[1, -1] == 24
    assert not b[1].reset


def test_streams_continue_across_batches():
    ids = np.random.default_rng(0).integers(0, 50, 1001)
    b = StatefulBatches(ids, batch_size=4, seq_len=10)
    x = torch.cat([batch.x for batch in b], dim=1)  # (B, used)
    L = 1000 // 4
    for row in range(4):
        assert x[row].tolist() == ids[row * L: row * L + x.shape[1]].tolist()
    assert torch.equal(b[0].y[:, :-1], b[0].x[:, 1:])


def test_call_cycles_from_step_1():
    b = StatefulBatches(np.arange(100), batch_size=3, seq_len=5)
    assert len(b) == 6
    assert torch.equal(b(1).x, b[0].x) and torch.equal(b(7).x, b[0].x) and b(7).reset
    assert torch.equal(b(6).x, b[5].x)


def test_errors():
    with pytest.raises(ValueError, match="at least 41 characters"):
        StatefulBatches(np.arange(30), batch_size=4, seq_len=10)
    with pytest.raises(ValueError, match="seq_len"):
        StatefulBatches(np.arange(30), batch_size=2, seq_len=0)
    with pytest.raises(ValueError, match=r"shape \(N,\)"):
        StatefulBatches(np.zeros((3, 30), dtype=int), batch_size=2, seq_len=2)
    with pytest.raises(IndexError):
        StatefulBatches(np.arange(30), 2, 2)[99]
