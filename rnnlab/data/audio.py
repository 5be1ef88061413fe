"""Audio features: the log-mel spectrogram, computed with ``torch.stft`` and a mel filterbank built here.

A speech recogniser does not read the 16 000 samples of a second of audio; it reads what the ear
roughly hears: the energy in a few dozen frequency bands, every 10 ms, on a log scale.

1. Short-time Fourier transform: a Hann window of ``n_fft`` samples (400 = 25 ms at 16 kHz) slid by
   ``hop_length`` (160 = 10 ms); the power ``|X|^2`` of each of its ``n_fft // 2 + 1`` frequencies.
2. Mel filterbank: ``n_mels`` triangular filters, equally spaced on the mel scale (HTK's formula
   ``mel = 2595 log10(1 + f / 700)``), so narrow at low frequencies and wide at high ones, as the
   ear's resolution is. Each filter rises linearly from its left neighbour's centre to its own and
   falls to its right neighbour's centre (torchaudio's ``melscale_fbanks`` with ``norm=None``,
   ``mel_scale="htk"``; torchaudio is not needed).
3. ``log(power @ filterbank + eps)``: loudness is heard on a log scale, and the log turns the
   source-filter product (pitch harmonics x vocal tract) into a sum.

Shapes: a waveform ``(N,)`` or a batch ``(B, N)`` -> ``(frames, n_mels)`` or ``(B, frames, n_mels)``,
with ``frames = 1 + N // hop_length`` (the STFT pads half a window at each end).
"""
from __future__ import annotations

import math

import torch

from rnnlab.checks import check_float, check_int, check_number, check_rank, check_tensor


def hz_to_mel(f):
    """HTK's mel scale: ``2595 log10(1 + f / 700)`` (a float, or a tensor elementwise)."""
    if isinstance(f, torch.Tensor):
        return 2595.0 * torch.log10(1.0 + f / 700.0)
    return 2595.0 * math.log10(1.0 + check_number("f", f, 0, what="a frequency in Hz") / 700.0)


def mel_to_hz(m):
    """The inverse of :func:`hz_to_mel`: ``700 (10^(m / 2595) - 1)``."""
    if isinstance(m, torch.Tensor):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    return 700.0 * (10.0 ** (check_number("m", m, 0, what="a pitch in mel") / 2595.0) - 1.0)


def mel_filterbank(n_freqs: int, n_mels: int, sample_rate: int = 16000, f_min: float = 0.0,
                   f_max: float | None = None, dtype=torch.float32) -> torch.Tensor:
    """Triangular mel filters ``(n_freqs, n_mels)``: column ``m`` weights the STFT's ``n_freqs``
    frequencies (``0 .. sample_rate / 2``, evenly spaced) for mel band ``m``.

    The ``n_mels + 2`` edges are equally spaced in mel between ``f_min`` and ``f_max`` (default
    ``sample_rate / 2``); filter ``m`` is 0 at edge ``m``, 1 at edge ``m + 1``, 0 at edge ``m + 2``.
    """
    n_freqs = check_int("n_freqs", n_freqs, 2, what="the STFT's frequencies, n_fft // 2 + 1")
    n_mels = check_int("n_mels", n_mels, 1, what="the number of mel bands")
    sample_rate = check_int("sample_rate", sample_rate, 1, what="samples per second")
    nyquist = sample_rate / 2
    f_max = nyquist if f_max is None else check_number("f_max", f_max, high=nyquist, above=0,
                                                          what=f"the top edge in Hz, at most sample_rate / 2 = {nyquist}")
    f_min = check_number("f_min", f_min, 0, below=f_max, what=f"the bottom edge in Hz, below f_max = {f_max}")
    freqs = torch.linspace(0, sample_rate // 2, n_freqs, dtype=torch.float64)             # (n_freqs,)
    edges = mel_to_hz(torch.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2, dtype=torch.float64))
    width = edges[1:] - edges[:-1]                                                      # (n_mels + 1,)
    to_edge = edges[None, :] - freqs[:, None]                                           # (n_freqs, n_mels + 2)
    rising = -to_edge[:, :-2] / width[:-1]        # 0 at the left edge, 1 at the centre
    falling = to_edge[:, 2:] / width[1:]          # 1 at the centre, 0 at the right edge
    return torch.clamp(torch.minimum(rising, falling), min=0.0).to(dtype)


def n_frames(n_samples, hop_length: int = 160):
    """How many STFT frames ``log_mel`` makes of ``n_samples`` samples: ``1 + n_samples // hop_length``
    (an int, or a tensor of lengths elementwise)."""
    hop_length = check_int("hop_length", hop_length, 1, what="samples between frames")
    if isinstance(n_samples, torch.Tensor):
        return 1 + torch.div(n_samples, hop_length, rounding_mode="floor")
    return 1 + check_int("n_samples", n_samples, 0) // hop_length


def log_mel(wave: torch.Tensor, sample_rate: int = 16000, n_fft: int = 400, hop_length: int = 160,
            n_mels: int = 40, f_min: float = 0.0, f_max: float | None = None, eps: float = 1e-6) -> torch.Tensor:
    """The log-mel spectrogram of ``wave`` ``(N,)`` or ``(B, N)`` -> ``(frames, n_mels)`` or
    ``(B, frames, n_mels)``, ``frames = 1 + N // hop_length``; natural log of the mel power + ``eps``."""
    check_tensor("wave", wave, "(N,) or (B, N)")
    check_float("wave", wave)
    check_rank("wave", wave, (1, 2), "(N,) or (B, N)")
    n_fft = check_int("n_fft", n_fft, 2, what="samples per STFT window")
    hop_length = check_int("hop_length", hop_length, 1, what="samples between frames")
    eps = check_number("eps", eps, above=0, what="added before the log, so silence is not log 0")
    if wave.shape[-1] <= n_fft // 2:
        raise ValueError(f"wave: expected more than n_fft // 2 = {n_fft // 2} samples (the STFT pads half a window "
                         f"by reflection at each end), got {wave.shape[-1]} (shape {tuple(wave.shape)}); "
                         f"pass a longer recording or a smaller n_fft")
    fbank = mel_filterbank(n_fft // 2 + 1, n_mels, sample_rate, f_min, f_max, dtype=wave.dtype).to(wave.device)
    window = torch.hann_window(n_fft, dtype=wave.dtype, device=wave.device)
    spec = torch.stft(wave, n_fft, hop_length=hop_length, window=window, center=True, return_complex=True)
    power = spec.abs() ** 2                               # (..., n_freqs, frames)
    mel = power.transpose(-1, -2) @ fbank                 # (..., frames, n_mels)
    return torch.log(mel + eps)
