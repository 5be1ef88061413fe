"""Notebook 15's figures: a piano roll (time along x, pitch up y) and the NLL race (drawing only)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rnnlab.data.chorales import LOWEST, check_roll

_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def note_name(midi: int) -> str:
    """``60 -> "C4"`` (scientific pitch notation, middle C = C4)."""
    return f"{_NAMES[midi % 12]}{midi // 12 - 1}"


def draw_piano_roll(roll, split: int | None = None, ax=None, title: str = "", pitch_range: tuple | None = None):
    """Draw ``roll`` ``(T, 88)`` (values in [0, 1]: 0/1 notes, or probabilities) as an image: frame
    along x, MIDI pitch up y, only the pitches used (``pitch_range=(low, high)`` to fix them, e.g. to
    compare two rolls). ``split``: a vertical line before frame ``split`` (opening | continuation).
    Returns the axes."""
    roll = np.asarray(roll.detach().cpu() if hasattr(roll, "detach") else roll, dtype=np.float32)
    check_roll("roll", roll)
    if pitch_range is None:
        used = np.flatnonzero(roll.max(0) > 0) + LOWEST
        pitch_range = (int(used.min()) - 2, int(used.max()) + 2) if len(used) else (55, 79)
    low, high = pitch_range
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12, 2 + 0.12 * len(roll)), 3.4))
    rows = roll[:, low - LOWEST:high - LOWEST + 1].T                    # (pitches, T)
    ax.imshow(rows, origin="lower", aspect="auto", cmap="Greys", vmin=0, vmax=1, interpolation="nearest",
              extent=(-0.5, len(roll) - 0.5, low - 0.5, high + 0.5))
    cs = [p for p in range(low, high + 1) if p % 12 == 0]               # a tick on every C
    ax.set_yticks(cs, [note_name(p) for p in cs])
    for p in cs:
        ax.axhline(p - 0.5, color="C0", alpha=0.15, lw=0.8)
    if split is not None:
        ax.axvline(split - 0.5, color="C3", lw=2)
        ax.text(split - 0.5, high + 0.5, " continuation →", color="C3", va="top", fontsize=9)
        ax.text(split - 0.5, high + 0.5, "opening ", color="C3", va="top", ha="right", fontsize=9)
    ax.set_xlabel("frame t (quarter notes)")
    ax.set_ylabel("pitch")
    ax.set_title(title)
    return ax


def draw_nll_race(race: dict, baselines: dict, papers: dict | None = None, ax=None,
                  title: str = "test NLL per frame"):
    """One dot per seed for each contender of ``race`` (``{name: Contender}`` from
    :func:`rnnlab.experiments.fair.compare`, scores in nats per frame), dashed lines for the
    ``baselines`` ``{name: nats}`` and crosses for the ``papers`` ``{name: nats}`` (the contender's
    name as key). Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.6))
    names = list(race)
    for k, name in enumerate(names):
        scores = race[name].scores
        ax.scatter([k] * len(scores), scores, color=f"C{k}", zorder=3, label="ours (one dot per seed)" if k == 0 else None)
        if papers and name in papers:
            ax.scatter([k + 0.15], [papers[name]], marker="x", color="k", zorder=3,
                       label="Chung et al. 2014 (JSB Chorales)" if k == 0 else None)
    for j, (label, value) in enumerate(baselines.items()):
        ax.axhline(value, ls="--", color=f"C{len(names) + j}", lw=1)
        ax.text(len(names) - 0.55, value, f" {label} {value:.2f}", va="bottom", fontsize=8, color=f"C{len(names) + j}")
    ax.set_xticks(range(len(names)), names)
    ax.set_xlim(-0.5, len(names) + 0.3)
    ax.set_ylabel("nats per frame (lower is better)")
    ax.set_title(title)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8, loc="center right")
    return ax
