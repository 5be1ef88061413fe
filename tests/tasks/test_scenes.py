"""rnnlab.tasks.scenes: rendering, the caption grammar, the vocabulary, batches, clear errors."""
import numpy as np
import pytest
import torch

from rnnlab.tasks import scenes as sc
from rnnlab.tasks.scenes import SceneObject


def test_render_paints_each_object_in_its_colour_and_keeps_its_mask():
    objs = [SceneObject("circle", "red", "small", 8, 10), SceneObject("square", "blue", "large", 22, 20)]
    image, masks = sc.render_scene(objs)
    assert image.shape == (3, 32, 32) and image.dtype == np.float32 and masks.shape == (2, 32, 32)
    assert 0 <= image.min() and image.max() <= 1
    for o, m in zip(objs, masks):
        assert m.sum() > 20
        np.testing.assert_allclose(image[:, m].T, np.broadcast_to(sc.COLOURS[o.colour], (m.sum(), 3)), atol=1e-6)
    assert not (masks[0] & masks[1]).any()
    assert (image[:, ~(masks[0] | masks[1])] == 0).all()          # black ground elsewhere
    assert masks[0][10, 8] and masks[1][20, 22]                    # the centres are painted


def test_large_is_larger_and_shapes_differ():
    areas = {(s, z): sc.shape_mask(SceneObject(s, "red", z, 16, 16)).sum() for s in sc.SHAPES for z in sc.SIZES}
    for s in sc.SHAPES:
        assert areas[(s, "large")] > 2 * areas[(s, "small")]
    masks = [sc.shape_mask(SceneObject(s, "red", "large", 16, 16)) for s in sc.SHAPES]
    assert all((a != b).sum() > 10 for i, a in enumerate(masks) for b in masks[i + 1:])


def test_the_grammar_reads_left_to_right():
    objs = [SceneObject("square", "blue", "large", 24, 8), SceneObject("circle", "red", "small", 6, 25),
            SceneObject("triangle", "green", "small", 16, 24)]
    assert sc.caption(objs[:1]) == "a large blue square"
    assert sc.caption(objs[:2]) == "a small red circle left of a large blue square"
    assert sc.caption(objs) == ("a small red circle left of a small green triangle left of a large blue square")
    assert sc.named_objects(objs) == [1] * 4 + [-1, -1] + [2] * 4 + [-1, -1] + [0] * 4
    assert len(sc.named_objects(objs)) == len(sc.caption_words(objs))


def test_make_scenes_is_seeded_fits_the_vocabulary_and_counts_objects():
    a, b = sc.make_scenes(50, (1, 2), seed=3), sc.make_scenes(50, (1, 2), seed=3)
    assert torch.equal(a.images, b.images) and a.captions == b.captions
    assert a.images.shape == (50, 3, 32, 32) and a.images.dtype == torch.float32
    assert {len(o) for o in a.objects} == {1, 2}
    assert all(abs(o[0].x - o[1].x) >= sc.MIN_SIDEWAYS for o in a.objects if len(o) == 2)
    assert all(m.shape[0] == len(o) for m, o in zip(a.masks, a.objects))
    three = sc.make_scenes(20, 3, seed=1)
    assert all(c.count(" a ") == 2 for c in three.captions)
    vocab = sc.word_vocabulary()
    assert (vocab.pad_id, vocab.bos_id, vocab.eos_id) == (0, 1, 2) and len(vocab) == 3 + len(sc.WORDS)
    ids = sc.encode_captions(a.captions, vocab)
    assert ids.shape == (50, 2 + 10) and (ids[:, 0] == 1).all()
    assert [vocab.decode(r, sep=" ") for r in ids] == a.captions


def test_batches_have_the_documented_shapes():
    scenes, vocab = sc.make_scenes(40, (1, 2), seed=0), sc.word_vocabulary()
    images, tokens = next(sc.scene_batches(scenes, vocab, 8, torch.Generator().manual_seed(0)))
    assert images.shape == (8, 3, 32, 32) and tokens.dtype == torch.int64 and tokens.shape[0] == 8
    assert (tokens == vocab.eos_id).sum() == 8 and (tokens[:, -1] != 0).any()   # no column of padding only


def test_noise_needs_a_generator_and_stays_in_range():
    obj = [SceneObject("circle", "yellow", "large", 16, 16)]
    noisy, _ = sc.render_scene(obj, noise=0.1, rng=np.random.default_rng(0))
    assert 0 <= noisy.min() and noisy.max() <= 1 and np.abs(noisy - sc.render_scene(obj)[0]).mean() > 0.01
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        sc.render_scene(obj, noise=0.1)


@pytest.mark.parametrize("make, error, parts", [
    (lambda: SceneObject("hexagon", "red", "small", 8, 8), ValueError, ["unknown shape 'hexagon'", "circle, square, triangle"]),
    (lambda: SceneObject("circle", "purple", "small", 8, 8), ValueError, ["unknown colour 'purple'", "red, green, blue, yellow"]),
    (lambda: SceneObject("circle", "red", "medium", 8, 8), ValueError, ["unknown size 'medium'", "small, large"]),
    (lambda: SceneObject("circle", "red", "small", 8.5, 8), TypeError, ["x", "an int"]),
    (lambda: sc.render_scene([SceneObject("circle", "red", "large", 3, 16)]), ValueError,
     ["does not fit", "32x32", "7..24"]),
    (lambda: sc.render_scene([SceneObject("circle", "red", "small", 10, 10), SceneObject("square", "blue", "small", 14, 12)]),
     ValueError, ["overlap", "objects 0", "and 1"]),
    (lambda: sc.render_scene([SceneObject("circle", "red", "small", 10, 5), SceneObject("square", "blue", "small", 13, 25)]),
     ValueError, ["x=10", "x=13", "less than 4 px apart sideways", "left of"]),
    (lambda: sc.render_scene([]), ValueError, ["at least one object"]),
    (lambda: sc.render_scene(["a red circle"]), TypeError, ["list of SceneObject"]),
    (lambda: sc.make_scenes(5, (1, 4)), ValueError, ["n_objects", "1..3", "got 4"]),
    (lambda: sc.make_scenes(5, "2"), TypeError, ["n_objects"]),
])
def test_bad_scenes_raise_naming_the_choices(raises_naming, make, error, parts):
    with raises_naming(error, *parts):
        make()


def test_caption_refuses_an_object_outside_the_image_by_the_image_s_own_size():
    off = [sc.SceneObject("circle", "red", "small", -5, 10)]
    with pytest.raises(ValueError, match=r"does not fit in a 32x32 image.*centre must lie in"):
        sc.caption(off)
    assert sc.caption([sc.SceneObject("circle", "red", "small", 50, 50)], image_size=64) == "a small red circle"
