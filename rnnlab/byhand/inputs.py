"""Input checks for every function of ``rnnlab.byhand``: one place, one style of message.

NumPy broadcasts without a word: a bias of shape ``(1,)`` or ``(H, 1)``, or a state of
shape ``(1, H)`` for a batch of ``B``, gives an answer of the right shape and the wrong
numbers. So every forward and backward here checks its arguments first, and names what
was expected (in the course's symbols) and what came. A cell with ``G`` gate blocks
(Elman and Jordan 1, GRU 3, LSTM 4) stacks them in its weights:

    x         (B, T, D)   a sequence (T >= 1), or (B, D) for one step
    state     (B, H)      h0 / h_prev (and c0 / c_prev for the LSTM)
    W_xh      (G*H, D)    input to hidden, the gate blocks stacked on the rows
    W_hh      (G*H, H)    hidden to hidden
    biases    (G*H,)      b_h (Elman, LSTM), or b_xh and b_hh (GRU)
    caches    a tuple per step (what ``*_step_forward`` returned), a list of them per sequence
    gradients the shape of what they are the gradient of

Everything must be a NumPy array of floats (float32 or float64): a list, a torch tensor
or an int array is refused, not converted, so that a mistake shows where it was made.
"""
from __future__ import annotations

import numpy as np

from rnnlab.checks import check_nonempty, check_rank, check_size


def check_array(name: str, a, layout: str = "") -> None:
    """Raise ``TypeError`` unless ``a`` is a NumPy array of floats; ``layout`` names its axes."""
    if isinstance(a, np.ndarray):
        if a.dtype.kind != "f":  # int or bool: NumPy would compute on, in floats or (relu) in ints
            raise TypeError(f"{name}: expected a floating-point dtype (float32 or float64), got {a.dtype}. "
                            f"Convert it first, e.g. {name}.astype(np.float64).")
        return
    want = f"a NumPy float array {layout}".rstrip()
    if type(a).__module__.split(".")[0] == "torch":
        hint = f"; rnnlab.byhand is NumPy only: pass {name}.detach().cpu().numpy() (rnnlab.nn takes tensors)"
    elif isinstance(a, (list, tuple)):
        hint = f"; convert it first, e.g. np.asarray({name}, dtype=np.float64)"
    else:
        hint = ""
    raise TypeError(f"{name}: expected {want}, got {type(a).__name__}{hint}")


def check_array_shape(name: str, a, expected: tuple, layout: str) -> None:
    """Raise ``ValueError`` unless ``a.shape == expected``, saying when ``a`` looks transposed or
    would have been broadcast."""
    expected = tuple(int(s) for s in expected)
    if a.shape == expected:
        return
    hint = ""
    if a.ndim == 2 and a.shape == expected[::-1]:
        hint = f"; it looks transposed: pass {name}.T"
    elif a.ndim <= len(expected) and a.size < np.prod(expected) and _broadcasts(a.shape, expected):
        hint = "; NumPy would broadcast it without a word, so give every axis its full size"
    elif a.size == np.prod(expected) and a.size > 1:
        hint = f"; the right number of entries in the wrong shape: {name}.reshape{expected}"
    raise ValueError(f"{name}: expected shape {expected} {layout}, got {tuple(a.shape)}{hint}")


def _broadcasts(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def check_cell(x, states: dict, weights: dict, biases: dict, gates: int = 1) -> tuple[int, int, int]:
    """Check one step's input ``x (B, D)``, its states, weights and biases; return ``(B, D, H)``.

    ``states``, ``weights`` and ``biases`` map names (used in the messages) to arrays;
    ``weights`` holds the input-to-hidden matrix first, then the hidden-to-hidden one.
    """
    H = _fits(x, states, weights, biases, gates, rank=2)  # a sequence's forward calls this once a step
    if H is not None:
        return x.shape[0], x.shape[1], H
    B, _, D, H = _check(x, "(B, D)", states, weights, biases, gates)
    return B, D, H


def check_sequence(x, states: dict, weights: dict, biases: dict, gates: int = 1) -> tuple[int, int, int, int]:
    """Check a sequence ``x (B, T, D)``, its initial state(s) and a cell's weights; return ``(B, T, D, H)``.

    Arguments as in :func:`check_cell`.
    """
    H = _fits(x, states, weights, biases, gates, rank=3)
    if H is not None:
        return (*x.shape, H)
    return _check(x, "(B, T, D)", states, weights, biases, gates)


def _fits(x, states: dict, weights: dict, biases: dict, gates: int, rank: int) -> int | None:
    """The quick test, without messages: H if every array is a float ndarray of the right shape, else None."""
    (_, W_in), (_, W_hh) = weights.items()
    arrays = (x, W_in, W_hh, *states.values(), *biases.values())
    try:
        B, D, H = x.shape[0], x.shape[-1], W_hh.shape[1]
        shapes = [a.shape for a in arrays if a.dtype.kind == "f" and type(a) is np.ndarray]
    except (AttributeError, IndexError):  # not an array, or too few axes: _check says which
        return None
    G = gates * H
    if x.ndim == rank and (rank == 2 or x.shape[1] >= 1) and shapes == [
        x.shape, (G, D), (G, H), *[(B, H)] * len(states), *[(G,)] * len(biases)
    ]:
        return int(H)
    return None


def _check(x, x_layout: str, states: dict, weights: dict, biases: dict, gates: int) -> tuple[int, int, int, int]:
    (w_in_name, W_in), (w_hh_name, W_hh) = weights.items()
    for name, value in {"x": x, **states, **weights, **biases}.items():
        check_array(name, value)
    sequence = x_layout == "(B, T, D)"
    check_rank("x", x, 3 if sequence else 2, x_layout)
    if sequence:
        check_nonempty("x", x, 1)
    rows = f"{gates}*H" if gates > 1 else "H"
    check_rank(w_hh_name, W_hh, 2, f"({rows}, H)")
    H = int(W_hh.shape[1])
    B, T, D = int(x.shape[0]), int(x.shape[1]) if sequence else 1, int(x.shape[-1])
    check_array_shape(w_hh_name, W_hh, (gates * H, H), f"({rows}, H) with H = {H}")
    check_rank(w_in_name, W_in, 2, f"({rows}, D)")
    if W_in.shape[0] != gates * H:  # the rows are the weight's fault; the columns may be x's
        check_array_shape(w_in_name, W_in, (gates * H, D), f"({rows}, D) with H = {H}, D = {D}")
    check_size("x", x, x.ndim - 1, int(W_in.shape[1]), f"input size D (the columns of {w_in_name})")
    for name, value in states.items():
        check_array_shape(name, value, (B, H), f"(B, H) with B = {B} from x, H = {H} from {w_hh_name}")
    for name, value in biases.items():
        check_array_shape(name, value, (gates * H,), f"({rows},) with H = {H}")
    return B, T, D, H


def check_upstream(name: str, grad, expected: tuple, layout: str) -> None:
    """Check an upstream gradient (e.g. ``dh``, ``dhs``) against the forward output's shape."""
    if type(grad) is np.ndarray and grad.dtype.kind == "f" and grad.shape == expected:
        return  # the fast path: a sequence's backward calls its step's backward once a step
    check_array(name, grad, layout)
    check_array_shape(name, grad, expected, layout)


def check_cache(cache, forward: str, size: int) -> None:
    """Check that ``cache`` is what one call of ``forward`` returned: a tuple of ``size`` items."""
    if type(cache) is tuple and len(cache) == size:
        return
    got = type(cache).__name__ + (f" of {len(cache)} items" if isinstance(cache, (tuple, list)) else "")
    hint = ""
    if isinstance(cache, list):
        hint = "; a list is a whole sequence's cache: pass it to the sequence's backward, or one step's cache[t] here"
    elif isinstance(cache, tuple):
        hint = "; is it the cache of another function?"
    raise TypeError(f"cache: expected the cache that {forward} returned (a tuple of {size} items), got a {got}{hint}")


def check_steps(cache, forward: str, step_forward: str, size: int) -> None:
    """Check that ``cache`` is what ``forward`` returned: a non-empty list of ``step_forward``'s caches."""
    if isinstance(cache, list) and cache and all(type(c) is tuple and len(c) == size for c in cache):
        return
    want = f"the cache that {forward} returned (a list of T >= 1 caches of {step_forward}, each a tuple of {size})"
    if isinstance(cache, tuple) and len(cache) == size:
        got = f"a tuple of {size} items, one step's cache: pass it to the step's backward, or use {forward}'s cache"
    elif isinstance(cache, list) and cache:
        bad = next(t for t, c in enumerate(cache) if not (type(c) is tuple and len(c) == size))
        item = cache[bad]
        what = type(item).__name__ + (f" of {len(item)} items" if isinstance(item, (tuple, list)) else "")
        got = f"a list whose entry {bad} is a {what}; is it the cache of another function?"
    elif isinstance(cache, (list, tuple)) and not cache:
        got = f"an empty {type(cache).__name__}"
    else:
        got = f"a {type(cache).__name__}"
    raise TypeError(f"cache: expected {want}, got {got}")


def check_targets(name: str, targets, V: int, shape: tuple, layout: str) -> np.ndarray:
    """Class indices ``targets`` of ``shape``, integers in ``[0, V)``; returns them as an array.

    An index outside the range is named, with its position and ``V``.
    """
    targets = np.asarray(targets)
    if not np.issubdtype(targets.dtype, np.integer):
        raise TypeError(
            f"{name}: expected integer class indices {layout}, got dtype {targets.dtype}. "
            f"Convert them first, e.g. {name}.astype(np.int64)."
        )
    check_array_shape(name, targets, shape, layout)
    bad = (targets < 0) | (targets >= V)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name}: expected class indices in [0, {V - 1}] (V = {V}), got {int(targets[where])} at position "
            f"{where if len(where) > 1 else where[0]} ({int(bad.sum())} of {targets.size} outside the range)"
        )
    return targets

