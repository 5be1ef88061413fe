"""rnnlab.models.ctc_recognizer: shapes, padding never read, torch's CTC loss equal to rnnlab's by hand,
equal-parameter sizing, and a short training run whose loss falls."""
import pytest
import torch

from rnnlab import nn as rnn
from rnnlab.checks import DtypeMismatchError, LengthError
from rnnlab.models.ctc_recognizer import (CTCRecognizer, ctc_recognizer_loss, error_rates, matched_hidden_size,
                                          transcribe)
from rnnlab.models.sizes import count_parameters
from rnnlab.nn.ctc_loss import ctc_loss
from rnnlab.tasks import speech
from rnnlab.training.loop import train

UTTS = speech.make_utterances(6, speech.random_speakers(2, seed=3), seed=1, words=(1, 2))
BATCH = speech.speech_batch(UTTS, n_mels=16)


@pytest.mark.parametrize("bidirectional, stack", [(True, 2), (False, 1), (False, 3)])
def test_shapes_and_padding_is_never_read(bidirectional, stack):
    torch.manual_seed(0)
    model = CTCRecognizer(16, hidden_size=8, bidirectional=bidirectional, stack=stack).eval()
    feats, lengths, _, _ = BATCH
    log_probs, steps = model(feats, lengths)
    T2 = -(-feats.shape[1] // stack)
    assert log_probs.shape == (6, T2, len(speech.SYMBOLS))
    assert steps.tolist() == [-(-int(n) // stack) for n in lengths]
    torch.testing.assert_close(log_probs.exp().sum(-1), torch.ones(6, T2))
    b = int(lengths.argmin())                                       # the shortest, alone: the same numbers
    alone, _ = model(feats[b:b + 1, :lengths[b]], lengths[b:b + 1])
    torch.testing.assert_close(alone[0], log_probs[b, :steps[b]], atol=1e-5, rtol=1e-5)


def test_torchs_ctc_loss_equals_the_one_by_hand_in_float64():
    torch.manual_seed(0)
    model = CTCRecognizer(16, hidden_size=8).double()
    feats, lengths, targets, target_lengths = BATCH
    loss = ctc_recognizer_loss(model, (feats.double(), lengths, targets, target_lengths))
    log_probs, steps = model(feats.double(), lengths)
    by_hand = ctc_loss(log_probs.transpose(0, 1), targets, steps, target_lengths)
    torch.testing.assert_close(loss, by_hand, rtol=1e-10, atol=1e-10)
    g1 = torch.autograd.grad(loss, model.head.weight)[0]
    log_probs, steps = model(feats.double(), lengths)
    g2 = torch.autograd.grad(ctc_loss(log_probs.transpose(0, 1), targets, steps, target_lengths), model.head.weight)[0]
    torch.testing.assert_close(g1, g2, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("hidden", [16, 64])
def test_matched_hidden_size_gives_the_unidirectional_model_equal_parameters(hidden):
    bi = CTCRecognizer(hidden_size=hidden, bidirectional=True)
    h = matched_hidden_size(count_parameters(bi), bidirectional=False)
    uni = CTCRecognizer(hidden_size=h, bidirectional=False)
    assert h > hidden and abs(count_parameters(uni) - count_parameters(bi)) / count_parameters(bi) < 0.02
    for other in (h - 1, h + 1):
        assert abs(count_parameters(uni) - count_parameters(bi)) <= \
            abs(count_parameters(CTCRecognizer(hidden_size=other, bidirectional=False)) - count_parameters(bi))


def test_a_short_training_run_lowers_the_loss_and_decodes():
    torch.manual_seed(0)
    model = CTCRecognizer(16, hidden_size=24)
    log = train(model, [BATCH], ctc_recognizer_loss, optimizer=torch.optim.Adam(model.parameters(), 1e-2),
                steps=40, seed=0, progress=False, clip=1.0)
    assert log.losses[-1] < 0.5 * log.losses[0]
    hyps = transcribe(model, UTTS)
    assert len(hyps) == 6 and all(isinstance(h, list) for h in hyps)
    assert transcribe(model, UTTS, beam_width=1) == hyps
    rates = error_rates(model, UTTS, beam_width=4)
    assert set(rates) == {"uer", "wer"} and 0 <= rates["uer"]


def test_the_course_lstm_plugs_in():
    model = CTCRecognizer(16, hidden_size=4, rnn_class=rnn.LSTM)
    assert model(BATCH[0], BATCH[1])[0].shape[0] == 6


@pytest.mark.parametrize("call, error, match", [
    (lambda m: m(BATCH[0][..., :8], BATCH[1]), ValueError, r"n_mels = 16.*got shape \(6, \d+, 8\)"),
    (lambda m: m(BATCH[0].double(), BATCH[1]), DtypeMismatchError, r"expected dtype torch.float32"),
    (lambda m: m(BATCH[0].numpy(), BATCH[1]), TypeError, r"features: expected a torch tensor"),
    (lambda m: m(BATCH[0], BATCH[1] + 1000), LengthError, r"every length in 1.."),
    (lambda m: ctc_recognizer_loss(m, BATCH[:3]), TypeError, r"batch = \(features, lengths, targets, target_lengths\)"),
    (lambda m: transcribe(m, UTTS[0]), TypeError, r"utterances: expected a list of Utterance"),
    (lambda m: transcribe(m, UTTS, beam_width=0), ValueError, r"beam_width: expected an int >= 1"),
    (lambda m: CTCRecognizer(16, rnn_class="lstm"), TypeError, r"rnn_class"),
    (lambda m: CTCRecognizer(16, stack=0), ValueError, r"stack: expected an int >= 1"),
    (lambda m: matched_hidden_size(0, False), ValueError, r"n_params: expected an int >= 1"),
])
def test_bad_inputs_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call(CTCRecognizer(16, hidden_size=4))
