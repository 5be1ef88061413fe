"""Notebook 16's measurements: captions scored (exact match, word BLEU-4), where attention looks, the race.

- :func:`describe` — greedy captions of a set of scenes, as strings, with the attention weights.
- :func:`word_bleu` — corpus BLEU-4 on words (sacrebleu's standard ``13a`` tokenisation, one reference
  each), 0..100; ``rnnlab.training.bleu.exact_match`` scores whole captions.
- :func:`objects_named` — the fraction of a scene's objects whose ``size colour shape`` the caption names
  (anywhere): partial credit where exact match gives none, e.g. on more objects than in training.
- :func:`attention_on_named_object` — for every colour and shape word of the reference captions (fed
  with teacher forcing, so every word names a known object), the attention mass on the grid cells the
  object touches, beside what uniform attention puts there (the cells' share: the honest baseline).
- :func:`caption_race` — the ``run(name, lr, seed)`` of :func:`rnnlab.experiments.fair.compare` for
  attention vs mean-pool at equal parameters.
"""
from __future__ import annotations

import numpy as np
import sacrebleu
import torch
import torch.nn.functional as F

from rnnlab.course.runtime import evaluating, seed_everything
from rnnlab.data.vocab import Vocab
from rnnlab.models.captioner import Captioner, caption_loss, matched_hidden_size
from rnnlab.models.sizes import count_parameters
from rnnlab.tasks.scenes import COLOURS, SHAPES, Scenes, encode_captions, named_objects, scene_batches
from rnnlab.training.bleu import exact_match
from rnnlab.training.loop import train

#: The contenders of the race.
CONTENDERS = ("attention", "mean-pool")


def describe(model: Captioner, scenes: Scenes, vocab: Vocab, max_len: int = 20, batch_size: int = 500):
    """Greedy captions -> (list of N str, alpha list of N tensors (T_n, L): the weights of each word's
    step, ``<eos>`` excluded)."""
    device = next(model.parameters()).device
    hyps, alphas = [], []
    with evaluating(model):
        for start in range(0, len(scenes), batch_size):
            tokens, alpha = model.greedy(scenes.images[start:start + batch_size].to(device), max_len)
            for row, a in zip(tokens.cpu(), alpha.cpu()):
                text = vocab.decode(row, sep=" ")
                hyps.append(text)
                alphas.append(a[:len(text.split())])
    return hyps, alphas


def word_bleu(hyps, refs) -> float:
    """Corpus BLEU-4 over words, 0..100 (sacrebleu, tokenize ``13a``; one reference per caption)."""
    exact_match(hyps, refs)  # the same checks as every score of rnnlab.training.bleu: lists of str, equal lengths
    return float(sacrebleu.corpus_bleu(list(hyps), [list(refs)], tokenize="13a").score)


def objects_named(hyps, scenes: Scenes) -> float:
    """Mean over scenes of the fraction of its objects whose ``size colour shape`` occurs in its caption
    (each occurrence credits one object)."""
    exact_match(hyps, scenes.captions)
    fractions = []
    for hyp, objects in zip(hyps, scenes.objects):
        words = hyp.split()
        said = [tuple(words[k + 1:k + 4]) for k, w in enumerate(words) if w == "a"]
        hit = 0
        for o in objects:
            phrase = (o.size, o.colour, o.shape)
            if phrase in said:
                said.remove(phrase)
                hit += 1
        fractions.append(hit / len(objects))
    return float(np.mean(fractions))


def grid_masks(masks: np.ndarray, grid: int) -> np.ndarray:
    """Pixel masks (K, S, S) bool -> (K, L = grid*grid) bool: True at the grid cells the object touches
    (row by row, the encoder's order)."""
    m = torch.from_numpy(np.asarray(masks, dtype=np.float32))[:, None]     # (K, 1, S, S)
    cells = F.adaptive_max_pool2d(m, grid)[:, 0] > 0                        # (K, G, G)
    return cells.flatten(1).numpy()


def attention_on_named_object(model: Captioner, scenes: Scenes, vocab: Vocab,
                              words=(*COLOURS, *SHAPES)) -> tuple[float, float]:
    """(mean attention mass on the named object's cells, mean share of the cells it touches) over every
    word of ``words`` in the reference captions, teacher-forced: the step that predicts the word."""
    tokens = encode_captions(scenes.captions, vocab)
    device = next(model.parameters()).device
    with evaluating(model), torch.no_grad():
        _, alpha = model(scenes.images.to(device), tokens[:, :-1].to(device))  # (N, T, L); step t predicts word t
    alpha = alpha.cpu().numpy()
    on, share = [], []
    for n, (text, objects, masks) in enumerate(zip(scenes.captions, scenes.objects, scenes.masks)):
        cells = grid_masks(masks, model.encoder.grid)                           # (K, L)
        for t, (word, k) in enumerate(zip(text.split(), named_objects(objects))):
            if word in words:
                on.append(float(alpha[n, t] @ cells[k]))
                share.append(float(cells[k].mean()))
    return float(np.mean(on)), float(np.mean(share))


def make_captioner(name: str, vocab_size: int, hidden_size: int = 64, **sizes) -> Captioner:
    """A fresh contender: ``"attention"`` (hidden_size), or ``"mean-pool"`` widened to equal parameters."""
    if name not in CONTENDERS:
        raise ValueError(f"make_captioner: unknown contender {name!r}; expected one of {', '.join(CONTENDERS)}")
    if name == "attention":
        return Captioner(vocab_size, attend=True, hidden_size=hidden_size, **sizes)
    sizes.pop("attention_size", None)
    return Captioner(vocab_size, attend=False, hidden_size=matched_hidden_size(vocab_size, hidden_size, **sizes),
                     **sizes)


def caption_race(train_set: Scenes, valid_set: Scenes, test_set: Scenes, vocab: Vocab, *, steps: int,
                 batch_size: int = 32, hidden_size: int = 64, device=None, progress: bool = True):
    """``run(name, lr, seed) -> (test BLEU-4, parameters, validation BLEU-4, model)`` for ``fair.compare``:
    a fresh captioner (seeded), Adam at ``lr``, ``steps`` batches of ``train_set`` (order from the seed),
    clipping at 1, scored by greedy captions' word BLEU-4."""

    def run(name, lr, seed):
        seed_everything(seed)
        model = make_captioner(name, len(vocab), hidden_size)
        order = torch.Generator().manual_seed(seed + 1)
        train(model, scene_batches(train_set, vocab, batch_size, order), caption_loss,
              optimizer=torch.optim.Adam(model.parameters(), lr=lr), steps=steps, clip=1.0, seed=seed,
              desc=f"{name}, lr {lr:g}, seed {seed}", device=device, progress=progress)
        scores = [word_bleu(describe(model, s, vocab)[0], s.captions) for s in (test_set, valid_set)]
        return scores[0], count_parameters(model), scores[1], model

    return run
