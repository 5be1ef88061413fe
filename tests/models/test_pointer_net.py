import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
import torch

from rnnlab.data.vocab import IGNORE

from rnnlab.models.attention import AdditiveAttention
from rnnlab.plots.pointer_plots import draw_hull_pointers, draw_length_generalisation, draw_pointer_heatmap, draw_tour
from rnnlab.models.pointer_net import (PointerAttention, PointerNet, evaluate, exact_match, is_permutation,
                            pointer_beam_search, pointer_loss)
from rnnlab.tasks.pointer import hull_batch, sorting_batch, tsp_batch


def test_masked_position_gets_exactly_zero_probability():
    torch.manual_seed(0)
    att = PointerAttention(8, 5)
    s, h = torch.randn(3, 8), torch.randn(3, 6, 8)
    exclude = torch.zeros(3, 6, dtype=torch.bool)
    exclude[0, [1, 4]] = True
    exclude[2, 0] = True
    alpha, e = att(s, h, exclude)
    assert alpha.shape == (3, 6) and e.shape == (3, 6)
    assert (alpha[exclude] == 0).all() and torch.isinf(e[exclude]).all()
    assert torch.allclose(alpha.sum(-1), torch.ones(3))
    # the other scores are v^T tanh(W_h h_j + W_s s)
    manual = att.v(torch.tanh(att.W_h(h) + att.W_s(s)[:, None])).squeeze(-1)
    assert torch.allclose(e[~exclude], manual[~exclude])
    alpha_all, e_all = att(s, h)                       # nothing excluded: a plain softmax of the scores
    assert torch.allclose(alpha_all, torch.softmax(manual, -1)) and torch.allclose(e_all, manual)


def test_pointer_attention_is_additive_attention():
    """One implementation of additive attention: same parameters, same order (same init under a seed)."""
    assert issubclass(PointerAttention, AdditiveAttention)
    torch.manual_seed(0)
    ptr = PointerAttention(8, 5)
    torch.manual_seed(0)
    add = AdditiveAttention(8, 8, 5)
    assert [n for n, _ in ptr.named_parameters()] == [n for n, _ in add.named_parameters()] == \
        ["W_h.weight", "W_s.weight", "v.weight"]
    for (_, a), (_, b) in zip(ptr.named_parameters(), add.named_parameters()):
        assert torch.equal(a, b)
    s, h = torch.randn(2, 8), torch.randn(2, 4, 8)
    _, e = ptr(s, h)
    assert torch.allclose(e, add.scores(s, add.project_keys(h)))
    # the same distribution as AdditiveAttention's weights with the complementary (True = real) mask
    exclude = torch.tensor([[False, True, False, False], [True, True, False, False]])
    alpha, _ = ptr(s, h, exclude)
    _, alpha_add = add(s, h, ~exclude)
    assert torch.allclose(alpha, alpha_add)


def test_pointer_attention_bad_inputs(raises_naming):
    att = PointerAttention(8)
    s, h = torch.randn(2, 8), torch.randn(2, 5, 8)
    with pytest.raises(ValueError, match=r"query s.*\(B, H\)"):
        att(torch.randn(8), h)
    with pytest.raises(ValueError, match=r"keys h.*\(B, N, H\)"):
        att(s, torch.randn(5, 8))
    with pytest.raises(ValueError, match="hidden size H = 8"):
        att(s, torch.randn(2, 5, 7))
    with pytest.raises(ValueError, match="batch size B"):
        att(s, torch.randn(3, 5, 8))
    with pytest.raises(ValueError, match="no positions"):
        att(s, torch.randn(2, 0, 8))
    with pytest.raises(TypeError, match="floating-point"):
        att(torch.ones(2, 8, dtype=torch.int64), h)
    with pytest.raises(TypeError, match="bool"):
        att(s, h, torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"exclude.*\(2, 5\)"):
        att(s, h, torch.zeros(2, 4, dtype=torch.bool))
    with raises_naming(ValueError, "rows [1]", "exclude"):
        att(s, h, torch.tensor([[False] * 5, [True] * 5]))


def test_shapes_and_greedy_outputs_are_permutations():
    torch.manual_seed(0)
    model = PointerNet(1, 16)
    x, y = sorting_batch(5, 7, generator=torch.Generator().manual_seed(0))
    out = model(x)
    assert out.log_probs.shape == (5, 7, 7) and out.alpha.shape == (5, 7, 7) and out.pointers.shape == (5, 7)
    assert is_permutation(out.pointers).all()          # even untrained: masking forbids repeats
    chosen = torch.zeros(5, 7, dtype=torch.bool)
    for i in range(7):                                 # already-chosen positions got exactly 0
        assert (out.alpha[:, i][chosen] == 0).all()
        chosen[torch.arange(5), out.pointers[:, i]] = True
    tf = model(x, targets=y)
    assert tf.log_probs.shape == (5, 7, 7)
    loss = pointer_loss(model, (x, y))
    loss.backward()
    assert torch.isfinite(loss) and all(torch.isfinite(p.grad).all() for p in model.parameters())


def test_hull_model_with_end_position():
    torch.manual_seed(0)
    model = PointerNet(2, 16, end=True)
    p, y = hull_batch(4, 8, generator=torch.Generator().manual_seed(1))
    out = model(p)
    assert out.pointers.shape == (4, 9)
    for row in out.pointers.tolist():                  # no point twice; after the end only the end
        k = row.index(8) if 8 in row else len(row)
        assert len(set(row[:k])) == k
        assert all(v == 8 for v in row[k:])
    loss = pointer_loss(model, (p, y))
    assert torch.isfinite(loss)
    loss.backward()
    assert set(evaluate(model, p, y)) == {"exact", "positions"}


def test_exact_match_ignores_padding():
    y = torch.tensor([[0, 2, 3, IGNORE], [1, 0, 3, IGNORE]])
    p = torch.tensor([[0, 2, 3, 3], [1, 2, 3, 3]])
    assert exact_match(p, y).tolist() == [True, False]


def test_bad_inputs():
    model = PointerNet(1, 8)
    with pytest.raises(ValueError, match="batch is empty"):
        model(torch.zeros(0, 5, 1))
    with pytest.raises(ValueError, match=r"\(B, n, 1\)"):
        model(torch.zeros(2, 5, 2))
    with pytest.raises(ValueError, match="B = 2"):
        model(torch.zeros(2, 5, 1), targets=torch.zeros(3, 5, dtype=torch.int64))
    with pytest.raises(ValueError, match="targets in 0..4"):
        model(torch.zeros(2, 5, 1), targets=torch.full((2, 5), 5))
    with pytest.raises(ValueError, match="exact_match"):
        exact_match(torch.zeros(2, 3), torch.zeros(3, 3))
    with pytest.raises(ValueError, match=r"1 <= steps <= N = 5"):
        model(torch.zeros(2, 5, 1), steps=6)
    with pytest.raises(ValueError, match=r"1 <= steps <= N = 5"):
        model(torch.zeros(2, 5, 1), steps=0)
    with pytest.raises(ValueError, match="n >= 1"):
        model(torch.zeros(2, 0, 1))
    assert model(torch.zeros(2, 5, 1), steps=3).pointers.shape == (2, 3)
    assert PointerNet(1, 8, end=True)(torch.zeros(2, 5, 1), steps=9).pointers.shape == (2, 9)  # the end stays open


def test_encode_and_step_shapes():
    torch.manual_seed(0)
    model = PointerNet(2, 16, end=True)
    emb, keys, (h, c) = model.encode(torch.rand(3, 6, 2))
    assert emb.shape == (3, 7, 16) and keys.shape == (3, 7, 16) and h.shape == c.shape == (3, 16)
    exclude = torch.zeros(3, 7, dtype=torch.bool)
    exclude[:, 2] = True
    log_alpha, (h2, c2) = model.step(model.go.expand(3, -1), (h, c), keys, exclude)
    assert log_alpha.shape == (3, 7) and h2.shape == (3, 16)
    assert torch.isinf(log_alpha[:, 2]).all() and torch.allclose(log_alpha.exp().sum(-1), torch.ones(3))


def _sequence_log_prob(model, x, pointers):
    """log p of the given pointer sequences (B, S), IGNORE skipped, by teacher forcing."""
    out = model(x, targets=pointers)
    picked = out.log_probs.gather(2, pointers.clamp(min=0)[..., None])[..., 0]
    return torch.where(pointers != IGNORE, picked, torch.zeros_like(picked)).sum(1)


def test_beam_search_width_one_is_greedy_and_scores_are_log_probs():
    torch.manual_seed(0)
    model = PointerNet(2, 16)
    x, _ = tsp_batch(4, 6, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        greedy = model(x).pointers
        ptr1, lp1 = pointer_beam_search(model, x, 1)
        assert ptr1.shape == (4, 1, 6) and torch.equal(ptr1[:, 0], greedy)
        ptr, lp = pointer_beam_search(model, x, 4)
        assert ptr.shape == (4, 4, 6) and lp.shape == (4, 4)
        assert is_permutation(ptr.reshape(16, 6)).all()
        assert (lp[:, 1:] <= lp[:, :-1] + 1e-6).all()                 # best first
        assert (lp[:, 0] >= lp1[:, 0] - 1e-5).all()                  # at least as likely as greedy
        for k in range(4):
            assert torch.allclose(lp[:, k], _sequence_log_prob(model, x, ptr[:, k]), atol=1e-4)
        assert len({tuple(r) for r in ptr[0].tolist()}) == 4         # distinct sequences


def test_beam_search_with_an_end_position_and_too_few_sequences():
    torch.manual_seed(0)
    model = PointerNet(2, 16, end=True)
    p, _ = hull_batch(2, 5, generator=torch.Generator().manual_seed(0))
    ptr, lp = pointer_beam_search(model, p, 3)
    assert ptr.shape == (2, 3, 6)
    for row in ptr.reshape(6, 6).tolist():                           # ends at the end position, IGNORE after
        k = row.index(5)
        assert len(set(row[:k])) == k and all(v == IGNORE for v in row[k + 1:])
    assert torch.allclose(lp[:, 0], _sequence_log_prob(model, p, ptr[:, 0]), atol=1e-4)
    # two numbers have only two orders: the third row is IGNORE with log p = -inf
    ptr2, lp2 = pointer_beam_search(PointerNet(1, 8), torch.rand(1, 2, 1), 3)
    assert sorted(map(tuple, ptr2[0, :2].tolist())) == [(0, 1), (1, 0)]
    assert (ptr2[0, 2] == IGNORE).all() and lp2[0, 2] == float("-inf") and torch.isfinite(lp2[0, :2]).all()


def test_beam_search_bad_inputs():
    model = PointerNet(1, 8)
    with pytest.raises(ValueError, match="beam_width"):
        pointer_beam_search(model, torch.rand(2, 4, 1), 0)
    with pytest.raises(ValueError, match="batch is empty"):
        pointer_beam_search(model, torch.rand(0, 4, 1), 2)
    with pytest.raises(ValueError, match=r"\(B, n, 1\)"):
        pointer_beam_search(model, torch.rand(2, 4, 2), 2)
    with pytest.raises(ValueError, match="steps"):
        pointer_beam_search(model, torch.rand(2, 4, 1), 2, steps=5)


def test_a_short_training_run_learns_to_sort():
    from rnnlab.training.loop import train
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model = PointerNet(1, 32)
    log = train(model, lambda step: sorting_batch(32, 5, generator=g), pointer_loss,
                optimizer=torch.optim.Adam(model.parameters(), 5e-3), steps=60, progress=False)
    assert log.losses[-1] < 0.7 * log.losses[0]


def test_plots_draw():
    torch.manual_seed(0)
    model = PointerNet(2, 8, end=True)
    p, y = hull_batch(1, 6, generator=torch.Generator().manual_seed(0))
    out = model(p)
    fig, axes = plt.subplots(1, 3)
    draw_pointer_heatmap(out.alpha[0], [str(j) for j in range(7)], ax=axes[0], title="t")
    draw_hull_pointers(p[0], out.pointers[0], y[0], out.alpha[0, 0], ax=axes[1], title="t")
    draw_length_generalisation({"sort": {5: 0.9, 8: 0.5}}, (5, 6), ax=axes[2], ylabel="positions")
    assert axes[2].get_ylabel() == "positions"
    with pytest.raises(ValueError, match="labels"):
        draw_pointer_heatmap(out.alpha[0], ["a"])
    with pytest.raises(ValueError, match="n_min, n_max"):
        draw_length_generalisation({"sort": {5: 0.9}}, (6, 5))
    plt.close(fig)


def test_draw_tour():
    pts, tours = tsp_batch(1, 6, generator=torch.Generator().manual_seed(0))
    fig, ax = plt.subplots()
    draw_tour(pts[0], tours[0].flip(0), tours[0], torch.full((6,), 1 / 6), ax=ax, step=2, title="t")
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["optimal tour", r"$\alpha$ at step 2", "model's tour"]
    with pytest.raises(ValueError, match="permutation"):
        draw_tour(pts[0], [0, 1, 1, 2, 3, 4], ax=ax)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        draw_tour(torch.rand(6, 3), range(6), ax=ax)
    plt.close(fig)


def test_excluded_keeps_the_end_open_and_closes_everything_else_after_it():
    net = PointerNet(2, 8, end=True)
    chosen = torch.tensor([[True, False, False, True], [False, True, False, False]])   # N = 3 + end
    finished = torch.tensor([False, True])
    excluded = net.excluded(chosen, finished)
    assert excluded.tolist() == [[True, False, False, False], [True, True, True, False]]
    assert torch.equal(PointerNet(2, 8).excluded(chosen, finished), chosen)              # no end: just the chosen
