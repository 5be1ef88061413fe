"""Input checks for the sequence-level functions of ``rnnlab.byhand``.

One call checks a batch-first sequence, its initial state and a cell's weights, and
names what was expected and what came (via :mod:`rnnlab.checks`). A cell with ``G``
gate blocks (Elman 1, GRU 3, LSTM 4) stacks them in its weights:

    x         (B, T, D)   the input sequence, float, T >= 1
    state     (B, H)      h0 (and c0 for the LSTM)
    W_xh      (G*H, D)    input to hidden, the gate blocks stacked on the rows
    W_hh      (G*H, H)    hidden to hidden
    biases    (G*H,)      b_h (Elman, LSTM), or b_xh and b_hh (GRU)
"""
from __future__ import annotations

from rnnlab.checks import check_float, check_nonempty, check_rank, check_shape, check_size


def check_sequence(x, states: dict, weights: dict, biases: dict, gates: int = 1) -> tuple[int, int, int, int]:
    """Check a sequence, its initial state(s) and a cell's weights; return ``(B, T, D, H)``.

    ``states``, ``weights`` and ``biases`` map names (used in the messages) to arrays;
    ``weights`` holds the input-to-hidden matrix first, then the hidden-to-hidden one.
    """
    (w_in_name, W_in), (w_hh_name, W_hh) = weights.items()
    for name, value in {"x": x, **states, **weights, **biases}.items():
        check_float(name, value)
    check_rank("x", x, 3, "(B, T, D)")
    check_nonempty("x", x, 1)
    check_rank(w_hh_name, W_hh, 2, f"({gates}*H, H)" if gates > 1 else "(H, H)")
    H = int(W_hh.shape[1])
    B, T, D = (int(s) for s in x.shape)
    rows = f"{gates}*H" if gates > 1 else "H"
    check_shape(w_hh_name, W_hh, (gates * H, H), f"({rows}, H) with H = {H}")
    check_rank(w_in_name, W_in, 2, f"({rows}, D)")
    check_size("x", x, 2, int(W_in.shape[1]), f"input size D (the columns of {w_in_name})")
    check_shape(w_in_name, W_in, (gates * H, D), f"({rows}, D) with H = {H}, D = {D}")
    for name, value in states.items():
        check_shape(name, value, (B, H), f"(B, H) with B = {B} from x, H = {H} from {w_hh_name}")
    for name, value in biases.items():
        check_shape(name, value, (gates * H,), f"({rows},) with H = {H}")
    return B, T, D, H


def check_upstream(name: str, grad, expected: tuple, layout: str) -> None:
    """Check an upstream gradient (e.g. ``dhs``) against the forward output's shape."""
    check_float(name, grad)
    check_shape(name, grad, expected, layout)
