"""Every public function of rnnlab.byhand refuses a wrong shape, dtype or cache with a clear error.

NumPy broadcasts without a word: a bias (1,) or (H, 1), a state (1, H) for a batch of B, or an
upstream gradient (H,) gives an answer of the right shape and the wrong numbers. Each row of the
tables below is one such argument; the error must be the right type and name the argument, what
was expected (in the course's symbols) and what came. The last tests check that correct arguments
still give exactly the numbers they gave before the checks were added.
"""
import numpy as np
import pytest
import torch

from rnnlab import byhand as bh
from rnnlab.byhand.charmodel import one_hot
from rnnlab.data import Vocab

B, T, D, H, V = 2, 3, 4, 5, 6  # all different, so that a shape names its axes
rng = np.random.default_rng(0)


def arrays(**shapes):
    return {name: rng.standard_normal(shape) for name, shape in shapes.items()}


# Good arguments of each step function, in argument order.
STEP = {
    "elman": arrays(x=(B, D), h_prev=(B, H), W_xh=(H, D), W_hh=(H, H), b_h=(H,)),
    "lstm": arrays(x=(B, D), h_prev=(B, H), c_prev=(B, H), W_xh=(4 * H, D), W_hh=(4 * H, H), b_h=(4 * H,)),
    "gru": arrays(x=(B, D), h_prev=(B, H), W_xh=(3 * H, D), W_hh=(3 * H, H), b_xh=(3 * H,), b_hh=(3 * H,)),
    "jordan": arrays(x=(B, D), y_prev=(B, V), W_xh=(H, D), W_yh=(H, V), b_h=(H,), W_hy=(V, H), b_y=(V,)),
}
STEP_FORWARD = {"elman": bh.rnn_step_forward, "lstm": bh.lstm_step_forward, "gru": bh.gru_step_forward,
                "jordan": bh.jordan_step_forward}
STEP_BACKWARD = {"elman": bh.rnn_step_backward, "lstm": bh.lstm_step_backward, "gru": bh.gru_step_backward,
                 "jordan": bh.jordan_step_backward}
FORWARD = {"elman": bh.rnn_forward, "lstm": bh.lstm_forward, "gru": bh.gru_forward, "jordan": bh.jordan_forward}
BACKWARD = {"elman": bh.rnn_backward, "lstm": bh.lstm_backward, "gru": bh.gru_backward, "jordan": bh.jordan_backward}


def sequence_args(cell):
    """The step's good arguments as a sequence function takes them: x (B, T, D), h0 / c0 / y0."""
    renamed = {"h_prev": "h0", "c_prev": "c0", "y_prev": "y0"}
    args = {renamed.get(name, name): value for name, value in STEP[cell].items()}
    args["x"] = rng.standard_normal((B, T, D))
    return args


def step_cache(cell):
    return STEP_FORWARD[cell](*STEP[cell].values())[-1]


def sequence_cache(cell):
    return FORWARD[cell](*sequence_args(cell).values())[-1]


def step_backward(cell, cache, **upstream):
    """Call the step's backward with good upstream gradients, except those given."""
    good = {"dy": rng.standard_normal((B, V))} if cell == "jordan" else {"dh": rng.standard_normal((B, H))}
    if cell == "lstm":
        good["dc"] = rng.standard_normal((B, H))
    return STEP_BACKWARD[cell](*{**good, **upstream}.values(), cache)


G = {"elman": ("H", 1), "jordan": ("H", 1), "gru": ("3*H", 3), "lstm": ("4*H", 4)}  # bias rows: symbol, gates
BIAS = {"elman": "b_h", "lstm": "b_h", "gru": "b_hh", "jordan": "b_h"}
STATE = {"elman": "h_prev", "lstm": "c_prev", "gru": "h_prev", "jordan": "y_prev"}


def step_forward_cases():
    """(cell, argument, bad value, error, key words) for each step forward."""
    for cell in STEP:
        rows, gates = G[cell]
        bias, state = BIAS[cell], STATE[cell]
        n = gates * H
        width = V if cell == "jordan" else H
        symbol = "(B, V)" if cell == "jordan" else "(B, H)"
        yield cell, bias, np.zeros(1), ValueError, (bias, f"({n},)", f"({rows},)", "got (1,)", "broadcast")
        yield cell, bias, np.zeros((n, 1)), ValueError, (bias, f"({n},)", f"got ({n}, 1)", f"{bias}.reshape")
        yield cell, bias, 0.5, TypeError, (bias, "NumPy float array", "got float")
        yield cell, state, np.zeros((1, width)), ValueError, (state, f"({B}, {width})", symbol, f"B = {B} from x",
                                                              f"got (1, {width})", "broadcast")
        yield cell, state, np.zeros(width), ValueError, (state, f"({B}, {width})", f"got ({width},)")
        yield cell, "x", np.zeros(D), ValueError, ("x:", "2-D", "(B, D)", f"({D},)")
        yield cell, "x", np.zeros((B, T, D)), ValueError, ("x:", "2-D", "(B, D)", f"({B}, {T}, {D})")
        yield cell, "x", np.ones((B, D), dtype=np.int64), TypeError, ("x:", "floating-point", "got int64")
        yield cell, "x", np.ones((B, D), dtype=bool), TypeError, ("x:", "floating-point", "got bool")
        yield cell, "x", np.zeros((B, D)).tolist(), TypeError, ("x:", "NumPy float array", "got list", "np.asarray")
        yield cell, "x", torch.zeros(B, D, dtype=torch.float64), TypeError, ("x:", "got Tensor", ".numpy()")
        yield cell, "x", "hello", TypeError, ("x:", "NumPy float array", "got str")
        yield cell, "W_xh", np.zeros((D, n)), ValueError, ("W_xh", f"({n}, {D})", "got", "transposed", "W_xh.T")
        if cell != "jordan":
            wrong = (H, H) if gates > 1 else (4 * H, H)
            yield cell, "W_hh", np.zeros(wrong), ValueError, ("W_hh", f"({n}, {H})", f"({rows}, H)", f"got {wrong}")
    yield "lstm", "b_h", np.zeros(H), ValueError, ("b_h", f"({4 * H},)", "(4*H,)", f"got ({H},)")
    yield "lstm", "h_prev", np.zeros((1, H)), ValueError, ("h_prev", f"({B}, {H})", "got (1, 5)", "broadcast")
    yield "gru", "b_xh", np.zeros(1), ValueError, ("b_xh", f"({3 * H},)", "got (1,)")
    yield "jordan", "b_y", np.zeros(1), ValueError, ("b_y", f"({V},)", "(V,)", "got (1,)", "broadcast")
    yield "jordan", "W_yh", np.zeros((V, H)), ValueError, ("W_yh", f"({H}, {V})", "(H, V)", "transposed")
    yield "jordan", "W_hy", np.zeros((H, V)), ValueError, ("W_hy", f"({V}, {H})", "(V, H)", "transposed")


@pytest.mark.parametrize(
    "cell, name, bad, error, parts",
    [pytest.param(*case, id=f"{case[0]}-{case[1]}-{i}") for i, case in enumerate(step_forward_cases())],
)
def test_step_forward_rejects(cell, name, bad, error, parts, raises_naming):
    with raises_naming(error, *parts):
        STEP_FORWARD[cell](*{**STEP[cell], name: bad}.values())


@pytest.mark.parametrize("cell", list(STEP))
def test_sequence_forward_rejects_the_same_arguments(cell, raises_naming):
    rows, gates = G[cell]
    args = sequence_args(cell)
    state = {"elman": "h0", "lstm": "c0", "gru": "h0", "jordan": "y0"}[cell]
    width = V if cell == "jordan" else H
    with raises_naming(ValueError, BIAS[cell], f"({gates * H},)", "got (1,)", "broadcast"):
        FORWARD[cell](*{**args, BIAS[cell]: np.zeros(1)}.values())
    with raises_naming(ValueError, state, f"({B}, {width})", f"B = {B} from x", f"got (1, {width})"):
        FORWARD[cell](*{**args, state: np.zeros((1, width))}.values())
    with raises_naming(TypeError, "x:", "got Tensor", ".numpy()"):
        FORWARD[cell](*{**args, "x": torch.from_numpy(args["x"])}.values())
    with raises_naming(TypeError, "x:", "got list"):
        FORWARD[cell](*{**args, "x": args["x"].tolist()}.values())
    with raises_naming(ValueError, "x:", "T is 0", f"({B}, 0, {D})"):
        FORWARD[cell](*{**args, "x": np.zeros((B, 0, D))}.values())


OTHER = {"elman": "lstm", "lstm": "gru", "gru": "elman", "jordan": "elman"}  # a cache of the wrong function
SIZE = {"elman": 6, "lstm": 10, "gru": 9, "jordan": 3}  # the items of each step's cache


def step_backward_cases():
    for cell in STEP:
        up, shape, symbol = ("dy", (B, V), "(B, V)") if cell == "jordan" else ("dh", (B, H), "(B, H)")
        yield cell, {up: np.zeros((1, shape[1]))}, None, ValueError, (up, str(shape), symbol, f"got (1, {shape[1]})",
                                                                      "broadcast")
        yield cell, {up: np.zeros(shape[1])}, None, ValueError, (up, str(shape), f"got ({shape[1]},)")
        yield cell, {up: np.zeros(shape[::-1])}, None, ValueError, (up, str(shape), "transposed")
        yield cell, {up: np.zeros(shape, dtype=np.int64)}, None, TypeError, (up, "floating-point", "got int64")
        yield cell, {up: np.zeros(shape).tolist()}, None, TypeError, (up, "NumPy float array", "got list")
        forward = f"{'rnn' if cell == 'elman' else cell}_step_forward"
        yield cell, {}, OTHER[cell], TypeError, ("cache", forward, f"tuple of {SIZE[cell]} items",
                                                 f"got a tuple of {SIZE[OTHER[cell]]} items")
        yield cell, {}, "sequence", TypeError, ("cache", forward, "got a list", "whole sequence", "cache[t]")
        yield cell, {}, "none", TypeError, ("cache", forward, "got a NoneType")
    yield "lstm", {"dc": np.zeros((1, H))}, None, ValueError, ("dc", f"({B}, {H})", "shape of c", "got (1, 5)")
    yield "lstm", {"dc": np.zeros(H)}, None, ValueError, ("dc", f"({B}, {H})", "got (5,)")


@pytest.mark.parametrize(
    "cell, upstream, cache, error, parts",
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(step_backward_cases())],
)
def test_step_backward_rejects(cell, upstream, cache, error, parts, raises_naming):
    """``cache``: None for the right one, another cell's name for its cache, "sequence" for the whole
    sequence's cache, "none" for None itself."""
    caches = {None: lambda: step_cache(cell), "sequence": lambda: sequence_cache(cell), "none": lambda: None}
    cache = caches.get(cache, lambda: step_cache(cache))()
    with raises_naming(error, *parts):
        step_backward(cell, cache, **upstream)


@pytest.mark.parametrize("cell", list(STEP))
def test_sequence_backward_rejects_wrong_gradients_and_caches(cell, raises_naming):
    width, symbol, name = (V, "(B, T, V)", "dys") if cell == "jordan" else (H, "(B, T, H)", "dhs")
    cache = sequence_cache(cell)
    backward = BACKWARD[cell]
    forward = f"{'rnn' if cell == 'elman' else cell}_forward"
    with raises_naming(ValueError, name, f"({B}, {T}, {width})", symbol, f"got (1, {T}, {width})", "broadcast"):
        backward(np.zeros((1, T, width)), cache)
    with raises_naming(TypeError, name, "floating-point", "got int64"):
        backward(np.zeros((B, T, width), dtype=np.int64), cache)
    with raises_naming(TypeError, "cache", forward, f"each a tuple of {SIZE[cell]}", "one step's cache"):
        backward(np.zeros((B, T, width)), step_cache(cell))
    with raises_naming(TypeError, "cache", forward, "entry 0", f"tuple of {SIZE[OTHER[cell]]} items"):
        backward(np.zeros((B, T, width)), sequence_cache(OTHER[cell]))
    with raises_naming(TypeError, "cache", forward, "got an empty list"):
        backward(np.zeros((B, T, width)), [])


HS, W_HY, B_Y = rng.standard_normal((B, T, H)), rng.standard_normal((V, H)), rng.standard_normal(V)
LOGITS, TARGETS = rng.standard_normal((B, T, V)), rng.integers(0, V, (B, T))
PARAMS = bh.init_elman_lm(D, H, V)
X3, H0 = rng.standard_normal((B, T, D)), rng.standard_normal((B, H))
VOCAB = Vocab.from_text("hello world")
MODEL = bh.init_char_rnn(VOCAB, hidden_size=8)


def without(params, name):
    return {key: value for key, value in params.items() if key != name}


# (function, arguments, error, key words) for the functions around the cells.
OTHER_CASES = {
    "affine-b_y-(V,1)": (bh.temporal_affine_forward, (HS, W_HY, np.zeros((V, 1))), ValueError,
                         ("b_y", "(6,)", "(V,)", "got (6, 1)")),
    "affine-W_hy-transposed": (bh.temporal_affine_forward, (HS, W_HY.T, B_Y), ValueError,
                               ("W_hy", "(6, 5)", "(V, H)", "got (5, 6)", "transposed")),
    "affine-hs-torch": (bh.temporal_affine_forward, (torch.from_numpy(HS), W_HY, B_Y), TypeError, ("hs", "Tensor")),
    "affine-backward-dys-int": (lambda: bh.temporal_affine_backward(
        np.zeros((B, T, V), dtype=int), bh.temporal_affine_forward(HS, W_HY, B_Y)[1]), (), TypeError,
        ("dys", "floating-point", "got int64")),
    "affine-backward-dys-(V,)": (lambda: bh.temporal_affine_backward(
        np.zeros(V), bh.temporal_affine_forward(HS, W_HY, B_Y)[1]), (), ValueError,
        ("dys", "(2, 3, 6)", "got (6,)", "broadcast")),
    "affine-backward-wrong-cache": (
        lambda: bh.temporal_affine_backward(np.zeros((B, T, V)), step_cache("elman")), (), TypeError,
        ("cache", "temporal_affine_forward", "tuple of 2", "got a tuple of 6")),
    "loss-target-out-of-range": (  # V in the last column of every row: 2 of the 6 targets
        bh.softmax_cross_entropy, (LOGITS, np.where(np.arange(T) == 2, V, 0)[None].repeat(B, 0)), ValueError,
        ("targets", "[0, 5]", "V = 6", "got 6 at position (0, 2)", "2 of 6")),
    "loss-target-negative": (bh.softmax_cross_entropy, (LOGITS, np.full((B, T), -1)), ValueError,
                             ("targets", "got -1 at position (0, 0)")),
    "loss-counted-2": (bh.softmax_cross_entropy, (LOGITS, TARGETS, np.full((B, T), 2)), ValueError,
                       ("counted", "True/False", "0/1", "got 2 at position (0, 0)")),
    "loss-counted-str": (bh.softmax_cross_entropy, (LOGITS, TARGETS, "all"), TypeError, ("counted", "got str")),
    "loss-counted-(T,)": (bh.softmax_cross_entropy, (LOGITS, TARGETS, np.ones(T, dtype=bool)), ValueError,
                          ("counted", "(2, 3)", "got (3,)", "broadcast")),
    "loss-empty": (bh.softmax_cross_entropy, (np.zeros((0, V)), np.zeros(0, dtype=int)), ValueError,
                   ("logits", "at least one position", "(0, 6)")),
    "loss-logits-torch": (bh.softmax_cross_entropy, (torch.from_numpy(LOGITS), TARGETS), TypeError,
                          ("logits", "Tensor", ".numpy()")),
    "activate-int": (bh.activate, (np.arange(3), "relu"), TypeError, ("a:", "floating-point", "got int64")),
    "sigmoid-str": (bh.sigmoid, ("abc",), TypeError, ("a:", "got str")),
    "activate_backward-nonlinearity": (bh.activate_backward, (HS, np.tanh(HS), "sigmoid"), ValueError,
                                       ("nonlinearity", "'tanh' or 'relu'", "got 'sigmoid'")),
    "activate_backward-dh-(1,H)": (bh.activate_backward, (np.zeros((1, H)), np.zeros((B, H)), "tanh"), ValueError,
                                   ("dh", "(2, 5)", "shape of h", "got (1, 5)")),
    "init_elman_lm-H-0": (bh.init_elman_lm, (D, 0, V), ValueError, ("H", ">= 1", "got 0")),
    "init_elman_lm-V-float": (bh.init_elman_lm, (D, H, 6.0), TypeError, ("V", "integer", "got 6.0")),
    "elman_lm_loss-params-missing": (bh.elman_lm_loss, (X3, TARGETS, H0, without(PARAMS, "W_hy")), ValueError,
                                     ("params", "keys", "['W_hy'] missing")),
    "elman_lm_loss-params-list": (bh.elman_lm_loss, (X3, TARGETS, H0, list(PARAMS.values())), TypeError,
                                  ("params", "dict", "got list")),
    "elman_lm_loss-b_y-(1,)": (bh.elman_lm_loss, (X3, TARGETS, H0, {**PARAMS, "b_y": np.zeros(1)}), ValueError,
                               ("params['b_y']", "(6,)", "(V,)", "got (1,)")),
    "elman_lm_loss-W_hy-(V,H+1)": (bh.elman_lm_loss, (X3, TARGETS, H0, {**PARAMS, "W_hy": np.zeros((V, H + 1))}),
                                   ValueError, ("params['W_hy']", "(6, 5)", "(V, H)", "got (6, 6)")),
    "elman_lm_loss-targets-(B,T+1)": (bh.elman_lm_loss, (X3, np.zeros((B, T + 1), dtype=int), H0, PARAMS),
                                      ValueError, ("targets", "(2, 3)", "(B, T)", "got (2, 4)")),
    "elman_lm_loss-h0-(1,H)": (bh.elman_lm_loss, (X3, TARGETS, H0[:1], PARAMS), ValueError,
                               ("h0", "(2, 5)", "got (1, 5)")),
    "tbptt-params-missing": (bh.tbptt, (X3, TARGETS, H0, without(PARAMS, "b_h"), 1, 2), ValueError,
                             ("params", "['b_h'] missing")),
    "tbptt-h0-(1,H)": (bh.tbptt, (X3, TARGETS, H0[:1], PARAMS, 1, 2), ValueError,
                       ("h0", "(2, 5)", "B = 2 from x", "got (1, 5)")),
    "tbptt-targets-float": (bh.tbptt, (X3, TARGETS.astype(float), H0, PARAMS, 1, 2), TypeError,
                            ("targets", "integer", "float64")),
    "tbptt-target-out-of-range": (bh.tbptt, (X3, TARGETS + V, H0, PARAMS, 1, 2), ValueError,
                                  ("targets", "[0, 5]", "position (0, 0)")),
    "tbptt-x-D": (bh.tbptt, (rng.standard_normal((B, T, D + 1)), TARGETS, H0, PARAMS, 1, 2), ValueError,
                  ("x:", "input size D", "params['W_xh']", "= 4", "got 5")),
    "tbptt-nonlinearity": (bh.tbptt, (X3, TARGETS, H0, PARAMS, 1, 2, "sigmoid"), ValueError,
                           ("nonlinearity", "got 'sigmoid'")),
    "late_loss_reach-x-2-D": (bh.late_loss_reach, (X3[:, 0], TARGETS, H0, PARAMS), ValueError,
                              ("x:", "3-D", "(B, T, D)", "(2, 4)")),
    "late_loss_reach-k2-str": (bh.late_loss_reach, (X3, TARGETS, H0, PARAMS, "3"), TypeError,
                               ("k2", "integer", "got '3'")),
    "reach_problem-T-0": (bh.reach_problem, (0,), ValueError, ("T", ">= 1", "got 0")),
    "truncation_error-k2s-int": (bh.truncation_error, (X3, TARGETS, H0, PARAMS, 3), TypeError,
                                 ("k2s", "list", "got 3", "[3]")),
    "numerical_gradient-float32": (bh.numerical_gradient, (lambda: 0.0, np.zeros(3, dtype=np.float32)), TypeError,
                                   ("x:", "float64", "got float32")),
    "numerical_gradient-eps-0": (bh.numerical_gradient, (lambda: 0.0, np.zeros(3), 0), ValueError,
                                 ("eps", "positive", "got 0")),
    "numerical_gradient-f-array": (bh.numerical_gradient, (lambda: np.zeros(3), np.zeros(2)), TypeError,
                                   ("f:", "scalar", "shape (3,)")),
    "numerical_gradient-x-list": (bh.numerical_gradient, (lambda: 0.0, [1.0, 2.0]), TypeError, ("x:", "got list")),
    "check_gradients-analytic-shape": (bh.check_gradients, (lambda: 0.0, {"W": np.zeros((2, 3))},
                                                            {"W": np.zeros((3, 2))}), ValueError,
                                       ("analytic['W']", "(2, 3)", "got (3, 2)")),
    "rel_error-str": (bh.rel_error, ("a", np.zeros(1)), TypeError, ("rel_error", "a", "numbers", "got str")),
    "gradcheck_layer-inputs-list": (bh.gradcheck_layer, (bh.rnn_forward, bh.rnn_backward,
                                                         list(bh.example_inputs("elman").values())), TypeError,
                                    ("inputs", "dict", "got list")),
    "example_inputs-B-0": (bh.example_inputs, ("elman", 0), ValueError, ("B", ">= 1", "got 0")),
    "one_hot-negative-id": (one_hot, ([0, -1, 2], 4), ValueError, ("ids", "[0, 3]", "V = 4", "got -1 at position 1")),
    "one_hot-id-V": (one_hot, ([0, 4], 4), ValueError, ("ids", "got 4 at position 1")),
    "evaluate-id-out-of-range": (bh.evaluate_char_rnn, (MODEL, np.array([0, 1, 99, 2] * 10), 2), ValueError,
                                 ("text", f"[0, {len(VOCAB) - 1}]", "got 99 at position 2")),
    "CharTrainer-model-dict": (bh.CharTrainer, (MODEL.params, "hello world " * 10), TypeError,
                               ("model", "CharRNN", "got dict")),
    "sample-model-dict": (bh.sample, (MODEL.params, 5), TypeError, ("model", "CharRNN", "got dict")),
    "Adagrad-eps-0": (bh.Adagrad, (MODEL.params, 0.1, 0.0), ValueError, ("eps", "positive", "got 0.0")),
    "unigram_loss-alpha-negative": (bh.unigram_loss, ("hello", "hello", VOCAB, -1.0), ValueError,
                                    ("alpha", ">= 0", "got -1.0")),
    "unigram_loss-vocab-str": (bh.unigram_loss, ("hello", "hello", "helo"), TypeError, ("vocab", "Vocab", "got str")),
    "clip_gradients-list": (bh.clip_gradients, ([np.zeros(3)],), TypeError, ("grads", "dict", "got list")),
}


@pytest.mark.parametrize("function, args, error, parts", list(OTHER_CASES.values()), ids=list(OTHER_CASES))
def test_functions_around_the_cells_reject(function, args, error, parts, raises_naming):
    with raises_naming(error, *parts):
        function(*args)


def test_adagrad_refuses_a_broadcastable_gradient_before_changing_anything(raises_naming):
    params = {name: value.copy() for name, value in MODEL.params.items()}
    before = {name: value.copy() for name, value in params.items()}
    adagrad = bh.Adagrad(params)
    grads = {name: np.ones_like(value) for name, value in params.items()}
    with raises_naming(ValueError, "grads['b_y']", f"({len(VOCAB)},)", "got (1,)"):
        adagrad.step(params, {**grads, "b_y": np.ones(1)})
    assert all(np.array_equal(params[name], before[name]) for name in params)  # no half-done update
    assert all(not m.any() for m in adagrad.memory.values())


# ---- correct arguments: the same numbers as before the checks, float32 kept, mixed dtypes allowed -------------

def fingerprint(*results):
    """One number for many arrays: each weighted by a fixed cosine pattern, summed."""
    total = 0.0
    for a in results:
        a = np.asarray(a, dtype=np.float64)
        total += float(np.sum(a * np.cos(np.arange(a.size)).reshape(a.shape)))
    return total


def fingerprints():
    out = {}
    rng = np.random.default_rng(11)
    for cell in ("elman", "lstm", "gru", "jordan"):
        p = bh.example_inputs(cell, seed=5)
        *outs, cache = FORWARD[cell](*p.values())
        out[f"{cell}_forward"] = fingerprint(*outs)
        out[f"{cell}_backward"] = fingerprint(*BACKWARD[cell](rng.standard_normal(outs[-1].shape), cache))
    p = bh.example_inputs("lstm", seed=6)
    h, c, cache = bh.lstm_step_forward(p["x"][:, 0], *list(p.values())[1:])
    out["lstm_step"] = fingerprint(h, c, *bh.lstm_step_backward(np.cos(h), np.sin(c), cache))
    p = bh.example_inputs("gru", seed=6)
    h, cache = bh.gru_step_forward(p["x"][:, 0], *list(p.values())[1:], convention="cho")
    out["gru_step_cho"] = fingerprint(h, *bh.gru_step_backward(np.cos(h), cache))
    p = bh.example_inputs("elman", seed=6)
    h, cache = bh.rnn_step_forward(p["x"][:, 0], *list(p.values())[1:], nonlinearity="relu")
    out["rnn_step_relu"] = fingerprint(h, *bh.rnn_step_backward(np.cos(h), cache))
    p = bh.example_inputs("jordan", seed=6)
    h, y, cache = bh.jordan_step_forward(p["x"][:, 0], *list(p.values())[1:])
    out["jordan_step"] = fingerprint(h, y, *bh.jordan_step_backward(np.cos(y), cache))
    params = bh.init_elman_lm(3, 5, 4, seed=2)
    x, targets, h0 = rng.standard_normal((2, 6, 3)), rng.integers(0, 4, (2, 6)), rng.standard_normal((2, 5))
    loss, grads, hs = bh.elman_lm_loss(x, targets, h0, params, counted=np.arange(12).reshape(2, 6) % 4 != 0)
    out["elman_lm_loss"] = loss + fingerprint(hs, *grads.values())
    updates = bh.tbptt(x, targets, h0, params, 2, 3)
    out["tbptt"] = sum(u.loss + fingerprint(u.dx, u.h, *u.grads.values()) for u in updates)
    reach = bh.late_loss_reach(*bh.reach_problem(T=8, B=2, D=3, H=4), k2=3)
    out["late_loss_reach"] = fingerprint(reach.input_norms, reach.dW_hh)
    return out


#: computed by the same code before the checks were added (rnnlab at commit 7d0c316)
BEFORE = {
    "elman_forward": 2.557097519307339,
    "elman_backward": 1.2421482697676225,
    "lstm_forward": 0.4958292661503324,
    "lstm_backward": -5.161640874501785,
    "gru_forward": -1.9885512936647962,
    "gru_backward": 4.176282851072909,
    "jordan_forward": 0.945785170140843,
    "jordan_backward": -21.080363247210897,
    "lstm_step": 1.872314116495184,
    "gru_step_cho": 5.571387357860781,
    "rnn_step_relu": 4.019076731581665,
    "jordan_step": -0.23980733593244263,
    "elman_lm_loss": -0.6460695865785828,
    "tbptt": 7.716270455279551,
    "late_loss_reach": -0.21015586984157686,
}


def test_correct_shapes_give_the_same_numbers_as_before():
    now = fingerprints()
    assert now.keys() == BEFORE.keys()
    for name, value in BEFORE.items():
        assert now[name] == pytest.approx(value, rel=1e-10, abs=1e-12), name


@pytest.mark.parametrize("cell", list(STEP))
def test_float32_stays_float32_and_mixed_precision_is_promoted_not_refused(cell):
    args32 = {name: value.astype(np.float32) for name, value in sequence_args(cell).items()}
    *outs, cache = FORWARD[cell](*args32.values())
    assert all(out.dtype == np.float32 for out in outs)
    grads = BACKWARD[cell](np.ones_like(outs[-1]), cache)
    assert all(grad.dtype == np.float32 for grad in grads)
    mixed = {**args32, "x": args32["x"].astype(np.float64)}  # NumPy promotes: an exact answer, in float64
    *outs64, _ = FORWARD[cell](*mixed.values())
    np.testing.assert_allclose(outs64[0], outs[0], rtol=1e-5, atol=1e-6)


def test_step_and_sequence_checks_agree_on_good_inputs():
    """The step's check has a quick path for good input (a sequence calls it once a step); it returns what
    the thorough path returns."""
    from rnnlab.byhand.inputs import _check, check_cell

    x, h, c, W_xh, W_hh, b_h = STEP["lstm"].values()
    quick = check_cell(x, {"h_prev": h, "c_prev": c}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_h": b_h}, gates=4)
    B_, _, D_, H_ = _check(x, "(B, D)", {"h_prev": h, "c_prev": c}, {"W_xh": W_xh, "W_hh": W_hh}, {"b_h": b_h}, 4)
    assert quick == (B_, D_, H_) == (B, D, H)
