"""TF Playground's regularization: L1 dead links, biases left alone, the order of the steps."""

import numpy as np
import pytest

from engine import Network


def _data(n=40, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 2))
    return X, np.where(np.hypot(X[:, 0], X[:, 1]) < 2, 1.0, -1.0)


def _backpropagated():
    """A small network whose sensitivities are set for a batch, ready for update()."""
    X, Y = _data(n=10)
    net = Network([2, 3, 1], seed=2)
    net.forward(X)
    net.backward(Y)
    return net


def test_l1_kills_links_whose_sign_it_flips_and_they_stay_at_zero():
    X, Y = _data()
    net = Network([2, 6, 6, 1], seed=0)
    for _ in range(5):
        net.train_epoch(X, Y, learning_rate=0.3, regularization="L1", regularization_rate=0.3)
    dead = [link for link in net.links if link.is_dead]
    assert dead
    assert {link.weight for link in dead} == {0.0}
    for _ in range(5):
        net.train_epoch(X, Y, learning_rate=0.3, regularization="L1", regularization_rate=0.01)
    assert all(link.is_dead and link.weight == 0.0 for link in dead)
    assert all(link.sensitivity == 0.0 and link.epoch_sensitivity == 0.0 for link in dead)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_dead_links_stay_at_zero_under_every_optimizer(optimizer):
    X, Y = _data()
    net = Network([2, 6, 1], seed=0, optimizer=optimizer)
    for _ in range(10):
        net.train_epoch(X, Y, learning_rate=0.3, regularization="L1", regularization_rate=0.3)
    dead = [link for link in net.links if link.is_dead]
    assert dead
    net.train_epoch(X, Y, learning_rate=0.3)
    assert {link.weight for link in dead} == {0.0}


def test_a_reset_network_has_no_dead_links():
    X, Y = _data()
    net = Network([2, 6, 1], seed=0)
    for _ in range(5):
        net.train_epoch(X, Y, learning_rate=0.3, regularization="L1", regularization_rate=0.3)
    assert any(link.is_dead for link in net.links)
    assert not any(link.is_dead for link in Network([2, 6, 1], seed=0).links)


def test_setting_a_dead_links_weight_by_hand_revives_it():
    X, Y = _data()
    net = Network([2, 6, 1], seed=0)
    for _ in range(5):
        net.train_epoch(X, Y, learning_rate=0.3, regularization="L1", regularization_rate=0.3)
    link = net.layers[-1].neurons[0].links_in[1]  # into the output, which always gets blame
    assert link.is_dead
    link.weight = 0.4
    assert not link.is_dead
    net.train_epoch(X, Y, learning_rate=0.3)
    assert link.weight != 0.4


@pytest.mark.parametrize("regularization", ["L1", "L2"])
def test_regularization_leaves_biases_alone(regularization):
    net = _backpropagated()
    expected = [neuron.bias - 0.1 * neuron.sensitivity for neuron in net.neurons]
    net.update(0.1, regularization, 0.5)
    np.testing.assert_allclose([n.bias for n in net.neurons], expected, rtol=0, atol=1e-15)


def test_l2_steps_each_weight_by_the_gradient_then_by_rate_times_the_old_weight():
    net = _backpropagated()
    # TF: w −= lr·∂E/∂w, then w −= lr·rate·w_before
    expected = [w.weight - 0.1 * w.sensitivity - 0.1 * 0.2 * w.weight for w in net.links]
    net.update(0.1, "L2", 0.2)
    np.testing.assert_allclose([w.weight for w in net.links], expected, rtol=0, atol=1e-15)


def test_l1_steps_each_weight_by_rate_times_its_old_sign():
    net = _backpropagated()
    before = [(w.weight, w.sensitivity) for w in net.links]
    net.update(0.01, "L1", 0.01)
    for link, (w, s) in zip(net.links, before, strict=True):
        stepped = w - 0.01 * s
        penalized = stepped - 0.01 * 0.01 * np.sign(w)
        assert link.weight == pytest.approx(
            0.0 if stepped * penalized < 0 else penalized, abs=1e-15
        )


def test_a_zero_regularization_rate_changes_nothing():
    X, Y = _data()
    a, b = Network([2, 4, 1], seed=3), Network([2, 4, 1], seed=3)
    a.train_epoch(X, Y, regularization="L1", regularization_rate=0.0)
    b.train_epoch(X, Y)
    assert a.layers[0].params.tobytes() == b.layers[0].params.tobytes()
