"""A character-level language model in plain NumPy: training loop, baselines and sampling (notebook 02).

This is Karpathy's min-char-rnn (2015) rebuilt from the course's pieces: an Elman RNN with a
softmax output (:func:`rnnlab.byhand.elman_lm_loss`, full BPTT inside each chunk), trained
by Adagrad with every gradient entry clipped to ``[-clip, clip]``. Its defaults are
min-char-rnn's: hidden size 100, chunks of 25 characters, learning rate 0.1, clip 5,
weights drawn ``N(0, 0.01^2)``, biases zero. Two things differ, both on purpose:

* ``batch_size`` streams read the text side by side (min-char-rnn: one), each from its own
  contiguous part of the text, so one update sees ``batch_size * seq_length`` characters;
* the gradient is that of the loss **summed over a chunk's steps and averaged over the
  streams** -- with ``batch_size=1`` exactly min-char-rnn's, so clipping at 5 means the same.

The hidden state is carried from one chunk to the next (truncated BPTT with
``k1 = k2 = seq_length``, like min-char-rnn) and reset to zero when a stream wraps around.

Shapes: text ids ``(N,)``; one-hot inputs ``x (B, T, V)``; ``h (B, H)``; parameters as in
:mod:`rnnlab.byhand.elman_lm`: ``W_xh (H, V)``, ``W_hh (H, H)``, ``b_h (H,)``,
``W_hy (V, H)``, ``b_y (V,)``. Losses are in nats per character.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.checks import check_int, check_number
from rnnlab.data.vocab import Vocab

from .affine import temporal_affine_forward
from .elman import rnn_forward, rnn_step_forward
from .elman_lm import PARAM_NAMES, check_params, elman_lm_loss
from .inputs import check_array, check_targets
from .loss import softmax_cross_entropy


@dataclass
class CharRNN:
    """An Elman character model: its vocabulary and its parameters (a dict keyed by PARAM_NAMES)."""

    vocab: Vocab
    params: dict

    @property
    def hidden_size(self) -> int:
        return int(self.params["W_hh"].shape[0])

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)


def _check_model(model) -> None:
    """A CharRNN whose parameters fit its vocabulary: W_xh (H, V), W_hy (V, H) with V = len(vocab)."""
    if not isinstance(model, CharRNN):
        raise TypeError(f"model: expected a CharRNN (init_char_rnn makes one), got {type(model).__name__}")
    check_params(model.params, D=model.vocab_size)
    if model.params["W_hy"].shape[0] != model.vocab_size:
        raise ValueError(f"model.params['W_hy']: expected {model.vocab_size} rows, one per character of the "
                         f"vocabulary, got shape {model.params['W_hy'].shape}")


def init_char_rnn(vocab, hidden_size: int = 100, seed: int = 0, scale: float = 0.01) -> CharRNN:
    """A fresh model, initialised as min-char-rnn: weights ``N(0, scale^2)``, biases zero.

    vocab: a :class:`~rnnlab.data.Vocab` or a text to build it from.
    -> CharRNN with W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,), float64.
    """
    if isinstance(vocab, str):
        vocab = Vocab.from_text(vocab)  # raises a clear ValueError on an empty text
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab: expected a Vocab or a str, got {type(vocab).__name__}")
    H, V = check_int("hidden_size", hidden_size, 1), len(vocab)
    rng = np.random.default_rng(seed)
    params = {
        "W_xh": rng.standard_normal((H, V)) * scale,
        "W_hh": rng.standard_normal((H, H)) * scale,
        "b_h": np.zeros(H),
        "W_hy": rng.standard_normal((V, H)) * scale,
        "b_y": np.zeros(V),
    }
    return CharRNN(vocab, params)


def one_hot(ids, V: int) -> np.ndarray:
    """ids (...,) integers in [0, V) -> float64 one-hot vectors (..., V)."""
    ids = np.asarray(ids)
    check_targets("ids", ids, check_int("V", V, 1), ids.shape, "(any shape)")  # np.eye(V)[-1]: a silent row
    return np.eye(V)[ids]


def clip_gradients(grads: dict, limit: float = 5.0) -> int:
    """Clip every gradient entry to ``[-limit, limit]`` in place (min-char-rnn's ``np.clip``).

    Returns how many entries were clipped. Note this clips each *entry*, which can change
    the gradient's direction; clipping by the total norm (notebook 03) does not.
    """
    check_number("limit", limit, above=0, finite=True, expected="a positive number")
    if not isinstance(grads, dict):
        raise TypeError(f"grads: expected a dict (name -> gradient array), got {type(grads).__name__}")
    for name, g in grads.items():
        check_array(f"grads[{name!r}]", g)  # clipped in place: a NumPy float array
    clipped = 0
    for name, g in grads.items():
        clipped += int(np.count_nonzero(np.abs(g) > limit))
        np.clip(g, -limit, limit, out=g)
    return clipped


def _check_update(memory: dict, params: dict, grads: dict) -> None:
    """Adagrad's step: params and grads hold every name of ``memory``, each a float array of its shape."""
    for what, given in (("params", params), ("grads", grads)):
        if not isinstance(given, dict):
            raise TypeError(f"{what}: expected a dict (name -> array), got {type(given).__name__}")
        missing = [name for name in memory if name not in given]
        if missing:
            raise ValueError(f"{what}: expected the keys {tuple(memory)} (those Adagrad was made with), "
                             f"{missing} missing")
    for name, m in memory.items():
        for what, given in (("params", params), ("grads", grads)):
            check_array(f"{what}[{name!r}]", given[name])
            if given[name].shape != m.shape:  # NumPy would broadcast a (1,) gradient over every entry
                raise ValueError(f"{what}[{name!r}]: expected shape {m.shape} (as when Adagrad was made), "
                                 f"got {given[name].shape}")


class Adagrad:
    """Adagrad as in min-char-rnn: ``m += g**2; p -= lr * g / sqrt(m + eps)``, per entry.

    Each parameter entry gets its own step size, ``lr / sqrt(sum of its squared
    gradients so far)``: large at first, shrinking where gradients have been large.
    """

    def __init__(self, params: dict, lr: float = 0.1, eps: float = 1e-8):
        if not isinstance(params, dict):
            raise TypeError(f"params: expected a dict (name -> array), got {type(params).__name__}")
        self.lr = check_number("lr", lr, above=0, finite=True, expected="a positive learning rate")
        # eps = 0 would give 0 / 0 for a parameter whose gradient has been 0 so far
        self.eps = check_number("eps", eps, above=0, finite=True, expected="a small positive number, e.g. 1e-8")
        self.memory = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, params: dict, grads: dict) -> None:
        """Update ``params`` in place from ``grads`` (same keys and shapes)."""
        _check_update(self.memory, params, grads)  # all of them first: no half-done update
        for name, m in self.memory.items():
            g = grads[name]
            m += g * g
            params[name] -= self.lr * g / np.sqrt(m + self.eps)


def _encode(model: CharRNN, text, name: str, at_least: int) -> np.ndarray:
    if isinstance(text, str):
        ids = model.vocab.encode(text)
    else:
        ids = np.asarray(text)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"{name}: expected a str or a 1-D integer array of ids, got {ids.dtype} shape {ids.shape}")
        check_targets(name, ids, model.vocab_size, ids.shape, "(N,), ids of the model's vocabulary")
    if len(ids) < at_least:
        raise ValueError(f"{name}: expected at least {at_least} characters, got {len(ids)}")
    return ids


@dataclass
class CharTrainer:
    """Trains a :class:`CharRNN` on one text; call :meth:`train` repeatedly to continue.

    The text is cut into ``batch_size`` contiguous streams read side by side, ``seq_length``
    characters per update, the hidden state carried across updates (see the module docstring).
    """

    model: CharRNN
    text: object  # str or ids (N,)
    seq_length: int = 25
    batch_size: int = 1
    lr: float = 0.1
    clip: float = 5.0

    def __post_init__(self):
        _check_model(self.model)
        self.seq_length = check_int("seq_length", self.seq_length, 1, what="T, an integer")
        self.batch_size = check_int("batch_size", self.batch_size, 1)
        check_number("clip", self.clip, above=0, finite=True, expected="a positive number")
        need = self.batch_size * self.seq_length + 1
        self.ids = _encode(self.model, self.text, "text", need)
        self.stream_length = (len(self.ids) - 1) // self.batch_size  # inputs per stream
        self.optimizer = Adagrad(self.model.params, self.lr)
        self.position = 0  # where every stream is, within its part of the text
        self.h = np.zeros((self.batch_size, self.model.hidden_size))
        self.updates = 0
        self.losses: list[float] = []  # one per update, nats per character
        self.clipped: list[int] = []  # entries clipped at each update

    def _chunk(self):
        T, L = self.seq_length, self.stream_length
        if self.position + T > L:  # end of the streams: start again from the top, fresh state
            self.position = 0
            self.h = np.zeros_like(self.h)
        starts = np.arange(self.batch_size) * L + self.position  # (B,)
        index = starts[:, None] + np.arange(T)  # (B, T)
        self.position += T
        return self.ids[index], self.ids[index + 1]

    def train(self, steps: int, progress: bool = False) -> np.ndarray:
        """Run ``steps`` updates; returns their losses (steps,) (also appended to ``self.losses``)."""
        steps = check_int("steps", steps, 1, what="the number of updates, an integer")
        bar = range(steps)
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(bar, desc="training", leave=False)
        p, V = self.model.params, self.model.vocab_size
        new = []
        for _ in bar:
            inputs, targets = self._chunk()
            loss, grads, hs = elman_lm_loss(one_hot(inputs, V), targets, self.h, p)
            grads = {name: grads[name] * self.seq_length for name in PARAM_NAMES}  # summed over steps
            self.clipped.append(clip_gradients(grads, self.clip))
            self.optimizer.step(p, grads)
            self.h = hs[:, -1]  # carried to the next chunk, without gradient
            new.append(loss)
            self.updates += 1
        self.losses.extend(new)
        return np.array(new)


def smooth(losses, beta: float = 0.99, start: float | None = None) -> np.ndarray:
    """min-char-rnn's running loss: ``s = beta * s + (1 - beta) * loss``, starting at ``start``.

    ``start`` defaults to the first loss (min-char-rnn starts at ``ln V``, the uniform guess).
    """
    losses = np.asarray(losses, dtype=float)
    if losses.size == 0:
        raise ValueError("losses: expected at least one loss, got none")
    if not 0 <= beta < 1:
        raise ValueError(f"beta: expected 0 <= beta < 1, got {beta}")
    s = losses[0] if start is None else float(start)
    out = np.empty_like(losses)
    for i, loss in enumerate(losses):
        s = beta * s + (1 - beta) * loss
        out[i] = s
    return out


def evaluate_char_rnn(model: CharRNN, text, streams: int = 50) -> float:
    """Mean cross-entropy (nats per character) of predicting each character of ``text`` from the ones before.

    ``text`` (str or ids) is cut into ``streams`` contiguous parts read side by side, each from
    a zero state; every character but the first of each part is predicted once.
    """
    _check_model(model)
    streams = check_int("streams", streams, 1)
    ids = _encode(model, text, "text", 2 * streams)
    L = (len(ids) - 1) // streams
    index = np.arange(streams)[:, None] * L + np.arange(L)  # (B, L)
    p = model.params
    h0 = np.zeros((streams, model.hidden_size))
    hs, _ = rnn_forward(one_hot(ids[index], model.vocab_size), h0, p["W_xh"], p["W_hh"], p["b_h"])
    logits, _ = temporal_affine_forward(hs, p["W_hy"], p["b_y"])  # (B, L, V)
    loss, _ = softmax_cross_entropy(logits, ids[index + 1])
    return loss


def unigram_loss(train, held_out, vocab: Vocab, alpha: float = 1.0) -> float:
    """Cross-entropy (nats per character) of ``held_out`` under ``train``'s character frequencies.

    The frequencies get ``alpha`` added to every count (Laplace smoothing), so a character
    unseen in ``train`` costs a finite amount. ``unigram_loss(t, t, vocab, alpha=0)`` is the
    entropy of ``t``'s character frequencies. The baseline a model must beat: it knows how
    common each character is, and nothing about order.
    """
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab: expected a Vocab (Vocab.from_text(train) makes one), got {type(vocab).__name__}")
    check_number("alpha", alpha, 0, finite=True, what="a count added to every character's; 1 is Laplace's")
    train_ids, held_ids = vocab.encode(train), vocab.encode(held_out)
    if len(train_ids) == 0 or len(held_ids) == 0:
        raise ValueError(f"unigram_loss: expected non-empty texts, got {len(train_ids)} and {len(held_ids)} characters")
    counts = np.bincount(train_ids, minlength=len(vocab)) + alpha
    with np.errstate(divide="ignore"):
        log_p = np.log(counts / counts.sum())
    return float(-log_p[held_ids].mean())


def sample(model: CharRNN, length: int, prompt: str = "\n", temperature: float = 1.0, seed: int = 0) -> str:
    """Generate ``length`` characters after ``prompt`` (not included), drawn from the model.

    The prompt is read first to set the state; each next character is drawn from
    ``softmax(y_t / temperature)`` with ``np.random.default_rng(seed)``, so the same seed
    gives the same text. Low temperature: safer, more repetitive; high: more random.
    """
    _check_model(model)
    length = check_int("length", length, 0, what="the number of characters to write, non-negative")
    temperature = check_number("temperature", temperature, above=0)
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt: expected a non-empty str to start from, got {prompt!r}")
    model.vocab.check_known(prompt, what="prompt", vocabulary="the model's vocabulary", advice="Remove or replace them.")
    rng = np.random.default_rng(seed)
    p, V = model.params, model.vocab_size
    rows = np.eye(V)  # rows[[i]] is one_hot([i], V), without checking ids that come from the vocabulary
    h = np.zeros((1, model.hidden_size))
    for i in model.vocab.encode(prompt):
        h, _ = rnn_step_forward(rows[[i]], h, p["W_xh"], p["W_hh"], p["b_h"])
    out = []
    for _ in range(length):
        y = (h @ p["W_hy"].T + p["b_y"])[0]  # (V,) scores
        probs = np.exp((y - y.max()) / temperature)  # max first: no inf / inf at tiny temperatures
        i = int(rng.choice(V, p=probs / probs.sum()))
        out.append(i)
        h, _ = rnn_step_forward(rows[[i]], h, p["W_xh"], p["W_hh"], p["b_h"])
    return model.vocab.decode(np.array(out, dtype=np.int64))
