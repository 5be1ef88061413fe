"""Turning a language model's next-character distribution into text.

Every decoding rule here reshapes the logits ``z`` (..., V) of ``p(x_{t+1} | x_<=t)``
and then samples (or takes the arg-max):

    greedy        x = argmax_v z_v                         always the single most likely
    temperature   p_v = softmax(z / tau)_v                  tau < 1 sharper, tau > 1 flatter
    top-k         keep the k largest z_v, renormalise       (Fan et al. 2018)
    top-p         keep the smallest set of most likely      (Holtzman et al. 2020, "nucleus")
                  characters whose probability sums to >= p, renormalise

Filters set the dropped logits to -inf, so ``softmax`` gives them probability 0. Logits must be
a float tensor (..., V): NaN and +inf raise a ``ValueError`` (argmax would pick a NaN, softmax turns
+inf into NaN), as does a row that is -inf everywhere (nothing left to pick). Ties are broken the
same way everywhere: among equal logits the lowest id counts as the larger, as a stable sort
orders them. Sampling is reproducible with a seeded ``torch.Generator``.
"""
from __future__ import annotations

import torch

from rnnlab.checks import (ArgumentKindError, check_bool, check_float, check_generator, check_int, check_number,
                           check_tensor)
from rnnlab.course.runtime import evaluating
from rnnlab.data.vocab import Vocab


def _where(index) -> str:
    """A position as the student indexes it: ``3`` for one axis, ``(0, 3)`` for several."""
    index = tuple(int(i) for i in index)
    return str(index[0]) if len(index) == 1 else str(index)


def check_logits(name: str, logits, layout: str = "(..., V)", rank: int | None = None) -> None:
    """Raise unless ``logits`` is a float tensor ``layout`` whose rows each hold something to pick.

    ``TypeError``: not a tensor, or not floating point. ``ValueError``: no vocabulary axis (0-D),
    not ``rank`` dimensions, V = 0 or no rows, a NaN or a +inf anywhere, or a row that is -inf at
    every token (-inf elsewhere is a token ruled out, as the filters below rule them out).
    """
    check_tensor(name, logits, f"of float logits {layout}")
    check_float(name, logits)
    if logits.ndim == 0 or (rank is not None and logits.ndim != rank):
        hint = "; for one row of logits use logits[None]" if rank is not None and logits.ndim == rank - 1 else ""
        raise ValueError(f"{name}: expected shape {layout}, got {tuple(logits.shape)}{hint}")
    if logits.shape[-1] == 0 or logits.numel() == 0:
        raise ValueError(f"{name}: expected at least one row of V >= 1 logits {layout}, got shape "
                         f"{tuple(logits.shape)} (V = {logits.shape[-1]})")
    for bad, what in ((torch.isnan(logits), "NaN"), (torch.isposinf(logits), "+inf")):
        if bool(bad.any()):
            raise ValueError(
                f"{name}: {what} at position {_where(bad.nonzero()[0])} ({int(bad.sum())} in all); expected finite "
                f"logits, or -inf for a token ruled out. "
                + ("A NaN usually means the model diverged: check its weights and its input." if what == "NaN" else
                   "softmax cannot normalise +inf; to force a token, set the others to -inf."))
    dead = torch.isneginf(logits).all(-1)  # (...,): rows with no token left
    if bool(dead.any()):
        raise ValueError(f"{name}: row {_where(dead.nonzero()[0])} is -inf at every one of its {logits.shape[-1]} "
                         f"tokens, so there is nothing to pick; expected at least one finite logit per row")


def _check_temperature(temperature) -> float:
    return check_number("temperature", temperature, above=0, finite=True,
                        hint=". For the limit temperature -> 0 use greedy=True (always the most likely character).")


def _check_k(k, V: int) -> int:
    return check_int("top_k", k, 1, V, expected=f"an int k with 1 <= k <= V = {V} (the vocabulary size)")


def _check_p(p) -> float:
    return check_number("top_p", p, above=0, high=1, expected="a probability p with 0 < p <= 1")


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """z / tau for logits (..., V): tau < 1 sharpens the distribution, tau > 1 flattens it.

    ``temperature``: a number > 0 (Python, NumPy or a 0-d tensor; not a bool).
    """
    tau = _check_temperature(temperature)
    check_logits("logits", logits)
    return logits / tau


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Logits (..., V) with all but the k largest of each row set to -inf.

    Exactly k tokens stay in every row, also when logits tie: among equal logits the lowest ids
    are kept (a stable sort, so the same ones every time), e.g. ``k = 1`` on equal logits keeps
    token 0 only. ``k``: an int in 1..V (Python, NumPy or a 0-d tensor).
    """
    check_logits("logits", logits)
    k = _check_k(k, logits.shape[-1])
    order = torch.sort(logits, dim=-1, descending=True, stable=True).indices  # (..., V): ties in id order
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, order[..., :k], True)  # (..., V)
    return logits.masked_fill(~keep, float("-inf"))


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Logits (..., V) keeping, per row, the smallest set of most likely entries with probability >= p.

    An entry is kept when the probability of the entries more likely than it is still < p,
    so the most likely entry is always kept, and p = 1 keeps everything. Equal probabilities
    rank by id (lowest first), as in :func:`top_k_filter`.
    """
    check_logits("logits", logits)
    p = _check_p(p)
    if p == 1:
        return logits
    probs, order = torch.sort(torch.softmax(logits, dim=-1), dim=-1, descending=True, stable=True)  # (..., V)
    before = torch.cumsum(probs, dim=-1) - probs  # mass of the entries ranked above each one
    drop_sorted = before >= p
    drop = drop_sorted.scatter(-1, order, drop_sorted)  # back to vocabulary order
    return logits.masked_fill(drop, float("-inf"))


def next_distribution(logits: torch.Tensor, *, temperature: float = 1.0, top_k: int | None = None,
                      top_p: float | None = None) -> torch.Tensor:
    """The probabilities (..., V) that sampling draws from: temperature, then top-k, then top-p."""
    check_logits("logits", logits)
    z = apply_temperature(logits.float(), temperature)
    if bool(torch.isposinf(z).any()):  # a tiny temperature can push large logits past float32's range
        raise ValueError(f"temperature: {temperature!r} scales the logits (largest {float(logits.max()):.3g}) past "
                         f"float32's range; use greedy=True for the limit temperature -> 0")
    if top_k is not None:
        z = top_k_filter(z, top_k)
    if top_p is not None:
        z = top_p_filter(z, top_p)
    return torch.softmax(z, dim=-1)


def sample_next(logits: torch.Tensor, *, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, greedy: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """One id per row of logits (B, V) -> (B,): the arg-max if ``greedy`` (ties: the lowest id), else a sample."""
    check_logits("logits", logits, "(B, V)", rank=2)
    _check_temperature(temperature)  # every knob is checked, also the ones greedy decoding ignores
    if top_k is not None:
        _check_k(top_k, logits.shape[-1])
    if top_p is not None:
        _check_p(top_p)
    check_generator("generator", generator)
    if check_bool("greedy", greedy):
        return logits.argmax(dim=-1)
    probs = next_distribution(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def encode_prompt(vocab, prompt: str) -> torch.Tensor:
    """The prompt's ids, shape (len,), with a clear error for an empty or out-of-vocabulary prompt."""
    if not isinstance(prompt, str):
        raise ArgumentKindError(f"prompt: expected a non-empty string to start from, got {type(prompt).__name__} "
                                f"{prompt!r}" + ("; join the characters: ''.join(prompt)" if isinstance(prompt, list)
                                                 else ""))
    if not prompt:
        raise ValueError(f"prompt: expected a non-empty string to start from, got {prompt!r}")
    vocab.check_known(prompt, what="prompt", vocabulary="the model's vocabulary", advice="Remove or replace them.")
    return torch.as_tensor(vocab.encode(prompt))


@torch.no_grad()
def next_logits(model, vocab, prompt: str) -> torch.Tensor:
    """The model's logits (V,) for the character after ``prompt``."""
    ids = encode_prompt(vocab, prompt)
    with evaluating(model):
        logits, _ = model(ids[None, :].to(next(model.parameters()).device))
    return logits[0, -1].float().cpu()


def _check_model_and_vocab(model, vocab) -> None:
    """A language model and the vocabulary it was trained with (the same V), before any work."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model: expected a language model (a torch.nn.Module such as CharLSTM), "
                        f"got {type(model).__name__}")
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab: expected the rnnlab.data.vocab.Vocab the model was trained with, "
                        f"got {type(vocab).__name__}")
    V = getattr(model, "vocab_size", None)
    if isinstance(V, int) and V != len(vocab):
        raise ValueError(f"vocab: the model writes logits over vocab_size = {V} tokens, but vocab has {len(vocab)}; "
                         f"expected the vocabulary the model was trained with")


@torch.no_grad()
def generate(model, vocab, prompt: str, length: int = 200, *, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
             generator: torch.Generator | None = None) -> str:
    """``length`` characters that ``model`` writes after ``prompt`` (the prompt not included).

    ``model(x (1, T), state) -> (logits (1, T, V), state)``, as :class:`rnnlab.models.char_lm.CharLSTM`,
    with V = ``len(vocab)``. The prompt is read in one call; then each sampled character is fed
    back in, one step at a time, carrying the state.
    """
    _check_model_and_vocab(model, vocab)
    length = check_int("length", length, 0)
    _check_temperature(temperature)  # fail before any work, with the parameter's own message
    if top_k is not None:
        top_k_filter(torch.zeros(1, len(vocab)), top_k)
    if top_p is not None:
        top_p_filter(torch.zeros(1, len(vocab)), top_p)
    check_bool("greedy", greedy)
    check_generator("generator", generator)
    ids = encode_prompt(vocab, prompt)
    device = next(model.parameters()).device
    out = []
    with evaluating(model):
        logits, state = model(ids[None, :].to(device))  # (1, T, V)
        if logits.shape[-1] != len(vocab):
            raise ValueError(f"vocab: the model writes logits over {logits.shape[-1]} tokens, but vocab has "
                             f"{len(vocab)}; expected the vocabulary the model was trained with")
        for _ in range(length):
            nxt = sample_next(logits[:, -1].cpu(), temperature=temperature, top_k=top_k, top_p=top_p,
                              greedy=greedy, generator=generator)  # (1,)
            out.append(int(nxt))
            logits, state = model(nxt[None, :].to(device), state)  # (1, 1, V)
    return vocab.decode(out)
