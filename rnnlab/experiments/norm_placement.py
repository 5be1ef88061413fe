"""Where the LayerNorm goes: post-norm against pre-norm, measured (notebook 11).

    post-norm (Vaswani et al. 2017):  x_{l+1} = LN(x_l + F_l(x_l))
    pre-norm  (GPT-2; Xiong et al. 2020): x_{l+1} = x_l + F_l(LN(x_l)),  and one LN after the last layer

Post-norm renormalises the residual stream after every sub-layer, so its size stays fixed and
every layer's gradient passes through every later LayerNorm. Pre-norm leaves an identity path
from every layer to the output; the stream grows as the layers add to it, and the final LN
divides by its size, so the gradient reaching a deep stack's last layer shrinks with depth
(Xiong et al., Theorem 1: O(1/sqrt(N)) for pre-norm, independent of N for post-norm). Large
gradients near the output are why post-norm needs a learning-rate warm-up.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_int
from rnnlab.nn.transformer import TransformerEncoderLayer


def _seeds(seeds) -> list:
    """``seeds`` as a non-empty list (the statistics are averaged over them)."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("init_statistics: expected seeds, at least one seed to average over, got none")
    return seeds


def init_statistics(num_layers: int, norm_first: bool, d_model: int = 64, nhead: int = 4, vocab: int = 30,
                    batch: int = 8, T: int = 32, seeds=(0, 1, 2)) -> dict:
    """A freshly initialised stack of ``num_layers`` encoder layers, one cross-entropy backward pass.

    Input x (batch, T, d_model) ~ N(0, 1) through the layers (and a final LayerNorm when
    ``norm_first``), a linear read-out to ``vocab`` logits, random targets. Averaged over ``seeds``:
      rms        (num_layers,)  RMS of the residual stream after each layer
      last_grad  float          norm of the gradient of the last layer's W_2 (linear2.weight)
    """
    num_layers = check_int("num_layers", num_layers, 1)
    seeds = _seeds(seeds)
    rms, grads = [], []
    for seed in seeds:
        gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        layers = nn.ModuleList(TransformerEncoderLayer(d_model, nhead, 4 * d_model, dropout=0.0, batch_first=True,
                                                       norm_first=norm_first) for _ in range(num_layers))
        final = nn.LayerNorm(d_model) if norm_first else nn.Identity()
        head = nn.Linear(d_model, vocab)
        x = torch.randn(batch, T, d_model, generator=gen)
        y = torch.randint(vocab, (batch, T), generator=gen)
        sizes = []
        for layer in layers:
            x = layer(x)
            sizes.append(x.detach().pow(2).mean().sqrt().item())
        F.cross_entropy(head(final(x)).flatten(0, 1), y.flatten()).backward()
        rms.append(sizes)
        grads.append(layers[-1].linear2.weight.grad.norm().item())
    return {"rms": np.mean(rms, axis=0), "last_grad": float(np.mean(grads))}


def linear_warmup(optimizer: torch.optim.Optimizer, lr: float, warmup_steps: int):
    """``set_lr(step)``: the learning rate rises linearly, lr * step / warmup_steps, then stays at lr.

    Call it with the training step (from 1) before each optimizer step; warmup_steps = 0 means none.
    """
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)

    def set_lr(step: int) -> float:
        value = lr * min(1.0, step / warmup_steps) if warmup_steps else lr
        for group in optimizer.param_groups:
            group["lr"] = value
        return value

    return set_lr
