import pytest

from rnnlab.data.names import LOCALES, load_names, locale_names, split_names


def test_locales_present_and_no_empty_names():
    data = load_names()
    counts = data.counts()
    assert set(counts) == set(LOCALES)
    assert all(n > 100 for n in counts.values())
    assert all(isinstance(n, str) and n and n == n.strip().lower() for n in data.names)


def test_ambiguous_names_dropped_or_kept():
    dropped = load_names(("de_DE", "en_GB"))
    kept = load_names(("de_DE", "en_GB"), ambiguous="keep")
    assert dropped.n_ambiguous > 0
    assert len(set(dropped.names)) == len(dropped.names)
    assert len(kept) == len(dropped) + 2 * dropped.n_ambiguous


def test_own_lists_only_not_inherited_defaults():
    # pl_PL defines no last names of its own; the English default 'doe' must not leak in
    assert "doe" not in locale_names("pl_PL")


def test_split_is_deterministic_stratified_and_disjoint():
    data = load_names()
    a_train, a_test = split_names(data, test=0.2, seed=0)
    b_train, b_test = split_names(data, test=0.2, seed=0)
    assert a_test.names == b_test.names and a_train.names == b_train.names
    assert not set(a_train.names) & set(a_test.names)
    assert len(a_train) + len(a_test) == len(data)
    for loc, n in data.counts().items():
        assert abs(a_test.counts()[loc] - 0.2 * n) <= 1
    assert split_names(data, seed=1)[1].names != a_test.names


@pytest.mark.parametrize("bad", ["xx_YY", "german", ""])
def test_unknown_locale(bad):
    with pytest.raises(ValueError, match="locale"):
        load_names(("de_DE", bad))


def test_bad_arguments():
    with pytest.raises(ValueError, match="at least 2"):
        load_names(("de_DE",))
    with pytest.raises(ValueError, match="ambiguous"):
        load_names(ambiguous="maybe")
    with pytest.raises(ValueError, match="test"):
        split_names(load_names(("de_DE", "fr_FR")), test=1.5)
