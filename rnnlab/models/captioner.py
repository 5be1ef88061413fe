"""Image captioning: a small CNN encoder and an LSTM decoder, with or without soft attention (notebook 16).

**Encoder.** Two 3x3 convolutions, each followed by ReLU and 2x2 max-pooling, turn an image
(B, 3, S, S) into a G x G grid (G = S / 4) of annotation vectors ``a_j`` (B, L = G*G, D). Two
channels holding each pixel's column and row in [-1, 1] are appended to the RGB input (CoordConv,
Liu et al. 2018): "left of" is about position, and a convolution alone cannot say where it is.

**Decoder with attention** (Xu et al. 2015, "Show, Attend and Tell", soft attention), in the
course's symbols (query s = h_{t-1}, keys h_j = the annotations a_j)::

    h_0, c_0 = tanh(W_init,h mean_j a_j), tanh(W_init,c mean_j a_j)     from the mean annotation
    e_tj     = v^T tanh(W_h a_j + W_s h_{t-1})                            additive scores (B, L)
    alpha_t  = softmax_j(e_t)                                             (B, L)
    c_t      = sum_j alpha_tj a_j                                         the context (B, D)
    h_t, c'_t = LSTMCell([E y_{t-1}; c_t], (h_{t-1}, c'_{t-1}))          (rnnlab.nn.LSTMCell)
    logits_t = W_out [h_t; c_t] + b_out                                   (B, V)

(The LSTM's cell state is written c'_t here only to keep it apart from the context c_t.)

**Decoder without attention** ("Show and Tell"-like): the same, but the context is the mean of
the grid at every step, ``c_t = mean_j a_j`` -- exactly the attention decoder with alpha_t frozen
at the uniform 1/L. It has no W_h, W_s, v, so to race at equal parameters its LSTM is made wider:
:func:`matched_hidden_size` picks the hidden size whose parameter count is closest.

    model = Captioner(len(vocab), attend=True)                # or attend=False, hidden_size=...
    logits, alpha = model(images, tokens[:, :-1])            # (B, T, V), (B, T, L), teacher forcing
    tokens, alpha = model.greedy(images, max_len=20)         # (B, T_out), (B, T_out, L)
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.checks import check_bool, check_float, check_int, check_rank, check_size, check_tensor
from rnnlab.checks.tensors import check_same_dtype
from rnnlab.data.vocab import BOS, EOS, PAD
from rnnlab.models.attention import AdditiveAttention
from rnnlab.models.sizes import count_parameters
from rnnlab.nn.lstm_cell import LSTMCell


def check_images(name: str, images, image_size: int) -> None:
    """``images`` must be a float tensor (B, 3, S, S) with S = ``image_size``; raises naming what came."""
    layout = f"(B, 3, {image_size}, {image_size}) float images in [0, 1]"
    check_tensor(name, images, layout)
    check_float(name, images)
    check_rank(name, images, 4, layout + "; one image (3, S, S) needs images[None]")
    check_size(name, images, 1, 3, "3 colour channels (RGB), channels first")
    if tuple(images.shape[2:]) != (image_size, image_size):
        raise ValueError(f"{name}: expected images of {image_size}x{image_size} pixels, the size this model was built "
                         f"for, got {tuple(images.shape[2:])} (shape {tuple(images.shape)}); render the scenes with "
                         f"image_size={image_size} or build the model with image_size={images.shape[-1]}")


class SceneEncoder(nn.Module):
    """images (B, 3, S, S) -> annotations a (B, L, D): a G x G grid (G = S/4, L = G*G) of D-vectors."""

    def __init__(self, image_size: int = 32, channels: int = 32):
        super().__init__()
        self.image_size = check_int("image_size", image_size, 4, what="pixels on a side, a multiple of 4")
        if image_size % 4:
            raise ValueError(f"image_size: expected a multiple of 4 (two 2x2 poolings), got {image_size}")
        self.channels = check_int("channels", channels, 1, what="the annotation size D")
        self.grid = image_size // 4
        self.conv1 = nn.Conv2d(5, channels // 2 or 1, 3, padding=1)   # RGB + column + row
        self.conv2 = nn.Conv2d(channels // 2 or 1, channels, 3, padding=1)
        axis = torch.linspace(-1, 1, image_size)
        self.register_buffer("coords", torch.stack(torch.meshgrid(axis, axis, indexing="xy")), persistent=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        check_images("SceneEncoder: images", images, self.image_size)
        check_same_dtype("SceneEncoder: images", images, self.conv1.weight.dtype,
                         f"convert them with images.to({self.conv1.weight.dtype})")
        B = images.shape[0]
        x = torch.cat([images, self.coords.expand(B, -1, -1, -1)], 1)   # (B, 5, S, S)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)                      # (B, D/2, S/2, S/2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)                      # (B, D, G, G)
        return x.flatten(2).transpose(1, 2)                             # (B, L = G*G, D), row by row


class Captioner(nn.Module):
    """CNN encoder + LSTM decoder; ``attend=True``: soft attention (Xu et al. 2015), False: mean-pooled grid.

    vocab_size V (ids from rnnlab.tasks.scenes.word_vocabulary: 0 pad, 1 bos, 2 eos); hidden_size H;
    embed_size E; channels D (annotation size); attention_size A (attention only); image_size S.
    """

    def __init__(self, vocab_size: int, *, attend: bool = True, hidden_size: int = 64, embed_size: int = 16,
                 channels: int = 32, attention_size: int = 32, image_size: int = 32):
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, 4, what="words, specials included")
        self.attend = check_bool("attend", attend)
        H = self.hidden_size = check_int("hidden_size", hidden_size, 1)
        E = check_int("embed_size", embed_size, 1)
        self.encoder = SceneEncoder(image_size, channels)
        D = self.encoder.channels
        self.embed = nn.Embedding(vocab_size, E, padding_idx=PAD)
        self.init_h, self.init_c = nn.Linear(D, H), nn.Linear(D, H)
        self.attention = AdditiveAttention(H, D, attention_size) if attend else None
        self.cell = LSTMCell(E + D, H)
        self.out = nn.Linear(H + D, vocab_size)

    @property
    def image_size(self) -> int:
        return self.encoder.image_size

    def start(self, images: torch.Tensor):
        """images (B, 3, S, S) -> annotations a (B, L, D), projected keys (or None), state (h_0, c_0) (B, H)."""
        a = self.encoder(images)                                        # (B, L, D)
        mean = a.mean(1)                                                # (B, D)
        keys = self.attention.project_keys(a) if self.attend else None  # (B, L, A), once per image
        return a, keys, (torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean)))

    def step(self, y_prev: torch.Tensor, a: torch.Tensor, keys, state):
        """One word: previous ids (B,) -> logits (B, V), alpha (B, L), new state."""
        # The inputs were checked once, in forward/greedy: here the layers' unchecked halves run (speed).
        if self.attend:
            e = self.attention.scores(state[0], keys)                   # (B, L) e_tj = v^T tanh(W_h a_j + W_s h_{t-1})
            alpha = torch.softmax(e, -1)                                # (B, L)
        else:
            alpha = a.new_full(a.shape[:2], 1.0 / a.shape[1])          # uniform: the mean-pooled grid
        context = torch.bmm(alpha[:, None, :], a)[:, 0]                 # (B, D) = sum_j alpha_tj a_j
        x = torch.cat([self.embed(y_prev), context], 1)                 # (B, E + D)
        h, c = self.cell.step(self.cell.project_input(x), state)        # rnnlab.nn.LSTMCell, torch's equations
        return self.out(torch.cat([h, context], 1)), alpha, (h, c)

    def forward(self, images: torch.Tensor, tokens: torch.Tensor):
        """Teacher forcing: images (B, 3, S, S), input ids (B, T) (starting with <bos>) ->
        logits (B, T, V) for the next words, alpha (B, T, L)."""
        check_tensor("Captioner: tokens", tokens, "(B, T) int64 word ids")
        check_rank("Captioner: tokens", tokens, 2, "(B, T) word ids")
        if tokens.dtype != torch.int64:
            raise TypeError(f"Captioner: expected tokens of dtype torch.int64 (word ids), got {tokens.dtype}")
        if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= self.vocab_size):
            raise ValueError(f"Captioner: expected token ids in 0..{self.vocab_size - 1}, got ids from "
                             f"{int(tokens.min())} to {int(tokens.max())}")
        check_images("Captioner: images", images, self.image_size)
        check_size("Captioner: tokens", tokens, 0, images.shape[0], "batch size B (of the images)")
        a, keys, state = self.start(images)
        logits, alphas = [], []
        for t in range(tokens.shape[1]):
            out, alpha, state = self.step(tokens[:, t], a, keys, state)
            logits.append(out)
            alphas.append(alpha)
        return torch.stack(logits, 1), torch.stack(alphas, 1)

    @torch.no_grad()
    def greedy(self, images: torch.Tensor, max_len: int = 20):
        """Greedy captions: images (B, 3, S, S) -> tokens (B, T_out) (the words, then <eos>, then <pad>;
        no <bos>), alpha (B, T_out, L) (zeros after <eos>). Stops when every caption has ended."""
        max_len = check_int("max_len", max_len, 1, what="words at most, <eos> included")
        check_images("Captioner.greedy: images", images, self.image_size)
        a, keys, state = self.start(images)
        B = images.shape[0]
        y = torch.full((B,), BOS, dtype=torch.int64, device=images.device)
        done = torch.zeros(B, dtype=torch.bool, device=images.device)
        tokens, alphas = [], []
        for _ in range(max_len):
            out, alpha, state = self.step(y, a, keys, state)
            y = out.argmax(1).masked_fill(done, PAD)
            tokens.append(y)
            alphas.append(alpha.masked_fill(done[:, None], 0.0))
            done = done | (y == EOS)
            if bool(done.all()):
                break
        return torch.stack(tokens, 1), torch.stack(alphas, 1)


def caption_loss(model: Captioner, batch) -> torch.Tensor:
    """Mean cross-entropy per real word (``<eos>`` included, padding not): batch = (images (B, 3, S, S),
    tokens (B, L) ``<bos> ... <eos> <pad>...``); the model reads tokens[:, :-1] and predicts tokens[:, 1:]."""
    images, tokens = batch
    logits, _ = model(images, tokens[:, :-1])                            # (B, L-1, V)
    return F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten(), ignore_index=PAD)


def matched_hidden_size(vocab_size: int, hidden_size: int = 64, **sizes) -> int:
    """The hidden size H' of a mean-pool ``Captioner(attend=False)`` whose parameter count is closest to
    that of ``Captioner(vocab_size, attend=True, hidden_size=hidden_size, **sizes)``.

    The counts are linear-plus-quadratic in H' (the LSTM's 4H'(E + D + H') ...), so a scan of H' from
    ``hidden_size`` up finds the closest; the attention's W_h, W_s and v are what H' makes up for. Each
    candidate is built, which draws from torch's global random generator: notebook 16's stored numbers
    come from this scan's draws (a search that built other candidates would change them).
    """
    target = count_parameters(Captioner(vocab_size, attend=True, hidden_size=hidden_size, **sizes))
    sizes.pop("attention_size", None)
    best, best_gap = hidden_size, None
    for H in range(hidden_size, 4 * hidden_size + 1):
        gap = abs(count_parameters(Captioner(vocab_size, attend=False, hidden_size=H, **sizes)) - target)
        if best_gap is None or gap < best_gap:
            best, best_gap = H, gap
        elif gap > best_gap:
            break
    return best
