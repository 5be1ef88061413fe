"""Checks for the test cells of the graded assignments (``notebooks/assignments``).

An nbgrader test cell passes when it runs to the end and fails when it raises, so these
checks print a ✅ line when the answer is right (and return None: nbgrader would take a
number a test cell ends with for partial credit) and raise ``AssertionError`` when it is
wrong, with a message in the style of :mod:`rnnlab.course.selfcheck`: what was expected, what
came, by how much it is off, and where to look::

    expect_shape("h", h, (B, H), "(B, H)")
    expect_close("h with h_prev = 0 (the W_xh term alone)", h, expected, hint="x_t @ W_xh.T")
    expect_gradients({"dx": 2e-10, "dW_hh": 0.4}, hints={"dW_hh": "pair da_t with h_{t-1}"})
    with own_work("rnn_step_forward", "rnnlab.byhand"):
        h, cache = rnn_step_forward(x, h_prev, W_xh, W_hh, b_h)

Relative errors are ``max|got - expected| / max(max|got|, max|expected|)``, as in
:func:`rnnlab.byhand.gradcheck.rel_error`: a single wrong entry shows, rounding noise on
entries that should be zero does not.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect
import sys

import numpy as np

from rnnlab.byhand.gradcheck import rel_error


def _array(value) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _passed(text: str) -> None:
    print("✅ " + text)   # and return None: nbgrader would read a returned number as partial credit


def _failed(text: str, hint: str = "") -> None:
    raise AssertionError("❌ " + text + (f"\n   Hint: {hint}" if hint else ""))


def _missing(name: str, value) -> None:
    if value is None:
        _failed(f"{name} is None: did you forget to return it (or to assign it)?")
    if value is NotImplemented or value is Ellipsis:
        _failed(f"{name} is {value!r}: replace the placeholder with your answer.")


def expect_shape(name: str, value, expected: tuple, layout: str = "") -> None:
    """Pass if ``value.shape == expected``; ``layout`` names the axes, e.g. ``"(B, T, H)"``."""
    _missing(name, value)
    if not hasattr(value, "shape"):
        _failed(f"{name}: expected an array of shape {tuple(expected)}, got a {type(value).__name__}.")
    got = tuple(int(s) for s in value.shape)
    axes = f" {layout}" if layout else ""
    if got == tuple(expected):
        return _passed(f"{name} has shape {got}{axes}.")
    hint = "Same sizes in another order: check which axis is which (a missing transpose?)." \
        if sorted(got) == sorted(expected) else ""
    _failed(f"{name}: expected shape {tuple(expected)}{axes}, got {got}.", hint)


def relative_error(got, expected) -> float:
    """``max|got - expected| / max(max|got|, max|expected|)``; 0.0 when both are all zeros.

    :func:`rnnlab.byhand.gradcheck.rel_error` on arrays or tensors.
    """
    return rel_error(_array(got), _array(expected))


def expect_close(name: str, got, expected, tol: float = 1e-7, hint: str = "") -> None:
    """Pass if ``got`` equals ``expected`` to relative error ``tol`` (see :func:`relative_error`).

    A failure says the relative error, where the worst entry is, and expected vs got there.
    """
    _missing(name, got)
    g, e = _array(got), _array(expected).astype(np.float64)
    if g.dtype == object or not (np.issubdtype(g.dtype, np.number) or g.dtype == bool):
        _failed(f"{name}: expected numbers of shape {e.shape}, got {type(got).__name__} {g.dtype}.", hint)
    g = g.astype(np.float64)
    if g.shape != e.shape:
        swap = sorted(g.shape) == sorted(e.shape)
        _failed(f"{name}: expected shape {e.shape}, got {g.shape}.",
                "Same sizes in another order: a missing transpose?" if swap else hint)
    if np.isnan(g).any():
        _failed(f"{name} contains NaN (expected finite numbers).",
                hint or "Look for a division by zero, 0 * inf, or an overflowing exp.")
    infinite = ~np.isfinite(e)                        # e.g. -inf scores at masked positions
    bad = np.where(infinite, g != e, ~np.isfinite(g))
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        _failed(f"{name}: at index {idx} expected {e[idx]:.6g}, got {g[idx]:.6g}.", hint)
    err = relative_error(g[~infinite], e[~infinite])
    if err <= tol:
        return _passed(f"{name} is correct (relative error {err:.1e}).")
    with np.errstate(invalid="ignore"):
        diff = np.where(infinite, 0.0, np.abs(g - e))
    idx = np.unravel_index(int(diff.argmax()), diff.shape) if diff.ndim else ()
    where = f" at index {tuple(int(i) for i in idx)}" if idx else ""
    _failed(f"{name}: relative error {err:.1e}, tolerance {tol:.0e}; worst{where}: "
            f"expected {e[idx]:.6g}, got {g[idx]:.6g}.", hint)


def expect_equal(name: str, got, expected, hint: str = "") -> None:
    """Pass if ``got == expected`` exactly (integers, strings, index arrays, booleans)."""
    _missing(name, got)
    if hasattr(expected, "shape") or hasattr(got, "shape"):
        g, e = _array(got), _array(expected)
        if g.shape != e.shape:
            _failed(f"{name}: expected shape {e.shape}, got {g.shape}.", hint)
        if not np.array_equal(g, e):
            idx = tuple(int(i) for i in np.argwhere(g != e)[0])
            _failed(f"{name}: {int((g != e).sum())} of {g.size} entries differ; first at index {idx}: "
                    f"expected {e[idx]!r}, got {g[idx]!r}.", hint)
        return _passed(f"{name} is right.")
    if got != expected:
        _failed(f"{name}: expected {expected!r}, got {got!r}.", hint)
    return _passed(f"{name} is right.")


def expect_true(condition, message: str, hint: str = "") -> None:
    """Pass if ``condition`` holds; ``message`` says what should be true."""
    if not bool(condition):
        _failed(message, hint)
    return _passed(message)


def expect_gradients(errors: dict, tol: float = 1e-7, hints: dict | None = None) -> None:
    """Pass if every relative error in ``errors`` (name -> float) is at most ``tol``.

    Prints one line per gradient, so a failure shows which terms are right and which are
    wrong; the message lists the wrong ones with their ``hints`` (name -> text). The hint
    under ``"*"`` is given instead when every gradient is wrong (a shared first step, say).
    """
    hints = hints or {}
    wrong = []
    for name, err in errors.items():
        if err is None or not np.isfinite(err):
            wrong.append(name)
            print(f"❌ {name}: relative error {err} (NaN, inf or missing)")
        elif err <= tol:
            print(f"✅ {name}: relative error {err:.1e}")
        else:
            wrong.append(name)
            print(f"❌ {name}: relative error {err:.1e} (a correct gradient is below {tol:.0e})")
    if wrong:
        lines = [f"{', '.join(wrong)} {'does' if len(wrong) == 1 else 'do'} not match the numerical gradient."]
        if len(wrong) == len(errors) > 1 and "*" in hints:   # all wrong: look at what they share
            lines.append(f"   All of them: {hints['*']}")
        else:
            lines += [f"   {name}: {hints[name]}" for name in wrong if name in hints]
        raise AssertionError("❌ " + "\n".join(lines))


def _resolve(target: str):
    """``"torch.lstm_cell"`` -> that object; ``None`` if ``target`` names a module (or nothing)."""
    module, _, attr = target.rpartition(".")
    if not module:
        return None
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None
    return None if inspect.ismodule(obj) else obj


@contextlib.contextmanager
def own_work(what: str, *forbidden: str):
    """Fail if the code run inside the block calls any of ``forbidden``.

    ``forbidden`` holds module names (``"rnnlab.byhand"``: that module and everything in it)
    and dotted names of callables (``"torch.lstm_cell"``, ``"torch.nn.LSTMCell"``). The graded
    functions of an assignment must compute their answer themselves; this is how a test
    checks that ``what`` does not hand the work to the course's reference implementation.
    Calls are watched with :func:`sys.setprofile`, so aliases and imports inside the
    function are caught as well.
    """
    modules = tuple(t for t in forbidden if _resolve(t) is None)
    objects = {}
    for t in forbidden:
        obj = _resolve(t)
        if obj is not None:
            objects[id(obj)] = t
            if isinstance(obj, type):   # a class: the code of the methods it defines itself
                for method in vars(obj).values():
                    code = getattr(method, "__code__", None)
                    if code is not None:
                        objects[id(code)] = t
    seen: list[str] = []

    def profile(frame, event, arg):
        if len(seen) >= 5:
            return
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if any(name == m or name.startswith(m + ".") for m in modules):
                seen.append(f"{name}.{frame.f_code.co_name}")
            elif id(frame.f_code) in objects:
                seen.append(objects[id(frame.f_code)])
        elif event == "c_call" and id(arg) in objects:
            seen.append(objects[id(arg)])

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)
    if seen:
        calls = ", ".join(dict.fromkeys(seen))
        _failed(f"{what} calls {calls}: the graded functions must compute this themselves, "
                f"not call the course's reference implementation or torch's built-in layer.",
                "Write it out with tensor operations (read the reference for ideas, then close it).")
