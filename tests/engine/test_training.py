"""Training learns TF Playground's problems (seeded, so each run is the same run)."""

import numpy as np

from engine import Network, datasets, features

ALL_FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]


def _data(name, names, n_classes=2, seed=0):
    points, labels = datasets.generate(name, 500, 0.0, seed, n_classes=n_classes)
    train_p, train_l, test_p, test_l = datasets.split(points, labels, 0.5, seed)
    return (
        features.transform(train_p, names),
        train_l,
        features.transform(test_p, names),
        test_l,
    )


def _epochs_to_reach(net, data, target, max_epochs, learning_rate=0.03):
    X, Y, X_test, Y_test = data
    for epoch in range(1, max_epochs + 1):
        net.train_epoch(X, Y, learning_rate=learning_rate)
        if net.loss(X_test, Y_test) < target:
            return epoch
    return None


def _accuracy(net, X, Y):
    out = net.predict(X)
    guess = out.argmax(axis=1) if out.shape[1] > 1 else np.where(out[:, 0] >= 0, 1.0, -1.0)
    return float((guess == Y).mean())


def test_circle_with_4_2_tanh_reaches_test_loss_under_005_within_300_epochs():
    net = Network([2, 4, 2, 1], seed=0)
    assert _epochs_to_reach(net, _data("circle", ["x", "y"]), 0.05, 300) is not None


def test_xor_with_4_2_tanh_reaches_test_loss_under_005_within_300_epochs():
    net = Network([2, 4, 2, 1], seed=0)
    assert _epochs_to_reach(net, _data("xor", ["x", "y"]), 0.05, 300) is not None


def test_spiral_with_all_seven_features_and_six_layers_of_8_learns():
    data = _data("spiral", ALL_FEATURES)
    net = Network([7, 8, 8, 8, 8, 8, 8, 1], seed=0)
    assert _epochs_to_reach(net, data, 0.1, 600) is not None
    assert _accuracy(net, data[2], data[3]) >= 0.9


def test_three_class_spiral_with_softmax_learns():
    X, Y, X_test, Y_test = _data("spiral", ALL_FEATURES, n_classes=3)
    net = Network(
        [7, 8, 8, 8, 8, 8, 8, 3], output_activation="softmax", loss="cross_entropy", seed=0
    )
    start = net.loss(X, Y)
    for _ in range(600):
        net.train_epoch(X, Y)
    assert net.loss(X, Y) < start / 3
    assert _accuracy(net, X, Y) >= 0.85
    assert _accuracy(net, X_test, Y_test) >= 0.75  # chance is 0.33


def test_regression_on_reg_plane_with_a_linear_output_learns():
    points, labels = datasets.generate("reg-plane", 400, 0.0, 1)
    X = features.transform(points, ["x", "y"])
    net = Network([2, 4, 2, 1], output_activation="linear", seed=1)
    start = net.loss(X, labels)
    for _ in range(100):
        net.train_epoch(X, labels, learning_rate=0.01)
    assert net.loss(X, labels) < min(start / 10, 0.01)


def test_momentum_and_adam_learn_the_circle_too():
    data = _data("circle", ["x", "y"])
    for optimizer, rate in (("momentum", 0.01), ("adam", 0.01)):
        net = Network([2, 4, 2, 1], optimizer=optimizer, seed=0)
        assert _epochs_to_reach(net, data, 0.05, 300, rate) is not None, optimizer


def test_an_epoch_taken_a_batch_at_a_time_counts_when_its_last_batch_is_done():
    X = np.random.default_rng(0).uniform(-1, 1, (25, 2))
    Y = np.sign(X[:, 0])
    net = Network([2, 3, 1], seed=1)
    steps = [net.train_batch(X, Y, batch_size=10) for _ in range(3)]  # 10, 10 and the last 5
    assert steps == [True, True, True]
    assert net.epoch == 1
    net.train_batch(X, Y, batch_size=10)
    assert net.epoch == 1  # a new epoch has begun, not ended
