"""BiLSTM + softmax vs BiLSTM + CRF (rnnlab.models.crf_tagger): one encoder, K^2 + 2K more parameters,
both learn the entity task, the constrained CRF never writes invalid BIO, bad inputs."""
import pytest
import torch

from rnnlab.checks import LengthError, TokenIdError
from rnnlab.data.vocab import IGNORE
from rnnlab.models.crf_tagger import CRFTagger, SoftmaxTagger, crf_extra_parameters, entity_loss, predict_tags
from rnnlab.tasks.entities import TAGS, entity_splits, pad_sentences, sentence_batches, tag_vocabulary, word_vocabulary
from rnnlab.training.loop import train
from rnnlab.training.span_metrics import count_invalid, span_prf

TRAIN, VALID, TEST = entity_splits(400, 20, 100, seed=0)
WORDS, TAGV = word_vocabulary(TRAIN), tag_vocabulary()


def _count(model):
    return sum(p.numel() for p in model.parameters())


def test_equal_encoders_and_the_crf_adds_k_squared_plus_2k():
    soft = SoftmaxTagger(torch.nn.LSTM, len(WORDS), len(TAGS), embed_size=8, hidden_size=8)
    crf = CRFTagger(torch.nn.LSTM, len(WORDS), len(TAGS), embed_size=8, hidden_size=8)
    assert _count(crf) - _count(soft) == crf_extra_parameters(len(TAGS)) == 9 * 9 + 2 * 9


def test_decodes_ignore_padding_and_losses_are_finite():
    x, y, lengths = pad_sentences(TRAIN[:4], WORDS, TAGV)
    for model in (SoftmaxTagger(torch.nn.LSTM, len(WORDS), len(TAGS), 8, 8),
                  CRFTagger(torch.nn.LSTM, len(WORDS), len(TAGS), 8, 8, tag_names=TAGS, constrained=True)):
        assert torch.isfinite(model.loss(x, y, lengths))
        best = model.decode(x, lengths)
        assert best.shape == x.shape and ((best == IGNORE) == (y == IGNORE)).all()


@pytest.mark.parametrize("make", [
    lambda: SoftmaxTagger(torch.nn.LSTM, len(WORDS), len(TAGS), 16, 32),
    lambda: CRFTagger(torch.nn.LSTM, len(WORDS), len(TAGS), 16, 32, tag_names=TAGS, constrained=True),
], ids=["softmax", "crf"])
def test_both_learn_the_task_and_the_constrained_crf_writes_valid_bio(make):
    torch.manual_seed(0)
    model = make()
    before = span_prf(*predict_tags(model, TEST, WORDS, TAGV))["f1"]
    train(model, sentence_batches(TRAIN, WORDS, TAGV, 32, torch.Generator().manual_seed(0)), entity_loss,
          optimizer=torch.optim.Adam(model.parameters(), 1e-2), steps=60, clip=1.0, seed=0, progress=False)
    gold, pred = predict_tags(model, TEST, WORDS, TAGV)
    assert [len(g) for g in gold] == [len(p) for p in pred] == [len(s.tokens) for s in TEST]
    assert before < 0.1 and span_prf(gold, pred)["f1"] > 0.4  # measured after 60 steps: 0.50 softmax
    if isinstance(model, CRFTagger):
        assert count_invalid(pred) == 0


X, Y, L = pad_sentences(TRAIN[:2], WORDS, TAGV)


@pytest.mark.parametrize("call, error, match", [
    (lambda m: m.loss(X.float(), Y, L), TypeError, r"x: expected token ids of dtype torch.int64"),
    (lambda m: m.loss(X + 10_000, Y, L), TokenIdError, r"outside the vocabulary"),
    (lambda m: m.loss(X, Y, L + 50), LengthError, r"lengths: expected every length in"),
    (lambda m: m.loss(X, Y + 9, L), ValueError, r"y: tag \d+ at position .* outside the 9 tags"),
    (lambda m: m.loss(X, Y[:, :3], L), ValueError, r"expected y \(B, T\) of x's shape"),
    (lambda m: m.decode(X[0], L), ValueError, r"x: expected a 2-D tensor .* ids\[None\]"),
    (lambda m: entity_loss(m, (X, Y)), TypeError, r"entity_loss: expected batch = \(x, y, lengths\)"),
    (lambda m: predict_tags(m, TEST[0], WORDS, TAGV), TypeError, r"for one sentence, pass \[sentence\]"),
])
@pytest.mark.parametrize("kind", [SoftmaxTagger, CRFTagger])
def test_bad_inputs(kind, call, error, match):
    with pytest.raises(error, match=match):
        call(kind(torch.nn.LSTM, len(WORDS), len(TAGS), 4, 4))


@pytest.mark.parametrize("make, error, match", [
    (lambda: CRFTagger(torch.nn.LSTM, 50, 9, constrained=True), ValueError, r"constrained=True needs tag_names"),
    (lambda: SoftmaxTagger("lstm", 50, 9), TypeError, r"rnn_class: expected a recurrent layer class"),
    (lambda: SoftmaxTagger(torch.nn.LSTM, 50, 0), ValueError, r"num_tags: expected an int >= 1"),
    (lambda: entity_loss(torch.nn.Linear(2, 2), (X, Y, L)), TypeError, r"expected a SoftmaxTagger or CRFTagger"),
    (lambda: crf_extra_parameters(0), ValueError, r"num_tags to be an int >= 1"),
])
def test_bad_construction(make, error, match):
    with pytest.raises(error, match=match):
        make()
