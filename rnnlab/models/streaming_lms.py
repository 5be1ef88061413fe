"""Language models that write one token at a time, and what that costs in memory.

To generate, a model reads its own last token and must remember everything before it:

    LSTMLM          state (h, c), each (L, B, H): the same size after 10 tokens or 10,000
    MinGRULM        state h, (L, B, H): constant too; and it *trains* with a parallel scan
    TransformerLM   (:mod:`rnnlab.models.transformers`, notebook 11's) a KV cache: every layer keeps
                    the keys and values of every token so far, 2 * L * B * n * d_model numbers
                    after n tokens (and the n ids of its window): it grows linearly

All three share one interface (x: token ids, int64)::

    logits, state = model(x, state=None)      x (B, T) -> logits (B, T, V)    (training, prefix)
    state = model.initial_state(B)
    logits, state = model.step(x_t, state)    x_t (B,) -> logits (B, V)       (one token)

``memory_vs_length`` generates greedily under :class:`rnnlab.experiments.speed.MemoryMeter` and records,
after every token, the bytes the state holds and the peak bytes the step needed.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_ids, check_int, check_shape, check_tensor
from rnnlab.course.runtime import evaluating
from rnnlab.experiments.speed import MemoryMeter, rss_bytes, tensor_bytes
from rnnlab.models.char_lm import CharLSTM, _check_targets
from rnnlab.nn.mingru import MODES, MinGRU


class LSTMLM(CharLSTM):
    """``rnnlab.models.char_lm.CharLSTM`` (embedding -> rnnlab.nn.LSTM -> head) with the streaming interface.

    State (h, c), each (L, B, H). Parameters: V*E + L LSTM layers (4H(E+H+2) for the first) + H*V + V.
    """

    def initial_state(self, batch_size: int, device=None):
        batch_size = check_int("batch_size", batch_size, 1)
        device = device if device is not None else self.head.weight.device
        zeros = torch.zeros(self.num_layers, batch_size, self.hidden_size, device=device, dtype=self.head.weight.dtype)
        return zeros, zeros.clone()

    def step(self, x_t: torch.Tensor, state):
        """x_t (B,) ids, state (h, c) each (L, B, H) -> logits (B, V), new state of the same size."""
        check_ids("x_t", x_t, self.vocab_size, "(B,)")
        logits, state = self(x_t[:, None], state)  # (B, 1, V)
        return logits[:, 0], state


class MinGRULM(nn.Module):
    """Embedding -> L residual minGRU blocks -> LayerNorm -> head (after Feng et al. 2024's LM).

    Block: x = x + W_out minGRU(LayerNorm(x)), minGRU d_model -> hidden_size, W_out hidden_size -> d_model.
    ``forward`` runs each minGRU by the parallel scan (``mode="sequential"``: by the loop, same
    result); ``step`` runs it as an RNN, one token at a time, state h (L, B, H).
    ``carry``/``tbptt_loss`` as in ``CharLSTM``, so ``rnnlab.models.char_lm.tbptt_loss`` and ``evaluate_nll``
    and ``rnnlab.training.checkpoint.train_resumable`` work unchanged.
    """

    def __init__(self, vocab_size: int, d_model: int = 64, num_layers: int = 1, hidden_size: int | None = None,
                 mode: str = "parallel"):
        super().__init__()
        vocab_size = check_int("vocab_size (a language model chooses among at least 2 tokens)", vocab_size, 2)
        d_model, num_layers = check_int("d_model", d_model, 1), check_int("num_layers", num_layers, 1)
        if mode not in MODES:
            raise ValueError(f"mode: expected one of {MODES}, got {mode!r}")
        self.vocab_size, self.d_model, self.num_layers = vocab_size, d_model, num_layers
        self.hidden_size = 2 * d_model if hidden_size is None else check_int("hidden_size", hidden_size, 1)
        self.mode = mode
        self.embed = nn.Embedding(vocab_size, d_model)
        self.norms = nn.ModuleList(nn.LayerNorm(d_model) for _ in range(num_layers))
        self.cells = nn.ModuleList(MinGRU(d_model, self.hidden_size) for _ in range(num_layers))
        self.outs = nn.ModuleList(nn.Linear(self.hidden_size, d_model) for _ in range(num_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)
        self.carry = None

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) ids; state h (L, B, H) or None -> logits (B, T, V), h_T (L, B, H)."""
        check_ids("x", x, self.vocab_size, "(B, T)")
        if state is not None:
            self._check_state(state, x.shape[0])
        z = self.embed(x)  # (B, T, d)
        finals = []
        for k, (norm, cell, out) in enumerate(zip(self.norms, self.cells, self.outs)):
            h, h_T = cell(norm(z), None if state is None else state[k], mode=self.mode)  # (B, T, H), (B, H)
            z = z + out(h)
            finals.append(h_T)
        return self.head(self.norm(z)), torch.stack(finals)

    def _check_state(self, state, B: int) -> None:
        """state h (L, B, H): what initial_state(B) or the previous call returned."""
        check_tensor("state", state, "h (L, B, H); initial_state(B) makes one")
        check_shape("state", state, (self.num_layers, B, self.hidden_size), "h (L, B, H) for x's B sequences")

    def initial_state(self, batch_size: int, device=None):
        batch_size = check_int("batch_size", batch_size, 1)
        device = device if device is not None else self.head.weight.device
        return torch.zeros(self.num_layers, batch_size, self.hidden_size, device=device, dtype=self.head.weight.dtype)

    def step(self, x_t: torch.Tensor, state):
        """x_t (B,) ids, state h (L, B, H) -> logits (B, V), new h (L, B, H)."""
        check_ids("x_t", x_t, self.vocab_size, "(B,)")
        if state is None:
            raise TypeError("state: expected h (L, B, H) from initial_state(B) or the previous step, got None")
        self._check_state(state, x_t.shape[0])
        z = self.embed(x_t)  # (B, d)
        new = []
        for k, (norm, cell, out) in enumerate(zip(self.norms, self.cells, self.outs)):
            h = cell.step(norm(z), state[k])  # (B, H)
            z = z + out(h)
            new.append(h)
        return self.head(self.norm(z)), torch.stack(new)

    def tbptt_loss(self, x, y, reset: bool = False):
        """As ``CharLSTM.tbptt_loss``: start from the carried (detached) state, store the new one."""
        _check_targets(self, x, y)
        state = None if reset or self.carry is None or self.carry.shape[1] != x.shape[0] else self.carry
        logits, h = self(x, state)
        self.carry = h.detach()
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), y.reshape(-1))

    def get_extra_state(self):
        return {"carry": self.carry}

    def set_extra_state(self, state) -> None:
        self.carry = state["carry"] if state else None


def _counts(**counts) -> None:
    """Every count an int >= 0 (the bytes per number >= 1): sizes, not floats."""
    for name, value in counts.items():
        check_int(name, value, 1 if name == "bytes_per_number" else 0)


def kv_cache_bytes(layers: int, d_model: int, tokens: int, batch: int = 1, bytes_per_number: int = 2) -> int:
    """Bytes of a transformer's KV cache: keys and values, every layer, every token: 2 L B n d."""
    _counts(layers=layers, d_model=d_model, tokens=tokens, batch=batch, bytes_per_number=bytes_per_number)
    return 2 * layers * batch * tokens * d_model * bytes_per_number


def lstm_state_bytes(layers: int, hidden: int, batch: int = 1, bytes_per_number: int = 2) -> int:
    """Bytes of an LSTM's state (h, c) per layer: 2 L B H, whatever the length."""
    _counts(layers=layers, hidden=hidden, batch=batch, bytes_per_number=bytes_per_number)
    return 2 * layers * batch * hidden * bytes_per_number


def _check_generation(model, steps, batch_size, first_token) -> None:
    """steps and batch_size ints >= 1, first_token an id of the model's vocabulary."""
    check_int("steps", steps, 1, fn="memory_vs_length")
    check_int("batch_size", batch_size, 1)
    check_int("first_token", first_token, 0, model.vocab_size - 1, fn="memory_vs_length", what="a token id")


def memory_vs_length(model, steps: int, batch_size: int = 1, device=None, first_token: int = 0,
                     rss: bool = False) -> dict:
    """Generate ``steps`` tokens greedily and measure memory after each one.

    Returns a dict of lists, one entry per generated token n = 1..steps:
      ``length``       n
      ``state_bytes``  bytes the state holds after n tokens (:func:`rnnlab.experiments.speed.tensor_bytes`)
      ``peak_bytes``   the most bytes alive at once during step n, counted from before the first
                       step (the state and the step's temporaries; not the model's parameters)
      ``rss_bytes``    with ``rss=True``: the process's resident memory after step n, a coarse
                       process-level cross-check (:func:`rnnlab.experiments.speed.rss_bytes`)
    Measured by :class:`rnnlab.experiments.speed.MemoryMeter` on the model's device (CPU: every tensor the
    ops allocate; CUDA: the allocator's statistics).
    """
    _check_generation(model, steps, batch_size, first_token)
    device = torch.device(device) if device is not None else next(model.parameters()).device
    out = {"length": [], "state_bytes": [], "peak_bytes": [], **({"rss_bytes": []} if rss else {})}
    x_t = torch.full((batch_size,), first_token, dtype=torch.int64, device=device)
    with evaluating(model), torch.no_grad(), MemoryMeter(device) as meter:
        state = model.initial_state(batch_size, device)
        for n in range(1, steps + 1):
            meter.reset_peak()
            logits, state = model.step(x_t, state)
            x_t = logits.argmax(-1)
            del logits
            out["length"].append(n)
            out["state_bytes"].append(tensor_bytes(state))
            out["peak_bytes"].append(meter.peak())
            if rss:
                out["rss_bytes"].append(rss_bytes())
    return out


def make_train_step(model, batch_size: int, seq_len: int, device=None, autocast_dtype=None, seed: int = 0):
    """A callable running one training step's forward + backward on random ids (no optimizer step).

    x, y (B, T) drawn once; the loss is the mean cross-entropy of the logits (B, T, V) against y;
    gradients are cleared after each call. ``autocast_dtype`` (e.g. torch.bfloat16) runs the
    forward under ``torch.autocast``. Time it and divide B * T by the time for tokens per second.
    """
    batch_size, seq_len = check_int("batch_size", batch_size, 1), check_int("seq_len", seq_len, 1)
    device = torch.device(device) if device is not None else next(model.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    x = torch.randint(0, model.vocab_size, (batch_size, seq_len), generator=gen).to(device)
    y = torch.randint(0, model.vocab_size, (batch_size, seq_len), generator=gen).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()

    def train_step():
        with torch.autocast(device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
            logits, _ = model(x)
            loss = F.cross_entropy(logits.reshape(-1, model.vocab_size).float(), y.reshape(-1))
        loss.backward()
        for p in params:
            p.grad = None

    return train_step
