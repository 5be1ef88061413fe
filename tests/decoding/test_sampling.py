import pytest
import torch

from rnnlab.data.vocab import Vocab
from rnnlab.models.char_lm import CharLSTM
from rnnlab.decoding.sampling import (apply_temperature, encode_prompt, generate, next_distribution, sample_next,
                             top_k_filter, top_p_filter)


@pytest.fixture
def logits():
    return torch.tensor([[2.0, 0.5, -1.0, 1.0, 0.0, 3.0], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]])


@pytest.fixture
def tiny():
    torch.manual_seed(0)
    vocab = Vocab.from_text("hello world")
    return CharLSTM(len(vocab), hidden_size=16), vocab


def test_temperature_divides_logits(logits):
    assert torch.allclose(apply_temperature(logits, 0.5), logits * 2)


@pytest.mark.parametrize("t", [0, -1.0, float("nan"), float("inf")])
def test_bad_temperature(logits, t):
    with pytest.raises(ValueError, match="temperature"):
        apply_temperature(logits, t)


@pytest.mark.parametrize("k", [0, -2, 7, 2.5])
def test_bad_k(logits, k):
    with pytest.raises(ValueError, match=r"1 <= k <= V = 6"):
        top_k_filter(logits, k)


@pytest.mark.parametrize("p", [0, -0.1, 1.5])
def test_bad_p(logits, p):
    with pytest.raises(ValueError, match=r"0 < p <= 1"):
        top_p_filter(logits, p)


def test_top_k_keeps_exactly_the_k_largest(logits):
    kept = torch.isfinite(top_k_filter(logits, 2))
    assert kept[0].tolist() == [True, False, False, False, False, True]
    assert kept[1].tolist() == [False, False, False, False, True, True]


def test_top_k_never_samples_outside_the_k_most_likely():
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(1, 50, generator=gen).repeat(4000, 1)  # the same distribution 4000 times
    allowed = set(torch.topk(z[0], 5).indices.tolist())
    drawn = set(sample_next(z, top_k=5, generator=gen).tolist())
    assert drawn <= allowed and len(drawn) == 5


def test_top_p_keeps_smallest_set_with_mass_at_least_p():
    probs = torch.tensor([0.5, 0.2, 0.15, 0.1, 0.05])
    z = probs.log()[None]
    for p, n in [(0.5, 1), (0.51, 2), (0.7, 2), (0.71, 3), (0.85, 3), (0.9, 4), (0.96, 5), (1.0, 5)]:
        kept = torch.isfinite(top_p_filter(z, p))[0]
        assert kept.tolist() == [True] * n + [False] * (5 - n), p
        assert probs[kept].sum() >= p - 1e-6  # has the mass
        assert probs[kept][:-1].sum() < p  # and no smaller prefix does


def test_top_p_in_vocabulary_order():
    probs = torch.tensor([0.1, 0.5, 0.05, 0.2, 0.15])
    kept = torch.isfinite(top_p_filter(probs.log()[None], 0.7))[0]
    assert kept.tolist() == [False, True, False, True, False]


def test_small_temperature_approaches_greedy():
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(500, 30, generator=gen)
    agree = [(sample_next(z, temperature=t, generator=gen) == z.argmax(-1)).float().mean().item()
             for t in (2.0, 1.0, 0.3, 0.1)]
    assert agree == sorted(agree) and agree[0] < 0.5 < agree[-1]
    assert torch.equal(sample_next(z, temperature=1e-6, generator=gen), z.argmax(-1))
    assert torch.equal(sample_next(z, greedy=True), z.argmax(-1))
    sharp = next_distribution(z, temperature=0.01).max(-1).values
    assert (sharp > 0.99).float().mean() > 0.9


def test_temperature_flattens():
    z = torch.tensor([[3.0, 1.0, 0.0]])
    h = [-(p * p.log()).sum().item() for p in (next_distribution(z, temperature=t)[0] for t in (0.5, 1, 2))]
    assert h[0] < h[1] < h[2]


def test_sampling_deterministic_under_generator(tiny):
    model, vocab = tiny
    a = generate(model, vocab, "hel", 40, temperature=0.8, top_p=0.9, generator=torch.Generator().manual_seed(3))
    b = generate(model, vocab, "hel", 40, temperature=0.8, top_p=0.9, generator=torch.Generator().manual_seed(3))
    c = generate(model, vocab, "hel", 40, temperature=0.8, top_p=0.9, generator=torch.Generator().manual_seed(4))
    assert a == b and a != c and len(a) == 40 and set(a) <= set(vocab.itos)


def test_generate_greedy_matches_stepwise_argmax(tiny):
    model, vocab = tiny
    text = generate(model, vocab, "wor", 10, greedy=True)
    ids = list(vocab.encode("wor"))
    for _ in range(10):
        logits, _ = model(torch.tensor([ids]))
        ids.append(int(logits[0, -1].argmax()))
    assert text == vocab.decode(ids[3:])


def test_prompt_errors(tiny, raises_naming):
    model, vocab = tiny
    with pytest.raises(ValueError, match="non-empty"):
        generate(model, vocab, "", 5)
    with raises_naming(ValueError, "prompt", "2 character(s)", "vocabulary", "'Z', 'x'"):
        encode_prompt(vocab, "hexZ")
    with pytest.raises(ValueError, match="temperature"):
        generate(model, vocab, "he", 5, temperature=0)
    with pytest.raises(ValueError, match="top_k"):
        generate(model, vocab, "he", 5, top_k=len(vocab) + 1)
    with pytest.raises(ValueError, match="top_p"):
        generate(model, vocab, "he", 5, top_p=0)


def test_widget_callback(tiny):
    import matplotlib.pyplot as plt

    from rnnlab.plots.sampling_plots import draw_decoding, draw_sampling

    model, vocab = tiny
    fig, text = draw_sampling(model, vocab, "hell", temperature=0.7, top_p=0.8, length=200)
    assert len(text) == 200 and set(text) <= set(vocab.itos)
    assert text == draw_sampling(model, vocab, "hell", temperature=0.7, top_p=0.8, length=200)[1]
    fig2 = draw_decoding(model, vocab, "wo", [{}, {"top_k": 2}])
    assert len(fig2.axes) == 2
    plt.close(fig), plt.close(fig2)
    with pytest.raises(ValueError, match="'Q'"):
        draw_sampling(model, vocab, "hQ")
