"""Hear a piano roll: additive synthesis with NumPy, for ``IPython.display.Audio`` (notebook 15).

Each key that sounds is a tone at its equal-tempered frequency ``440 * 2 ** ((midi - 69) / 12)`` Hz
with two overtones (amplitudes 1, 1/2, 1/4: an organ-like timbre, fitting for chorales). A key held
over consecutive frames is one note, not a note per frame (a quarter-note roll cannot tell a held
note from a repeated one; holding sounds smoother). Each note fades in over 10 ms and out over
its last 30 % (at most 80 ms), so it starts and stops without a click. The sum is scaled to a peak of 0.9.

Shapes: ``roll (T, 88)`` of 0/1 -> ``wave (N,)`` float32 with ``N = round(T * seconds_per_frame * sample_rate)``.
(``rnnlab.data.audio`` goes the other way: from a wave to its log-mel features.)
"""
from __future__ import annotations

import numpy as np

from rnnlab.checks import check_int, check_number
from rnnlab.data.chorales import LOWEST, check_roll

#: Amplitudes of the fundamental and its overtones.
PARTIALS = (1.0, 0.5, 0.25)


def key_frequency(midi: int) -> float:
    """The equal-tempered frequency (Hz) of MIDI pitch ``midi``: A4 = 69 = 440 Hz."""
    return 440.0 * 2.0 ** ((check_int("midi", midi, 0, 127, what="a MIDI pitch") - 69) / 12)


def _runs(on: np.ndarray) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the runs of True in ``on`` (T,), ``stop`` exclusive."""
    edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def synthesize(roll, sample_rate: int = 8000, seconds_per_frame: float = 0.4) -> np.ndarray:
    """The waveform ``(N,)`` float32 of piano roll ``roll`` ``(T, 88)`` (key ``k`` = MIDI ``21 + k``),
    one frame every ``seconds_per_frame`` (0.4 s: a quarter note at 150 beats per minute; chorales
    are sung slower, but the continuation is short)."""
    roll = np.asarray(roll.detach().cpu() if hasattr(roll, "detach") else roll)
    check_roll("roll", roll)
    sample_rate = check_int("sample_rate", sample_rate, 1000, what="samples per second")
    seconds_per_frame = check_number("seconds_per_frame", seconds_per_frame, above=0, finite=True)
    if not np.isin(roll, (0, 1)).all():
        raise ValueError("roll: expected 0s and 1s (a key is on or off); threshold or sample probabilities first")
    hop = seconds_per_frame * sample_rate                            # samples per frame
    wave = np.zeros(int(round(len(roll) * hop)), dtype=np.float64)
    for key in np.flatnonzero(roll.any(0)):
        f = key_frequency(LOWEST + int(key))
        for start, stop in _runs(roll[:, key] > 0):
            a, b = int(round(start * hop)), int(round(stop * hop))
            t = np.arange(b - a) / sample_rate
            tone = sum(amp * np.sin(2 * np.pi * f * (n + 1) * t)
                       for n, amp in enumerate(PARTIALS) if f * (n + 1) < sample_rate / 2)   # no aliasing
            fade_in = min(int(0.01 * sample_rate), len(t))
            fade_out = min(int(0.08 * sample_rate), int(0.3 * len(t)))
            envelope = np.ones(len(t))
            envelope[:fade_in] = np.linspace(0, 1, fade_in)
            if fade_out:
                envelope[-fade_out:] = np.linspace(1, 0, fade_out)
            wave[a:b] += tone * envelope
    peak = np.abs(wave).max()
    return (0.9 * wave / peak if peak > 0 else wave).astype(np.float32)
