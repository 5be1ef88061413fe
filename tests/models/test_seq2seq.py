import pytest
import torch

from rnnlab.checks import LengthError, TokenIdError

from rnnlab.data.vocab import BOS, EOS
from rnnlab.decoding.greedy import greedy_decode
from rnnlab.models.seq2seq import Seq2Seq, inverse_sigmoid, seq2seq_loss, sequence_logprob
from rnnlab.tasks.dates import date_batch, date_batches, make_dates, source_vocabulary, target_vocabulary
from rnnlab.training.loop import train


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_shapes_and_teacher_forcing_modes(cell):
    torch.manual_seed(0)
    model = Seq2Seq(10, 7, embed=8, hidden=16, cell=cell)
    src, lengths = torch.randint(3, 10, (4, 6)), torch.tensor([6, 2, 4, 1])
    tgt = torch.cat([torch.full((4, 1), BOS), torch.randint(3, 7, (4, 4)), torch.full((4, 1), EOS)], 1)
    for tf in (1.0, 0.5, 0.0):
        assert model(src, lengths, tgt[:, :-1], tf, torch.Generator().manual_seed(0)).shape == (4, 5, 7)
    ids, lp = greedy_decode(model, src, lengths, max_len=5)
    assert ids.shape[0] == 4 and lp.shape == (4,) and (lp <= 0).all()
    # padding a source does not change its encoding (packed encoder)
    padded = torch.cat([src, torch.zeros(4, 3, dtype=torch.int64)], 1)
    assert torch.allclose(sequence_logprob(model, src, lengths, tgt), sequence_logprob(model, padded, lengths, tgt),
                          atol=1e-5)
    with pytest.raises(ValueError, match="teacher_forcing"):
        model(src, lengths, tgt[:, :-1], 1.5)


def test_bad_cell():
    with pytest.raises(ValueError, match="cell: expected one of"):
        Seq2Seq(5, 5, cell="rnn")


def test_free_running_decoder_equals_greedy():
    torch.manual_seed(1)
    model = Seq2Seq(10, 7, embed=8, hidden=16).eval()
    src, lengths = torch.randint(3, 10, (3, 5)), torch.tensor([5, 3, 2])
    tgt_in = torch.full((3, 6), BOS)
    free = model(src, lengths, tgt_in, teacher_forcing=0.0).argmax(-1)
    ids, _ = greedy_decode(model, src, lengths, max_len=6)
    for b in range(3):  # identical up to and including the first EOS
        n = ids.shape[1] if not (ids[b] == EOS).any() else int((ids[b] == EOS).nonzero()[0]) + 1
        assert torch.equal(free[b, :n], ids[b, :n])


def test_inverse_sigmoid_decays_from_one():
    assert inverse_sigmoid(0, 50) == pytest.approx(50 / 51)
    assert inverse_sigmoid(1000, 50) < 1e-3 and inverse_sigmoid(10**9, 50) == pytest.approx(0.0)


def test_learns_dates_a_little():
    torch.manual_seed(0)
    sv, tv = source_vocabulary(), target_vocabulary()
    pairs = make_dates(400, seed=0)
    model = Seq2Seq(len(sv), len(tv), embed=16, hidden=32)
    log = train(model, date_batches(pairs, sv, tv, 32), seq2seq_loss,
                optimizer=torch.optim.Adam(model.parameters(), 1e-2), steps=40, progress=False)
    assert log.losses[-1] < 0.6 * log.losses[0]


def test_encoder_input_errors_say_what_came(raises_naming):
    model = Seq2Seq(6, 6, embed=4, hidden=8)
    src = torch.tensor([[3, 4, 5], [3, 4, 0]])
    with raises_naming(LengthError, "lengths", "(2,)", "got (3,)"):
        model.encoder(src, torch.tensor([3, 2, 1]))
    with raises_naming(LengthError, "lengths", "1..3", "[0, 3]"):
        model.encoder(src, torch.tensor([3, 0]))
    with raises_naming(TypeError, "src", "torch.int64", "(B, S)", "got torch.float32"):
        model.encoder(src.float(), torch.tensor([3, 2]))
    with raises_naming(ValueError, "src", "at least one", "(0, 3)"):
        model.encoder(torch.zeros(0, 3, dtype=torch.int64), torch.zeros(0, dtype=torch.int64))
    with raises_naming(TokenIdError, "src", "id 6", "(1, 2)", "vocabulary of 6"):
        model.encoder(torch.tensor([[3, 4, 5], [3, 4, 6]]), torch.tensor([3, 3]))
    with raises_naming(TokenIdError, "tgt_in", "id -1", "(0, 1)", "vocabulary of 6"):
        model(src, torch.tensor([3, 2]), torch.tensor([[1, -1], [1, 2]]))
