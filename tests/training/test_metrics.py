import math

import numpy as np
import pytest

from rnnlab.training.metrics import bigram_nll, bigram_probs, bits_per_char, perplexity, unigram_nll, unigram_probs


def test_uniform_model_perplexity_is_V():
    for V in (2, 27, 100):
        assert perplexity(math.log(V)) == pytest.approx(V)
        assert bits_per_char(math.log(V)) == pytest.approx(math.log2(V))


def test_bits_per_char():
    assert bits_per_char(math.log(2)) == pytest.approx(1.0)


def test_unigram_by_hand():
    # train "aab" over V = 3 (a=0, b=1, c=2), add-one: p = (2+1, 1+1, 0+1) / (3+3)
    p = unigram_probs([0, 0, 1], 3)
    assert np.allclose(p, [3 / 6, 2 / 6, 1 / 6])
    # test "abc": targets b, c
    assert unigram_nll([0, 0, 1], [0, 1, 2], 3) == pytest.approx(-(math.log(2 / 6) + math.log(1 / 6)) / 2)


def test_bigram_by_hand():
    # train "abab" (a=0, b=1), V = 2: pairs ab, ba, ab -> n(ab)=2, n(ba)=1, n(a.)=2, n(b.)=1
    p = bigram_probs([0, 1, 0, 1], 2)
    assert np.allclose(p, [[(0 + 1) / 4, (2 + 1) / 4], [(1 + 1) / 3, (0 + 1) / 3]])
    # test "abb": p(b|a) = 3/4, p(b|b) = 1/3
    assert bigram_nll([0, 1, 0, 1], [0, 1, 1], 2) == pytest.approx(-(math.log(3 / 4) + math.log(1 / 3)) / 2)
    assert np.allclose(bigram_probs(np.arange(5) % 3, 3, alpha=0.5).sum(1), 1)


def test_bigram_beats_unigram_on_alternation():
    train = np.array([0, 1] * 50)
    assert bigram_nll(train, train, 2) < unigram_nll(train, train, 2)


def test_errors():
    with pytest.raises(ValueError, match="alpha"):
        unigram_probs([0, 1], 2, alpha=0)
    with pytest.raises(ValueError, match=r"ids in \[0, 1\]"):
        bigram_nll([0, 1, 2], [0, 1], 2)
    with pytest.raises(ValueError, match="at least 2"):
        unigram_nll([0, 1], [1], 2)
