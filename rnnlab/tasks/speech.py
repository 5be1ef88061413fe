"""Synthetic speech for CTC (notebook 13): utterances labelled only by their unit sequence.

Nothing is downloaded: every utterance is *synthesised* here, deterministically from a seed, at 16 kHz.
It is not human speech. It is a source-filter toy with the property that matters for CTC: the audio
says *which* units were spoken, in order, but not *where* each one starts and ends.

- 11 units: five vowels ``a e i o u`` (a harmonic source at the speaker's pitch, shaped by three
  formant resonances: the source-filter model), three fricatives ``s S f`` (noise shaped in
  frequency: high, mid, flat) and three plosives ``p t k`` (a silent closure, then a burst of noise
  low, high or mid in frequency). ``_`` is the pause between words; ``-`` (id 0) is CTC's blank.
- A lexicon of 12 words over the units, so a word error rate means something.
- Speakers: pitch (f0, 90–260 Hz), formant scale (vocal-tract length, 0.85–1.2) and speaking
  rate (0.8–1.25). Splits are speaker-disjoint: the test speakers are never heard in training.
- Background noise: white, at a chosen signal-to-noise ratio (dB, over the whole utterance).

What it leaves out: coarticulation (each unit is synthesised alone, with short ramps), prosody,
real glottal pulse shapes, reverberation, any variety beyond four numbers per speaker, and a language
model (words are drawn uniformly). Real phone recognition (TIMIT) is far harder.

``SYMBOLS[i]`` is the symbol of id ``i``; an utterance's ``units`` are ids ``>= 1`` (no blank), its
``text`` the words separated by spaces. :func:`speech_batch` turns utterances into log-mel features
``(B, T, n_mels)`` with their frame lengths and padded targets, as ``F.ctc_loss`` wants them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnlab.checks import ArgumentKindError, as_ids, check_int, check_number
from rnnlab.data.audio import log_mel, n_frames

SAMPLE_RATE = 16000
BLANK, SPACE = 0, 1
#: id -> symbol: the blank, the pause between words, then the 11 units.
SYMBOLS = ("-", "_", "a", "e", "i", "o", "u", "s", "S", "f", "p", "t", "k")
UNITS = SYMBOLS[2:]
VOWELS, FRICATIVES, PLOSIVES = "aeiou", "sSf", "ptk"
#: The words utterances are made of (each a string of units).
LEXICON = ("pa", "ti", "kus", "sefo", "Sapi", "fuke", "tosa", "kiSo", "peta", "suf", "ika", "otu")

# Formants F1, F2, F3 (Hz) of an average adult voice (Peterson & Barney 1952, rounded), and bandwidths.
FORMANTS = {"a": (730, 1090, 2440), "e": (530, 1840, 2480), "i": (270, 2290, 3010),
            "o": (570, 840, 2410), "u": (300, 870, 2240)}
BANDWIDTHS = (80.0, 100.0, 150.0)
# Fricative noise: (centre Hz, width Hz); f is nearly flat. Plosive bursts: (centre Hz, width Hz).
FRICATION = {"s": (6000, 1500), "S": (3000, 800), "f": (4000, 6000)}
BURSTS = {"p": (700, 600), "t": (4500, 1500), "k": (2000, 600)}
# Durations in seconds at rate 1 (a speaker's rate scales them; each varies by +-15 %).
DURATION = {"vowel": 0.09, "fricative": 0.08, "closure": 0.04, "burst": 0.02, "pause": 0.08, "edge": 0.06}


@dataclass(frozen=True)
class Speaker:
    """One synthetic voice: ``f0`` pitch in Hz, ``formant_scale`` (a shorter vocal tract: > 1), ``rate``
    (speaking-rate factor: > 1 is faster)."""

    id: int
    f0: float
    formant_scale: float
    rate: float


@dataclass(frozen=True)
class Utterance:
    """``wave`` (N,) float32 at ``sample_rate``; ``units`` (U,) int64 ids in ``1..len(SYMBOLS) - 1``
    (words' units with SPACE between words); ``text`` the words separated by spaces; who said it."""

    wave: np.ndarray
    units: np.ndarray
    text: str
    speaker: Speaker
    sample_rate: int = SAMPLE_RATE


def encode(text: str) -> np.ndarray:
    """A text of words (units separated by spaces) -> unit ids (U,), with SPACE between words."""
    if not isinstance(text, str):
        raise ArgumentKindError(f"text: expected a str of units and spaces, e.g. 'pa tosa', got {type(text).__name__}")
    bad = next(((k, ch) for k, ch in enumerate(text) if ch != " " and ch not in UNITS), None)
    if bad is not None:
        raise ValueError(f"text: {bad[1]!r} at position {bad[0]} is not a unit; expected units {''.join(UNITS)!r} "
                         f"and spaces between words, got {text!r}")
    words = text.split()
    if not words:
        raise ValueError(f"text: expected at least one word, got {text!r}")
    return np.array([SYMBOLS.index(ch) for ch in "_".join(words)], dtype=np.int64)


def decode(ids) -> str:
    """Unit ids (blank-free, e.g. a collapsed CTC output) -> the text, SPACE as a space between words
    (runs of pauses and pauses at the ends are dropped: ``_pa__ti`` -> ``'pa ti'``)."""
    ids = as_ids("ids", ids, len(SYMBOLS), hint="; ids come from encode() or a CTC decoder")
    if ids.ndim != 1:
        raise ValueError(f"ids: expected a 1-D sequence of unit ids, got shape {ids.shape}")
    if (ids == BLANK).any():
        raise ValueError(f"ids: expected no blank (id {BLANK}) at position {int(np.argmax(ids == BLANK))}; "
                         f"collapse a CTC output first (rnnlab.nn.ctc_loss.collapse)")
    return " ".join("".join(SYMBOLS[i] for i in ids).replace("_", " ").split())


def random_speakers(n: int, seed: int = 0, first_id: int = 0) -> list[Speaker]:
    """``n`` random voices, deterministic in ``seed``: f0 log-uniform in 90–260 Hz, formant scale
    growing with pitch (0.85–1.2, some spread), rate in 0.8–1.25; ids ``first_id, first_id + 1, ...``."""
    n = check_int("n", n, 1, what="how many speakers")
    seed, first_id = check_int("seed", seed), check_int("first_id", first_id)
    rng = np.random.default_rng(seed)
    pitch = rng.uniform(0, 1, n)
    f0 = 90.0 * (260.0 / 90.0) ** pitch
    scale = np.clip(0.85 + 0.3 * pitch + rng.normal(0, 0.04, n), 0.85, 1.2)
    rate = rng.uniform(0.8, 1.25, n)
    return [Speaker(first_id + k, float(f0[k]), float(scale[k]), float(rate[k])) for k in range(n)]


def _ramp(x: np.ndarray, sr: int, seconds: float = 0.008) -> np.ndarray:
    """Fade in and out (no clicks at the edges of a unit)."""
    r = min(int(seconds * sr), len(x) // 2)
    if r > 0:
        fade = np.linspace(0.0, 1.0, r)
        x[:r] *= fade
        x[-r:] *= fade[::-1]
    return x


def _rms_to(x: np.ndarray, rms: float) -> np.ndarray:
    return x * (rms / max(float(np.sqrt(np.mean(x ** 2))), 1e-12))


def _vowel(unit: str, n: int, speaker: Speaker, rng, sr: int) -> np.ndarray:
    """Source-filter: harmonics k f0 (amplitude 1/k, the glottal source's tilt) times the three formant
    resonances' gain at k f0; the pitch drifts a little (and jitters) within the vowel."""
    t = np.arange(n) / sr
    f0 = speaker.f0 * (1 + rng.uniform(-0.03, 0.03)) * (1 - 0.05 * t / max(t[-1], 1e-9)) \
        * (1 + 0.005 * rng.standard_normal(n).cumsum() / np.sqrt(n))
    phase = 2 * np.pi * np.cumsum(f0) / sr                              # (n,)
    k = np.arange(1, int(0.45 * sr / f0.max()) + 1)[:, None]            # harmonics below 0.9 Nyquist
    f = k * f0[None, :]                                                 # (K, n) each harmonic's frequency
    gain = np.ones_like(f)
    for F, B in zip(FORMANTS[unit], BANDWIDTHS):
        F, B = F * speaker.formant_scale, B * speaker.formant_scale
        gain *= F ** 2 / np.sqrt((F ** 2 - f ** 2) ** 2 + (B * f) ** 2)  # a 2-pole resonator's |H(f)|
    x = (gain / k * np.sin(k * phase[None, :] + rng.uniform(0, 2 * np.pi, (len(k), 1)))).sum(0)
    return _rms_to(_ramp(x, sr), 0.1)


def _shaped_noise(n: int, centre: float, width: float, rng, sr: int) -> np.ndarray:
    """White noise filtered in the frequency domain by a Gaussian band around ``centre``."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / sr)
    return np.fft.irfft(spectrum * np.exp(-0.5 * ((f - centre) / width) ** 2), n)


def _unit(unit: str, speaker: Speaker, rng, sr: int) -> np.ndarray:
    def length(kind):
        return max(int(DURATION[kind] / speaker.rate * rng.uniform(0.85, 1.15) * sr), 16)

    if unit in VOWELS:
        return _vowel(unit, length("vowel"), speaker, rng, sr)
    if unit in FRICATIVES:
        centre, width = FRICATION[unit]
        x = _shaped_noise(length("fricative"), centre * speaker.formant_scale, width, rng, sr)
        return _rms_to(_ramp(x, sr), 0.02 if unit == "f" else 0.04)
    centre, width = BURSTS[unit]                                    # a plosive: closure, then burst
    burst = _shaped_noise(length("burst"), centre * speaker.formant_scale, width, rng, sr)
    burst *= np.exp(-np.arange(len(burst)) / (0.006 * sr))          # the burst dies away within ~6 ms
    return np.concatenate([np.zeros(length("closure")), _rms_to(burst, 0.08)])


def synthesize(text: str, speaker: Speaker, seed: int = 0, snr_db: float = 20.0,
               sample_rate: int = SAMPLE_RATE) -> Utterance:
    """Speak ``text`` (words of units separated by spaces, e.g. ``'pa tosa'``) in ``speaker``'s voice,
    with white noise at ``snr_db`` dB below the utterance's mean power (``inf``: no noise)."""
    units = encode(text)
    if not isinstance(speaker, Speaker):
        raise ArgumentKindError(f"speaker: expected a Speaker (from random_speakers), got {type(speaker).__name__}")
    seed = check_int("seed", seed)
    snr_db = check_number("snr_db", snr_db, -20, what="signal-to-noise ratio in dB; inf for none")
    sample_rate = check_int("sample_rate", sample_rate, 8000, what="samples per second; the formants need >= 8 kHz")
    rng = np.random.default_rng([seed, speaker.id])

    def pause(kind):
        return np.zeros(int(DURATION[kind] / speaker.rate * rng.uniform(0.7, 1.3) * sample_rate))

    pieces = [pause("edge")]
    for u in units:
        pieces.append(pause("pause") if u == SPACE else _unit(SYMBOLS[u], speaker, rng, sample_rate))
    pieces.append(pause("edge"))
    wave = np.concatenate(pieces)
    if np.isfinite(snr_db):
        power = float(np.mean(wave ** 2))
        wave = wave + rng.standard_normal(len(wave)) * np.sqrt(power / 10 ** (snr_db / 10))
    wave = 0.9 * wave / max(float(np.abs(wave).max()), 1e-12)     # peak-normalised: loudness says nothing
    return Utterance(wave.astype(np.float32), units, " ".join(text.split()), speaker, sample_rate)


def make_utterances(n: int, speakers: list[Speaker], seed: int = 0, words: tuple[int, int] = (1, 3),
                    snr_db: float = 20.0) -> list[Utterance]:
    """``n`` utterances of ``words[0]..words[1]`` words drawn uniformly from :data:`LEXICON`, each by a
    speaker drawn from ``speakers``; deterministic in ``seed``."""
    n = check_int("n", n, 1, what="how many utterances")
    seed = check_int("seed", seed)
    if isinstance(speakers, Speaker) or not isinstance(speakers, (list, tuple)) or not speakers \
            or not all(isinstance(s, Speaker) for s in speakers):
        raise ArgumentKindError(f"speakers: expected a non-empty list of Speaker (from random_speakers), "
                                f"got {type(speakers).__name__} {speakers!r:.60}")
    if not (isinstance(words, tuple) and len(words) == 2):
        raise ArgumentKindError(f"words: expected (fewest, most) words per utterance, e.g. (1, 3), got {words!r}")
    lo = check_int("words[0]", words[0], 1, what="the fewest words")
    hi = check_int("words[1]", words[1], lo, what=f"the most words, >= words[0] = {lo}")
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        text = " ".join(LEXICON[i] for i in rng.integers(0, len(LEXICON), rng.integers(lo, hi + 1)))
        speaker = speakers[int(rng.integers(0, len(speakers)))]
        out.append(synthesize(text, speaker, seed=int(rng.integers(0, 2 ** 31)), snr_db=snr_db))
    return out


def speech_splits(sizes: tuple[int, int, int] = (300, 60, 60), n_speakers: tuple[int, int, int] = (16, 4, 4),
                  seed: int = 0, words: tuple[int, int] = (1, 3), snr_db: float = 20.0) -> dict:
    """Train / valid / test utterances ``{"train": [...], "valid": [...], "test": [...]}`` of ``sizes``,
    spoken by disjoint sets of ``n_speakers`` speakers (all drawn once from ``seed``, then dealt out)."""
    for name, value in (("sizes", sizes), ("n_speakers", n_speakers)):
        if not (isinstance(value, tuple) and len(value) == 3):
            raise ArgumentKindError(f"{name}: expected (train, valid, test), three ints, got {value!r}")
    sizes = tuple(check_int(f"sizes[{k}]", s, 1) for k, s in enumerate(sizes))
    n_speakers = tuple(check_int(f"n_speakers[{k}]", s, 1) for k, s in enumerate(n_speakers))
    seed = check_int("seed", seed)
    voices = random_speakers(sum(n_speakers), seed)
    order = np.random.default_rng(seed + 1).permutation(len(voices))   # deal by random order, not by pitch
    cut = np.cumsum((0,) + n_speakers)
    return {part: make_utterances(size, [voices[i] for i in order[cut[k]:cut[k + 1]]], seed=seed * 3 + k + 11,
                                  words=words, snr_db=snr_db)
            for k, (part, size) in enumerate(zip(("train", "valid", "test"), sizes))}


def speech_batch(utterances: list[Utterance], n_mels: int = 40, hop_length: int = 160):
    """Utterances -> ``(features (B, T, n_mels) float32, frame_lengths (B,), targets (B, S) int64,
    target_lengths (B,))``: log-mel features (:func:`rnnlab.data.audio.log_mel`), each utterance
    normalised to zero mean and unit variance per band over its own frames (so loudness and channel
    say nothing), zero after its length; targets padded with BLANK (``F.ctc_loss`` reads only
    ``target_lengths`` of them)."""
    if isinstance(utterances, Utterance) or not isinstance(utterances, (list, tuple)) or not utterances \
            or not all(isinstance(u, Utterance) for u in utterances):
        raise ArgumentKindError(f"utterances: expected a non-empty list of Utterance (from make_utterances); "
                                f"for one utterance pass [utterance], got {type(utterances).__name__}")
    n_mels, hop_length = check_int("n_mels", n_mels, 1), check_int("hop_length", hop_length, 1)
    waves = torch.zeros(len(utterances), max(len(u.wave) for u in utterances))
    for b, u in enumerate(utterances):
        waves[b, :len(u.wave)] = torch.from_numpy(u.wave)
    feats = log_mel(waves, utterances[0].sample_rate, hop_length=hop_length, n_mels=n_mels)    # (B, T, n_mels)
    lengths = n_frames(torch.tensor([len(u.wave) for u in utterances]), hop_length)
    valid = (torch.arange(feats.shape[1])[None, :] < lengths[:, None])[..., None]             # (B, T, 1)
    mean = (feats * valid).sum(1, keepdim=True) / lengths[:, None, None]
    var = (((feats - mean) * valid) ** 2).sum(1, keepdim=True) / lengths[:, None, None]
    feats = torch.where(valid, (feats - mean) / torch.sqrt(var + 1e-5), 0.0)
    target_lengths = torch.tensor([len(u.units) for u in utterances])
    targets = torch.full((len(utterances), int(target_lengths.max())), BLANK, dtype=torch.int64)
    for b, u in enumerate(utterances):
        targets[b, :len(u.units)] = torch.from_numpy(u.units)
    return feats, lengths, targets, target_lengths
