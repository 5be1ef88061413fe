"""A CTC speech recogniser: log-mel frames in, per-frame log-probabilities over blank + units out (13).

    features (B, T, n_mels) --stack `stack` frames--> (B, T', stack * n_mels)   T' = ceil(T / stack)
        --(bi)LSTM, num_layers--> (B, T', dirs * H) --linear--> (B, T', C) --log_softmax--> log y

Stacking two 10 ms frames halves the time steps (faster, and a unit still spans several frames).
A bidirectional LSTM reads the whole utterance before it writes anything; a unidirectional one can
stream (write as the audio comes), at the cost of never seeing what follows. For a fair comparison
:func:`matched_hidden_size` sizes the unidirectional model to the bidirectional one's parameters.

The loss is ``torch.nn.functional.ctc_loss`` (fast); :mod:`rnnlab.nn.ctc_loss` is the same by hand,
and the tests check that they agree. The data is :mod:`rnnlab.tasks.speech`; decoding is
:mod:`rnnlab.decoding.ctc_decoding`; error rates :mod:`rnnlab.training.error_rates`.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.checks import (ArgumentKindError, check_batch, check_bool, check_float_input, check_int, check_lengths,
                           check_rnn_class)
from rnnlab.course.runtime import evaluating
from rnnlab.decoding.ctc_decoding import ctc_beam_decode, ctc_greedy_decode
from rnnlab.models.sizes import count_parameters, nearest_size
from rnnlab.tasks.speech import BLANK, SYMBOLS, Utterance, decode, speech_batch
from rnnlab.training.error_rates import unit_error_rate, word_error_rate


class CTCRecognizer(nn.Module):
    """Stacked frames -> (bi)LSTM -> linear -> log_softmax over ``n_classes`` (blank included).

    ``forward(features (B, T, n_mels), lengths (B,))`` -> ``(log_probs (B, T', C), out_lengths (B,))``
    with ``T' = ceil(T / stack)``; padded frames are never read (the batch is packed).
    """

    def __init__(self, n_mels: int = 40, n_classes: int = len(SYMBOLS), hidden_size: int = 96, num_layers: int = 2,
                 bidirectional: bool = True, stack: int = 2, rnn_class=nn.LSTM):
        super().__init__()
        check_rnn_class(rnn_class)
        self.n_mels = check_int("n_mels", n_mels, 1, what="features per frame")
        n_classes = check_int("n_classes", n_classes, 2, what="the blank and at least one label")
        hidden_size = check_int("hidden_size", hidden_size, 1)
        num_layers = check_int("num_layers", num_layers, 1)
        self.stack = check_int("stack", stack, 1, what="frames stacked into one time step")
        self.rnn = rnn_class(self.stack * n_mels, hidden_size, num_layers=num_layers, batch_first=True,
                             bidirectional=check_bool("bidirectional", bidirectional))
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), n_classes)

    def out_lengths(self, lengths: torch.Tensor) -> torch.Tensor:
        """Frames (B,) -> time steps after stacking (B,): ``ceil(lengths / stack)``."""
        return torch.div(lengths + self.stack - 1, self.stack, rounding_mode="floor")

    def forward(self, features: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        dtype = self.head.weight.dtype
        check_float_input("features", features, dtype, "(B, T, n_mels)")
        if features.ndim != 3 or features.shape[-1] != self.n_mels or features.shape[0] == 0 or features.shape[1] == 0:
            raise ValueError(f"features: expected (B, T, n_mels) with n_mels = {self.n_mels} and B, T >= 1 "
                             f"(speech_batch makes them), got shape {tuple(features.shape)}")
        B, T, D = features.shape
        check_lengths("lengths", lengths, B, T)
        pad = (-T) % self.stack
        x = F.pad(features, (0, 0, 0, pad)).reshape(B, (T + pad) // self.stack, self.stack * D)  # (B, T', stack*D)
        steps = self.out_lengths(lengths.cpu())
        packed = pack_padded_sequence(x, steps, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])   # (B, T', dirs*H)
        return self.head(out).log_softmax(-1), steps.to(features.device)


def matched_hidden_size(n_params: int, bidirectional: bool, n_mels: int = 40, n_classes: int = len(SYMBOLS),
                        num_layers: int = 2, stack: int = 2, rnn_class=nn.LSTM) -> int:
    """The hidden size whose :class:`CTCRecognizer` has the parameter count nearest ``n_params`` (e.g. a
    unidirectional model as big as a bidirectional one: ``count_parameters(bi)``)."""
    n_params = check_int("n_params", n_params, 1, what="the parameter count to match")

    return nearest_size(lambda h: count_parameters(
        CTCRecognizer(n_mels, n_classes, h, num_layers, bidirectional, stack, rnn_class)), n_params)


def ctc_recognizer_loss(model: CTCRecognizer, batch, zero_infinity: bool = False) -> torch.Tensor:
    """Mean CTC loss (``F.ctc_loss``, per target unit, averaged) of ``batch = (features, lengths, targets,
    target_lengths)`` from :func:`rnnlab.tasks.speech.speech_batch`."""
    features, lengths, targets, target_lengths = check_batch(
        "ctc_recognizer_loss", batch, ("features", "lengths", "targets", "target_lengths"))
    log_probs, steps = model(features, lengths)
    return F.ctc_loss(log_probs.transpose(0, 1), targets, steps, target_lengths, blank=BLANK,
                      zero_infinity=check_bool("zero_infinity", zero_infinity))


def transcribe(model: CTCRecognizer, utterances: list[Utterance], beam_width: int | None = None,
               batch_size: int = 64) -> list[list[int]]:
    """Decoded unit ids per utterance: greedy (``beam_width=None``) or prefix beam search."""
    if beam_width is not None:
        beam_width = check_int("beam_width", beam_width, 1, what="prefixes kept; None decodes greedily")
    batch_size = check_int("batch_size", batch_size, 1)
    if isinstance(utterances, Utterance) or not isinstance(utterances, (list, tuple)):
        raise ArgumentKindError(f"utterances: expected a list of Utterance, got {type(utterances).__name__}")
    out = []
    with evaluating(model), torch.no_grad():
        for k in range(0, len(utterances), batch_size):
            features, lengths, _, _ = speech_batch(utterances[k:k + batch_size], n_mels=model.n_mels)
            log_probs, steps = model(features.to(model.head.weight.dtype), lengths)
            out += (ctc_greedy_decode(log_probs, steps, BLANK) if beam_width is None
                    else ctc_beam_decode(log_probs, steps, beam_width, BLANK))
    return out


def error_rates(model: CTCRecognizer, utterances: list[Utterance], beam_width: int | None = None) -> dict:
    """``{"uer": unit error rate, "wer": word error rate}`` of ``model`` on ``utterances`` (the pause
    between words counts as a unit in the UER, as a space counts as a character in a CER)."""
    hyps = transcribe(model, utterances, beam_width)
    return {"uer": unit_error_rate([u.units for u in utterances], hyps),
            "wer": word_error_rate([u.text for u in utterances], [decode(h) for h in hyps])}
