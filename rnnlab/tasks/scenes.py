"""Scenes of a few coloured shapes, and the one caption a fixed grammar gives each (notebook 16).

Everything is generated, so the right caption is known and nothing is downloaded. A scene is a
small RGB image, float32 in [0, 1], shape ``(3, S, S)`` (S = 32 by default), on a black ground, with
1..K objects. An object is a shape x a colour x a size at a position::

    SHAPES  = circle, square, triangle         COLOURS = red, green, blue, yellow
    SIZES   = small (half-width 4 px), large (half-width 7 px)

Objects never touch (their boxes keep a pixel apart) and their centres' columns are at least
``MIN_SIDEWAYS`` = 4 px apart, so "left of" is always decided and visible. Each object's pixel mask is kept, to measure where a captioner looks.

**The grammar.** The objects are read left to right (by their centre's column); each is
``a SIZE COLOUR SHAPE`` and consecutive ones are joined by ``left of``::

    1 object    a small red circle
    2 objects   a small red circle left of a large blue square
    3 objects   a small red circle left of a large blue square left of a small green triangle

One scene has exactly one caption and the caption names every object once, in that order, so
a caption is right or wrong as a whole (exact match) and word k of it names a known object.

    scenes = make_scenes(1000, n_objects=(1, 2), seed=0)     # images (N, 3, S, S), captions, masks
    vocab = word_vocabulary()                                 # <pad> <bos> <eos> a left of small ...
    images, tokens = next(scene_batches(scenes, vocab, 32))   # (B, 3, S, S) float32, (B, L) int64
    image, masks = render_scene([SceneObject("circle", "red", "small", 8, 16)])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnlab.checks import ArgumentKindError, check_bool, check_int, check_number
from rnnlab.data.vocab import Vocab

SHAPES = ("circle", "square", "triangle")
#: RGB of each colour, in [0, 1].
COLOURS = {"red": (0.95, 0.15, 0.1), "green": (0.15, 0.8, 0.2), "blue": (0.2, 0.35, 1.0), "yellow": (0.95, 0.85, 0.1)}
#: Half-width in pixels of each size (a circle's radius).
SIZES = {"small": 4, "large": 7}
#: The words that join two objects.
RELATION = ("left", "of")
#: Every word a caption can hold, in id order after the specials.
WORDS = ("a", *RELATION, *SIZES, *COLOURS, *SHAPES)
IMAGE_SIZE = 32
#: The least distance in pixels between two objects' centre columns: "left of" should be visible.
MIN_SIDEWAYS = 4


@dataclass(frozen=True)
class SceneObject:
    """One object: ``shape``, ``colour``, ``size`` (names from SHAPES, COLOURS, SIZES) centred at
    pixel column ``x`` and row ``y`` (ints, 0 = left / top)."""

    shape: str
    colour: str
    size: str
    x: int
    y: int

    def __post_init__(self):
        for what, value, choices in (("shape", self.shape, SHAPES), ("colour", self.colour, tuple(COLOURS)),
                                     ("size", self.size, tuple(SIZES))):
            if value not in choices:
                raise ValueError(f"SceneObject: unknown {what} {value!r}; expected one of {', '.join(choices)}")
        for what in ("x", "y"):
            check_int(f"SceneObject: {what}", getattr(self, what), None, what="the centre's pixel " +
                      ("column" if what == "x" else "row"))

    @property
    def half(self) -> int:
        """Half-width in pixels."""
        return SIZES[self.size]

    def words(self) -> list:
        """``["a", size, colour, shape]``."""
        return ["a", self.size, self.colour, self.shape]


def shape_mask(obj: SceneObject, image_size: int = IMAGE_SIZE) -> np.ndarray:
    """The object's pixels, (S, S) bool. A square's half-width is 0.85 of a circle's radius so that the
    two have about the same area; a triangle points up, its base as wide as a circle."""
    rows, cols = np.mgrid[0:image_size, 0:image_size]
    dy, dx, r = rows - obj.y, cols - obj.x, obj.half
    if obj.shape == "circle":
        return dx ** 2 + dy ** 2 <= r ** 2 + 0.5
    if obj.shape == "square":
        side = round(0.85 * r)
        return (np.abs(dx) <= side) & (np.abs(dy) <= side)
    return (np.abs(dy) <= r) & (2 * np.abs(dx) <= dy + r)  # triangle: 0 wide at the top row, 2r at the bottom


def _check_objects(objects, image_size: int) -> list:
    """objects: a non-empty list of SceneObject that fit inside the image, 1 px apart, distinct columns."""
    if isinstance(objects, SceneObject):
        objects = [objects]
    if not isinstance(objects, (list, tuple)) or not all(isinstance(o, SceneObject) for o in objects):
        raise ArgumentKindError(f"render_scene: expected objects, a list of SceneObject, got {objects!r:.80}")
    if not objects:
        raise ValueError("render_scene: expected at least one object, got none")
    for k, o in enumerate(objects):
        low, high = o.half, image_size - 1 - o.half
        if not (low <= o.x <= high and low <= o.y <= high):
            raise ValueError(f"render_scene: object {k} ({o.size} {o.colour} {o.shape} at x={o.x}, y={o.y}) does not "
                             f"fit in a {image_size}x{image_size} image; a {o.size} object's centre must lie in "
                             f"{low}..{high} on both axes")
    for i in range(len(objects)):
        for j in range(i + 1, len(objects)):
            a, b = objects[i], objects[j]
            gap = a.half + b.half + 1  # boxes a pixel apart at least
            if abs(a.x - b.x) <= gap and abs(a.y - b.y) <= gap:
                raise ValueError(f"render_scene: objects {i} (x={a.x}, y={a.y}) and {j} (x={b.x}, y={b.y}) overlap; "
                                 f"expected their centres more than {gap} px apart on one axis")
            if abs(a.x - b.x) < MIN_SIDEWAYS:
                raise ValueError(f"render_scene: objects {i} (x={a.x}) and {j} (x={b.x}) are less than {MIN_SIDEWAYS} px "
                                 f"apart sideways, so which is left of the other is hard to see; move one sideways")
    return list(objects)


def render_scene(objects, image_size: int = IMAGE_SIZE, noise: float = 0.0, rng=None):
    """Draw ``objects`` -> (image (3, S, S) float32 in [0, 1], masks (K, S, S) bool), masks in the
    objects' order.

    noise: the standard deviation of Gaussian pixel noise added (then clipped to [0, 1]); needs
    ``rng`` (a ``numpy.random.Generator``) when > 0.
    """
    image_size = check_int("image_size", image_size, 8, what="pixels on a side")
    noise = check_number("noise", noise, 0.0, 1.0)
    objects = _check_objects(objects, image_size)
    image = np.zeros((3, image_size, image_size), dtype=np.float32)
    masks = np.stack([shape_mask(o, image_size) for o in objects])  # (K, S, S)
    for o, m in zip(objects, masks):
        image[:, m] = np.asarray(COLOURS[o.colour], dtype=np.float32)[:, None]
    if noise > 0:
        if not isinstance(rng, np.random.Generator):
            raise ArgumentKindError(f"render_scene: noise={noise} needs rng, a numpy.random.Generator, "
                                    f"got {type(rng).__name__}")
        image = np.clip(image + rng.normal(0, noise, image.shape).astype(np.float32), 0, 1)
    return image, masks


def caption_words(objects, image_size: int = IMAGE_SIZE) -> list:
    """The grammar's caption of a scene drawn ``image_size`` pixels a side, as a list of words (see the
    module's docstring); objects that would not fit or would overlap are refused, as render_scene does."""
    image_size = check_int("image_size", image_size, 8, what="pixels on a side")
    objects = sorted(_check_objects(objects, image_size), key=lambda o: o.x)
    words = []
    for k, o in enumerate(objects):
        words += ([*RELATION] if k else []) + o.words()
    return words


def caption(objects, image_size: int = IMAGE_SIZE) -> str:
    """The grammar's caption as one string: ``"a small red circle left of a large blue square"``."""
    return " ".join(caption_words(objects, image_size))


def named_objects(objects) -> list:
    """For each word of the caption, the index (into ``objects``) of the object it names, or -1 for
    ``left`` and ``of``: the words ``a SIZE COLOUR SHAPE`` of phrase k name the k-th object from the left."""
    order = sorted(range(len(objects)), key=lambda k: objects[k].x)
    out = []
    for k, i in enumerate(order):
        out += ([-1, -1] if k else []) + [i] * 4
    return out


def random_scene(rng: np.random.Generator, n_objects: int, image_size: int = IMAGE_SIZE) -> list:
    """``n_objects`` objects with shape, colour and size uniform, placed uniformly at random where they
    fit (rejection sampling), as a list of SceneObject."""
    for _ in range(1000):
        objects = []
        while len(objects) < n_objects:
            size = str(rng.choice(list(SIZES)))
            r = SIZES[size]
            o = SceneObject(str(rng.choice(SHAPES)), str(rng.choice(list(COLOURS))), size,
                            int(rng.integers(r, image_size - r)), int(rng.integers(r, image_size - r)))
            try:
                _check_objects(objects + [o], image_size)
            except ValueError:
                if len(objects) and rng.random() < 0.05:
                    break  # a crowded start: begin again
                continue
            objects.append(o)
        if len(objects) == n_objects:
            return objects
    raise ValueError(f"random_scene: could not place {n_objects} objects in a {image_size}x{image_size} image; "
                     f"use fewer objects or a larger image")


@dataclass
class Scenes:
    """A set of N scenes: ``images`` (N, 3, S, S) float32 tensor, ``objects`` (N lists of SceneObject),
    ``captions`` (N str), ``masks`` (N arrays (K_n, S, S) bool, in each scene's object order)."""

    images: torch.Tensor
    objects: list
    captions: list
    masks: list

    def __len__(self) -> int:
        return len(self.captions)

    def __getitem__(self, k) -> "Scenes":
        """A subset: ``scenes[:8]`` or ``scenes[[3, 5]]``."""
        idx = list(range(len(self)))[k] if isinstance(k, slice) else list(k)
        return Scenes(self.images[idx], [self.objects[i] for i in idx], [self.captions[i] for i in idx],
                      [self.masks[i] for i in idx])


def make_scenes(n: int, n_objects=(1, 2), image_size: int = IMAGE_SIZE, noise: float = 0.0, seed: int = 0) -> Scenes:
    """``n`` random scenes, each with a number of objects drawn uniformly from ``n_objects`` (an int or
    a tuple of ints, each 1..3), the same for the same ``seed``."""
    n = check_int("n", n, 1, what="scenes")
    counts = (n_objects,) if isinstance(n_objects, int) and not isinstance(n_objects, bool) else n_objects
    if not isinstance(counts, (tuple, list)) or not counts:
        raise ArgumentKindError(f"make_scenes: expected n_objects, an int or a tuple of ints such as (1, 2), "
                                f"got {n_objects!r}")
    counts = [check_int("n_objects", c, 1, 3, what="objects in a scene") for c in counts]
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    images, objects, captions, masks = [], [], [], []
    for _ in range(n):
        scene = random_scene(rng, int(rng.choice(counts)), image_size)
        image, m = render_scene(scene, image_size, noise, rng)
        images.append(image)
        objects.append(scene)
        captions.append(caption(scene, image_size))
        masks.append(m)
    return Scenes(torch.from_numpy(np.stack(images)), objects, captions, masks)


def word_vocabulary() -> Vocab:
    """The captions' words, with ``<pad>`` = 0, ``<bos>`` = 1, ``<eos>`` = 2 (rnnlab.data.vocab)."""
    return Vocab(list(WORDS), pad=True, bos=True, eos=True,
                 advice=f"Captions use only the words {' '.join(WORDS)}.")


def encode_captions(captions, vocab: Vocab) -> torch.Tensor:
    """Captions (list of str) -> token ids (B, L) int64: ``<bos> words <eos>``, padded with 0."""
    ids, _ = vocab.encode_batch([c.split() for c in captions], bos=True, eos=True, what="caption")
    return ids


def scene_batches(scenes: Scenes, vocab: Vocab, batch_size: int, generator: torch.Generator | None = None,
                  shuffle: bool = True):
    """Endless batches ``(images (B, 3, S, S) float32, tokens (B, L) int64)``, reshuffled every pass
    (``generator`` fixes the order)."""
    batch_size = check_int("batch_size", batch_size, 1, len(scenes), what="scenes per batch")
    shuffle = check_bool("shuffle", shuffle)
    tokens = encode_captions(scenes.captions, vocab)  # (N, L_max)
    while True:
        order = torch.randperm(len(scenes), generator=generator) if shuffle else torch.arange(len(scenes))
        for start in range(0, len(scenes) - batch_size + 1, batch_size):
            idx = order[start:start + batch_size]
            lengths = (tokens[idx] != vocab.pad_id).sum(1)
            yield scenes.images[idx], tokens[idx, :int(lengths.max())]
