"""Bach's four-part chorales as piano rolls, from music21's bundled corpus (notebook 15).

music21 ships Bach's chorales as scores (``music21/corpus/bach/``). Parsing them all takes about
30 s, so ``tools/snapshot_chorales.py`` parsed them once (with :func:`frames_from_score`) into a
small committed snapshot, ``snapshot/bach_chorales.json.xz``; this module reads it and never
imports music21 except to re-derive a chorale (the tests check that the snapshot equals music21's
corpus). Nothing is downloaded.

As in JSB Chorales (Boulanger-Lewandowski et al. 2012) one **frame is one quarter note**: frame
``t`` holds the MIDI pitches sounding on beat ``t`` (a note that starts between beats, a passing
eighth, is heard only if it still sounds on the next beat). A chorale is a list of frames, each a
sorted list of MIDI pitches (at most 4: soprano, alto, tenor, bass; fewer where voices meet or
rest).

- :func:`chorale_names`, :func:`load_chorale` (an unknown name -> an error naming close ones);
- :func:`chorale_splits` — train / validation / test **by chorale**, shuffled with a seed;
- :func:`piano_roll` — frames -> a ``(T, 88)`` float array, key ``k`` = MIDI pitch ``21 + k``
  (A0 .. C8, the piano's 88 keys: the unit in which the papers' NLL per frame is counted);
  :func:`frames_from_roll` back.
"""
from __future__ import annotations

import difflib
import functools
import json
import lzma
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.checks import check_float, check_int, check_number, check_rank, check_size

SNAPSHOT_FILE = Path(__file__).resolve().parent / "snapshot" / "bach_chorales.json.xz"
#: The piano's keys: MIDI 21 (A0) .. 108 (C8).
LOWEST, HIGHEST = 21, 108
N_KEYS = HIGHEST - LOWEST + 1


@dataclass(frozen=True)
class Chorale:
    """One chorale: its music21 corpus name (``"bwv1.6"``), key and time signature as music21 names
    them, and ``frames``: a tuple of ``T`` frames, each a tuple of MIDI pitches (sorted)."""

    name: str
    key: str
    time_signature: str
    frames: tuple

    def __len__(self) -> int:
        return len(self.frames)


def frames_from_score(score) -> list[list[int]]:
    """The quarter-note frames of a music21 score: ``[[midi, ...], ...]``, one list per beat.

    Frame ``t`` holds every note (of every part) that sounds at offset ``t`` quarter notes:
    ``onset <= t < onset + duration``. Tied notes are separate notes in music21, so a tie simply
    keeps the pitch sounding; grace notes (duration 0) sound on no beat. ``T = ceil(highestTime)``.
    """
    end = score.highestTime
    frames = [set() for _ in range(int(np.ceil(float(end))))]
    for part in score.parts:
        for note in part.flatten().notes:
            start, stop = float(note.offset), float(note.offset + note.duration.quarterLength)
            for t in range(int(np.ceil(start)), min(int(np.ceil(stop)), len(frames))):
                frames[t].update(p.midi for p in note.pitches)
    return [sorted(f) for f in frames]


@functools.lru_cache(maxsize=None)
def _snapshot() -> dict:
    """The snapshot: ``{"music21": version, "skipped": {...}, "chorales": {name: Chorale}}``."""
    try:
        data = json.loads(lzma.decompress(SNAPSHOT_FILE.read_bytes()))
    except (OSError, lzma.LZMAError, ValueError) as err:
        raise RuntimeError(f"the chorale snapshot {SNAPSHOT_FILE} could not be read ({err}); expected the file as "
                           f"committed (or rerun tools/snapshot_chorales.py)") from None
    chorales = {c["name"]: Chorale(c["name"], c["key"], c["time_signature"], tuple(tuple(f) for f in c["frames"]))
                for c in data["chorales"]}
    return {"music21": data["music21"], "skipped": data["skipped"], "chorales": chorales}


def snapshot_info() -> dict:
    """Where the snapshot came from: ``{"music21": version, "chorales": n, "skipped": {reason: [names]}}``."""
    snap = _snapshot()
    return {"music21": snap["music21"], "chorales": len(snap["chorales"]), "skipped": snap["skipped"]}


def chorale_names() -> list[str]:
    """Every chorale's music21 corpus name, sorted (``"bwv1.6"``, ``"bwv10.7"``, ...)."""
    return sorted(_snapshot()["chorales"])


def load_chorale(name: str) -> Chorale:
    """The chorale called ``name`` (a music21 corpus name such as ``"bwv1.6"``)."""
    if not isinstance(name, str):
        raise TypeError(f"load_chorale: expected name, a chorale's corpus name such as 'bwv10.7', "
                        f"got {type(name).__name__}")
    chorales = _snapshot()["chorales"]
    if name not in chorales:
        close = difflib.get_close_matches(name, list(chorales), n=5, cutoff=0.5)
        hint = f"close names: {', '.join(close)}" if close else f"some names: {', '.join(sorted(chorales)[:5])}"
        raise ValueError(f"load_chorale: no chorale named {name!r} among the {len(chorales)} in the snapshot; "
                         f"{hint} (chorale_names() lists them all)")
    return chorales[name]


def chorale_splits(valid: float = 0.2, test: float = 0.2, seed: int = 0) -> tuple[list, list, list]:
    """Names of the train / validation / test chorales: every chorale in exactly one, shuffled with
    ``seed``, then cut at the fractions ``valid`` and ``test`` (rounded); each list sorted.

    By chorale, not by frame: a test chorale is never heard in training (JSB Chorales: 229 / 76 / 77).
    """
    valid = check_number("valid", valid, 0, 1, below=1, what="the fraction of chorales for validation")
    test = check_number("test", test, 0, 1, below=1, what="the fraction of chorales for testing")
    seed = check_int("seed", seed, None, what="the shuffle's seed")
    if valid + test >= 1:
        raise ValueError(f"chorale_splits: valid + test must leave chorales to train on, got valid={valid} + "
                         f"test={test} = {valid + test} >= 1")
    names = chorale_names()
    random.Random(seed).shuffle(names)
    n_valid, n_test = round(valid * len(names)), round(test * len(names))
    return (sorted(names[n_valid + n_test:]), sorted(names[:n_valid]), sorted(names[n_valid:n_valid + n_test]))


def piano_roll(frames) -> np.ndarray:
    """``frames`` (``T`` lists of MIDI pitches, or a :class:`Chorale`) -> a ``(T, 88)`` float32 array,
    1 where key ``k`` (MIDI ``21 + k``) sounds in frame ``t``."""
    if isinstance(frames, Chorale):
        frames = frames.frames
    if isinstance(frames, (str, bytes, np.ndarray)) or not hasattr(frames, "__len__"):
        raise TypeError(f"piano_roll: expected frames, a list of T frames, each a list of MIDI pitches "
                        f"(ints {LOWEST}..{HIGHEST}), got {type(frames).__name__}; to go from a roll back to frames "
                        f"use frames_from_roll")
    if len(frames) == 0:
        raise ValueError("piano_roll: expected at least one frame, got an empty list (T = 0)")
    roll = np.zeros((len(frames), N_KEYS), dtype=np.float32)
    for t, frame in enumerate(frames):
        if isinstance(frame, (str, bytes)) or not hasattr(frame, "__iter__"):
            raise TypeError(f"piano_roll: frame {t}: expected a list of MIDI pitches, got {frame!r}")
        for pitch in frame:
            if isinstance(pitch, bool) or not isinstance(pitch, (int, np.integer)):
                raise TypeError(f"piano_roll: frame {t}: expected MIDI pitches as ints, got {pitch!r} "
                                f"({type(pitch).__name__})")
            if not LOWEST <= pitch <= HIGHEST:
                raise ValueError(f"piano_roll: frame {t}: MIDI pitch {pitch} is off the piano's keyboard; expected "
                                 f"{LOWEST} (A0) .. {HIGHEST} (C8)")
            roll[t, pitch - LOWEST] = 1.0
    return roll


def frames_from_roll(roll) -> list[list[int]]:
    """The inverse of :func:`piano_roll`: a ``(T, 88)`` array of 0s and 1s -> ``T`` sorted lists of MIDI pitches."""
    roll = np.asarray(roll.detach().cpu() if hasattr(roll, "detach") else roll)
    check_rank("roll", roll, (2,), "(T, 88)")
    check_size("roll", roll, 1, N_KEYS, "keys (MIDI 21..108)")
    if roll.shape[0] == 0:
        raise ValueError("roll: expected at least one frame, got a roll of shape (0, 88)")
    if not np.isin(roll, (0, 1)).all():
        raise ValueError(f"roll: expected 0s and 1s (a key is on or off), got values such as "
                         f"{roll[~np.isin(roll, (0, 1))][:3].tolist()}; threshold or sample probabilities first")
    return [[LOWEST + int(k) for k in np.flatnonzero(row)] for row in roll]


def check_roll(name: str, roll) -> None:
    """Raise unless ``roll`` is a non-empty float ``(T, 88)`` array or tensor."""
    check_rank(name, roll, (2,), "(T, 88)")
    check_size(name, roll, 1, N_KEYS, "keys (MIDI 21..108)")
    check_float(name, roll)
    if roll.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one frame, got an empty piano roll of shape {tuple(roll.shape)}")
