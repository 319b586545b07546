"""The Network's object model, its steps and its checks."""

import numpy as np
import pytest

from engine import Network, features


def _data(n=25, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 2))
    Y = np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)
    return X, Y


def test_layers_neurons_and_links_mirror_the_shape():
    net = Network([3, 4, 2, 1])
    assert [len(layer.neurons) for layer in net.layers] == [4, 2, 1]
    assert len(net.links) == 3 * 4 + 4 * 2 + 2 * 1
    first = net.layers[0].neurons[1]
    assert [link.source for link in first.links_in] == net.inputs
    assert all(link.dest is first for link in first.links_in)
    assert [link.dest for link in first.links_out] == net.layers[1].neurons
    assert net.inputs[0].links_out[1].dest is first


def test_initial_weights_are_tf_uniform_and_biases_are_01():
    net = Network([7, 8, 8, 1], seed=3)
    weights = np.array([link.weight for link in net.links])
    assert weights.min() >= -0.5
    assert weights.max() < 0.5
    assert weights.std() > 0.2
    assert {neuron.bias for neuron in net.neurons} == {0.1}


def test_init_zero_makes_every_weight_and_bias_zero():
    net = Network([2, 4, 1], init_zero=True)
    assert {link.weight for link in net.links} == {0.0}
    assert {neuron.bias for neuron in net.neurons} == {0.0}


def test_same_seed_gives_the_same_weights_bit_for_bit():
    a, b = Network([2, 4, 2, 1], seed=42), Network([2, 4, 2, 1], seed=42)
    for la, lb in zip(a.layers, b.layers, strict=True):
        assert la.params.tobytes() == lb.params.tobytes()
    other = Network([2, 4, 2, 1], seed=43)
    assert a.layers[0].params.tobytes() != other.layers[0].params.tobytes()


def test_a_string_seed_like_tfs_url_is_deterministic():
    a, b = Network([2, 3, 1], seed="0.59704"), Network([2, 3, 1], seed="0.59704")
    assert a.layers[0].params.tobytes() == b.layers[0].params.tobytes()


def test_same_seed_trains_to_the_same_weights_bit_for_bit():
    X, Y = _data()
    nets = [Network([2, 4, 2, 1], seed=9) for _ in range(2)]
    for net in nets:
        for _ in range(5):
            net.train_epoch(X, Y, batch_size=4)
    assert nets[0].layers[0].params.tobytes() == nets[1].layers[0].params.tobytes()


def test_release_lets_go_of_buffers_and_changes_no_result():
    X, Y = _data()
    kept, released = Network([2, 4, 2, 1], seed=7), Network([2, 4, 2, 1], seed=7)
    grid = features.grid(20)
    for net in (kept, released):
        net.train_epoch(X, Y, batch_size=10)
        net.evaluate(grid)
    released.release()
    for net in (kept, released):
        net.train_epoch(X, Y, batch_size=10)
    assert kept.parameters.values.tobytes() == released.parameters.values.tobytes()
    assert np.array_equal(kept.evaluate(grid)[-1], released.evaluate(grid)[-1])


def test_forward_keeps_each_neurons_outputs_for_the_batch():
    X, _ = _data(n=7)
    net = Network([2, 3, 1], seed=1)
    out = net.forward(X)
    assert out.shape == (7, 1)
    neuron = net.layers[0].neurons[2]
    assert neuron.output is not None
    assert neuron.output.shape == (7,)
    expected = np.tanh(X @ [link.weight for link in neuron.links_in] + neuron.bias)
    np.testing.assert_allclose(neuron.output, expected, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(net.layers[-1].neurons[0].output, out[:, 0])
    np.testing.assert_array_equal(net.inputs[1].output, X[:, 1])


def test_setting_a_weight_or_a_bias_changes_the_output():
    X, _ = _data(n=3)
    net = Network([2, 2, 1], seed=1)
    before = net.predict(X)
    net.layers[0].neurons[0].links_in[0].weight = 2.5
    assert net.layers[0].weights[0, 0] == 2.5
    middle = net.predict(X)
    assert not np.array_equal(before, middle)
    net.layers[-1].neurons[0].bias = -0.7
    assert net.layers[-1].biases[0] == -0.7
    assert not np.array_equal(middle, net.predict(X))


def test_update_steps_each_weight_by_minus_learning_rate_times_sensitivity():
    X, Y = _data(n=5)
    net = Network([2, 3, 1], seed=2)
    net.forward(X)
    net.backward(Y)
    expected = [link.weight - 0.1 * link.sensitivity for link in net.links]
    expected_bias = [n.bias - 0.1 * n.sensitivity for n in net.neurons]
    net.update(0.1)
    np.testing.assert_allclose([link.weight for link in net.links], expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose([n.bias for n in net.neurons], expected_bias, rtol=0, atol=1e-15)


def test_an_epoch_is_forward_backward_update_per_batch_with_a_partial_last_batch():
    X, Y = _data(n=25)
    fast, slow = Network([2, 4, 2, 1], seed=4), Network([2, 4, 2, 1], seed=4)
    fast.train_epoch(X, Y, batch_size=10, learning_rate=0.3, shuffle=False)
    epoch_sum = [np.zeros_like(layer.params) for layer in slow.layers]
    for start in (0, 10, 20):  # 10 + 10 + 5: the last 5 are a step of their own
        slow.forward(X[start : start + 10])
        slow.backward(Y[start : start + 10])
        for total, layer in zip(epoch_sum, slow.layers, strict=True):
            total += layer.grad * len(X[start : start + 10])
        slow.update(0.3)
    for f, s, total in zip(fast.layers, slow.layers, epoch_sum, strict=True):
        np.testing.assert_allclose(f.params, s.params, rtol=0, atol=1e-14)
        np.testing.assert_allclose(f.epoch_grad, total / 25, rtol=0, atol=1e-14)
        np.testing.assert_allclose(f.grad, s.grad, rtol=0, atol=1e-14)


def test_epoch_sensitivity_is_the_sensitivity_averaged_over_the_epochs_samples():
    X, Y = _data(n=20)
    net = Network([2, 3, 1], seed=5)
    net.train_epoch(X, Y, batch_size=20, learning_rate=0.0)  # one batch, nothing moves
    link = net.links[3]
    assert link.epoch_sensitivity == pytest.approx(link.sensitivity, abs=1e-15)
    net.forward(X)
    net.backward(Y)
    assert link.epoch_sensitivity == pytest.approx(link.sensitivity, abs=1e-15)
    assert net.neurons[0].epoch_sensitivity == pytest.approx(net.neurons[0].sensitivity, abs=1e-15)


def test_train_epoch_returns_the_mean_loss_of_the_samples_as_trained():
    X, Y = _data(n=30)
    net = Network([2, 4, 1], seed=6)
    assert net.train_epoch(X, Y, learning_rate=0.0) == pytest.approx(net.loss(X, Y), abs=1e-15)
    assert net.epoch == 1


def test_changing_the_learning_rate_keeps_the_weights():
    X, Y = _data()
    net = Network([2, 4, 1], seed=7)
    net.train_epoch(X, Y, learning_rate=0.03)
    twin = Network.from_dict(net.to_dict())
    net.train_epoch(X, Y, learning_rate=1.0)
    twin.train_epoch(X, Y, learning_rate=1.0)
    assert net.layers[0].params.tobytes() == twin.layers[0].params.tobytes()
    assert net.epoch == 2


def test_changing_the_optimizer_keeps_the_weights():
    net = Network([2, 3, 1], seed=1)
    before = net.layers[0].params.copy()
    net.optimizer = "adam"
    assert net.optimizer == "adam"
    np.testing.assert_array_equal(net.layers[0].params, before)


def test_a_diverging_network_reports_a_non_finite_loss_without_warnings():
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, size=(100, 2))
    Y = (X[:, 0] + X[:, 1]) / 10
    net = Network([2, 8, 8, 1], activation="relu", output_activation="linear", seed=0)
    losses = [net.train_epoch(X, Y, learning_rate=10.0) for _ in range(20)]
    assert not np.isfinite(losses[-1])
    assert not np.isfinite(net.loss(X, Y))


def test_evaluate_gives_every_layers_outputs_in_float32():
    X, _ = _data(n=9)
    net = Network([2, 3, 2, 1], seed=3)
    maps = net.evaluate(X)
    assert [m.shape for m in maps] == [(3, 9), (2, 9), (1, 9)]
    assert maps[0].dtype == np.float32
    np.testing.assert_allclose(maps[-1][0], net.predict(X)[:, 0], rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_sizes": [2]}, "at least 2 integers"),
        ({"layer_sizes": [2, 0, 1]}, "each 1 to 4096"),
        ({"layer_sizes": [2, 2.5, 1]}, "at least 2 integers"),
        ({"activation": "softplus"}, "Unknown hidden activation 'softplus'; allowed: 'relu'"),
        ({"activation": "softmax"}, "Unknown hidden activation 'softmax'"),
        ({"output_activation": "relu"}, "Unknown output activation 'relu'; allowed: 'tanh'"),
        ({"loss": "hinge"}, "Unknown loss 'hinge'; allowed: 'square', 'cross_entropy'"),
        ({"optimizer": "rmsprop"}, "Unknown optimizer 'rmsprop'; allowed: 'sgd'"),
        ({"output_activation": "linear", "loss": "cross_entropy"}, "needs a 'tanh', 'sigmoid'"),
        ({"output_activation": "softmax"}, "softmax output needs at least 2 output neurons"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"input_names": ["a"]}, "input_names must be 2 distinct names"),
    ],
)
def test_bad_construction_raises_a_sentence_saying_what_is_allowed(kwargs, message):
    args = {"layer_sizes": [2, 3, 1], **kwargs}
    with pytest.raises(ValueError, match=message):
        Network(**args)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda net, X, Y: net.forward(X[:, :1]), r"X must have shape \(n, 2\)"),
        (lambda net, X, Y: net.forward(np.full((2, 2), np.nan)), "finite numbers only"),
        (lambda net, X, Y: net.loss(X, Y[:3]), "Y has 3 rows but X has 10"),
        (lambda net, X, Y: net.train_epoch(X, Y, batch_size=0), "positive integer"),
        (lambda net, X, Y: net.train_batch(X, Y, batch_size=0), "batch_size must be a positive"),
        (lambda net, X, Y: net.train_batch(X, Y, batch_size=2.5), "not 2.5"),
        (lambda net, X, Y: net.train_batch(X, Y, batch_size=True), "not True"),
        (lambda net, X, Y: net.train_batch(X, Y, learning_rate=-1), "learning_rate must be ≥ 0"),
        (lambda net, X, Y: net.train_epoch(X, Y, learning_rate=-1), "learning_rate must be ≥ 0"),
        (
            lambda net, X, Y: net.train_epoch(X, Y, regularization="L3"),
            "Unknown regularization 'L3'; allowed: 'none', 'L1', 'L2'",
        ),
        (
            lambda net, X, Y: net.update(0.1, regularization_rate=float("inf")),
            "regularization_rate must be a finite number",
        ),
        (
            lambda net, X, Y: setattr(net.links[0], "weight", float("nan")),
            "weight must be a finite number, not nan",
        ),
        (lambda net, X, Y: setattr(net.neurons[0], "bias", "1"), "bias must be a finite number"),
        (lambda net, X, Y: setattr(net, "optimizer", "lbfgs"), "Unknown optimizer 'lbfgs'"),
    ],
)
def test_bad_calls_raise_a_sentence_and_change_nothing(call, message):
    X, Y = _data(n=10)
    net = Network([2, 3, 1], seed=0)
    before = net.to_dict()
    with pytest.raises(ValueError, match=message):
        call(net, X, Y)
    assert net.to_dict() == before


def test_backward_before_forward_is_an_error():
    with pytest.raises(ValueError, match="call forward"):
        Network([2, 1]).backward(np.array([1.0]))


def test_class_labels_for_softmax_must_be_indices_in_range():
    net = Network([2, 3], output_activation="softmax", loss="cross_entropy")
    with pytest.raises(ValueError, match="integers 0 to 2 for 3 classes"):
        net.loss(np.zeros((2, 2)), np.array([0, 3]))
    with pytest.raises(ValueError, match="integers 0 to 2"):
        net.loss(np.zeros((2, 2)), np.array([0.5, 1]))


def test_binary_cross_entropy_needs_plus_or_minus_one_labels():
    net = Network([2, 1], loss="cross_entropy")
    with pytest.raises(ValueError, match="labels of \\+1 or -1"):
        net.loss(np.zeros((2, 2)), np.array([0.0, 1.0]))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_every_hidden_activation_trains_and_a_network_without_hidden_layers_too(activation):
    X, Y = _data(n=40)
    for sizes in ([2, 1], [2, 5, 3, 1]):
        net = Network(sizes, activation=activation, seed=1)
        first = net.train_epoch(X, Y, learning_rate=0.1)
        for _ in range(30):
            last = net.train_epoch(X, Y, learning_rate=0.1)
        assert last < first, (sizes, activation)


def test_score_gives_the_loss_and_the_outputs_of_one_pass():
    X, Y = _data(n=12)
    net = Network([2, 3, 1], seed=2)
    loss, outputs = net.score(X, Y)
    assert loss == pytest.approx(net.loss(X, Y), abs=1e-15)
    np.testing.assert_array_equal(outputs, net.predict(X))


def test_networks_and_their_parts_say_what_they_are_when_printed():
    net = Network([2, 4, 2, 1], activation="tanh", seed=3)
    assert repr(net) == "Network([2, 4, 2, 1], tanh → tanh, square, epoch 0)"
    assert repr(net.layers[0]) == "Layer 1: 4 tanh neurons"
    assert repr(net.inputs[0]) == "Input x"
    link = net.layers[0].neurons[0].links_in[0]
    assert repr(link) == f"Link x→1:0 w={link.weight:.3g} s=0"
    assert repr(net.layers[-1].neurons[0]) == "Neuron 3:0 b=0.1 s=0"


@pytest.mark.parametrize(
    ("n_inputs", "names"),
    [
        (1, ["x"]),
        (2, ["x", "y"]),
        (5, ["x", "y", "xSquared", "ySquared", "xTimesY"]),
        (len(features.FEATURES), list(features.FEATURES)),
        (len(features.FEATURES) + 1, [f"x{k}" for k in range(len(features.FEATURES) + 1)]),
    ],
)
def test_inputs_without_names_are_named_after_tf_playgrounds_features(n_inputs, names):
    net = Network([n_inputs, 1], seed=0)
    assert [node.name for node in net.inputs] == names
