"""The gradient-checking tools themselves: right answers, in-place restore, and teeth."""
import numpy as np
import pytest

from rnnlab.byhand import check_gradients, gradcheck_layer, numerical_gradient, rel_error


def test_numerical_gradient_of_a_known_function():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    grad = numerical_gradient(lambda: np.sum(np.sin(x) * w), x)
    assert rel_error(grad, np.cos(x) * w) < 1e-9


def test_numerical_gradient_restores_x_exactly():
    x = np.random.default_rng(1).standard_normal(5)
    before = x.copy()
    numerical_gradient(lambda: np.sum(x**3), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_needs_a_float_array(raises_naming):
    with raises_naming(TypeError, "x:", "floating-point", "int64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.int64))


def test_rel_error(raises_naming):
    assert rel_error(np.zeros(4), np.zeros(4)) == 0.0  # both zero: no division by zero
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error([1.0, 0.0], [1.0, 1e-12]) == pytest.approx(1e-12)  # a zero entry does not blow up
    assert rel_error([2.0, 1.0], [2.0, 1.1]) == pytest.approx(0.05)  # relative to the largest entry
    with raises_naming(ValueError, "rel_error", "same shape", "(2,)", "(3,)"):
        rel_error(np.zeros(2), np.zeros(3))


def test_check_gradients_names_the_wrong_one(raises_naming):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    f = lambda: np.sum(a * b) + np.sum(a**2)  # noqa: E731
    errors = check_gradients(f, {"a": a, "b": b}, {"a": b + 2 * a, "b": a * 1.01})
    assert errors["a"] < 1e-9 and errors["b"] > 1e-3
    with raises_naming(ValueError, "params ['a']", "gradients for ['c']"):
        check_gradients(f, {"a": a}, {"c": a})


def test_gradcheck_layer_checks_every_input_and_catches_a_bug(raises_naming):
    rng = np.random.default_rng(3)
    inputs = {"x": rng.standard_normal((2, 3)), "W": rng.standard_normal((4, 3))}
    forward = lambda x, W: (np.tanh(x @ W.T), (x, W))  # noqa: E731

    def backward(dout, cache):
        x, W = cache
        da = dout * (1 - np.tanh(x @ W.T) ** 2)
        return da @ W, da.T @ x

    errors = gradcheck_layer(forward, backward, inputs)
    assert set(errors) == {"x", "W"} and max(errors.values()) < 1e-7
    buggy = gradcheck_layer(forward, lambda dout, cache: (dout @ cache[1], backward(dout, cache)[1]), inputs)
    assert buggy["x"] > 1e-2 and buggy["W"] < 1e-7
    with raises_naming(ValueError, "backward", "1 gradient", "2 inputs"):
        gradcheck_layer(forward, lambda dout, cache: (dout,), inputs)
