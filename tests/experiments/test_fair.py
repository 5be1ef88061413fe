"""rnnlab.experiments.fair: the grid picks each contender's best rate, the seeds repeat it, the spread decides."""
import pytest

from rnnlab.experiments import fair

# a made-up score table: contender -> lr -> base score; the seed adds a small offset
BASE = {"A": {0.1: 0.5, 0.01: 0.2}, "B": {0.1: 0.3, 0.01: 0.9}}


def run(name, lr, seed):
    return BASE[name][lr] + 0.01 * seed, {"A": 100, "B": 120}[name]


def test_each_contender_gets_its_own_best_rate_and_every_seed():
    calls = []
    results = fair.compare(["A", "B"], lambda n, lr, s: calls.append((n, lr, s)) or run(n, lr, s),
                           lrs=[0.1, 0.01], seeds=[0, 1, 2])
    assert results["A"].lr == 0.01 and results["B"].lr == 0.1          # each its own rate
    assert results["A"].scores == pytest.approx([0.2, 0.21, 0.22])     # the grid's seed-0 run is reused
    assert results["A"].grid == {0.1: 0.5, 0.01: 0.2} and results["B"].params == 120
    assert len(calls) == 2 * (2 + 2)                                    # 2 grid runs + 2 more seeds each
    assert (results["A"].best, results["A"].median, results["A"].worst) == pytest.approx((0.2, 0.21, 0.22))


def test_the_grid_chooses_by_the_validation_score_and_reports_the_test_score():
    # validation prefers lr 0.1 for A, although the test score would prefer 0.01: the test data chooses nothing
    valid = {0.1: 0.1, 0.01: 0.9}
    results = fair.compare(["A"], lambda n, lr, s: (BASE[n][lr] + 0.01 * s, 100, valid[lr]),
                           lrs=[0.1, 0.01], seeds=[0, 1])
    assert results["A"].lr == 0.1 and results["A"].grid == {0.1: 0.1, 0.01: 0.9}
    assert results["A"].scores == pytest.approx([0.5, 0.51])
    with pytest.raises(ValueError, match="validation score"):
        fair.compare(["A"], lambda n, lr, s: (0.5, 1, float("inf")), lrs=[0.1], seeds=[0])


def test_what_a_run_hands_back_is_kept_for_the_seeds_at_the_chosen_rate():
    results = fair.compare(["A"], lambda n, lr, s: (BASE[n][lr] + 0.01 * s, 100, BASE[n][lr], f"model {lr} {s}"),
                           lrs=[0.1, 0.01], seeds=[0, 1, 2])
    assert results["A"].kept == {0: "model 0.01 0", 1: "model 0.01 1", 2: "model 0.01 2"}
    tuned = fair.compare(["A"], lambda n, lr, s: (0.5, 1, 0.5, s * 10), seeds=[3, 4], tuned={"A": 0.1})
    assert tuned["A"].kept == {3: 30, 4: 40}
    assert fair.compare(["A"], run, lrs=[0.1], seeds=[0])["A"].kept == {0: None}


def test_higher_is_better_picks_the_largest():
    results = fair.compare(["A"], run, lrs=[0.1, 0.01], seeds=[0], lower_is_better=False)
    assert results["A"].lr == 0.1 and results["A"].best == 0.5


def test_tuned_rates_skip_the_grid():
    calls = []
    results = fair.compare(["A", "B"], lambda n, lr, s: calls.append(lr) or run(n, lr, s),
                           seeds=[0], tuned={"A": 0.01, "B": 0.1})
    assert calls == [0.01, 0.1] and results["A"].grid == {} and results["A"].scores == [0.2]


def test_clearly_better_needs_the_spreads_apart():
    a = fair.Contender("A", 0.01, [0, 1], [0.10, 0.30], 1)
    b = fair.Contender("B", 0.01, [0, 1], [0.25, 0.40], 1)
    c = fair.Contender("C", 0.01, [0, 1], [0.35, 0.50], 1)
    assert not fair.clearly_better(a, b)        # A's worst 0.30 is behind B's best 0.25
    assert fair.clearly_better(a, c) and not fair.clearly_better(c, a)
    hi = fair.Contender("H", 0.01, [0], [0.9], 1, lower_is_better=False)
    lo = fair.Contender("L", 0.01, [0], [0.8], 1, lower_is_better=False)
    assert fair.clearly_better(hi, lo) and not fair.clearly_better(lo, hi)


def test_the_table_shows_rate_parameters_and_spread():
    text = fair.table(fair.compare(["A", "B"], run, lrs=[0.1, 0.01], seeds=[0, 1, 2]), "MSE")
    assert "over 3 seeds" in text
    assert "A          100   1e-02   0.2000 / 0.2100 / 0.2200" in text


def test_bad_input_is_named(raises_naming):
    with raises_naming(ValueError, "at least one seed"):
        fair.compare(["A"], run, lrs=[0.1], seeds=[])
    with raises_naming(ValueError, "lrs", "tuned"):
        fair.compare(["A"], run, seeds=[0])
    with raises_naming(ValueError, "['B']"):
        fair.compare(["A", "B"], run, seeds=[0], tuned={"A": 0.1})
    with raises_naming(ValueError, "nan", "finite"):
        fair.compare(["A"], lambda n, lr, s: (float("nan"), 1), lrs=[0.1], seeds=[0])
    with raises_naming(TypeError, "(test score, parameter count)", "0.5"):
        fair.compare(["A"], lambda n, lr, s: 0.5, lrs=[0.1], seeds=[0])
    with raises_naming(ValueError, "disagree"):
        fair.clearly_better(fair.Contender("A", 1, [0], [1.0], 1),
                            fair.Contender("B", 1, [0], [1.0], 1, lower_is_better=False))
