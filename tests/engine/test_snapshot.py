"""to_dict / from_dict: an exact round trip, through JSON, that resumes training exactly."""

import json

import numpy as np
import pytest

from engine import Network


def _trained(optimizer="adam"):
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(30, 2))
    Y = np.where(X[:, 0] > 0, 1.0, -1.0)
    net = Network([2, 5, 3, 1], activation="relu", seed="abc", optimizer=optimizer)
    for _ in range(4):
        net.train_epoch(
            X, Y, batch_size=7, learning_rate=0.1, regularization="L1", regularization_rate=0.05
        )
    return net, X, Y


def test_round_trip_through_json_is_bit_for_bit():
    net, _, _ = _trained()
    copy = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    for a, b in zip(net.layers, copy.layers, strict=True):
        assert a.params.tobytes() == b.params.tobytes()
        np.testing.assert_array_equal(a.dead, b.dead)
    assert copy.to_dict() == net.to_dict()
    assert copy.epoch == 4
    assert copy.optimizer == "adam"
    assert copy.activation == "relu"


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_restored_network_trains_on_exactly_like_the_original(optimizer):
    net, X, Y = _trained(optimizer)
    copy = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    for model in (net, copy):
        model.train_epoch(X, Y, batch_size=7, learning_rate=0.1)
    for a, b in zip(net.layers, copy.layers, strict=True):
        assert a.params.tobytes() == b.params.tobytes()


def test_the_generator_state_is_strings_so_javascript_keeps_it_exact():
    rng = Network([2, 1]).to_dict()["rng"]
    assert isinstance(rng["state"], str)
    assert isinstance(rng["inc"], str)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format=99), "format 1"),
        (lambda d: d.pop("loss"), "lacks the field 'loss'"),
        (lambda d: d["layers"][0].update(weights=[[1.0]]), r"layers\[0\].weights must have shape"),
        (lambda d: d["layers"][1].update(biases="x"), r"layers\[1\].biases must"),
        (lambda d: d["layers"][0].update(dead=[[9, 9]]), "names a link that does not exist"),
        (lambda d: d.update(epoch=-1), "epoch must be a non-negative integer"),
        (lambda d: d["rng"].pop("inc"), "rng must be a PCG64 state"),
        (lambda d: d.update(activation="gelu"), "Unknown hidden activation 'gelu'"),
    ],
)
def test_a_bad_snapshot_is_refused_with_the_field_named(change, message):
    data = json.loads(json.dumps(_trained()[0].to_dict()))
    change(data)
    with pytest.raises(ValueError, match=message):
        Network.from_dict(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["layers"][0]["weights"][0].__setitem__(0, float("nan")), "finite numbers"),
        (lambda d: d["layers"][1].update(biases=[float("inf")] * 3), "finite numbers"),
        (lambda d: d["optimizer_state"]["m"].__setitem__(0, float("-inf")), "finite numbers"),
        (lambda d: d["rng"].update(state="-5"), "rng must be a PCG64 state"),
        (lambda d: d["rng"].update(inc=str(2**128)), "rng must be a PCG64 state"),
        (lambda d: d["rng"].update(uinteger=float("inf")), "rng must be a PCG64 state"),
        (lambda d: d["layers"][0].update(dead=[["0", 0]]), "dead must hold"),
        (lambda d: d.update(layer_sizes=5), "layer_sizes must be"),
        (lambda d: d.update(optimizer=["adam"]), "settings do not fit"),
    ],
)
def test_a_hostile_snapshot_is_a_value_error_naming_what_is_wrong(change, message):
    data = json.loads(json.dumps(_trained()[0].to_dict()))
    change(data)
    with pytest.raises(ValueError, match=message):
        Network.from_dict(data)


def test_a_snapshot_claiming_a_huge_network_without_its_weights_builds_nothing(monkeypatch):
    data = _trained()[0].to_dict()
    data.update(layer_sizes=[2, 4096, 4096, 1], layers=[])

    def never(*args, **kwargs):
        raise AssertionError("a network was built")

    monkeypatch.setattr(Network, "__init__", never)
    with pytest.raises(ValueError, match="must have 3 layers"):
        Network.from_dict(data)
