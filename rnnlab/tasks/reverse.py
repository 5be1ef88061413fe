"""Sequence reversal: a seq2seq task whose information grows with the input (notebook 09).

A source is a random string of ``n_symbols`` letters, its length drawn uniformly from
``min_len .. max_len``; the target is the same string reversed::

    "dkbqjfa"  ->  "afjqbkd"

A date (notebook 08) carries about 15 bits (log2 of 36,525 days) whatever its length, so a fixed-size context
vector never runs out of room. A reversed string of length L carries L log2(n_symbols)
bits, all of which must pass through the context vector of a decoder without attention:
its accuracy falls as L grows, while an attention decoder reads each symbol where it is
(Bahdanau et al. 2014's Figure 2, in miniature).

Ids as in :mod:`rnnlab.tasks.dates` (a :class:`rnnlab.data.vocab.Vocab` with ``<pad> <bos> <eos>``):
0 = PAD, 1 = BOS, 2 = EOS, letters from 3. Batches are ``(src (B, S), lengths (B,),
tgt (B, L_max + 2) = BOS y_1 .. y_L EOS PAD ..)``, the form ``rnnlab.models.seq2seq`` trains on.
"""
from __future__ import annotations

import string

import torch

from rnnlab.checks import check_int
from rnnlab.data.vocab import Vocab


def reversal_vocabulary(n_symbols: int = 20) -> Vocab:
    """The first ``n_symbols`` lower-case letters (ids 3 ..), plus PAD/BOS/EOS; 2 <= n_symbols <= 26."""
    n_symbols = check_int("reversal_vocabulary", n_symbols, 2, 26, expected="n_symbols an int in 2..26")
    letters = string.ascii_lowercase[:n_symbols]
    return Vocab(letters, pad=True, bos=True, eos=True, advice=f"The reversal task uses the letters {letters!r} only.")


def make_strings(n: int, min_len: int, max_len: int, n_symbols: int = 20, seed: int = 0) -> list[str]:
    """``n`` random strings, lengths uniform in ``min_len .. max_len``, seeded."""
    n = check_int("n", n, 1, fn="make_strings", expected="the number of strings, an int n >= 1")
    min_len, max_len = check_int("min_len", min_len, None, fn="make_strings"), check_int("max_len", max_len, None,
                                                                                         fn="make_strings")
    if not 1 <= min_len <= max_len:
        raise ValueError(f"make_strings: expected 1 <= min_len <= max_len, got min_len={min_len!r}, "
                         f"max_len={max_len!r}")
    letters = reversal_vocabulary(n_symbols).tokens
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.randint(min_len, max_len + 1, (n,), generator=gen).tolist()
    return ["".join(letters[i] for i in torch.randint(n_symbols, (L,), generator=gen).tolist()) for L in lengths]


def reversal_batch(strings, vocab: Vocab):
    """Strings -> (src (B, S), lengths (B,), tgt (B, L_max + 2) = BOS reversed EOS, PAD after).

    One str is one string (as in :meth:`rnnlab.data.vocab.Vocab.encode_batch`), not a list of letters.
    """
    strings = [strings] if isinstance(strings, str) else list(strings)
    bad = [k for k, s in enumerate(strings) if not isinstance(s, str)]
    if bad:
        raise TypeError(f"reversal_batch: expected strings, a list of str, got {strings[bad[0]]!r} at index {bad[0]}")
    src, lengths = vocab.encode_batch(strings, what="reversal_batch:")
    tgt, _ = vocab.encode_batch([s[::-1] for s in strings], bos=True, eos=True, what="reversal_batch:")
    return src, lengths, tgt


def reversal_batches(min_len: int, max_len: int, vocab: Vocab, batch_size: int = 64, seed: int = 0):
    """``batches(step) -> reversal_batch(...)`` of fresh random strings at every step, seeded."""
    n_symbols = len(vocab.tokens)

    def batches(step):
        return reversal_batch(make_strings(batch_size, min_len, max_len, n_symbols, seed=seed * 1_000_003 + step),
                              vocab)

    return batches
