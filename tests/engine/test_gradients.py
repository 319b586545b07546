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
    Y: np.ndarray
    if output == "softmax":
        Y = rng.integers(0, k, size=6)
    elif loss == "cross_entropy":
        Y = np.where(rng.uniform(-1, 1, size=6) > 0, 1.0, -1.0)
    else:
        Y = rng.uniform(-0.9, 0.9, size=6)
    return net, X, Y


def _assert_sensitivities_match_central_differences(net, X, Y):
    """Each link's weight and each neuron's bias, nudged by ±H, against its sensitivity."""
    net.forward(X)
    net.backward(Y)
    parts = [(link, "weight") for link in net.links] + [(n, "bias") for n in net.neurons]
    for part, name in parts:
        value = getattr(part, name)
        setattr(part, name, value + H)
        above = net.loss(X, Y)
        setattr(part, name, value - H)
        below = net.loss(X, Y)
        setattr(part, name, value)
        numeric = (above - below) / (2 * H)
        error = abs(part.sensitivity - numeric) / max(abs(part.sensitivity), abs(numeric), FLOOR)
        assert error < 1e-6, (part.id, part.sensitivity, numeric)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize(("loss", "output", "k"), CASES)
def test_every_sensitivity_matches_central_differences(activation, loss, output, k):
    _assert_sensitivities_match_central_differences(*_problem(activation, loss, output, k))


@pytest.mark.parametrize(
    ("loss", "output", "k"),
    [("cross_entropy", "tanh", 1), ("cross_entropy", "sigmoid", 1), ("square", "softmax", 3)],
)
def test_other_loss_and_output_pairs_match_central_differences(loss, output, k):
    _assert_sensitivities_match_central_differences(*_problem("tanh", loss, output, k))
