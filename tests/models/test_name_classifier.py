import numpy as np
import pytest
import torch

from rnnlab.models.name_classifier import (POOLINGS, NameClassifier, classification_loss, confusion_matrix, describe_prediction,
                             encode_names, name_batches, pool, predict_proba)
from rnnlab.data.vocab import Vocab

VOCAB = Vocab.from_text("abcdefghijklmnopqrstuvwxyzäöü", pad=True)


def test_encode_pads_with_zero():
    ids, lengths = encode_names(VOCAB, ["ab", "abcd"])
    assert ids.shape == (2, 4) and lengths.tolist() == [2, 4]
    assert ids[0, 2:].tolist() == [0, 0] and ids[0, 0] == VOCAB.stoi["a"] == 1


def test_unknown_characters_give_a_clear_error():
    with pytest.raises(ValueError, match=r"'øystein'.*'ø'"):
        encode_names(VOCAB, ["anna", "øystein"])
    model = NameClassifier(len(VOCAB), 3)
    message = describe_prediction(model, VOCAB, ["A", "B", "C"], "Ø1stein")
    assert message.startswith("Cannot classify") and "'1'" in message and "'ø'" in message


@pytest.mark.parametrize("how", POOLINGS)
def test_pool_ignores_padded_positions(how):
    torch.manual_seed(0)
    out = torch.randn(2, 5, 3)
    lengths = torch.tensor([2, 5])
    pooled = pool(out, lengths, how)
    garbage = out.clone()
    garbage[0, 2:] = 1e6  # values at padded steps must not matter
    assert torch.equal(pool(garbage, lengths, how), pooled)
    expected = {"last": out[0, 1], "mean": out[0, :2].mean(0), "max": out[0, :2].max(0).values}[how]
    assert torch.allclose(pooled[0], expected)


@pytest.mark.parametrize("how", POOLINGS)
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_padding_a_batch_changes_nothing(how, cell):
    torch.manual_seed(0)
    model = NameClassifier(len(VOCAB), 4, embed=8, hidden=16, cell=cell, pooling=how)
    alone = predict_proba(model, VOCAB, ["jan"])
    batched = predict_proba(model, VOCAB, ["jan", "schwarzenegger", "li"])
    assert np.allclose(alone[0], batched[0], atol=1e-6)


def test_pool_bad_input():
    with pytest.raises(ValueError, match="how"):
        pool(torch.zeros(1, 2, 3), torch.tensor([1]), "median")
    with pytest.raises(ValueError, match="lengths"):
        pool(torch.zeros(1, 2, 3), torch.tensor([3]), "mean")


def test_training_step_and_confusion():
    model = NameClassifier(len(VOCAB), 2, embed=8, hidden=8)
    batch = name_batches(VOCAB, ["anna", "bert", "carl"], [0, 1, 1], batch_size=4)(1)
    loss = classification_loss(model, batch)
    assert loss.ndim == 0 and torch.isfinite(loss)
    cm = confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)
    assert cm.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
