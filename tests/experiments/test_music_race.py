"""rnnlab.experiments.music_race: the run function trains equal-sized contenders and scores them per frame."""
import numpy as np
import pytest

from rnnlab.experiments import fair
from rnnlab.experiments.music_race import music_run
from rnnlab.models import music_baselines as mb


def _rolls(n, seed):
    rng = np.random.default_rng(seed)
    return [(rng.random((int(rng.integers(6, 12)), 88)) < 0.05).astype(np.float32) for _ in range(n)]


def test_a_tiny_race_gives_equal_sizes_and_nll_below_coin_flips():
    run = music_run(_rolls(8, 0), _rolls(3, 1), _rolls(3, 2), steps=30, batch=4, lstm_hidden=8)
    race = fair.compare(["tanh", "GRU", "LSTM"], run, lrs=[1e-2, 3e-2], seeds=[0])
    sizes = [c.params for c in race.values()]
    assert max(sizes) - min(sizes) < 0.05 * max(sizes)      # within about one unit at this tiny size
    for c in race.values():
        assert c.scores[0] < 0.5 * mb.coin_flip_nll()
        assert set(c.grid) == {1e-2, 3e-2}
    # the same seed and rate reproduce the same score
    assert run("GRU", race["GRU"].lr, 0)[0] == pytest.approx(race["GRU"].scores[0])


def test_refuses_a_batch_larger_than_the_training_set():
    with pytest.raises(ValueError, match=r"batch: expected an int in \[1, 8\] \(chorales per batch\), got 9|batch"):
        music_run(_rolls(8, 0), _rolls(2, 1), _rolls(2, 2), steps=5, batch=9)
