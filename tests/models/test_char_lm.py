import math

import numpy as np
import pytest
import torch

from rnnlab.data.char_batches import StatefulBatches
from rnnlab.models.char_lm import CharLSTM, evaluate_nll, tbptt_loss
from rnnlab.models.sizes import count_parameters
from rnnlab.training.loop import train


def test_shapes_and_state(raises_naming):
    torch.manual_seed(0)
    m = CharLSTM(11, hidden_size=8, num_layers=2, embed_size=5)
    logits, (h, c) = m(torch.randint(0, 11, (3, 7)))
    assert logits.shape == (3, 7, 11) and h.shape == c.shape == (2, 3, 8)
    assert count_parameters(m) == 11 * 5 + 4 * 8 * (5 + 8 + 2) + 4 * 8 * (8 + 8 + 2) + 8 * 11 + 11
    with raises_naming(TypeError, "x:", "torch.int64", "(B, T)", "got torch.float32"):
        m(torch.zeros(3, 7))
    with raises_naming(ValueError, "x:", "id 11", "(2, 6)", "vocabulary of 11"):
        m(torch.tensor([[0] * 7, [1] * 7, [2] * 6 + [11]]))


def test_stateful_chunks_equal_one_long_pass():
    torch.manual_seed(0)
    m = CharLSTM(9, hidden_size=6)
    x = torch.randint(0, 9, (2, 12))
    full, _ = m(x)
    m.reset_state()
    losses = [m.tbptt_loss(x[:, i:i + 4], x[:, i:i + 4], reset=(i == 0)) for i in range(0, 12, 4)]
    assert all(not s.requires_grad for s in m.carry)  # carried state is detached
    ref = torch.nn.functional.cross_entropy(full.reshape(-1, 9), x.reshape(-1), reduction="none").view(2, 12)
    assert torch.allclose(torch.stack(losses), ref.view(2, 3, 4).mean(dim=(0, 2)), atol=1e-6)


def test_gradient_is_truncated():
    torch.manual_seed(0)
    m = CharLSTM(5, hidden_size=4)
    x = torch.randint(0, 5, (1, 4))
    m.tbptt_loss(x, x, reset=True)
    m.embed.weight.grad = None
    m.tbptt_loss(x, x).backward()  # must not reach back into the first call's graph
    assert m.embed.weight.grad is not None


def test_reset_drops_state():
    torch.manual_seed(0)
    m = CharLSTM(5, hidden_size=4)
    x = torch.randint(0, 5, (2, 4))
    a = m.tbptt_loss(x, x, reset=True)
    m.tbptt_loss(x, x)
    assert torch.equal(m.tbptt_loss(x, x, reset=True), a)


def test_evaluate_nll_untrained_is_near_log_V_and_counts_every_target():
    torch.manual_seed(0)
    m = CharLSTM(20, hidden_size=8)
    with torch.no_grad():
        m.head.weight.zero_(), m.head.bias.zero_()
    ids = np.random.default_rng(0).integers(0, 20, 537)
    assert evaluate_nll(m, ids, batch_size=4, seq_len=16) == pytest.approx(math.log(20), abs=1e-6)
    torch.manual_seed(1)
    m = CharLSTM(20, hidden_size=8)
    logits, _ = m(torch.as_tensor(ids[None, :-1]))
    one_stream = torch.nn.functional.cross_entropy(logits[0], torch.as_tensor(ids[1:])).item()
    assert evaluate_nll(m, ids, batch_size=1, seq_len=50) == pytest.approx(one_stream, rel=1e-5)


def test_learns_a_periodic_text():
    ids = np.array([0, 1, 2, 3, 2, 1] * 200)
    torch.manual_seed(0)
    m = CharLSTM(4, hidden_size=16)
    b = StatefulBatches(ids, batch_size=4, seq_len=12)
    train(m, b, tbptt_loss, optimizer=torch.optim.Adam(m.parameters(), 1e-2), steps=150, progress=False)
    assert evaluate_nll(m, ids) < 0.1
