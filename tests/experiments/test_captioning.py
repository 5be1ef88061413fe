"""rnnlab.experiments.captioning: BLEU on words, objects named, attention on the named object, the race."""
import numpy as np
import pytest
import sacrebleu
import torch

from rnnlab.experiments import captioning as cap
from rnnlab.experiments import fair
from rnnlab.models.sizes import count_parameters
from rnnlab.tasks import scenes as sc


def test_word_bleu_is_sacrebleus_on_words():
    refs = ["a small red circle left of a large blue square", "a large green triangle"]
    assert cap.word_bleu(refs, refs) == pytest.approx(100.0)
    hyps = ["a small red circle left of a large blue circle", "a large green triangle"]
    want = sacrebleu.corpus_bleu(hyps, [refs]).score
    assert cap.word_bleu(hyps, refs) == pytest.approx(want) and 0 < want < 100
    with pytest.raises(TypeError, match="list of strings"):
        cap.word_bleu("a red circle", refs[:1])
    with pytest.raises(ValueError, match="as many hypotheses as references"):
        cap.word_bleu(hyps, refs[:1])


def test_objects_named_gives_partial_credit():
    objs = [sc.SceneObject("circle", "red", "small", 6, 6), sc.SceneObject("square", "blue", "large", 20, 20),
            sc.SceneObject("triangle", "green", "small", 27, 5)]
    image, masks = sc.render_scene(objs)
    scenes = sc.Scenes(torch.from_numpy(image)[None], [objs], [sc.caption(objs)], [masks])
    assert cap.objects_named([sc.caption(objs)], scenes) == 1.0
    assert cap.objects_named(["a small red circle left of a large blue square"], scenes) == pytest.approx(2 / 3)
    assert cap.objects_named(["a small red circle left of a small red circle"], scenes) == pytest.approx(1 / 3)


def test_grid_masks_mark_the_cells_an_object_touches():
    image, masks = sc.render_scene([sc.SceneObject("square", "red", "small", 5, 5)])
    cells = cap.grid_masks(masks, 8).reshape(1, 8, 8)
    assert cells[0, 1, 1] and not cells[0, 7, 7] and cells.sum() <= 9


class _Looker(torch.nn.Module):
    """A stand-in captioner whose attention is fixed: all on cell ``j`` (or uniform)."""

    def __init__(self, j=None):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.j = j
        self.encoder = type("E", (), {"grid": 8})()

    def forward(self, images, tokens):
        B, T = tokens.shape
        alpha = torch.full((B, T, 64), 1 / 64)
        if self.j is not None:
            alpha = torch.zeros(B, T, 64)
            alpha[..., self.j] = 1
        return None, alpha


def test_attention_on_named_object_against_the_uniform_baseline():
    objs = [sc.SceneObject("square", "red", "small", 5, 5)]
    image, masks = sc.render_scene(objs)
    scenes = sc.Scenes(torch.from_numpy(image)[None], [objs], [sc.caption(objs)], [masks])
    vocab = sc.word_vocabulary()
    on, share = cap.attention_on_named_object(_Looker(1 * 8 + 1), scenes, vocab)
    assert on == 1.0 and share == pytest.approx(cap.grid_masks(masks, 8).mean())
    on, share = cap.attention_on_named_object(_Looker(63), scenes, vocab)
    assert on == 0.0
    on, share = cap.attention_on_named_object(_Looker(), scenes, vocab)
    assert on == pytest.approx(share)                       # uniform attention scores exactly the baseline


def test_the_race_runs_equal_parameters_and_is_seeded():
    vocab = sc.word_vocabulary()
    data = [sc.make_scenes(n, (1, 2), seed=s) for n, s in ((64, 0), (16, 1), (16, 2))]
    run = cap.caption_race(*data, vocab, steps=3, batch_size=8, hidden_size=16, progress=False)
    results = fair.compare(list(cap.CONTENDERS), run, seeds=[0], tuned={"attention": 1e-2, "mean-pool": 1e-2},
                           lower_is_better=False)
    n = {name: c.params for name, c in results.items()}
    assert abs(n["attention"] - n["mean-pool"]) / n["attention"] < 0.02
    again = run("attention", 1e-2, 0)
    assert again[0] == results["attention"].scores[0] and again[1] == count_parameters(again[3])
    with pytest.raises(ValueError, match="unknown contender 'lstm'.*attention, mean-pool"):
        cap.make_captioner("lstm", len(vocab))


def test_describe_returns_one_alpha_row_per_word():
    vocab = sc.word_vocabulary()
    scenes = sc.make_scenes(4, 1, seed=0)
    torch.manual_seed(0)
    model = cap.make_captioner("attention", len(vocab), 16)
    hyps, alphas = cap.describe(model, scenes, vocab, max_len=6)
    assert len(hyps) == 4 and all(a.shape == (len(h.split()), 64) for h, a in zip(hyps, alphas))
    assert all(np.allclose(a.sum(-1).numpy(), 1) for a in alphas)
