"""Save the figures a notebook shows to ``figures/NN-short-name.png``.

One helper, so every notebook names and sizes its saved figures the same way and
the README's thumbnails come from the same files::

    fig, ax = plt.subplots()
    ...
    save_figure(fig, "03-gradient-norms")
"""
from __future__ import annotations

import os
import re
from pathlib import Path

_NAME = re.compile(r"^\d\d-[a-z0-9]+(?:-[a-z0-9]+)*$")


def figures_dir() -> Path:
    """The folder figures go to: ``$RNNLAB_FIGURES`` if set, else the project's ``figures/``."""
    if os.environ.get("RNNLAB_FIGURES"):
        return Path(os.environ["RNNLAB_FIGURES"])
    return Path(__file__).resolve().parents[2] / "figures"


def save_figure(fig, name: str, dpi: int = 100) -> Path:
    """Save matplotlib figure ``fig`` as ``figures/<name>.png`` and return the path.

    ``name`` is the notebook's two-digit number and a short kebab-case name,
    e.g. ``"03-gradient-norms"``. The PNG carries no timestamp, so re-running a
    notebook rewrites the same bytes for the same figure.
    """
    if not hasattr(fig, "savefig"):
        raise TypeError(f"save_figure: expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"save_figure: expected a name like '03-gradient-norms' (two-digit notebook number, "
            f"then lowercase words joined by '-'), got {name!r}"
        )
    folder = figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return path
