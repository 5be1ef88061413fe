import datetime as dt

import pytest
import torch

from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.tasks.dates import FORMATS, LOCALES, date_batch, make_dates, source_vocabulary, target_vocabulary


@pytest.fixture(scope="module")
def pairs():
    return make_dates(600, seed=3)


def test_locales_and_formats_all_present(pairs):
    assert {p.locale for p in pairs} == set(LOCALES)
    assert {p.format for p in pairs} == set(FORMATS)
    assert any("märz" in p.source or "mars" in p.source or "marzo" in p.source for p in make_dates(2000, seed=0))


def test_targets_are_valid_iso_dates_of_the_source(pairs):
    for p in pairs:
        day = dt.date.fromisoformat(p.target)
        assert p.target == day.isoformat() and len(p.target) == 10
        assert dt.date(1950, 1, 1) <= day <= dt.date(2049, 12, 31)
        assert str(day.day) in p.source


def test_deterministic_under_seed():
    assert make_dates(50, seed=7) == make_dates(50, seed=7)
    assert make_dates(50, seed=7) != make_dates(50, seed=8)


def test_vocabularies_and_batch(pairs):
    sv, tv = source_vocabulary(), target_vocabulary()
    src, lengths, tgt = date_batch(pairs[:5], sv, tv)
    assert (src[:, 0] != PAD).all() and lengths.tolist() == [len(p.source) for p in pairs[:5]]
    assert tgt.shape == (5, 12) and (tgt[:, 0] == BOS).all() and (tgt[:, -1] == EOS).all()
    assert [tv.decode(r) for r in tgt] == [p.target for p in pairs[:5]]
    assert [sv.decode(r) for r in src] == [p.source for p in pairs[:5]]
    assert len(tv) == 14


def test_out_of_vocabulary_and_empty_errors(raises_naming):
    sv = source_vocabulary()
    with raises_naming(ValueError, "sequence 1", "'Z#1'", "2 character(s)", f"vocabulary of {len(sv)}", "'#', 'Z'"):
        sv.encode_batch(["3 march 2020", "Z#1"])
    with pytest.raises(ValueError, match="non-empty"):
        sv.encode_batch([""])
    with pytest.raises(ValueError, match="at least one"):
        sv.encode_batch([])
    with pytest.raises(ValueError, match="n to be an int >= 1"):
        make_dates(0)
