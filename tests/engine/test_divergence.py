"""A network that diverges never holds a number that is not finite: the epoch or the step that
would make one is undone, and says so by its loss (or its answer)."""

import math

import numpy as np
import pytest

from engine import Network, explain


def _diverging() -> tuple[Network, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, size=(100, 2))
    Y = (X[:, 0] + X[:, 1]) / 10
    net = Network([2, 8, 8, 1], activation="relu", output_activation="linear", seed=0)
    return net, X, Y


def _everything(net: Network) -> tuple[bytes, ...]:
    P = net.parameters
    arrays = [P.values, P.grad, P.epoch_grad, P.dead, *net.optimizer_state.values()]
    return (*(a.tobytes() for a in arrays), repr(net.rng.bit_generator.state).encode())


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])  # adam's steps stay within lr
def test_the_epoch_that_diverges_is_undone_and_reports_a_non_finite_loss(optimizer):
    net, X, Y = _diverging()
    net.optimizer = optimizer
    for _ in range(200):
        before, epoch = _everything(net), net.epoch
        loss = net.train_epoch(X, Y, learning_rate=10.0)
        if not math.isfinite(loss):
            break
    assert not math.isfinite(loss)
    assert _everything(net) == before  # bit for bit as before the epoch
    assert net.epoch == epoch
    assert np.isfinite(net.parameters.values).all()


def test_a_step_that_would_diverge_is_not_taken():
    net = Network([2, 2, 1], activation="linear", output_activation="linear", seed=0)
    net.forward(np.array([[1.0, 1.0]]))
    net.backward(np.array([0.0]))
    net.parameters.grad[:] = 1e308
    before = _everything(net)
    assert net.update(1e300) is False
    assert _everything(net) == before
    net.parameters.grad[:] = 0.1
    assert net.update(0.1) is True


def test_explaining_a_network_whose_numbers_overflow_raises_nothing():
    net = Network([2, 3, 1], activation="relu", output_activation="linear", seed=1)
    for layer in net.layers:
        layer.weights[:] = 1e200
    trace = explain.trace(net, [1.0, 1.0], 0.5)
    assert math.isinf(trace.loss)
