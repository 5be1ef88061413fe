"""rnnlab.tasks.adding and rnnlab.tasks.copy: the long-range benchmarks of notebook 04."""
import math

import pytest
import torch

from rnnlab.nn import GRU, LSTM, RNN
from rnnlab.models.long_range import (LastStateRegressor, SequenceTagger, adding_loss, adding_mse, copy_loss,
                                      copy_scores)
from rnnlab.tasks.adding import BASELINE_MSE, adding_problem, marked_positions
from rnnlab.tasks.copy import copy_baseline, copy_task, memoryless_logits


def test_adding_shapes_marks_and_targets():
    x, y = adding_problem(32, 9, generator=torch.Generator().manual_seed(0))
    assert x.shape == (32, 9, 2) and x.dtype == torch.float32 and y.shape == (32,)
    assert torch.all((x[..., 0] >= 0) & (x[..., 0] <= 1))
    assert torch.all(x[..., 1].sum(1) == 2), "exactly two marks per sequence"
    pos = marked_positions(x)
    assert torch.all(pos[:, 0] < 9 // 2) and torch.all(pos[:, 1] >= 9 // 2), "one mark in each half"
    expected = x[torch.arange(32), pos[:, 0], 0] + x[torch.arange(32), pos[:, 1], 0]
    assert torch.allclose(y, expected)


def test_adding_constant_one_baseline_is_one_sixth():
    _, y = adding_problem(200_000, 4, generator=torch.Generator().manual_seed(1))
    assert BASELINE_MSE == pytest.approx(1 / 6)
    assert torch.mean((y - 1) ** 2).item() == pytest.approx(1 / 6, abs=0.003)
    assert torch.mean((y - 1) ** 2).item() <= torch.mean((y - 0.9) ** 2).item(), "1 is the best constant"


def test_adding_seeded_and_shortest():
    a = adding_problem(5, 7, generator=torch.Generator().manual_seed(3))
    b = adding_problem(5, 7, generator=torch.Generator().manual_seed(3))
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    x, y = adding_problem(3, 2)
    assert torch.all(x[..., 1] == 1) and torch.allclose(y, x[..., 0].sum(1))


@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_size=0, T=5), r"\bbatch_size\b.*int >= 1.*got 0\b"),
    (dict(batch_size=2, T=1), r"\bT\b.*int >= 2.*got 1\b.*two marked numbers"),
    (dict(batch_size=2, T=3.0), r"\bT\b.*int >= 2.*got 3\.0"),
])
def test_adding_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        adding_problem(**kwargs)


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_regressor_shapes_and_loss(cls):
    torch.manual_seed(0)
    model = LastStateRegressor(cls, 2, 8)
    x, y = adding_problem(4, 6)
    assert model(x).shape == (4,)
    assert adding_loss(model, (x, y)).ndim == 0
    with torch.no_grad():
        expected = float(torch.mean((model(x) - y) ** 2))
    assert adding_mse(model, x, y) == pytest.approx(expected, rel=1e-5)
    assert model.training, "adding_mse restores the training mode"


def test_copy_layout():
    x, y = copy_task(6, 5, n_symbols=8, length=4, generator=torch.Generator().manual_seed(0))
    assert x.shape == (6, 5 + 8, 10) and y.shape == (6, 13) and y.dtype == torch.int64
    tokens = x.argmax(-1)
    assert torch.all(x.sum(-1) == 1)
    assert torch.all((tokens[:, :4] >= 1) & (tokens[:, :4] <= 8)), "the symbols come first"
    assert torch.all(tokens[:, 4:8] == 0) and torch.all(tokens[:, 8] == 9), "T - 1 blanks, then the delimiter"
    assert torch.all(tokens[:, 9:] == 0)
    assert torch.equal(y[:, -4:], tokens[:, :4]) and torch.all(y[:, :-4] == 0), "targets: blanks, then the copy"


def test_copy_memoryless_baseline_formula():
    for T in (1, 10, 100):
        assert copy_baseline(T) == pytest.approx(10 * math.log(8) / (T + 20))
        _, y = copy_task(64, T, generator=torch.Generator().manual_seed(T))
        ce = torch.nn.functional.cross_entropy(memoryless_logits(T, batch_size=64).flatten(0, 1), y.flatten())
        assert ce.item() == pytest.approx(copy_baseline(T), rel=1e-5)
    assert copy_baseline(10, n_symbols=4, length=3) == pytest.approx(3 * math.log(4) / 16)


def test_copy_seeded():
    a = copy_task(3, 4, generator=torch.Generator().manual_seed(5))
    b = copy_task(3, 4, generator=torch.Generator().manual_seed(5))
    assert all(torch.equal(u, v) for u, v in zip(a, b))


@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_size=-1, T=5), r"\bbatch_size\b.*int >= 1.*got -1"),
    (dict(batch_size=2, T=0), r"\bT\b.*int >= 1.*got 0\b"),
    (dict(batch_size=2, T=3, n_symbols=1), r"\bn_symbols\b.*int >= 2.*got 1\b"),
    (dict(batch_size=2, T=3, length=0), r"\blength\b.*int >= 1.*got 0\b"),
])
def test_copy_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        copy_task(**kwargs)


def test_tagger_shapes_and_scores():
    torch.manual_seed(0)
    model = SequenceTagger(GRU, 10, 8, 9)
    x, y = copy_task(4, 3, length=2)
    assert model(x).shape == (4, 7, 9)
    assert copy_loss(model, (x, y)).ndim == 0
    scores = copy_scores(model, x, y, length=2)
    assert set(scores) == {"ce", "accuracy"} and 0 <= scores["accuracy"] <= 1
