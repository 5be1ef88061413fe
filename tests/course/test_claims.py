"""The claims ledger: claim() prints a record that parse() reads back, and fails when the claim does not hold."""
import numpy as np
import pytest
import torch

from rnnlab.course.claims import Claim, ClaimFailed, claim, parse


def test_a_claim_that_holds_prints_its_record_and_parses_back(capsys, monkeypatch):
    monkeypatch.setenv("RNNLAB_MODE", "quick")
    assert claim("bpc_lstm", np.float32(2.4612), holds=2.4612 < 3.44, says="below the bigram's 3.44 bpc",
                 paper="a paper: 1.5 bpc on another text") is None     # a cell ending in a claim shows just its line
    line = capsys.readouterr().out.strip()
    assert line == "claim bpc_lstm = 2.4612 | quick | holds | below the bigram's 3.44 bpc | paper: a paper: 1.5 bpc on another text"
    assert parse(line) == Claim("bpc_lstm", 2.4612, True, "below the bigram's 3.44 bpc", "quick",
                                "a paper: 1.5 bpc on another text")


def test_a_claim_that_fails_raises_with_its_record(capsys, monkeypatch):
    monkeypatch.setenv("RNNLAB_MODE", "full")
    with pytest.raises(ClaimFailed, match=r"claim gap = 0\.02 \| full \| FAILS \| the gap is above 0\.15"):
        claim("gap", torch.tensor(0.02), holds=bool(torch.tensor(0.02) > 0.15), says="the gap is above 0.15")
    assert parse(capsys.readouterr().out.strip()).holds is False
    assert issubclass(ClaimFailed, AssertionError)   # nbval and plain asserts treat it as a failed check


def test_other_lines_are_not_claims():
    for line in ["checked: bi macro-F1 1.00", "claim Bad-Name = 1 | quick | holds | x", "claim x = 1 | slow | holds | y",
                 "claimx = 1 | quick | holds | y", ""]:
        assert parse(line) is None


@pytest.mark.parametrize("kwargs, error, parts", [
    (dict(name="Has Space", value=1.0), ValueError, ["name", "'Has Space'"]),
    (dict(name="x", value="high"), TypeError, ["number", "str"]),
    (dict(name="x", value=float("nan")), ValueError, ["finite", "nan"]),
    (dict(name="x", value=1.0, holds=1), TypeError, ["bool", "int"]),
    (dict(name="x", value=1.0, says="a | b"), ValueError, ["says", "'a | b'"]),
    (dict(name="x", value=1.0, says=""), ValueError, ["says", "''"]),
])
def test_bad_claims_get_clear_errors(kwargs, error, parts, raises_naming):
    args = dict(holds=True, says="something measured") | kwargs
    with raises_naming(error, *parts):
        claim(args.pop("name"), args.pop("value"), **args)
