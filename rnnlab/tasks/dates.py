"""Date normalisation: human-readable dates in many formats and languages -> ISO 8601.

The source side is rendered offline by Babel's CLDR data (``babel.dates.format_date``),
the target is always ``YYYY-MM-DD``::

    "martes, 7 de marzo de 2023"  ->  "2023-03-07"
    "7. März 2023"                ->  "2023-03-07"
    "Mar 7, 2023"                 ->  "2023-03-07"

Dates are drawn uniformly from 1950-01-01 .. 2049-12-31, so a two-digit year ``yy`` is
never ambiguous. Every format puts the day before the month except English's
``MMM d, y`` and ``MMMM d, y`` (month by name), so no input could mean two dates.

Character ids (:class:`CharVocabulary`): 0 = PAD, 1 = BOS, 2 = EOS, characters from 3.
Encoded sources are ``(B, T)`` int64 padded with PAD plus lengths ``(B,)``; targets are
``BOS y_1 .. y_10 EOS`` (12 ids), the decoder reads ``[:, :-1]`` and predicts ``[:, 1:]``.
"""
from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass

import torch
from babel.dates import format_date

from rnnlab.data.corpus import CharVocab

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ("<pad>", "<bos>", "<eos>")
LOCALES = ("en", "de", "fr", "es", "it", "nl")
# CLDR names ("medium", "long", "full") or explicit patterns; see babel.dates.format_date.
FORMATS = ("medium", "long", "full", "d MMM y", "d MMMM y", "EEEE d MMMM y", "dd.MM.y", "dd/MM/y", "d/M/yy")
FIRST, LAST = _dt.date(1950, 1, 1), _dt.date(2049, 12, 31)
TARGET_CHARS = "0123456789-"


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
    """``n`` random date pairs, reproducible under ``seed`` (each draws date, locale, format)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"make_dates: expected n to be an int >= 1, got {n!r}")
    unknown = sorted(set(locales) - set(LOCALES))
    if unknown or not locales:
        raise ValueError(f"make_dates: expected locales from {LOCALES}, got {list(locales)!r}")
    if not formats:
        raise ValueError(f"make_dates: expected at least one format, e.g. {FORMATS[:3]}")
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    pairs = []
    for _ in range(n):
        date = FIRST + _dt.timedelta(days=rng.randint(0, span))
        locale, fmt = rng.choice(tuple(locales)), rng.choice(tuple(formats))
        pairs.append(DatePair(render(date, fmt, locale), date.isoformat(), locale, fmt))
    return pairs


class CharVocabulary:
    """Characters <-> ids with PAD = 0, BOS = 1, EOS = 2; characters from id 3 in the given order."""

    def __init__(self, chars, advice: str = f"The model knows lower-case dates in {', '.join(LOCALES)}; "
                                            f"remove or replace these."):
        chars = list(chars)
        if len(set(chars)) != len(chars) or any(len(c) != 1 for c in chars):
            raise ValueError("CharVocabulary: expected distinct single characters")
        self.itos = list(SPECIALS) + chars
        self.stoi = {c: i for i, c in enumerate(self.itos) if i >= len(SPECIALS)}
        self.chars = CharVocab(chars)  # checks for characters outside the vocabulary
        self.advice = advice  # said when a text has characters outside the vocabulary

    def __len__(self) -> int:
        return len(self.itos)

    def ids(self, text: str) -> list[int]:
        """The ids of ``text``'s characters (no BOS/EOS); ValueError for empty or unknown input."""
        if not isinstance(text, str) or not text:
            raise ValueError(f"expected a non-empty string, got {text!r}")
        self.chars.check_known(text, what=repr(text), advice=self.advice)
        return [self.stoi[c] for c in text]

    def encode(self, texts, bos: bool = False, eos: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Strings -> ids (B, T_max) int64 padded with PAD, lengths (B,) (counting BOS/EOS if added)."""
        if isinstance(texts, str):
            texts = [texts]
        if len(texts) == 0:
            raise ValueError("encode: expected at least one string, got none")
        rows = [([BOS] if bos else []) + self.ids(t) + ([EOS] if eos else []) for t in texts]
        lengths = torch.tensor([len(r) for r in rows], dtype=torch.int64)
        out = torch.full((len(rows), int(lengths.max())), PAD, dtype=torch.int64)
        for b, r in enumerate(rows):
            out[b, :len(r)] = torch.tensor(r)
        return out, lengths

    def decode(self, ids) -> str:
        """Ids -> string, stopping at the first EOS and skipping PAD and BOS."""
        out = []
        for i in (ids.tolist() if hasattr(ids, "tolist") else ids):
            if i == EOS:
                break
            if i >= len(SPECIALS):
                out.append(self.itos[i])
        return "".join(out)


def source_vocabulary(locales=LOCALES, formats=FORMATS) -> CharVocabulary:
    """Every character any (locale, format) can write: each month and weekday rendered once."""
    days = [_dt.date(2023, m, d) for m in range(1, 13) for d in (1, 2, 3, 4, 5, 6, 7)]
    chars = set("0123456789")
    for locale in locales:
        for fmt in formats:
            for day in days:
                chars |= set(render(day, fmt, locale))
    return CharVocabulary(sorted(chars))


def target_vocabulary() -> CharVocabulary:
    """Digits and '-' (ids 3..13), plus PAD/BOS/EOS."""
    return CharVocabulary(TARGET_CHARS)


def date_batch(pairs, src_vocab: CharVocabulary, tgt_vocab: CharVocabulary):
    """Pairs -> (src (B, S), src_lengths (B,), tgt (B, 12) = BOS y_1..y_10 EOS)."""
    src, lengths = src_vocab.encode([p.source for p in pairs])
    tgt, _ = tgt_vocab.encode([p.target for p in pairs], bos=True, eos=True)
    return src, lengths, tgt


def date_batches(pairs, src_vocab, tgt_vocab, batch_size: int = 64, seed: int = 0):
    """``batches(step) -> date_batch(...)`` of random examples, from a seeded generator."""
    pairs = list(pairs)
    gen = torch.Generator().manual_seed(seed)

    def batches(step):
        idx = torch.randint(len(pairs), (batch_size,), generator=gen).tolist()
        return date_batch([pairs[i] for i in idx], src_vocab, tgt_vocab)

    return batches
