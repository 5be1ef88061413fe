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

from rnnlab.checks import ArgumentKindError, as_ids, check_int, check_number


def _check_nll(mean_nll) -> float:
    """A mean negative log-likelihood in nats: a number >= 0 (inf allowed: a probability was 0)."""
    return check_number("mean_nll", mean_nll, 0, what="a mean negative log-likelihood in nats",
                        hint="; a negative value is a log-likelihood: negate it (a NaN loss usually means the "
                             "model diverged)")


def perplexity(mean_nll: float) -> float:
    """exp(mean NLL in nats): a uniform model over V symbols has perplexity V (inf past float's range)."""
    nll = _check_nll(mean_nll)
    try:
        return math.exp(nll)
    except OverflowError:  # nll > 709.78: past the largest float
        return math.inf


def bits_per_char(mean_nll: float) -> float:
    """Mean NLL in nats per character -> bits per character (divide by ln 2)."""
    return _check_nll(mean_nll) / math.log(2)


def _check_vocab_size(vocab_size) -> int:
    return check_int("vocab_size", vocab_size, 1, what="the number of characters")


def _ids(name: str, ids, vocab_size: int, min_len: int) -> np.ndarray:
    vocab_size = _check_vocab_size(vocab_size)
    ids = as_ids(name, ids, check_range=False,
                 hint="; pass the text's ids, vocab.encode(text)" if isinstance(ids, str) else "")
    if ids.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of integer ids, got shape {ids.shape}, dtype {ids.dtype}")
    if len(ids) < min_len:
        raise ValueError(f"{name}: expected at least {min_len} ids, got {len(ids)}")
    return as_ids(name, ids, vocab_size)


def _check_alpha(alpha: float) -> None:
    check_number("alpha", alpha, above=0, finite=True, what="a smoothing count; 1.0 is add-one")


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


# ---- classification scores (notebook 05: tagging) -------------------------------------------------


def _labels(name: str, values) -> np.ndarray:
    if isinstance(values, (str, bytes)) or values is None:
        raise ArgumentKindError(f"{name}: expected a 1-D array of integer class ids (a list, array or tensor), got "
                                f"{type(values).__name__} {values!r:.40}")
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    values = np.asarray(values)
    if values.ndim == 1 and values.size == 0:
        return values.astype(np.int64)  # empty: the callers say so, naming both lists
    if values.ndim != 1 or not np.issubdtype(values.dtype, np.integer) or values.dtype == np.bool_:
        error = ValueError if values.ndim != 1 else ArgumentKindError
        raise error(f"{name}: expected a 1-D array of integer class ids, got shape {values.shape}, "
                    f"dtype {values.dtype}")
    return values.astype(np.int64)


def _pair(gold, pred, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    gold, pred = _labels("gold", gold), _labels("pred", pred)
    if len(gold) != len(pred):
        raise ValueError(f"gold and pred: expected the same number of labels, got {len(gold)} and {len(pred)}")
    if len(gold) == 0:
        raise ValueError("gold and pred: expected at least one label, got none")
    n_classes = check_int("n_classes", n_classes, 1)
    for name, v in (("gold", gold), ("pred", pred)):
        bad = (v < 0) | (v >= n_classes)
        if bad.any():
            k = int(np.argmax(bad))
            ignore = " (-100 marks positions without a label: leave them out first)" if v[k] == -100 else ""
            raise ValueError(f"{name}: expected class ids in [0, {n_classes - 1}] (n_classes = {n_classes}), got "
                             f"{v[k]} at position {k}{ignore}; values in [{v.min()}, {v.max()}]. "
                             f"Are the label sets of gold and pred the same, and n_classes right?")
    return gold, pred


def accuracy(gold, pred) -> float:
    """Fraction of positions where ``pred == gold`` (1-D integer arrays or tensors, same length)."""
    gold, pred = _labels("gold", gold), _labels("pred", pred)
    if len(gold) != len(pred) or len(gold) == 0:
        raise ValueError(f"accuracy: expected gold and pred of the same non-zero length, got {len(gold)} and {len(pred)}")
    return float((gold == pred).mean())


def confusion_matrix(gold, pred, n_classes: int) -> np.ndarray:
    """``(C, C)`` int counts, rows the gold class, columns the predicted class."""
    gold, pred = _pair(gold, pred, n_classes)
    return np.bincount(gold * n_classes + pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def per_class_prf(gold, pred, n_classes: int) -> dict:
    """Precision, recall and F1 of every class, each a ``(C,)`` float array, plus ``support`` (C,).

    precision_c = TP / (TP + FP),  recall_c = TP / (TP + FN),  F1_c = 2 P R / (P + R);
    a ratio whose denominator is 0 is 0 (as scikit-learn's ``zero_division=0``).
    """
    cm = confusion_matrix(gold, pred, n_classes).astype(float)
    tp = np.diag(cm)
    predicted, actual = cm.sum(0), cm.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": actual.astype(np.int64)}


def macro_f1(gold, pred, n_classes: int) -> float:
    """The unweighted mean of the per-class F1 scores (every class counts the same, rare or not)."""
    return float(per_class_prf(gold, pred, n_classes)["f1"].mean())
