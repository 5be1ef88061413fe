"""rnnlab.models.music_rnn and music_baselines: shapes, parity with torch (layers and BCE), the masked NLL
per frame, equal parameter sizing, sampling, convergence on a tiny tune, baselines by hand, clear errors."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnnlab.data.chorales import piano_roll
from rnnlab.models import music_baselines as mb
from rnnlab.models import music_rnn as mr
from rnnlab.models.sizes import count_parameters
from rnnlab.training.loop import train


def _rolls(lengths=(5, 3, 7), seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.random((n, 88)) < 0.05).astype(np.float32) for n in lengths]


@pytest.mark.parametrize("cell", ["tanh", "GRU", "LSTM"])
def test_shapes_and_parity_with_torch_layers(cell):
    torch.manual_seed(0)
    model = mr.PianoRollRNN(cell, hidden_size=7)
    x = (torch.rand(2, 5, 88) < 0.1).float()
    y, state = model(x)
    assert y.shape == (2, 5, 88)
    ref_layer = getattr(torch.nn, {"tanh": "RNN"}.get(cell, cell))(88, 7, batch_first=True)
    ref_layer.load_state_dict(model.rnn.state_dict())
    h, _ = ref_layer(x)
    torch.testing.assert_close(y, model.head(h))
    # one frame at a time with the state carried = the whole sequence at once
    y1, s = model(x[:, :3])
    y2, _ = model(x[:, 3:], s)
    torch.testing.assert_close(torch.cat([y1, y2], 1), y)


@pytest.mark.parametrize("cell", ["tanh", "GRU", "LSTM"])
def test_parameter_count_formula_and_matching(cell):
    assert count_parameters(mr.PianoRollRNN(cell, 11)) == mr.piano_roll_parameters(cell, 11)
    target = mr.piano_roll_parameters("LSTM", 36)
    h = mr.matched_hidden_size(cell, target)
    assert abs(mr.piano_roll_parameters(cell, h) - target) <= min(
        abs(mr.piano_roll_parameters(cell, h + d) - target) for d in (-1, 1))
    assert abs(mr.piano_roll_parameters(cell, h) - target) / target < 0.02
    assert mr.matched_hidden_size("LSTM", target) == 36


def test_frame_nll_is_the_sum_over_keys_of_bce_averaged_over_real_frames():
    torch.manual_seed(0)
    logits, targets = torch.randn(2, 4, 88, dtype=torch.float64), (torch.rand(2, 4, 88) < 0.1).double()
    lengths = torch.tensor([4, 2])
    p = torch.sigmoid(logits)
    by_hand = -(targets * p.log() + (1 - targets) * (1 - p).log()).sum(-1)         # (B, T)
    expected = (by_hand[0].sum() + by_hand[1, :2].sum()) / 6
    torch.testing.assert_close(mr.frame_nll(logits, targets, lengths), expected)
    torch.testing.assert_close(mr.frame_nll(logits, targets, lengths, "sum"), expected * 6)
    none = mr.frame_nll(logits, targets, lengths, "none")
    assert none.shape == (2, 4) and float(none[1, 2:].abs().sum()) == 0.0
    # torch's own BCE, summed over keys, on the real frames
    ref = F.binary_cross_entropy_with_logits(logits[0], targets[0], reduction="sum") / 4
    torch.testing.assert_close(mr.frame_nll(logits[:1], targets[:1]), ref)


def test_coin_flips_cost_88_ln_2_per_frame():
    targets = (torch.rand(3, 5, 88) < 0.2).float()
    assert float(mr.frame_nll(torch.zeros(3, 5, 88), targets)) == pytest.approx(88 * math.log(2), rel=1e-6)
    assert mb.coin_flip_nll() == pytest.approx(61.0, abs=0.01)


def test_padding_does_not_change_the_loss_or_the_evaluation():
    torch.manual_seed(0)
    model = mr.PianoRollRNN("GRU", 8)
    rolls = _rolls()
    x, lengths = mr.pad_rolls(rolls)
    assert x.shape == (3, 7, 88) and lengths.tolist() == [5, 3, 7]
    alone = [mr.music_loss(model, mr.pad_rolls([r])) * (len(r) - 1) for r in rolls]
    torch.testing.assert_close(mr.music_loss(model, (x, lengths)), sum(alone) / (4 + 2 + 6))
    assert mr.evaluate_nll(model, rolls, batch_size=2) == pytest.approx(float(sum(alone).detach() / 12), rel=1e-5)


def test_learns_a_repeating_cadence_well_below_the_baselines():
    # four chords over and over: after training, each next chord is nearly certain
    chords = [[60, 64, 67, 48], [62, 65, 69, 50], [59, 62, 67, 43], [60, 64, 67, 48]]
    rolls = [piano_roll(chords * 6)] * 4
    torch.manual_seed(0)
    model = mr.PianoRollRNN("LSTM", 16)
    train(model, mr.chorale_batches(rolls, 2, torch.Generator().manual_seed(0)), mr.music_loss,
          optimizer=torch.optim.Adam(model.parameters(), 3e-2), steps=150, clip=1.0, seed=0, progress=False)
    nll = mr.evaluate_nll(model, rolls)
    assert nll < 1.0 < mb.key_markov_nll(rolls, rolls) < mb.key_frequency_nll(rolls, rolls)


def test_gradients_reach_every_parameter():
    model = mr.PianoRollRNN("LSTM", 5)
    mr.music_loss(model, mr.pad_rolls(_rolls())).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_sampling_is_seeded_binary_and_temperature_sharpens():
    torch.manual_seed(0)
    model = mr.PianoRollRNN("GRU", 8)
    opening = _rolls((4,))[0]
    a = mr.sample_continuation(model, opening, 6, 1.0, torch.Generator().manual_seed(3))
    b = mr.sample_continuation(model, opening, 6, 1.0, torch.Generator().manual_seed(3))
    assert a.shape == (6, 88) and set(np.unique(a)) <= {0.0, 1.0}
    np.testing.assert_array_equal(a, b)
    # an untrained model says p near 0.5: temperature 5 keeps it near 0.5, 0.05 makes it all-or-nothing by sign
    hot = mr.sample_continuation(model, opening, 20, 5.0, torch.Generator().manual_seed(0))
    cold = mr.sample_continuation(model, opening, 20, 1e-3, torch.Generator().manual_seed(0))
    assert abs(hot.mean() - 0.5) < 0.1
    with torch.no_grad():
        y, _ = model(torch.from_numpy(opening)[None])
    sure = y[0, -1].abs() > 0.02                       # |y / T| > 20: sigmoid is 0 or 1 to 1e-8
    assert sure.sum() > 40
    assert cold[0][sure.numpy()].tolist() == (y[0, -1][sure] > 0).float().tolist()


def test_baselines_by_hand():
    # key 0 (A0) on in frames 0, 1; key 1 never. Train frames: 3.
    train_roll = np.zeros((3, 88), np.float32)
    train_roll[:2, 0] = 1
    test_roll = train_roll.copy()
    # unigram: p_0 = (2 + 1) / (3 + 2) = 0.6, every other key p = 1/5; test predicts frames 1, 2
    p = np.full(88, 0.2)
    p[0] = 0.6
    frames = test_roll[1:]
    expected = -(frames * np.log(p) + (1 - frames) * np.log(1 - p)).sum() / 2
    assert mb.key_frequency_nll([train_roll], [test_roll]) == pytest.approx(expected)
    # Markov: key 0 after on: on once of 2 -> (1+1)/(2+2) = 0.5; key 0 after off: 0 of 0 -> 1/2
    # every other key after off: 0 of 2 -> 1/4
    q = np.full((2, 88), 0.25)
    q[:, 0] = 0.5
    expected_m = -(frames * np.log(q) + (1 - frames) * np.log(1 - q)).sum() / 2
    assert mb.key_markov_nll([train_roll], [test_roll]) == pytest.approx(expected_m)


@pytest.mark.parametrize("make, error, match", [
    (lambda: mr.PianoRollRNN("rnn"), ValueError, r"cell: expected one of \['GRU', 'LSTM', 'tanh'\], got 'rnn'"),
    (lambda: mr.PianoRollRNN("LSTM")(torch.zeros(2, 3, 80)), ValueError, r"expected keys per frame = 88 along dim 2, got 80"),
    (lambda: mr.PianoRollRNN("LSTM")(torch.zeros(2, 0, 88)), ValueError, r"expected at least one frame, got an empty"),
    (lambda: mr.PianoRollRNN("LSTM")(torch.zeros(3, 88)), ValueError, r"expected a 3-D input \(B, T, n_keys\)"),
    (lambda: mr.PianoRollRNN("LSTM")(torch.zeros(2, 3, 88, dtype=torch.int64)), TypeError, r"floating-point"),
    (lambda: mr.frame_nll(torch.zeros(2, 3, 88), torch.zeros(2, 4, 88)), ValueError,
     r"expected targets of the logits' shape \(2, 3, 88\).*got \(2, 4, 88\).*rolls\[:, 1:\]"),
    (lambda: mr.frame_nll(torch.zeros(2, 3, 88), torch.zeros(2, 3, 88), torch.tensor([3, 4])), ValueError,
     r"expected every length in 1..3"),
    (lambda: mr.frame_nll(torch.zeros(1, 3, 88), torch.zeros(1, 3, 88), reduction="avg"), ValueError, r"'mean', 'sum' or 'none'"),
    (lambda: mr.pad_rolls([]), ValueError, r"expected at least one piano roll, got an empty list"),
    (lambda: mr.evaluate_nll(mr.PianoRollRNN("GRU", 4), []), ValueError, r"expected rolls, a non-empty list of piano rolls"),
    (lambda: mr.pad_rolls([np.zeros((0, 88), np.float32)]), ValueError, r"rolls\[0\]: expected at least one frame, got an empty piano roll"),
    (lambda: mr.pad_rolls(np.zeros((2, 3, 88))), TypeError, r"expected a list of piano rolls"),
    (lambda: mr.music_loss(mr.PianoRollRNN("GRU", 4), (torch.zeros(1, 1, 88), torch.tensor([1]))), ValueError,
     r"T >= 2 \(one frame in, the next predicted\), got shape \(1, 1, 88\)"),
    (lambda: mr.sample_continuation(mr.PianoRollRNN("GRU", 4), np.zeros((2, 88), np.float32), 3, 0.0), ValueError,
     r"temperature: expected a finite number > 0"),
    (lambda: mr.sample_continuation(mr.PianoRollRNN("GRU", 4), np.zeros((0, 88), np.float32), 3), ValueError,
     r"opening: expected at least one frame, got an empty piano roll"),
    (lambda: mr.sample_continuation(mr.PianoRollRNN("GRU", 4), np.zeros((2, 88), np.float32), 3, 1.0, 5), TypeError,
     r"torch.Generator\(\).manual_seed\(5\)"),
    (lambda: mb.key_markov_nll([], _rolls()), ValueError, r"train_rolls: expected at least one piano roll"),
    (lambda: mb.key_frequency_nll(_rolls(), [np.zeros((1, 88), np.float32)]), ValueError,
     r"eval_rolls\[0\]: expected at least 2 frames \(one in, one predicted\), got 1"),
])
def test_bad_input_is_refused_with_a_clear_message(make, error, match):
    with pytest.raises(error, match=match):
        make()
