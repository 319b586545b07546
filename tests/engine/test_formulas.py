"""Tests for engine.formulas: the one syntax the engine and the page compile formulas from."""

import numpy as np
import pytest

from engine.activations import ACTIVATIONS
from engine.features import FEATURES
from engine.formulas import compile_numpy, parse, to_python

RNG = np.random.default_rng(16)


def test_precedence_and_unary_minus_follow_arithmetic():
    f = compile_numpy("1 - 2 * x / 4 + -y", ("x", "y"))
    assert f(np.array([2.0]), np.array([3.0]))[0] == pytest.approx(1 - 2 * 2 / 4 - 3)


def test_functions_and_brackets_compute_numpys_values():
    x = RNG.normal(size=50)
    f = compile_numpy("max(sin(x), 0) * (1 + exp(-x)) / tanh(2)", ("x",))
    np.testing.assert_array_equal(f(x), np.maximum(np.sin(x), 0) * (1 + np.exp(-x)) / np.tanh(2))


def test_a_constant_formula_gives_one_value_per_point():
    assert compile_numpy("1", ("z",))(np.zeros(3)).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("x +", "expected more, found the end"),
        ("(x", "expected ), found the end"),
        ("x y", "unexpected 'y'"),
        ("w * 2", "unknown name 'w'"),
        ("max(x)", "max takes 2 argument(s), not 1"),
        ("x" * 201, "longer than 200"),
    ],
)
def test_a_bad_formula_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse(text, ("x",))


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if not a.normalized])
def test_each_activations_formula_is_the_function_the_engine_computes(name):
    z = RNG.normal(scale=4, size=200)
    out = np.empty_like(z)
    ACTIVATIONS[name].fn(z, out)
    np.testing.assert_allclose(compile_numpy(ACTIVATIONS[name].formula, ("z",))(z), out, atol=1e-15)


def test_softmaxs_formula_over_its_layers_sum_is_softmax():
    z = RNG.normal(size=(3, 10))
    out = np.empty_like(z)
    ACTIVATIONS["softmax"].fn(z, out)
    e = compile_numpy(ACTIVATIONS["softmax"].formula, ("z",))(z)
    np.testing.assert_allclose(e / e.sum(axis=0), out, atol=1e-15)


@pytest.mark.parametrize("name", list(FEATURES))
def test_the_exported_python_of_each_feature_computes_the_feature(name):
    x, y = RNG.uniform(-6, 6, size=(2, 30))
    code = to_python(FEATURES[name].formula, ("x", "y"))
    np.testing.assert_array_equal(eval(code, {"np": np, "x": x, "y": y}), FEATURES[name].fn(x, y))
