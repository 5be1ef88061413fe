"""Turning a language model's next-character distribution into text.

Every decoding rule here reshapes the logits ``z`` (..., V) of ``p(x_{t+1} | x_<=t)``
and then samples (or takes the arg-max):

    greedy        x = argmax_v z_v                         always the single most likely
    temperature   p_v = softmax(z / tau)_v                  tau < 1 sharper, tau > 1 flatter
    top-k         keep the k largest z_v, renormalise       (Fan et al. 2018)
    top-p         keep the smallest set of most likely      (Holtzman et al. 2020, "nucleus")
                  characters whose probability sums to >= p, renormalise

Filters set the dropped logits to -inf, so ``softmax`` gives them probability 0.
Sampling is reproducible with a seeded ``torch.Generator``.
"""
from __future__ import annotations

import math

import torch

from rnnlab.course.runtime import evaluating


def _check_temperature(temperature: float) -> None:
    if not (isinstance(temperature, (int, float)) and temperature > 0 and math.isfinite(temperature)):
        raise ValueError(
            f"temperature: expected a finite number > 0, got {temperature!r}. "
            f"For the limit temperature -> 0 use greedy=True (always the most likely character)."
        )


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """z / tau for logits (..., V): tau < 1 sharpens the distribution, tau > 1 flattens it."""
    _check_temperature(temperature)
    return logits / temperature


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Logits (..., V) with all but the k largest of each row set to -inf."""
    V = logits.shape[-1]
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= V:
        raise ValueError(f"top_k: expected an int k with 1 <= k <= V = {V} (the vocabulary size), got {k!r}")
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]  # (..., 1): the k-th largest logit
    return logits.masked_fill(logits < kth, float("-inf"))


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Logits (..., V) keeping, per row, the smallest set of most likely entries with probability >= p.

    An entry is kept when the probability of the entries more likely than it is still < p,
    so the most likely entry is always kept, and p = 1 keeps everything.
    """
    if not (isinstance(p, (int, float)) and 0 < p <= 1):
        raise ValueError(f"top_p: expected a probability p with 0 < p <= 1, got {p!r}")
    if p == 1:
        return logits
    probs, order = torch.sort(torch.softmax(logits, dim=-1), dim=-1, descending=True)  # (..., V)
    before = torch.cumsum(probs, dim=-1) - probs  # mass of the entries ranked above each one
    drop_sorted = before >= p
    drop = drop_sorted.scatter(-1, order, drop_sorted)  # back to vocabulary order
    return logits.masked_fill(drop, float("-inf"))


def next_distribution(logits: torch.Tensor, *, temperature: float = 1.0, top_k: int | None = None,
                      top_p: float | None = None) -> torch.Tensor:
    """The probabilities (..., V) that sampling draws from: temperature, then top-k, then top-p."""
    z = apply_temperature(logits.float(), temperature)
    if top_k is not None:
        z = top_k_filter(z, top_k)
    if top_p is not None:
        z = top_p_filter(z, top_p)
    return torch.softmax(z, dim=-1)


def sample_next(logits: torch.Tensor, *, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, greedy: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """One id per row of logits (B, V) -> (B,): the arg-max if ``greedy``, else a sample."""
    if logits.ndim != 2:
        raise ValueError(f"sample_next: expected logits of shape (B, V), got {tuple(logits.shape)}")
    if greedy:
        return logits.argmax(dim=-1)
    probs = next_distribution(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def encode_prompt(vocab, prompt: str) -> torch.Tensor:
    """The prompt's ids, shape (len,), with a clear error for an empty or out-of-vocabulary prompt."""
    if not isinstance(prompt, str) or not prompt:
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


@torch.no_grad()
def generate(model, vocab, prompt: str, length: int = 200, *, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
             generator: torch.Generator | None = None) -> str:
    """``length`` characters that ``model`` writes after ``prompt`` (the prompt not included).

    ``model(x (1, T), state) -> (logits (1, T, V), state)``, as :class:`rnnlab.models.char_lm.CharLSTM`.
    The prompt is read in one call; then each sampled character is fed back in, one step
    at a time, carrying the state.
    """
    if not isinstance(length, int) or length < 0:
        raise ValueError(f"length: expected an int >= 0, got {length!r}")
    _check_temperature(temperature)  # fail before any work, with the parameter's own message
    if top_k is not None:
        top_k_filter(torch.zeros(1, len(vocab)), top_k)
    if top_p is not None:
        top_p_filter(torch.zeros(1, len(vocab)), top_p)
    ids = encode_prompt(vocab, prompt)
    device = next(model.parameters()).device
    out = []
    with evaluating(model):
        logits, state = model(ids[None, :].to(device))  # (1, T, V)
        for _ in range(length):
            nxt = sample_next(logits[:, -1].cpu(), temperature=temperature, top_k=top_k, top_p=top_p,
                              greedy=greedy, generator=generator)  # (1,)
            out.append(int(nxt))
            logits, state = model(nxt[None, :].to(device), state)  # (1, 1, V)
    return vocab.decode(out)
