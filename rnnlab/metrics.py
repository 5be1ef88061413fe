"""How good is a language model? Perplexity, bits per character, and n-gram baselines.

A model that gives the held-out text a mean negative log-likelihood (cross-entropy)
of ``nll`` nats per character has

    perplexity = exp(nll)         "as unsure as a uniform choice among this many characters"
    bits per character = nll / ln 2

Baselines (counted on the training text, evaluated on the held-out text, add-alpha
smoothed so no character gets probability 0):

    unigram  p(b)     = (n(b) + alpha) / (N + alpha V)
    bigram   p(b | a) = (n(a b) + alpha) / (n(a .) + alpha V)

Every model here predicts the same targets: characters 2..N of the held-out ids.
"""
from __future__ import annotations

import math

import numpy as np


def perplexity(mean_nll: float) -> float:
    """exp(mean NLL in nats): a uniform model over V symbols has perplexity V."""
    return math.exp(mean_nll)


def bits_per_char(mean_nll: float) -> float:
    """Mean NLL in nats per character -> bits per character (divide by ln 2)."""
    return mean_nll / math.log(2)


def _ids(name: str, ids, vocab_size: int, min_len: int) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"{name}: expected a 1-D array of integer ids, got shape {ids.shape}, dtype {ids.dtype}")
    if len(ids) < min_len:
        raise ValueError(f"{name}: expected at least {min_len} ids, got {len(ids)}")
    if len(ids) and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"{name}: expected ids in [0, {vocab_size - 1}], got values in [{ids.min()}, {ids.max()}]")
    return ids.astype(np.int64)


def _check_alpha(alpha: float) -> None:
    if not alpha > 0:
        raise ValueError(f"alpha: expected a smoothing count > 0 (1.0 is add-one), got {alpha}")


def unigram_probs(train_ids, vocab_size: int, alpha: float = 1.0) -> np.ndarray:
    """p(b) of every character, shape (V,), add-alpha smoothed counts of ``train_ids``."""
    _check_alpha(alpha)
    train = _ids("train_ids", train_ids, vocab_size, 1)
    counts = np.bincount(train, minlength=vocab_size).astype(float)
    return (counts + alpha) / (counts.sum() + alpha * vocab_size)


def bigram_probs(train_ids, vocab_size: int, alpha: float = 1.0) -> np.ndarray:
    """p(b | a), shape (V, V) with rows a, from add-alpha smoothed pair counts of ``train_ids``."""
    _check_alpha(alpha)
    train = _ids("train_ids", train_ids, vocab_size, 2)
    pairs = np.bincount(train[:-1] * vocab_size + train[1:], minlength=vocab_size * vocab_size)
    counts = pairs.reshape(vocab_size, vocab_size).astype(float)  # (V, V): n(a b)
    return (counts + alpha) / (counts.sum(1, keepdims=True) + alpha * vocab_size)


def unigram_nll(train_ids, test_ids, vocab_size: int, alpha: float = 1.0) -> float:
    """Mean NLL (nats) of characters 2..N of ``test_ids`` under the unigram model of ``train_ids``."""
    test = _ids("test_ids", test_ids, vocab_size, 2)
    return float(-np.log(unigram_probs(train_ids, vocab_size, alpha)[test[1:]]).mean())


def bigram_nll(train_ids, test_ids, vocab_size: int, alpha: float = 1.0) -> float:
    """Mean NLL (nats) of characters 2..N of ``test_ids``, each given the one before, under the bigram model."""
    test = _ids("test_ids", test_ids, vocab_size, 2)
    return float(-np.log(bigram_probs(train_ids, vocab_size, alpha)[test[:-1], test[1:]]).mean())
