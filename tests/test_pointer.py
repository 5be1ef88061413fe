import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
import torch

from rnnlab.plots.pointer import draw_hull_pointers, draw_length_generalisation, draw_pointer_heatmap
from rnnlab.pointer import (PointerAttention, PointerNet, evaluate, exact_match, is_permutation,
                            pointer_loss)
from rnnlab.tasks.pointer import hull_batch, sorting_batch


def test_masked_position_gets_exactly_zero_probability():
    torch.manual_seed(0)
    att = PointerAttention(8, 5)
    h, s = torch.randn(3, 6, 8), torch.randn(3, 8)
    mask = torch.zeros(3, 6, dtype=torch.bool)
    mask[0, [1, 4]] = True
    mask[2, 0] = True
    alpha, e = att(h, s, mask)
    assert alpha.shape == (3, 6) and e.shape == (3, 6)
    assert (alpha[mask] == 0).all() and torch.isinf(e[mask]).all()
    assert torch.allclose(alpha.sum(-1), torch.ones(3))
    # unmasked scores are v^T tanh(W1 h_j + W2 s)
    manual = att.v(torch.tanh(att.W1(h) + att.W2(s)[:, None])).squeeze(-1)
    assert torch.allclose(e[~mask], manual[~mask])


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
    y = torch.tensor([[0, 2, 3, -1], [1, 0, 3, -1]])
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


def test_a_short_training_run_learns_to_sort():
    from rnnlab.train import train
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
    draw_length_generalisation({"sort": {5: 0.9, 8: 0.5}}, (5, 6), ax=axes[2])
    with pytest.raises(ValueError, match="labels"):
        draw_pointer_heatmap(out.alpha[0], ["a"])
    plt.close(fig)
