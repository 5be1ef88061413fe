"""rnnlab.tasks.recall: the recall-first task of notebook 03."""
import pytest
import torch

from rnnlab.models.long_range import RecallClassifier, recall_accuracy
from rnnlab.tasks.recall import recall_first


def test_shapes_labels_and_layout():
    x, y = recall_first(16, 9, n_symbols=3, n_distractors=5, generator=torch.Generator().manual_seed(0))
    assert x.shape == (16, 9, 8) and x.dtype == torch.float32
    assert y.shape == (16,) and y.dtype == torch.int64
    assert torch.all(x.sum(-1) == 1), "one-hot at every step"
    tokens = x.argmax(-1)
    assert torch.equal(tokens[:, 0], y), "the first symbol is the key"
    assert torch.all((y >= 0) & (y < 3))
    assert torch.all((tokens[:, 1:] >= 3) & (tokens[:, 1:] < 8)), "distractors come from their own symbols"


def test_seeded_and_T_one():
    a = recall_first(4, 5, generator=torch.Generator().manual_seed(7))
    b = recall_first(4, 5, generator=torch.Generator().manual_seed(7))
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    x, y = recall_first(4, 1)
    assert x.shape == (4, 1, 8) and torch.equal(x[:, 0].argmax(-1), y)


@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_size=0, T=5), r"\bbatch_size\b.*int >= 1.*got 0\b"),
    (dict(batch_size=2, T=0), r"\bT\b.*int >= 1.*got 0\b"),
    (dict(batch_size=2, T=3, n_symbols=1), r"\bn_symbols\b.*int >= 2.*got 1\b"),
    (dict(batch_size=2, T=2.5), r"\bT\b.*int >= 1.*got 2\.5"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        recall_first(**kwargs)


def test_classifier_shapes_and_short_range_learning():
    torch.manual_seed(0)
    model = RecallClassifier(8, 16, 4, rnn_class=torch.nn.RNN)
    g = torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(150):
        x, y = recall_first(64, 3, generator=g)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    x, y = recall_first(500, 3, generator=g)
    assert model(x).shape == (500, 4)
    assert recall_accuracy(model, x, y) > 0.95
