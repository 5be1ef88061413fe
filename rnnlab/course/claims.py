"""The claims ledger: each measured claim a notebook makes, stated once -- printed, recorded, checked.

A notebook states a result through :func:`claim` instead of a bare ``print`` and ``assert``::

    claim("bi_minus_uni_macro_f1", f1_bi - f1_uni, holds=f1_bi - f1_uni > 0.15,
          says="the bidirectional tagger's macro-F1 is more than 0.15 above the left-to-right one's",
          paper="Huang et al. 2015: BiLSTM +1.4 F1 over an LSTM (CoNLL-2003 NER)")

It prints one line in a fixed form (the ledger's record, read back by :func:`parse`)::

    claim bi_minus_uni_macro_f1 = 0.2712 | quick | holds | the bidirectional tagger's ... | paper: Huang et al. ...

and raises :class:`ClaimFailed`, an ``AssertionError``, when ``holds`` is false, so a notebook whose
claim no longer holds fails its test. ``tools/collect_results.py`` (``make results``) reads these lines
from the executed notebooks -- quick mode: their stored outputs; full mode: ``results/full/`` -- into
``results/claims.json`` and ``RESULTS.md``, quick, full and the literature side by side.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rnnlab.course.runtime import get_mode

#: The record's form; ``name`` is lower-case letters, digits, ``_`` and ``.``.
LINE = re.compile(r"^claim (?P<name>[a-z0-9_.]+) = (?P<value>\S+) \| (?P<mode>quick|full) \| (?P<verdict>holds|FAILS)"
                  r" \| (?P<says>[^|]+?)(?: \| paper: (?P<paper>[^|]+))?$")
_NAME = re.compile(r"^[a-z0-9_.]+$")


class ClaimFailed(AssertionError):
    """A measured claim that no longer holds; the message is the claim's printed line."""


@dataclass(frozen=True)
class Claim:
    """One measured claim: its name, the value measured, whether the claim holds, what it says, the mode
    that measured it and, where there is one, the paper's number for the closest setting."""

    name: str
    value: float
    holds: bool
    says: str
    mode: str
    paper: str | None = None

    def line(self) -> str:
        """The claim's record: ``claim NAME = VALUE | MODE | holds|FAILS | SAYS[ | paper: PAPER]``."""
        text = (f"claim {self.name} = {self.value:.6g} | {self.mode} | {'holds' if self.holds else 'FAILS'} "
                f"| {self.says}")
        return text + (f" | paper: {self.paper}" if self.paper else "")


def _text(what: str, value) -> str:
    if not isinstance(value, str) or not value.strip() or "|" in value or "\n" in value:
        raise ValueError(f"claim: expected {what} as one line of text without '|', got {value!r}")
    return value.strip()


def claim(name: str, value, *, holds, says: str, paper: str | None = None) -> None:
    """State a measured claim: print its record line, and raise :class:`ClaimFailed` unless ``holds``.

    name: a short id, unique in its notebook (lower-case letters, digits, ``_``, ``.``), e.g. ``"bpc_lstm"``;
    value: the number measured (a Python, NumPy or one-element torch number, finite), recorded to 6
        significant digits;
    holds: the check, a bool (e.g. ``value < bigram_bpc``); says: the claim in words, as the prose states it;
    paper: the literature's number for the closest setting, with its source, if there is one.
    Returns nothing (a cell that ends with a claim shows only its record line); :func:`parse` reads the
    line back as a :class:`Claim`.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"claim: expected a name of lower-case letters, digits, '_' and '.', got {name!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"claim {name}: expected a number as value, got {type(value).__name__}") from None
    if not math.isfinite(number):
        raise ValueError(f"claim {name}: expected a finite value, got {number}")
    if not isinstance(holds, bool) and type(holds).__name__ not in ("bool_", "bool"):
        raise TypeError(f"claim {name}: expected holds as a bool (the claim's check), got {type(holds).__name__}")
    stated = Claim(name, float(f"{number:.6g}"), bool(holds), _text("says", says), get_mode(),  # the value as recorded
                   None if paper is None else _text("paper", paper))
    print(stated.line())
    if not stated.holds:
        raise ClaimFailed(stated.line())


def parse(line: str) -> Claim | None:
    """The :class:`Claim` a printed record line holds, or None for any other line."""
    found = LINE.match(line.rstrip("\n"))
    if found is None:
        return None
    return Claim(found["name"], float(found["value"]), found["verdict"] == "holds", found["says"], found["mode"],
                 found["paper"])
