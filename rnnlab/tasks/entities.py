"""Sentences with named entities tagged in BIO: the labels constrain each other (notebook 14).

Each sentence fills a template ("{PER} joined {ORG} in {DATE} .") with entities built from the
fixed lists that Faker ships (read directly, as :mod:`rnnlab.data.names` does: no download and no
Faker random state, so a seed gives the same sentences on every machine)::

    PER   a person: "Anna Smith", "Dr. Smith", "Anna Maria Smith"     (en_US first and last names)
    LOC   a town or a country: "Aachen", "Bad Homburg", "United Kingdom", and some last names
          used as town names, as Faker's fr_FR addresses do ("in Smith")
    ORG   a company, Faker's own formats: "Smith LLC", "Smith-Jones", "Smith , Jones and Brown"
    DATE  "12 March 2021", "March 2021", "2021"

Tags are BIO (IOB2): the first token of an entity is ``B-X``, the rest ``I-X``, every other token
``O``. So ``I-X`` may only follow ``B-X`` or ``I-X``: after ``O`` it is invalid. A last name is PER in
one sentence, LOC or ORG in another ("Smith said", "in Smith", "Smith LLC"): only the context tells,
and that a multi-token entity holds together is what a CRF's transition scores can learn::

    train, valid, test = entity_splits(2000, 200, 200, seed=0)    # lists of TaggedSentence
    words = word_vocabulary(train)                                 # <pad> = 0, <unk> = 1, then by count
    tags = tag_vocabulary()                                        # O = 0, B-PER = 1, I-PER = 2, ...
    x, y, lengths = pad_sentences(train[:8], words, tags)         # (B, T), (B, T), (B,)
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch

from rnnlab.checks import check_generator, check_int, check_records
from rnnlab.data.vocab import IGNORE, Vocab

#: The entity types, in the order of their tags.
ENTITY_TYPES = ("PER", "LOC", "ORG", "DATE")
#: Every tag, in the order of their ids: O, then B- and I- of each type.
TAGS = ("O",) + tuple(f"{bio}-{kind}" for kind in ENTITY_TYPES for bio in ("B", "I"))

#: Sentence templates: a slot is {PER}, {LOC}, {ORG} or {DATE}; every other token is tagged O.
TEMPLATES = (
    "{PER} visited {LOC} in {DATE} .",
    "{PER} joined {ORG} in {DATE} .",
    "{PER} works for {ORG} in {LOC} .",
    "{ORG} opened an office in {LOC} on {DATE} .",
    "{ORG} hired {PER} last year .",
    "On {DATE} , {PER} moved from {LOC} to {LOC} .",
    "{PER} met {PER} in {LOC} .",
    "{PER} said {ORG} will buy {ORG} .",
    "The mayor of {LOC} thanked {PER} .",
    "{ORG} , based in {LOC} , was founded on {DATE} .",
    "According to {PER} , {ORG} grew fast .",
    "She flew to {LOC} with {PER} .",
    "{LOC} and {LOC} signed a treaty on {DATE} .",
    "{PER} , {PER} and {PER} left {ORG} .",
    "Shares of {ORG} fell on {DATE} .",
    "He was born in {LOC} .",
)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
TITLES = ("Dr.", "Mr.", "Mrs.", "Ms.", "Prof.")


def _faker_list(module: str, attribute: str) -> list[str]:
    """A list Faker ships, as str, in its own order (no sampling through Faker)."""
    values = getattr(importlib.import_module(f"faker.providers.{module}").Provider, attribute)
    return [str(v) for v in values]


@dataclass
class TaggedSentence:
    """One sentence: ``tokens`` and one BIO tag (from :data:`TAGS`) per token."""

    tokens: list[str]
    tags: list[str]


class EntitySplits(NamedTuple):
    """Train, valid and test sentences (lists of :class:`TaggedSentence`), drawn from one seeded stream."""

    train: list
    valid: list
    test: list


class _Sources:
    """The word lists the entities are built from, read once."""

    def __init__(self):
        self.first = _faker_list("person.en_US", "first_names")
        self.last = _faker_list("person.en_US", "last_names")
        # Towns named after people (as Faker's fr_FR city formats do): the ambiguity a CRF can use.
        self.towns = _faker_list("address.de_DE", "cities") + self.last[::10]
        self.countries = _faker_list("address.en", "countries")
        self.suffixes = _faker_list("company", "company_suffixes")


_SOURCES: _Sources | None = None


def _sources() -> _Sources:
    global _SOURCES
    if _SOURCES is None:
        _SOURCES = _Sources()
    return _SOURCES


def _entity(kind: str, rng: np.random.Generator, src: _Sources) -> str:
    """One entity of ``kind`` as text (tokens separated by spaces)."""
    pick = lambda items: items[int(rng.integers(len(items)))]  # noqa: E731  (one draw from a list)
    form = int(rng.integers(3))
    if kind == "PER":
        return [f"{pick(src.first)} {pick(src.last)}", f"{pick(TITLES)} {pick(src.last)}",
                f"{pick(src.first)} {pick(src.first)} {pick(src.last)}"][form]
    if kind == "LOC":
        return pick(src.countries) if form == 0 else pick(src.towns)
    if kind == "ORG":  # Faker's company formats
        return [f"{pick(src.last)} {pick(src.suffixes)}", f"{pick(src.last)}-{pick(src.last)}",
                f"{pick(src.last)} , {pick(src.last)} and {pick(src.last)}"][form]
    year = int(rng.integers(1950, 2030))
    return [f"{int(rng.integers(1, 29))} {pick(MONTHS)} {year}", f"{pick(MONTHS)} {year}", str(year)][form]


def _sentence(template: str, rng: np.random.Generator, src: _Sources) -> TaggedSentence:
    tokens, tags = [], []
    for piece in template.split():
        if piece.startswith("{") and piece.endswith("}"):
            kind = piece[1:-1]
            words = _entity(kind, rng, src).split()
            tokens += words
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(words) - 1)
        else:
            tokens.append(piece)
            tags.append("O")
    return TaggedSentence(tokens, tags)


def make_sentences(n: int, seed: int = 0) -> list[TaggedSentence]:
    """``n`` sentences, each a random template filled with random entities; the same ``seed``, the same
    sentences (NumPy's ``default_rng(seed)``; Faker's lists are read, never sampled through Faker)."""
    n = check_int("n", n, 1, fn="make_sentences", what="how many sentences")
    seed = check_int("seed", seed, 0, fn="make_sentences")
    rng, src = np.random.default_rng(seed), _sources()
    return [_sentence(TEMPLATES[int(rng.integers(len(TEMPLATES)))], rng, src) for _ in range(n)]


def entity_splits(n_train: int, n_valid: int, n_test: int, seed: int = 0) -> EntitySplits:
    """Train, valid and test sentences: consecutive pieces of one stream of ``make_sentences``."""
    n_train = check_int("n_train", n_train, 1, fn="entity_splits")
    n_valid = check_int("n_valid", n_valid, 1, fn="entity_splits")
    n_test = check_int("n_test", n_test, 1, fn="entity_splits")
    sentences = make_sentences(n_train + n_valid + n_test, seed)
    return EntitySplits(sentences[:n_train], sentences[n_train:n_train + n_valid], sentences[n_train + n_valid:])


def _check_sentences(fn: str, sentences) -> list[TaggedSentence]:
    sentences = check_records(fn, sentences, TaggedSentence, "sentence", "make_sentences")
    for k, s in enumerate(sentences):
        if len(s.tokens) != len(s.tags) or not s.tokens:
            raise ValueError(f"{fn}: sentence {k} has {len(s.tokens)} tokens and {len(s.tags)} tags; expected "
                             f"the same number, at least one")
    return sentences


def word_vocabulary(sentences, min_count: int = 1, max_size: int | None = None) -> Vocab:
    """``<pad>`` = 0, ``<unk>`` = 1, then the words of ``sentences`` seen at least ``min_count`` times, by
    falling count (names met only in valid or test become ``<unk>``)."""
    sentences = _check_sentences("word_vocabulary", sentences)
    return Vocab.from_counts((s.tokens for s in sentences), max_size=max_size, min_count=min_count,
                             pad=True, unk=True)


def tag_vocabulary() -> Vocab:
    """The tags as a :class:`Vocab` without specials: ids 0..8 in the order of :data:`TAGS` (``O`` = 0).
    Padded tag positions are :data:`IGNORE`, not an id."""
    return Vocab(list(TAGS), advice=f"Expected BIO tags from {TAGS}.")


def pad_sentences(sentences, words: Vocab, tags: Vocab):
    """Pad sentences into tensors: ``x`` ``(B, T)`` int64 word ids (``PAD`` = 0 after each end), ``y``
    ``(B, T)`` int64 tag ids (:data:`IGNORE` at padding), ``lengths`` ``(B,)`` int64; T is the longest."""
    sentences = _check_sentences("pad_sentences", sentences)
    for name, vocab in (("words", words), ("tags", tags)):
        if not isinstance(vocab, Vocab):
            raise TypeError(f"pad_sentences: expected {name} to be a Vocab (from "
                            f"{'word_vocabulary' if name == 'words' else 'tag_vocabulary'}), got {type(vocab).__name__}")
    if "<pad>" not in words.specials or "<pad>" in tags.specials:
        raise ValueError(f"pad_sentences: expected words, a vocabulary with <pad> (word_vocabulary), and tags, one "
                         f"without specials (tag_vocabulary); got words {words!r} and tags {tags!r} (swapped?)")
    x, lengths = words.encode_batch([s.tokens for s in sentences], what="pad_sentences:")
    y = torch.full(x.shape, IGNORE, dtype=torch.int64)
    for b, s in enumerate(sentences):
        y[b, :lengths[b]] = torch.from_numpy(tags.encode(s.tags, f"pad_sentences: the tags of sentence {b}",
                                                         "the tag vocabulary"))
    return x, y, lengths


def sentence_batches(sentences, words: Vocab, tags: Vocab, batch_size: int,
                     generator: torch.Generator | None = None):
    """A callable ``step -> (x, y, lengths)``: ``batch_size`` sentences drawn at random, padded."""
    sentences = _check_sentences("sentence_batches", sentences)
    batch_size = check_int("batch_size", batch_size, 1, fn="sentence_batches")
    check_generator("sentence_batches: generator", generator)

    def batch(step):
        idx = torch.randint(0, len(sentences), (batch_size,), generator=generator)
        return pad_sentences([sentences[i] for i in idx.tolist()], words, tags)

    return batch
