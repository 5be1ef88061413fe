"""Checks of one number or flag, each returning the plain Python value it stands for.

    check_int     an int in a range: a Python or NumPy integer or a 0-d integer tensor (a bool or a
                  float is not one, not even 3.0)
    check_number  a real number in a range, never NaN: a Python or NumPy number or a 0-d tensor
                  (not a bool)
    check_bool    True or False itself (not truthiness: "False" and None are refused)

The wrong kind (a bool, a str, a float where an int is due, a list) raises
:class:`ArgumentKindError`, both a TypeError and a ValueError; the right kind out of range raises
``ValueError``. Every message names the argument, what was expected and what came. The caller's
words go in by keyword: ``what`` says what the value means ("max_len: expected an int >= 1 (the
most tokens to write), got 0"), ``expected`` replaces the range in words ("an int k with
1 <= k <= V = 6"), ``fn`` puts the function first ("copy_task: expected T to be an int >= 1,
got 0"), and ``hint`` ends the message of a value out of range (why the bound, or what to do).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .arrays import _shape


class ArgumentKindError(TypeError, ValueError):
    """An argument of the wrong kind: a bool, a str, a list or a float where a number, an int or a
    sequence is due.

    Both a ``TypeError`` (the kind is wrong) and a ``ValueError`` (these functions raised ValueError
    for every bad argument before), so ``except`` of either catches it."""


def _item(value):
    """The Python number a 0-d tensor or array holds (a NumPy scalar too); anything else as it is."""
    return value.item() if getattr(value, "ndim", None) == 0 and hasattr(value, "item") else value


def _got(value, noun: str) -> str:
    """What came, and that it is not ``noun``: ``'3' (str, not an integer)``."""
    kind = f"{type(value).__name__} of shape {_shape(value)}" if getattr(value, "ndim", 0) else type(value).__name__
    return f"{value!r} ({kind}, not {noun})"


def _wanted(kind: str, low, high, what: str, expected: str | None, above=None, below=None) -> str:
    """What was expected, in words: the caller's ``expected``, else the range ("an int >= 1", "an int in
    1..T", "a number in (0, 1]"), followed by ``what`` the value means in brackets."""
    if expected:
        return expected
    lowest, highest = (low if above is None else above), (high if below is None else below)
    if lowest is not None and highest is not None and kind == "an int":
        words = f"{kind} in {lowest}..{highest}"
    elif lowest is not None and highest is not None:
        words = f"{kind} in {'[' if above is None else '('}{lowest}, {highest}{']' if below is None else ')'}"
    elif lowest is not None:
        words = f"{kind} {'>=' if above is None else '>'} {lowest}"
    elif highest is not None:
        words = f"{kind} {'<=' if below is None else '<'} {highest}"
    else:
        words = kind
    return words + (f" ({what})" if what else "")


def _expected(name: str, wanted: str, fn: str | None) -> str:
    return f"{fn}: expected {name} to be {wanted}" if fn else f"{name}: expected {wanted}"


def check_int(name: str, value, minimum: int | None = 0, maximum: int | None = None, *, what: str = "",
              expected: str | None = None, fn: str | None = None, hint: str = "") -> int:
    """``value`` as an ``int`` in ``[minimum, maximum]`` (either may be None: no bound).

    :class:`ArgumentKindError` unless it is an integer (a bool is not; a NumPy integer and a 0-d
    integer tensor are), ``ValueError`` outside the range. ``what``, ``expected``, ``fn`` and
    ``hint`` put the caller's words in the messages, as the module's docstring says.
    """
    number = _item(value)
    wanted = _wanted("an int", minimum, maximum, what, expected)
    if isinstance(number, (bool, np.bool_)) or not isinstance(number, numbers.Integral):
        fix = f"; use int({number!r})" if isinstance(number, float) and number.is_integer() else ""
        raise ArgumentKindError(f"{_expected(name, wanted, fn)}, got {_got(value, 'an integer')}{fix}")
    number = int(number)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError(f"{_expected(name, wanted, fn)}, got {number}{hint}")
    return number


def check_number(name: str, value, low: float | None = None, high: float | None = None, *,
                 above: float | None = None, below: float | None = None, finite: bool = False, what: str = "",
                 expected: str | None = None, fn: str | None = None, hint: str = "") -> float:
    """``value`` as a ``float`` in ``[low, high]``, never NaN, and finite with ``finite``. ``above`` and
    ``below`` are strict bounds: ``above=0`` wants a number > 0 (``low`` and ``high`` are <= and >=).

    :class:`ArgumentKindError` unless it is a real number (a bool is not; a NumPy number and a 0-d
    tensor are), ``ValueError`` for NaN, an infinity with ``finite``, or outside the range.
    ``what``, ``expected``, ``fn`` and ``hint`` as in :func:`check_int`.
    """
    number = _item(value)
    wanted = _wanted("a finite number" if finite else "a number", low, high, what, expected, above, below)
    if isinstance(number, (bool, np.bool_)) or not isinstance(number, numbers.Real):
        raise ArgumentKindError(f"{_expected(name, wanted, fn)}, got {_got(value, 'a real number')}")
    number = float(number)
    outside = ((low is not None and number < low) or (above is not None and not number > above)
               or (high is not None and number > high) or (below is not None and not number < below))
    if math.isnan(number) or outside or (finite and math.isinf(number)):
        if wanted in ("a number", "a finite number"):  # no range to name: say what was wrong with it
            wanted += " that is not NaN" if wanted == "a number" else " (not NaN or inf)"
        raise ValueError(f"{_expected(name, wanted, fn)}, got {number!r}{hint}")
    return number


def check_bool(name: str, value) -> bool:
    """Return ``value`` as a ``bool``; :class:`ArgumentKindError` unless it is ``True`` or ``False`` (a
    NumPy bool too). Not truthiness: the string ``"False"`` and ``None`` would silently mean the wrong
    thing."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentKindError(f"{name}: expected True or False (a bool), got {value!r} ({type(value).__name__})")
    return bool(value)
