"""The NumPy character model (notebook 02): training, Adagrad, clipping, sampling, baselines, errors."""
import numpy as np
import pytest

from rnnlab.byhand import elman_lm_loss
from rnnlab.byhand.charmodel import (
    Adagrad, CharTrainer, clip_gradients, evaluate_char_rnn, init_char_rnn, one_hot, sample, smooth,
    unigram_loss,
)
from rnnlab.byhand.reach import late_loss_reach, reach_problem, truncation_error
from rnnlab.data import Vocab, load_python_docs, split_text


@pytest.fixture(scope="module")
def docs_slice():
    text = load_python_docs()[:60000]
    train, valid, _ = split_text(text, valid=0.1, test=0.0)
    return Vocab.from_text(text), train, valid


def test_training_beats_the_unigram_baseline_on_held_out_text(docs_slice):
    vocab, train, valid = docs_slice
    model = init_char_rnn(vocab, hidden_size=64, seed=0)
    before = evaluate_char_rnn(model, valid, streams=20)
    trainer = CharTrainer(model, train, batch_size=8)
    losses = trainer.train(200)
    after = evaluate_char_rnn(model, valid, streams=20)
    unigram = unigram_loss(train, valid, vocab)
    assert abs(before - np.log(len(vocab))) < 0.05  # an untrained model is a uniform guess
    assert after < unigram - 0.3, (after, unigram)
    assert losses[-20:].mean() < losses[:20].mean() - 1.0
    assert trainer.updates == 200 and len(trainer.losses) == 200 and len(trainer.clipped) == 200


def test_training_is_deterministic_and_resumable(docs_slice):
    vocab, train, _ = docs_slice
    a, b = init_char_rnn(vocab, 16, seed=3), init_char_rnn(vocab, 16, seed=3)
    ta, tb = CharTrainer(a, train[:5000], batch_size=4), CharTrainer(b, train[:5000], batch_size=4)
    ta.train(30)
    tb.train(10)
    tb.train(20)  # continuing is the same as one longer call
    np.testing.assert_array_equal(ta.losses, tb.losses)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])


def test_one_update_is_min_char_rnn_adagrad_on_the_summed_clipped_gradient():
    vocab = Vocab.from_text("abcde")
    text = "abcdeabcdeabcdeabcde"
    model = init_char_rnn(vocab, 6, seed=1, scale=0.5)
    start = {k: v.copy() for k, v in model.params.items()}
    trainer = CharTrainer(model, text, seq_length=5, batch_size=1, lr=0.1, clip=0.05)
    trainer.train(1)
    ids = vocab.encode(text)
    loss, grads, _ = elman_lm_loss(one_hot(ids[None, :5], 5), ids[None, 1:6], np.zeros((1, 6)), start)
    assert trainer.losses[0] == pytest.approx(loss)
    for name, p0 in start.items():
        g = np.clip(grads[name] * 5, -0.05, 0.05)  # summed over the 5 steps, then clipped
        expected = p0 - 0.1 * g / np.sqrt(g * g + 1e-8)  # Adagrad's first step: about lr * sign(g)
        np.testing.assert_allclose(model.params[name], expected, rtol=1e-12, atol=1e-15)


def test_adagrad_step_sizes_shrink_with_accumulated_squares():
    params = {"w": np.array([1.0, 1.0])}
    opt = Adagrad(params, lr=0.1)
    opt.step(params, {"w": np.array([2.0, 0.01])})
    np.testing.assert_allclose(params["w"], [0.9, 0.9], rtol=1e-4)  # first step ~ lr, whatever the size of g
    opt.step(params, {"w": np.array([2.0, 0.01])})
    np.testing.assert_allclose(params["w"], 0.9 - 0.1 / np.sqrt(2), rtol=1e-4)  # lr / sqrt(2) on the second
    np.testing.assert_allclose(opt.memory["w"], [8.0, 2e-4])


def test_clip_gradients_clips_entries_in_place_and_counts_them(raises_naming):
    grads = {"a": np.array([-7.0, -5.0, 0.5, 6.0]), "b": np.array([[10.0]])}
    n = clip_gradients(grads, 5.0)
    assert n == 3
    np.testing.assert_array_equal(grads["a"], [-5.0, -5.0, 0.5, 5.0])
    np.testing.assert_array_equal(grads["b"], [[5.0]])
    with raises_naming(ValueError, "limit", "positive", "got 0"):
        clip_gradients(grads, 0)


def test_sampling_is_deterministic_under_a_seed_and_stays_in_the_vocabulary(docs_slice):
    vocab, *_ = docs_slice
    model = init_char_rnn(vocab, 16, seed=0, scale=0.5)
    a = sample(model, 200, prompt="The ", temperature=1.0, seed=7)
    assert a == sample(model, 200, prompt="The ", temperature=1.0, seed=7)
    assert a != sample(model, 200, prompt="The ", temperature=1.0, seed=8)
    assert len(a) == 200 and set(a) <= set(vocab.itos)
    assert sample(model, 0, prompt="T") == ""
    # tiny temperature: greedy, the same whatever the seed; no overflow
    assert sample(model, 50, "The ", temperature=1e-6, seed=1) == sample(model, 50, "The ", temperature=1e-6, seed=2)


def test_low_temperature_repeats_more_than_high(docs_slice):
    vocab, train, _ = docs_slice
    model = init_char_rnn(vocab, 32, seed=0)
    CharTrainer(model, train, batch_size=8).train(60)
    cold = sample(model, 300, "The ", temperature=0.2, seed=0)
    hot = sample(model, 300, "The ", temperature=2.0, seed=0)
    assert len(set(cold)) < len(set(hot))


def test_bad_inputs_raise_clear_errors(docs_slice, raises_naming):
    vocab, *_ = docs_slice
    model = init_char_rnn(vocab, 8)
    with pytest.raises(ValueError, match="text is empty"):
        init_char_rnn("")
    with raises_naming(ValueError, "text", "at least 26", "got 0"):
        CharTrainer(model, "")
    with raises_naming(ValueError, "text", "at least 51", "got 10"):
        CharTrainer(model, "The assert", batch_size=2)
    with raises_naming(ValueError, "not in the vocabulary", "'☃'"):
        CharTrainer(model, "☃" * 100)
    with raises_naming(ValueError, "prompt", "1 character", f"vocabulary of {len(vocab)}", "'☃'"):
        sample(model, 10, prompt="a☃")
    with raises_naming(ValueError, "prompt", "non-empty str", "got ''"):
        sample(model, 10, prompt="")
    for t in (0, -1.0):
        with raises_naming(ValueError, "temperature", "> 0", f"got {t}"):
            sample(model, 10, temperature=t)
    with raises_naming(ValueError, "length", "non-negative", "got -1"):
        sample(model, -1)
    with raises_naming(ValueError, "steps", "integer", ">= 1", "got 0"):
        CharTrainer(model, "The assert statement " * 3).train(0)
    with raises_naming(ValueError, "seq_length", "integer", ">= 1", "got 0"):
        CharTrainer(model, "abc", seq_length=0)
    with raises_naming(ValueError, "unigram_loss", "non-empty", "3 and 0"):
        unigram_loss("abc", "", Vocab.from_text("abc"))


def test_unigram_loss_is_the_entropy_on_its_own_text_and_smooth_starts_where_told():
    vocab = Vocab.from_text("ab")
    assert unigram_loss("aabb", "aabb", vocab, alpha=0) == pytest.approx(np.log(2))
    assert unigram_loss("aaab", "b", vocab, alpha=0) == pytest.approx(np.log(4))
    s = smooth([1.0, 1.0, 1.0], beta=0.5, start=3.0)
    np.testing.assert_allclose(s, [2.0, 1.5, 1.25])


def test_truncated_gradient_is_exactly_zero_beyond_k2_and_exact_within():
    problem = reach_problem(T=20, scale=2.0, B=2, D=4, H=8)
    full = late_loss_reach(*problem)
    for k2 in (1, 5, 20):
        trunc = late_loss_reach(*problem, k2=k2)
        back_full, back_trunc = full.input_norms[::-1], trunc.input_norms[::-1]
        assert np.all(back_trunc[k2:] == 0) and np.all(back_full[k2:] > 0)
        np.testing.assert_allclose(back_trunc[:k2], back_full[:k2], rtol=1e-10)
    errors = truncation_error(*problem, k2s=[1, 5, 20])
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-12
