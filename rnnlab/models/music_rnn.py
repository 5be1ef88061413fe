"""Next-frame prediction on piano rolls: an RNN with one sigmoid per key (notebook 15).

    x_t (B, T, 88)  --RNN / GRU / LSTM (rnnlab.nn)-->  h_t (B, T, H)  --W_hy h_t + b_y-->  y_t (B, T, 88)

``y_t`` are logits: ``p(key k sounds in frame t+1 | frames 1..t) = sigmoid(y_t[k])``, each key
independent of the others given ``h_t`` (Boulanger-Lewandowski et al. 2012's RNN baseline; Chung
et al. 2014). The loss is the **negative log-likelihood per frame in nats**: for each predicted
frame, the sum over the 88 keys of the binary cross-entropy, averaged over the real (unpadded)
frames. A model that says ``p = 0.5`` for every key scores ``88 ln 2 = 61.0`` nats per frame.

Chorales differ in length: a batch is padded at the end (:func:`pad_rolls`) and the loss masked
(:func:`frame_nll`); the model is causal, so padding after a frame never changes its prediction.
"""
from __future__ import annotations


import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import (check_batch, check_float_input, check_generator, check_int, check_lengths, check_number,
                           check_rank, check_size, check_tensor)
from rnnlab.course.runtime import evaluating
from rnnlab.data.chorales import N_KEYS, check_roll
from rnnlab.models.sizes import nearest_size
from rnnlab.nn import GRU, LSTM, RNN
from rnnlab.nn.init import course_init_

#: The contenders: rnnlab.nn's layers (they mirror torch.nn.RNN, GRU, LSTM), with their gate blocks.
CELLS = {"tanh": RNN, "GRU": GRU, "LSTM": LSTM}
_BLOCKS = {"tanh": 1, "GRU": 3, "LSTM": 4}


def _check_cell(cell: str) -> str:
    if cell not in CELLS:
        raise ValueError(f"cell: expected one of {sorted(CELLS)}, got {cell!r}")
    return cell


class PianoRollRNN(nn.Module):
    """Frames in, next-frame logits out: ``forward(x (B, T, 88), state=None) -> (y (B, T, 88), state)``.

    ``cell`` is ``"tanh"``, ``"GRU"`` or ``"LSTM"``; ``state`` is the layer's ``h`` (or ``(h, c)``),
    each ``(1, B, H)``, so a continuation can be generated one frame at a time. The course's init
    (orthogonal ``W_hh``, Xavier ``W_xh``, LSTM forget bias 1).
    """

    def __init__(self, cell: str = "LSTM", hidden_size: int = 36, n_keys: int = N_KEYS):
        super().__init__()
        self.cell = _check_cell(cell)
        self.n_keys = check_int("n_keys", n_keys, 1, what="keys per frame")
        hidden_size = check_int("hidden_size", hidden_size, 1)
        self.rnn = CELLS[cell](self.n_keys, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, self.n_keys)        # W_hy, b_y
        course_init_(self.rnn)

    def forward(self, x: torch.Tensor, state=None):
        check_float_input("x", x, self.head.weight.dtype, "(B, T, n_keys)")
        check_rank("x", x, (3,), "(B, T, n_keys)")
        check_size("x", x, 2, self.n_keys, "keys per frame")
        if x.shape[1] == 0:
            raise ValueError(f"x: expected at least one frame, got an empty piano roll of shape {tuple(x.shape)}")
        h, state = self.rnn(x, state)          # h_t (B, T, H)
        return self.head(h), state             # y_t (B, T, n_keys): logits of frame t+1


def piano_roll_parameters(cell: str, hidden_size: int, n_keys: int = N_KEYS) -> int:
    """:class:`PianoRollRNN`'s parameters without building it: ``G (H D + H^2 + 2H) + (H + 1) D``
    (``G`` gate blocks: 1 tanh, 3 GRU, 4 LSTM; ``D = n_keys``; the head ``W_hy, b_y``)."""
    g, h, d = _BLOCKS[_check_cell(cell)], check_int("hidden_size", hidden_size, 1), n_keys
    return g * (h * d + h * h + 2 * h) + (h + 1) * d


def matched_hidden_size(cell: str, n_params: int, n_keys: int = N_KEYS) -> int:
    """The hidden size whose ``cell`` model has the parameter count nearest ``n_params`` (head included)."""
    n_params = check_int("n_params", n_params, 1, what="the parameter count to match")
    _check_cell(cell)
    return nearest_size(lambda h: piano_roll_parameters(cell, h, n_keys), n_params)


def pad_rolls(rolls) -> tuple[torch.Tensor, torch.Tensor]:
    """A list of ``B`` piano rolls ``(T_b, 88)`` -> ``(rolls (B, T_max, 88) float32, lengths (B,))``,
    zero-padded at the end."""
    if isinstance(rolls, (np.ndarray, torch.Tensor)) or not hasattr(rolls, "__len__"):
        raise TypeError(f"pad_rolls: expected a list of piano rolls (T, 88), got {type(rolls).__name__}")
    if len(rolls) == 0:
        raise ValueError("pad_rolls: expected at least one piano roll, got an empty list")
    for b, roll in enumerate(rolls):
        check_roll(f"rolls[{b}]", roll)
    lengths = torch.tensor([len(r) for r in rolls])
    out = torch.zeros(len(rolls), int(lengths.max()), N_KEYS)
    for b, roll in enumerate(rolls):
        out[b, :len(roll)] = torch.as_tensor(np.asarray(roll), dtype=torch.float32)
    return out, lengths


def frame_nll(logits: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor | None = None,
              reduction: str = "mean") -> torch.Tensor:
    """NLL of ``targets`` (B, T, K) in 0/1 under ``sigmoid(logits)`` (B, T, K), in nats.

    Per frame: ``-sum_k [x_k log p_k + (1 - x_k) log(1 - p_k)]``; frames ``t >= lengths[b]`` are
    padding and not counted. ``reduction="mean"``: averaged over the real frames (nats per frame);
    ``"sum"``: their total; ``"none"``: the ``(B, T)`` per-frame NLL, 0 at padding.
    """
    check_tensor("logits", logits, "(B, T, K)")
    check_tensor("targets", targets, "(B, T, K)")
    check_rank("logits", logits, (3,), "(B, T, K)")
    if targets.shape != logits.shape:
        raise ValueError(f"frame_nll: expected targets of the logits' shape {tuple(logits.shape)} (B, T, K), got "
                         f"{tuple(targets.shape)}; the targets are the frames one step later: rolls[:, 1:]")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"frame_nll: expected reduction 'mean', 'sum' or 'none', got {reduction!r}")
    B, T, _ = logits.shape
    if lengths is None:
        lengths = torch.full((B,), T)
    check_lengths("lengths", lengths, B, T)
    per_frame = F.binary_cross_entropy_with_logits(logits, targets.to(logits.dtype), reduction="none").sum(-1)
    real = torch.arange(T, device=logits.device)[None, :] < lengths.to(logits.device)[:, None]   # (B, T)
    per_frame = per_frame * real
    if reduction == "none":
        return per_frame
    total = per_frame.sum()
    if reduction == "sum":
        return total
    if int(real.sum()) == 0:
        raise ValueError("frame_nll: every frame is padding (lengths are all 0): no frame to average over")
    return total / real.sum()


def music_loss(model: PianoRollRNN, batch) -> torch.Tensor:
    """NLL per frame (nats) of ``batch = (rolls (B, T, 88), lengths (B,))``: frames ``0..T-2`` in,
    frames ``1..T-1`` predicted (a chorale of ``T`` frames gives ``T - 1`` predictions)."""
    rolls, lengths = check_batch("music_loss", batch, ("rolls", "lengths"))
    if rolls.ndim != 3 or rolls.shape[1] < 2:
        raise ValueError(f"music_loss: expected rolls (B, T, 88) with T >= 2 (one frame in, the next predicted), "
                         f"got shape {tuple(rolls.shape)}")
    logits, _ = model(rolls[:, :-1])
    return frame_nll(logits, rolls[:, 1:], (lengths - 1).clamp(min=0))


def evaluate_nll(model: PianoRollRNN, rolls, batch_size: int = 64) -> float:
    """Nats per predicted frame over all of ``rolls`` (a list of ``(T, 88)``): the total NLL of
    frames ``1..T-1`` of every roll, divided by their number (each frame counts once)."""
    batch_size = check_int("batch_size", batch_size, 1)
    if isinstance(rolls, (np.ndarray, torch.Tensor)) or not hasattr(rolls, "__len__") or len(rolls) == 0:
        raise ValueError(f"evaluate_nll: expected rolls, a non-empty list of piano rolls (T, 88), got "
                         f"{type(rolls).__name__} of length {len(rolls) if hasattr(rolls, '__len__') else '?'}")
    device = model.head.weight.device
    total, frames = 0.0, 0
    with evaluating(model), torch.no_grad():
        for start in range(0, len(rolls), batch_size):
            x, lengths = pad_rolls(rolls[start:start + batch_size])
            x = x.to(device)
            logits, _ = model(x[:, :-1])
            total += float(frame_nll(logits, x[:, 1:], lengths - 1, reduction="sum"))
            frames += int((lengths - 1).sum())
    return total / frames


def chorale_batches(rolls, batch_size: int, generator: torch.Generator):
    """``batches(step) -> (rolls (B, T, 88), lengths (B,))``: ``batch_size`` rolls drawn at random
    (without replacement within a batch) with ``generator``, padded (for :func:`rnnlab.training.loop.train`)."""
    batch_size = check_int("batch_size", batch_size, 1, len(rolls), what="rolls per batch, at most len(rolls)")
    check_generator("generator", generator)

    def batches(step):
        pick = torch.randperm(len(rolls), generator=generator)[:batch_size].tolist()
        return pad_rolls([rolls[i] for i in pick])

    return batches


def sample_continuation(model: PianoRollRNN, opening, n_frames: int, temperature: float = 1.0,
                        generator: torch.Generator | None = None) -> np.ndarray:
    """Read ``opening`` (T0, 88), then draw ``n_frames`` new frames -> ``(n_frames, 88)`` float32 of 0/1.

    Each key of frame ``t+1`` is drawn independently: ``on ~ Bernoulli(sigmoid(y_t / temperature))``;
    the drawn frame is fed back as ``x_{t+1}``. ``temperature < 1`` sharpens (fewer surprises),
    ``> 1`` flattens towards coin flips.
    """
    check_roll("opening", opening)
    n_frames = check_int("n_frames", n_frames, 1, what="frames to generate")
    temperature = check_number("temperature", temperature, above=0, finite=True,
                               what="sharpening (< 1) or flattening (> 1) of each key's probability")
    if generator is not None:
        check_generator("generator", generator)
    device = model.head.weight.device
    x = torch.as_tensor(np.asarray(opening), dtype=model.head.weight.dtype)[None].to(device)   # (1, T0, 88)
    frames = []
    with evaluating(model), torch.no_grad():
        logits, state = model(x)
        for _ in range(n_frames):
            p = torch.sigmoid(logits[0, -1].cpu() / temperature)                                # (88,)
            frame = torch.bernoulli(p, generator=generator)
            frames.append(frame)
            logits, state = model(frame[None, None].to(device), state)
    return torch.stack(frames).numpy().astype(np.float32)
