"""rnnlab.checks.check_ids / check_lengths: the one check of token ids and lengths, used by every
model that embeds ids. One exception type per kind of mistake: TypeError (not an int64 tensor),
ValueError (shape), TokenIdError (an id outside the vocabulary, named with its position and V),
LengthError (lengths that do not fit the batch)."""
import pytest
import torch

from rnnlab import nn as rnn
from rnnlab.checks import LengthError, TokenIdError, check_ids, check_lengths
from rnnlab.models.char_lm import CharLSTM
from rnnlab.models.name_classifier import NameClassifier
from rnnlab.models.seq2seq import Seq2Seq
from rnnlab.models.streaming_lms import LSTMLM, MinGRULM
from rnnlab.models.tagger import Tagger
from rnnlab.models.transformers import TransformerLM, TransformerSeq2Seq

V = 7  # every model below reads ids 0..6


def _models():
    """name -> (model, call(ids, lengths)): each model that reads token ids (B, T)."""
    torch.manual_seed(0)
    s2s, ts2s = Seq2Seq(V, V, embed=4, hidden=8), TransformerSeq2Seq(V, V, d_model=8, nhead=2, num_layers=1,
                                                                     dim_feedforward=16, max_len=16)
    tgt = torch.ones(2, 3, dtype=torch.int64)
    models = {
        "CharLSTM": (CharLSTM(V, hidden_size=4), lambda m, x, n: m(x)),
        "LSTMLM": (LSTMLM(V, 4), lambda m, x, n: m(x)),
        "MinGRULM": (MinGRULM(V, 8, hidden_size=8), lambda m, x, n: m(x)),
        "TransformerLM": (TransformerLM(V, d_model=8, nhead=2, num_layers=1, dim_feedforward=16, max_len=16),
                          lambda m, x, n: m(x)),
        "NameClassifier": (NameClassifier(V, 3, embed=4, hidden=4), lambda m, x, n: m(x, n)),  # <pad> included
        "Tagger": (Tagger(rnn.LSTM, V, embed_size=4, hidden_size=4), lambda m, x, n: m(x, n)),
        "Seq2Seq": (s2s, lambda m, x, n: m(x, n, tgt)),
        "TransformerSeq2Seq": (ts2s, lambda m, x, n: m(x, n, tgt)),
    }
    return models


NAMES = list(_models())
TAKES_LENGTHS = {"NameClassifier", "Tagger", "Seq2Seq", "TransformerSeq2Seq"}
GOOD = torch.tensor([[1, 2, 3, 4], [5, 6, 1, 0]]), torch.tensor([4, 3])


@pytest.mark.parametrize("name", NAMES)
def test_every_model_that_reads_ids_runs_on_good_ids(name):
    model, call = _models()[name]
    call(model, *GOOD)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad,error,parts", [
    (torch.tensor([[1, 2, 3, 4], [5, 6, 7, 0]]), TokenIdError, ("id 7", "(1, 2)", "vocabulary of 7", "[0, 6]")),
    (torch.tensor([[1, 2, 3, 4], [-1, 6, 1, 0]]), TokenIdError, ("id -1", "(1, 0)")),
    (GOOD[0].float(), TypeError, ("torch.int64", "{layout}", "got torch.float32")),
    (GOOD[0].int(), TypeError, ("torch.int64", "{layout}", "got torch.int32", ".long()")),
    ([[1, 2, 3, 4], [5, 6, 1, 0]], TypeError, ("torch.int64 tensor", "{layout}", "got list")),
    (GOOD[0][0], ValueError, ("2-D", "{layout}", "(4,)", "ids[None]")),
])
def test_every_model_refuses_bad_ids_with_one_error_each(raises_naming, name, bad, error, parts):
    model, call = _models()[name]
    layout = "(B, S)" if name.endswith("Seq2Seq") else "(B, T)"  # a source, else a sequence to model
    with raises_naming(error, *(part.format(layout=layout) for part in parts)):
        call(model, bad, GOOD[1])


@pytest.mark.parametrize("name", sorted(TAKES_LENGTHS))
@pytest.mark.parametrize("lengths,error,parts", [
    (torch.tensor([4, 3, 2]), LengthError, ("lengths", "(2,)", "got (3,)")),
    (torch.tensor([5, 3]), LengthError, ("lengths", "1..4", "[3, 5]")),
    (torch.tensor([4, 0]), LengthError, ("lengths", "1..4", "[0, 4]")),
    (torch.tensor([4.0, 3.0]), TypeError, ("lengths", "integer", "(2,)", "torch.float32")),
    ([4, 3], TypeError, ("lengths", "tensor", "(2,)", "got list")),
])
def test_models_with_lengths_refuse_lengths_that_do_not_fit(raises_naming, name, lengths, error, parts):
    model, call = _models()[name]
    with raises_naming(error, *parts):
        call(model, GOOD[0], lengths)


def test_the_errors_are_the_builtin_kinds_a_caller_already_catches(raises_naming):
    assert issubclass(TokenIdError, ValueError) and issubclass(LengthError, ValueError)
    check_ids("x", torch.tensor([3]), 4, "(B,)")                       # rank from the layout: (B,) is 1-D
    with pytest.raises(ValueError, match=r"at most max_len = 3 positions, got 4"):
        check_ids("x", torch.zeros(1, 4, dtype=torch.int64), 5, max_len=3)
    with raises_naming(TokenIdError, "x_t", "id 9", "position 1", "vocabulary of 5", "2 id(s)"):
        check_ids("x_t", torch.tensor([0, 9, 12]), 5, "(B,)")
    check_lengths("lengths", torch.tensor([1, 3], dtype=torch.int32), 2, 3)   # any integer dtype
