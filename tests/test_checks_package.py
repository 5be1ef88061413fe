"""rnnlab.checks as a package: one module per kind of check, every name importable from rnnlab.checks,
and one family of scalar checks (check_int, check_number, check_bool) that every module uses.

What the scalar checks promise: the wrong kind (a bool, a str, a float for an int, a list) raises
ArgumentKindError, both a TypeError and a ValueError; the right kind out of range a ValueError that
is not an ArgumentKindError; NumPy scalars and 0-d tensors come back as plain Python numbers; every
message names the argument, what was expected and what came."""
import importlib
import inspect
import math

import numpy as np
import pytest
import torch

import rnnlab.checks as checks
from rnnlab.checks import ArgumentKindError, check_bool, check_int, check_number, check_records

MODULES = ["arrays", "tensors", "ids", "scalars", "arguments"]


# ---- the package --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_of_each_module_is_exported_and_the_docstring_names_the_module(module):
    mod = importlib.import_module(f"rnnlab.checks.{module}")
    public = [n for n, obj in vars(mod).items()
              if not n.startswith("_") and getattr(obj, "__module__", None) == mod.__name__]
    public += [n for n in vars(mod) if n.isupper()]  # constants such as GRU_CONVENTIONS
    assert public, f"rnnlab.checks.{module} defines nothing"
    for name in public:
        assert name in checks.__all__ and getattr(checks, name) is getattr(mod, name), name
    assert f"rnnlab.checks.{module}" in checks.__doc__


def test_all_lists_exactly_what_the_package_exports():
    exported = {n for n in dir(checks) if not n.startswith("_")} - set(MODULES) - {"annotations"}
    assert sorted(checks.__all__) == sorted(exported)
    assert len(set(checks.__all__)) == len(checks.__all__)


@pytest.mark.parametrize("gone", ["as_scalar", "DtypeError"])
def test_one_name_for_each_thing_old_aliases_are_gone(gone):
    assert not hasattr(checks, gone)


def test_byhand_keeps_no_copies_of_the_scalar_checks():
    inputs = importlib.import_module("rnnlab.byhand.inputs")
    assert not hasattr(inputs, "positive_int") and not hasattr(inputs, "positive_number")


# ---- check_int ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, want", [(3, 3), (np.int64(3), 3), (np.int8(0), 0), (torch.tensor(4), 4),
                                         (np.array(5), 5), (2**40, 2**40)])
def test_check_int_returns_a_python_int(value, want):
    got = check_int("n", value)
    assert got == want and type(got) is int


@pytest.mark.parametrize("value, parts", [
    (True, ["n:", "an int >= 1", "got True", "bool, not an integer"]),
    (np.bool_(True), ["n:", "bool", "not an integer"]),
    (3.0, ["got 3.0", "float, not an integer", "use int(3.0)"]),
    (2.5, ["got 2.5", "float, not an integer"]),
    ("3", ["got '3'", "str, not an integer"]),
    (None, ["got None", "NoneType"]),
    ([1, 2], ["got [1, 2]", "list"]),
    (torch.tensor([1, 2]), ["Tensor of shape (2,)"]),
    (torch.tensor(3.0), ["got tensor(3.)", "Tensor, not an integer"]),
])
def test_check_int_refuses_the_wrong_kind_as_both_type_and_value_error(raises_naming, value, parts):
    with raises_naming(ArgumentKindError, *parts) as caught:
        check_int("n", value, 1)
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("value, minimum, maximum, parts", [
    (0, 1, None, ["n: expected an int >= 1, got 0"]),
    (-3, 0, None, ["an int >= 0", "got -3"]),
    (7, 1, 6, ["n: expected an int in 1..6, got 7"]),
    (np.int64(0), 1, 6, ["got 0"]),                    # the number, not np.int64(0)
    (5, None, 4, ["an int <= 4", "got 5"]),
])
def test_check_int_out_of_range_is_a_plain_value_error(raises_naming, value, minimum, maximum, parts):
    with raises_naming(ValueError, *parts) as caught:
        check_int("n", value, minimum, maximum)
    assert not isinstance(caught.value, TypeError)


def test_check_int_words_of_the_caller_go_where_the_docstring_says(raises_naming):
    with raises_naming(ValueError, "max_len: expected an int >= 1 (the most tokens to write), got 0"):
        check_int("max_len", 0, 1, what="the most tokens to write")
    with raises_naming(ValueError, "top_k: expected an int k with 1 <= k <= V = 6, got 9"):
        check_int("top_k", 9, 1, 6, expected="an int k with 1 <= k <= V = 6")
    with raises_naming(ValueError, "copy_task: expected T to be an int >= 1, got 0 (why)"):
        check_int("T", 0, 1, fn="copy_task", hint=" (why)")
    with pytest.raises(ArgumentKindError) as caught:  # the hint explains a bound: not on a kind error
        check_int("T", "0", 1, fn="copy_task", hint=" (why)")
    assert "why" not in str(caught.value) and "copy_task: expected T to be an int >= 1" in str(caught.value)


# ---- check_number -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.int64(1), torch.tensor(0.5), np.array(0.5)])
def test_check_number_returns_a_python_float(value):
    got = check_number("p", value, 0, 1)
    assert got == pytest.approx(float(value)) and type(got) is float


@pytest.mark.parametrize("value, kwargs, parts", [
    (0.0, dict(above=0), ["t: expected a number > 0, got 0.0"]),
    (-1, dict(low=0), ["a number >= 0", "got -1.0"]),
    (0.0, dict(above=0, high=1), ["a number in (0, 1]"]),
    (1.0, dict(low=0, below=1), ["a number in [0, 1)", "got 1.0"]),
    (2.0, dict(high=1), ["a number <= 1"]),
    (1.0, dict(below=1), ["a number < 1"]),
    (float("nan"), {}, ["a number that is not NaN", "got nan"]),
    (float("nan"), dict(low=0), ["a number >= 0", "got nan"]),          # NaN is outside every range
    (float("inf"), dict(finite=True), ["a finite number (not NaN or inf)", "got inf"]),
    (float("-inf"), dict(above=0, finite=True), ["a finite number > 0", "got -inf"]),
    (float("nan"), dict(above=0, expected="a positive learning rate"), ["a positive learning rate", "got nan"]),
])
def test_check_number_out_of_range(raises_naming, value, kwargs, parts):
    with raises_naming(ValueError, *parts) as caught:
        check_number("t", value, **kwargs)
    assert not isinstance(caught.value, TypeError)


def test_check_number_lets_infinity_through_unless_finite():
    assert check_number("nll", math.inf, 0) == math.inf


@pytest.mark.parametrize("value, parts", [
    (True, ["got True", "bool, not a real number"]),
    ("0.5", ["got '0.5'", "str"]),
    (None, ["NoneType"]),
    (1 + 2j, ["complex"]),
    (torch.tensor([0.5, 1.0]), ["Tensor of shape (2,)"]),
    (np.array([0.5]), ["ndarray of shape (1,)"]),
])
def test_check_number_refuses_the_wrong_kind(raises_naming, value, parts):
    with raises_naming(ArgumentKindError, "p: expected a number in [0, 1]", *parts):
        check_number("p", value, 0, 1)


@pytest.mark.parametrize("value", [False, np.bool_(True)])
def test_check_bool_takes_bools(value):
    assert check_bool("flag", value) is bool(value)


@pytest.mark.parametrize("value", ["False", None, 0, 1, np.int64(1), torch.tensor(True)])
def test_check_bool_refuses_truthiness(raises_naming, value):
    with raises_naming(ArgumentKindError, "flag", "True or False", type(value).__name__):
        check_bool("flag", value)


# ---- check_records ------------------------------------------------------------------------------------------
class Pair(tuple):
    pass


@pytest.mark.parametrize("items, error, parts", [
    ("ab", ArgumentKindError, ["fn: expected pairs, a list of Pair (from make)", "got str"]),
    (Pair(), ArgumentKindError, ["got Pair", "for one pair, pass [pair]"]),
    (5, ArgumentKindError, ["got int"]),
    ([], ValueError, ["expected pairs, at least one pair", "got none (an empty batch)"]),
    ([Pair(), ("a", "b")], ArgumentKindError, ["pairs of Pair", "got tuple ('a', 'b') at index 1"]),
])
def test_check_records(raises_naming, items, error, parts):
    with raises_naming(error, *parts):
        check_records("fn", items, Pair, "pair", "make")


def test_check_records_returns_a_list_of_any_iterable():
    pairs = [Pair(), Pair()]
    assert check_records("fn", iter(pairs), Pair, "pair", "make") == pairs


# ---- the package uses one convention: every int knob takes NumPy and 0-d tensor ints, never a bool ----------
def _calls():
    from rnnlab.experiments import races
    from rnnlab.models import forecaster, transformers
    from rnnlab.tasks import adding, copy, pointer, recall, reverse

    series = np.arange(30.0)
    return {
        "adding_problem": lambda n: adding.adding_problem(2, n, generator=torch.Generator().manual_seed(0)),
        "copy_task": lambda n: copy.copy_task(2, n, generator=torch.Generator().manual_seed(0)),
        "recall_first": lambda n: recall.recall_first(2, n, generator=torch.Generator().manual_seed(0)),
        "sorting_batch": lambda n: pointer.sorting_batch(2, n, generator=torch.Generator().manual_seed(0)),
        "make_strings": lambda n: reverse.make_strings(n, 1, 3),
        "make_windows": lambda n: forecaster.make_windows(series, n),
        "equal_sizes": lambda n: races.equal_sizes(n, 2),
        "AddPositions": lambda n: transformers.AddPositions("sinusoidal", n, 4).pe,
    }


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, (tuple, list)) and a and not isinstance(a[0], str):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("name", list(_calls()))
def test_int_knobs_take_numpy_and_0d_tensor_ints_with_the_same_result(name):
    call = _calls()[name]
    want = call(4)
    for same in (np.int64(4), torch.tensor(4)):
        assert _same(call(same), want), f"{name}({same!r})"


@pytest.mark.parametrize("name", list(_calls()))
@pytest.mark.parametrize("bad", [True, 4.0, "4"])
def test_int_knobs_refuse_bools_floats_and_strings(raises_naming, name, bad):
    with raises_naming(ArgumentKindError, repr(bad), type(bad).__name__, "not an integer"):
        _calls()[name](bad)


def test_the_scalar_checks_are_the_ones_the_package_calls():
    """No module keeps its own int check: their old helpers are gone."""
    from rnnlab.models import forecaster
    from rnnlab.tasks import adding, pointer, sorting_tokens, tagging

    for module, helper in [(adding, "_check_int"), (pointer, "_check_int"), (sorting_tokens, "_check_int"),
                           (forecaster, "_positive"), (tagging, "_check_lines")]:
        assert not hasattr(module, helper), f"{module.__name__}.{helper}"
    assert "check_int" in inspect.getsource(adding.adding_problem)
