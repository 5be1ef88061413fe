"""Names by language of origin, read offline from the name lists that Faker ships.

Faker's person providers (``faker.providers.person.<locale>.Provider``) hold fixed
lists of first and last names per locale. We read those lists directly (no random
sampling, no download)::

    data = load_names()                      # 8 locales, lower-cased, deduplicated
    train, test = split_names(data, test=0.2, seed=0)
    train.names[0], data.locales[train.labels[0]]

**Names in several locales.** A name such as ``"adam"`` or ``"martin"`` appears in the
lists of several locales; its label is ambiguous, so by default it is *dropped*
(``data.n_ambiguous`` says how many). ``ambiguous="keep"`` keeps one copy per locale.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np

from rnnlab.checks import check_number

#: Latin-script locales whose name lists are large and distinguishable.
LOCALES = ("de_DE", "en_GB", "es_ES", "fr_FR", "it_IT", "nl_NL", "fi_FI", "cs_CZ")

#: Human-readable language names for plots and messages.
LANGUAGE = {"de_DE": "German", "en_GB": "English", "es_ES": "Spanish", "fr_FR": "French",
            "it_IT": "Italian", "nl_NL": "Dutch", "fi_FI": "Finnish", "cs_CZ": "Czech",
            "pt_PT": "Portuguese", "pl_PL": "Polish", "hu_HU": "Hungarian", "sv_SE": "Swedish",
            "da_DK": "Danish"}


def _provider(locale: str):
    if not isinstance(locale, str) or "_" not in locale:
        raise ValueError(f"locale: expected a Faker locale such as 'de_DE', got {locale!r}")
    try:
        return importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ModuleNotFoundError:
        raise ValueError(
            f"unknown locale {locale!r}: Faker has no person provider for it. "
            f"Try one of {', '.join(LOCALES)}."
        ) from None


def locale_names(locale: str) -> list[str]:
    """The distinct names (first and last, lower-cased, sorted) that Faker lists for ``locale``.

    Only lists defined on the locale's own provider class are read (``first_names*``,
    ``last_names*``), not the English defaults it would inherit.
    """
    own = vars(_provider(locale))
    names = set()
    for key, value in own.items():
        if key.startswith(("first_names", "last_names")) and isinstance(value, (tuple, list, dict)):
            names.update(str(n).strip().lower() for n in value)
    names.discard("")
    if not names:
        raise ValueError(f"locale {locale!r}: its Faker provider defines no first/last name lists of its own")
    return sorted(names)


@dataclass
class NamesDataset:
    """``names[k]`` (str) is labelled ``labels[k]``, an index into ``locales``.

    ``n_ambiguous``: names that occurred in more than one locale (dropped or kept,
    see :func:`load_names`).
    """

    names: list
    labels: np.ndarray
    locales: tuple
    n_ambiguous: int = 0

    def __len__(self) -> int:
        return len(self.names)

    def counts(self) -> dict:
        """Number of names per locale."""
        return {loc: int((self.labels == k).sum()) for k, loc in enumerate(self.locales)}


def load_names(locales=LOCALES, ambiguous: str = "drop") -> NamesDataset:
    """All names of ``locales``, deduplicated, in a fixed order (locale, then alphabetical).

    ambiguous: ``"drop"`` removes every name listed by more than one locale (its label
    would be a coin toss); ``"keep"`` keeps one copy per locale.
    """
    if isinstance(locales, str):
        raise TypeError(f"load_names: expected locales, a tuple of Faker locales such as ('de_DE', 'fr_FR'), "
                        f"got the str {locales!r}")
    locales = tuple(locales)
    if len(locales) < 2:
        raise ValueError(f"load_names: expected at least 2 locales, got {locales!r}")
    if len(set(locales)) != len(locales):
        raise ValueError(f"load_names: expected distinct locales, got {locales!r}")
    if ambiguous not in ("drop", "keep"):
        raise ValueError(f"load_names: expected ambiguous='drop' or 'keep', got {ambiguous!r}")
    per_locale = {loc: locale_names(loc) for loc in locales}
    seen: dict = {}
    for loc in locales:
        for name in per_locale[loc]:
            seen[name] = seen.get(name, 0) + 1
    shared = {n for n, c in seen.items() if c > 1}
    names, labels = [], []
    for k, loc in enumerate(locales):
        for name in per_locale[loc]:
            if ambiguous == "drop" and name in shared:
                continue
            names.append(name)
            labels.append(k)
    return NamesDataset(names, np.array(labels, dtype=np.int64), locales, len(shared))


def split_names(data: NamesDataset, test: float = 0.2, seed: int = 0) -> tuple[NamesDataset, NamesDataset]:
    """A deterministic, stratified train/test split: ``test`` of each locale's names go to test."""
    if not isinstance(data, NamesDataset):
        raise TypeError(f"split_names: expected data, the NamesDataset of load_names(), got {type(data).__name__}")
    test = check_number("test", test, above=0, below=1, fn="split_names",
                        expected="the share held out, 0 < test < 1 (e.g. 0.2)")
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for k in range(len(data.locales)):
        idx = np.flatnonzero(data.labels == k)
        idx = idx[rng.permutation(len(idx))]
        n_test = max(1, int(round(test * len(idx))))
        test_idx.extend(idx[:n_test].tolist())
        train_idx.extend(idx[n_test:].tolist())

    def subset(ids):
        ids = sorted(ids)
        return NamesDataset([data.names[i] for i in ids], data.labels[ids], data.locales, data.n_ambiguous)

    return subset(train_idx), subset(test_idx)
