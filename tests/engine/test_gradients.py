"""Every sensitivity against central differences of the loss: the independent oracle."""

import numpy as np
import pytest

from engine import Network

H = 1e-5  # central-difference step: truncation ~H², rounding ~1e-16/H, both far below the bound
FLOOR = 1e-4  # gradients smaller than this are compared on the absolute error relative to it
CASES = [("square", "tanh", 1), ("square", "linear", 1), ("cross_entropy", "softmax", 3)]


def _problem(activation, loss, output, k):
    rng = np.random.default_rng(11)
    net = Network([3, 4, 3, k], activation, output, loss, seed=5)
    for link in net.links:  # spread the weights so every activation works off its linear part
        link.weight = float(rng.uniform(-1.5, 1.5))
    X = rng.uniform(-2.0, 2.0, size=(6, 3))
    Y = rng.integers(0, k, size=6) if output == "softmax" else rng.uniform(-0.9, 0.9, size=6)
    return net, X, Y


def _numeric(net, X, Y, get, put):
    value = get()
    put(value + H)
    above = net.loss(X, Y)
    put(value - H)
    below = net.loss(X, Y)
    put(value)
    return (above - below) / (2 * H)


def _relative_error(analytic, numeric):
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), FLOOR)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize(("loss", "output", "k"), CASES)
def test_link_sensitivities_match_central_differences(activation, loss, output, k):
    net, X, Y = _problem(activation, loss, output, k)
    net.forward(X)
    net.backward(Y)
    for link in net.links:

        def put(w, link=link):
            link.weight = w

        numeric = _numeric(net, X, Y, lambda link=link: link.weight, put)
        assert _relative_error(link.sensitivity, numeric) < 1e-6, link.id


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize(("loss", "output", "k"), CASES)
def test_neuron_sensitivities_match_central_differences_of_the_bias(activation, loss, output, k):
    net, X, Y = _problem(activation, loss, output, k)
    net.forward(X)
    net.backward(Y)
    for neuron in net.neurons:

        def put(b, neuron=neuron):
            neuron.bias = b

        numeric = _numeric(net, X, Y, lambda neuron=neuron: neuron.bias, put)
        assert _relative_error(neuron.sensitivity, numeric) < 1e-6, neuron.id


@pytest.mark.parametrize(
    ("loss", "output", "k"),
    [("cross_entropy", "tanh", 1), ("cross_entropy", "sigmoid", 1), ("square", "softmax", 3)],
)
def test_other_loss_and_output_pairs_match_central_differences(loss, output, k):
    net, X, Y = _problem("tanh", loss, output, k)
    if output != "softmax":
        Y = np.where(Y > 0, 1.0, -1.0)
    net.forward(X)
    net.backward(Y)
    for link in net.links:

        def put(w, link=link):
            link.weight = w

        numeric = _numeric(net, X, Y, lambda link=link: link.weight, put)
        assert _relative_error(link.sensitivity, numeric) < 1e-6, link.id
