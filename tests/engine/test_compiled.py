"""The compiled epoch (engine/kernel.py) against its oracle, the numpy path of train_epoch: the
same numbers for every activation, loss, optimizer and regularizer it knows."""

import itertools
from typing import Any

import numpy as np
import pytest

from engine.network import Network
from tests.fakes import add_fakes

TOLERANCE = 1e-9  # the two sum in different orders; a few epochs keep that near 1e-14
OUTPUTS = [  # (output activation, loss, outputs)
    ("tanh", "square", 1),
    ("sigmoid", "square", 1),
    ("linear", "square", 1),
    ("tanh", "cross_entropy", 1),
    ("sigmoid", "cross_entropy", 1),
    ("softmax", "square", 3),
    ("softmax", "cross_entropy", 3),
]
CASES = list(
    itertools.product(
        ["tanh", "relu", "sigmoid", "linear"],
        OUTPUTS,
        ["sgd", "momentum", "adam"],
        ["none", "L1", "L2"],
    )
)


def data(outputs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """57 points of 3 features (a last batch of 7 with batches of 10) and their labels."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (57, 3))
    if outputs > 1:
        return X, rng.integers(0, outputs, 57)
    return X, np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)


def pair(hidden: str, output: str, loss: str, outputs: int, optimizer: str) -> list[Network]:
    """Two networks alike: the first trains compiled, the second in numpy."""
    nets = [Network([3, 5, 4, outputs], hidden, output, loss, 7, optimizer=optimizer) for _ in "ab"]
    nets[1].compiled = False
    return nets


def differences(a: Network, b: Network) -> list[float]:
    P, Q = a.parameters, b.parameters
    arrays: list[tuple[Any, Any]] = [
        (P.values, Q.values),
        (P.grad, Q.grad),
        (P.epoch_grad, Q.epoch_grad),
    ]
    arrays += [(a.optimizer_state[key], b.optimizer_state[key]) for key in a.optimizer_state]
    for la, lb in zip(a.layers, b.layers, strict=True):
        arrays += [(la.output, lb.output), (la.net_input, lb.net_input)]
    return [float(np.abs(x - y).max()) for x, y in arrays]


@pytest.mark.parametrize(("hidden", "out", "optimizer", "regularization"), CASES)
def test_compiled_epochs_equal_the_numpy_path(hidden, out, optimizer, regularization):
    output, loss, outputs = out
    a, b = pair(hidden, output, loss, outputs, optimizer)
    assert a.compiled
    assert not b.compiled
    X, Y = data(outputs, seed=len(CASES))
    for _ in range(5):
        losses = [net.train_epoch(X, Y, 10, 0.1, regularization, 0.05) for net in (a, b)]
        assert losses[0] == pytest.approx(losses[1], abs=TOLERANCE)
    assert max(differences(a, b)) < TOLERANCE
    assert np.array_equal(a.parameters.dead, b.parameters.dead)
    assert (a.parameters.alive is None) == (b.parameters.alive is None)
    assert a.epoch == b.epoch == 5
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


def test_l1_kills_the_same_links_compiled():
    a, b = pair("tanh", "tanh", "square", 1, "sgd")
    X, Y = data(1, seed=3)
    for _ in range(20):
        for net in (a, b):
            net.train_epoch(X, Y, 10, 0.1, "L1", 0.3)
    assert a.parameters.dead.any()  # the rate is high enough to kill some
    assert np.array_equal(a.parameters.dead, b.parameters.dead)
    assert a.parameters.alive is not None
    assert np.array_equal(a.parameters.alive, np.asarray(b.parameters.alive))
    assert max(differences(a, b)) < TOLERANCE


def test_a_diverging_compiled_epoch_leaves_the_network_as_it_was():
    net = Network([2, 8, 8, 1], "relu", "linear", seed=1)
    X, Y = np.array([[1e3, -1e3], [2e3, 5e2]]), np.array([1e6, -1e6])
    for _ in range(50):
        before = net.to_dict()
        if not np.isfinite(net.train_epoch(X, Y, 1, 10.0)):
            break
    assert net.compiled
    assert net.to_dict() == before  # the rng too: the diverged epoch's shuffle is undone
    assert np.isfinite(net.parameters.values).all()


def test_an_activation_without_a_compiled_form_trains_in_numpy(monkeypatch):
    add_fakes(monkeypatch)
    net = Network([2, 3, 1], "softsign", "tanh", seed=2)
    assert not net.compiled
    net.compiled = True  # asked for, but there is no compiled form: still numpy
    assert not net.compiled
    X, Y = data(1, seed=4)
    assert np.isfinite(net.train_epoch(X[:, :2], Y))


def test_changing_the_optimizer_keeps_the_choice_of_path():
    net = Network([2, 3, 1], seed=2)
    net.compiled = False
    net.optimizer = "adam"
    assert not net.compiled
    net.compiled = True
    net.optimizer = "momentum"
    assert net.compiled


@pytest.mark.parametrize(("hidden", "out"), list(itertools.product(["tanh", "relu"], OUTPUTS)))
def test_compiled_scores_and_predictions_equal_the_numpy_path(hidden, out):
    output, loss, outputs = out
    a, b = pair(hidden, output, loss, outputs, "sgd")
    X, Y = data(outputs, seed=5)
    a.train_epoch(X, Y, 10, 0.1)
    b.parameters.values[:] = a.parameters.values
    (loss_a, outputs_a), (loss_b, outputs_b) = a.score(X, Y), b.score(X, Y)
    assert loss_a == pytest.approx(loss_b, abs=TOLERANCE)
    np.testing.assert_allclose(outputs_a, outputs_b, atol=TOLERANCE)
    np.testing.assert_allclose(a.predict(X), b.predict(X), atol=TOLERANCE)
    assert a.loss(X, Y) == loss_a
