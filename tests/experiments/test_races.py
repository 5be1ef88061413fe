"""rnnlab.experiments.races: equal parameter counts, and runs that train and score."""
import torch

from rnnlab.experiments import races


def test_equal_sizes_give_about_the_lstms_parameters():
    for hidden, D in ((32, 2), (64, 10), (7, 3)):
        sizes = races.equal_sizes(hidden, D)
        assert sizes["LSTM"] == hidden
        target = races.layer_params("LSTM", D, hidden)
        for name, H in sizes.items():
            n = sum(p.numel() for p in races.CELLS[name](D, H).parameters())
            assert n == races.layer_params(name, D, H)                       # the formula is torch's count
            one_unit = races.layer_params(name, D, H + 1) - races.layer_params(name, D, H)
            assert abs(n - target) <= one_unit / 2 + 1, (name, H, n, target)  # the closest size


def test_the_adding_run_learns_and_reports_its_parameters():
    run = races.adding_run(T=6, steps=300, batch=32, lstm_hidden=8, n_test=200)
    mse, params, valid = run("LSTM", 1e-2, 0)
    assert params == races.layer_params("LSTM", 2, 8) + 8 + 1            # layer + linear head
    assert mse < 0.03, f"an LSTM should get below the adding baseline 1/6 at T = 6 in 300 steps, got {mse:.3f}"
    assert valid < 0.03 and valid != mse                                   # another held-out draw
    assert run("LSTM", 1e-2, 0)[0] == mse                                 # deterministic under a seed


def test_the_copy_run_scores_relative_to_the_memoryless_baseline():
    run = races.copy_run(T=3, steps=20, batch=16, lstm_hidden=8, n_symbols=3, length=2, n_test=100)
    score, params, valid = run("GRU", 1e-2, 1)
    assert 0.5 < score < 3.0 and params > 0          # 1 = the memoryless baseline; 20 steps learn little
    torch.testing.assert_close(run("GRU", 1e-2, 1)[0], score)
