"""Date normalisation: human-readable dates in many formats and languages -> ISO 8601.

The source side is rendered offline by Babel's CLDR data (``babel.dates.format_date``),
the target is always ``YYYY-MM-DD``::

    "martes, 7 de marzo de 2023"  ->  "2023-03-07"
    "7. März 2023"                ->  "2023-03-07"
    "Mar 7, 2023"                 ->  "2023-03-07"

Dates are drawn uniformly from 1950-01-01 .. 2049-12-31, so a two-digit year ``yy`` is
never ambiguous. Every format puts the day before the month except English's
``MMM d, y`` and ``MMMM d, y`` (month by name), so no input could mean two dates.

Character ids (a :class:`rnnlab.data.vocab.Vocab` with ``<pad> <bos> <eos>``): 0 = PAD, 1 = BOS,
2 = EOS, characters from 3.
Encoded sources are ``(B, T)`` int64 padded with PAD plus lengths ``(B,)``; targets are
``BOS y_1 .. y_10 EOS`` (12 ids), the decoder reads ``[:, :-1]`` and predicts ``[:, 1:]``.
"""
from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass

import torch
from babel.dates import format_date

from rnnlab.checks import check_int, check_records
from rnnlab.data.vocab import Vocab

LOCALES = ("en", "de", "fr", "es", "it", "nl")
# CLDR names ("medium", "long", "full") or explicit patterns; see babel.dates.format_date.
FORMATS = ("medium", "long", "full", "d MMM y", "d MMMM y", "EEEE d MMMM y", "dd.MM.y", "dd/MM/y", "d/M/yy")
FIRST, LAST = _dt.date(1950, 1, 1), _dt.date(2049, 12, 31)
TARGET_CHARS = "0123456789-"
#: What the error for characters outside the source vocabulary advises.
ADVICE = f"The model knows lower-case dates in {', '.join(LOCALES)}; remove or replace these."


@dataclass(frozen=True)
class DatePair:
    """One example: ``source`` (human-readable), ``target`` (ISO 8601), and how it was made."""

    source: str
    target: str
    locale: str
    format: str


def render(date: _dt.date, fmt: str, locale: str) -> str:
    """``date`` written in ``locale`` with Babel format ``fmt`` (lower-cased, e.g. '7 mars 2023')."""
    return format_date(date, fmt, locale=locale).lower()


def make_dates(n: int, seed: int = 0, locales=LOCALES, formats=FORMATS) -> list[DatePair]:
    """``n`` random date pairs, reproducible under ``seed`` (each draws date, locale, format).

    ``locales`` and ``formats`` are tuples drawn from :data:`LOCALES` and :data:`FORMATS` (what
    :func:`source_vocabulary` covers); anything else is refused rather than rendered.
    """
    n = check_int("n", n, 1, fn="make_dates")
    for name, given, known in (("locales", locales, LOCALES), ("formats", formats, FORMATS)):
        if isinstance(given, str):
            raise TypeError(f"make_dates: expected {name}, a tuple of names from {known}, got the str {given!r}; "
                            f"for one, write ({given!r},)")
        unknown = [value for value in given if value not in known]
        if unknown or not given:
            raise ValueError(f"make_dates: expected {name} from {known}, got {list(given)!r}"
                             + (f"; unknown: {unknown!r}" if unknown else " (none)"))
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    pairs = []
    for _ in range(n):
        date = FIRST + _dt.timedelta(days=rng.randint(0, span))
        locale, fmt = rng.choice(tuple(locales)), rng.choice(tuple(formats))
        pairs.append(DatePair(render(date, fmt, locale), date.isoformat(), locale, fmt))
    return pairs


def source_vocabulary(locales=LOCALES, formats=FORMATS) -> Vocab:
    """Every character any (locale, format) can write: each month and weekday rendered once."""
    for name, given, known in (("locales", locales, LOCALES), ("formats", formats, FORMATS)):
        if isinstance(given, str) or not set(given) <= set(known) or not given:
            raise ValueError(f"source_vocabulary: expected {name}, a tuple from {known}, got {given!r}")
    days = [_dt.date(2023, m, d) for m in range(1, 13) for d in (1, 2, 3, 4, 5, 6, 7)]
    chars = set("0123456789")
    for locale in locales:
        for fmt in formats:
            for day in days:
                chars |= set(render(day, fmt, locale))
    return Vocab(sorted(chars), pad=True, bos=True, eos=True, advice=ADVICE)


def target_vocabulary() -> Vocab:
    """Digits and '-' (ids 3..13), plus PAD/BOS/EOS."""
    return Vocab(TARGET_CHARS, pad=True, bos=True, eos=True, advice="Targets are ISO dates: digits and '-'.")


def date_batch(pairs, src_vocab: Vocab, tgt_vocab: Vocab):
    """Pairs -> (src (B, S), src_lengths (B,), tgt (B, 12) = BOS y_1..y_10 EOS)."""
    pairs = check_records("date_batch", pairs, DatePair, "pair", "make_dates")
    src, lengths = src_vocab.encode_batch([p.source for p in pairs], what="date_batch: source")
    tgt, _ = tgt_vocab.encode_batch([p.target for p in pairs], bos=True, eos=True, what="date_batch: target")
    return src, lengths, tgt


def date_batches(pairs, src_vocab, tgt_vocab, batch_size: int = 64, seed: int = 0):
    """``batches(step) -> date_batch(...)`` of random examples, from a seeded generator."""
    pairs = check_records("date_batches", pairs, DatePair, "pair", "make_dates")
    batch_size = check_int("batch_size", batch_size, 1, fn="date_batches")
    gen = torch.Generator().manual_seed(seed)

    def batches(step):
        idx = torch.randint(len(pairs), (batch_size,), generator=gen).tolist()
        return date_batch([pairs[i] for i in idx], src_vocab, tgt_vocab)

    return batches
