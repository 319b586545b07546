"""A Session, driven directly: what each message does, and what bad input leaves unchanged."""

import itertools
import json

import numpy as np
import pytest

from app import frames
from app.config import InputError
from app.session import Session
from app.settings import Settings
from tests.app.sessions import new_session, param_bytes, send


def test_a_new_session_has_tf_playgrounds_default_network_and_data():
    session = new_session()
    assert session.net.layer_sizes == (2, 4, 2, 1)
    assert len(session.data.points) == 500
    assert session.data.train.sum() == 250
    assert (session.metrics["train_loss"] or 0) > 0


@pytest.mark.parametrize(
    ("changes", "rebuilds"),
    [
        ({"learning_rate": 0.3}, False),
        ({"regularization_rate": 0.01}, False),
        ({"optimizer": "adam"}, False),
        ({"activation": "relu"}, True),
        ({"network_shape": [3]}, True),
        ({"batch_size": 5}, True),
        ({"regularization": "L2"}, True),
        ({"features": ["x", "y", "xTimesY"]}, True),
        ({"noise": 20}, True),
        ({"dataset": "xor"}, True),
        ({"perc_train": 70}, True),
    ],
)
def test_which_changes_rebuild_the_network_follows_tf(changes, rebuilds):
    session = new_session()
    session.train(3)
    before = param_bytes(session)
    reply = send(session, type="config", changes=changes)
    assert [m["type"] for m in reply.messages] == ["state", "snapshot"]
    assert (session.net.epoch == 0) is rebuilds
    if rebuilds:
        fresh = Session(Settings(), session.config)
        assert param_bytes(session) == param_bytes(fresh)  # same seed: the same initial weights
    else:
        assert param_bytes(session) == before
    assert session.config.model_dump().items() >= changes.items()


def test_a_rebuild_pauses_like_tf():
    session = new_session()
    send(session, type="play")
    send(session, type="config", changes={"activation": "sigmoid"})
    assert not session.playing


def test_reset_gives_the_same_initial_weights_again():
    session = new_session()
    first = param_bytes(session)
    session.train(5)
    assert param_bytes(session) != first
    send(session, type="reset")
    assert param_bytes(session) == first
    assert session.net.epoch == 0
    assert session.history == []


def test_new_seed_changes_data_and_weights_and_a_given_seed_is_used():
    session = new_session()
    points, weights = session.data.points.copy(), param_bytes(session)
    send(session, type="new_seed")
    assert not np.array_equal(session.data.points, points)
    assert param_bytes(session) != weights
    send(session, type="new_seed", seed="0.12345")
    assert np.array_equal(session.data.points, points)
    assert param_bytes(session) == weights


def test_regenerate_draws_new_data_and_keeps_the_network():
    session = new_session()
    session.train(2)
    points, weights = session.data.points.copy(), param_bytes(session)
    send(session, type="regenerate")
    assert not np.array_equal(session.data.points, points)
    assert param_bytes(session) == weights
    assert session.net.epoch == 2


def test_step_trains_one_epoch_and_step_batch_one_mini_batch():
    session = new_session(batch_size=25)
    send(session, type="step")
    assert session.net.epoch == 1
    assert session.sensitivity_kind == "epoch"
    for _ in range(9):
        before = param_bytes(session)
        send(session, type="step_batch")
        assert param_bytes(session) != before
        assert session.net.epoch == 1
    send(session, type="step_batch")  # the tenth batch of 25 ends the epoch of 250
    assert session.net.epoch == 2
    assert session.sensitivity_kind == "batch"


def test_set_weight_and_set_bias_change_the_output_map():
    session = new_session()
    before = frames.decode(session.frame())[1]["output_maps"].copy()
    reply = send(session, type="set_weight", link="1:0-2:0", value=5.0)
    assert {link.id: link.weight for link in session.net.links}["1:0-2:0"] == 5.0
    assert reply.messages[0]["type"] == "weights"
    send(session, type="set_bias", neuron="3:0", value=-2.0)
    assert session.net.layers[-1].neurons[0].bias == -2.0
    after = frames.decode(session.frame())[1]["output_maps"]
    assert not np.array_equal(before, after)


def test_every_state_has_a_new_id_and_frames_name_the_state_they_were_built_for():
    session = new_session()
    first = session.state_message()["state_id"]
    assert frames.decode(session.frame())[0]["state_id"] == first
    send(session, type="step")  # training changes no state
    assert frames.decode(session.frame())[0]["state_id"] == first
    state = send(session, type="config", changes={"network_shape": [3]}).messages[0]
    assert state["type"] == "state"
    assert state["state_id"] == first + 1
    assert frames.decode(session.frame())[0]["state_id"] == first + 1


def test_speed_accepts_a_count_or_max():
    session = new_session()
    send(session, type="speed", epochs_per_frame=7)
    assert session.speed == 7
    assert session.train_for(1.0) == 7
    send(session, type="speed", epochs_per_frame="max")
    readings = itertools.count()
    session.clock = lambda: float(next(readings))  # each reading a second after the last
    assert session.train_for(3.5) == 4  # read at 0 (deadline 3.5), 1, 2, 3: go on; at 4: stop


def test_at_max_a_slice_ends_after_the_epoch_in_which_a_frame_is_wanted():
    session = new_session()
    send(session, type="speed", epochs_per_frame="max")
    calls = []

    def enough() -> bool:
        calls.append(session.net.epoch)
        return len(calls) == 3

    assert session.train_for(60.0, enough) == 3
    assert session.train_for(60.0, lambda: True) == 1  # at least one epoch


def test_adding_removing_and_clearing_points_makes_them_the_sessions_own():
    session = new_session()
    send(session, type="add_points", points=[[5.9, 5.9, 1], [-5.9, -5.9, -1]])
    assert session.config.dataset == "own"
    assert len(session.data.points) == 502
    send(session, type="remove_point", near=[5.8, 5.7])  # the circle's points end at radius 5
    assert len(session.data.points) == 501
    assert not ((session.data.points == [5.9, 5.9]).all(axis=1)).any()
    send(session, type="clear_points")
    assert session.own is not None
    assert len(session.own[0]) == 0
    assert session.state_message()["points"]["x"] == []
    with pytest.raises(InputError, match="no points to train on"):
        send(session, type="play")
    session.frame()  # the network's maps still draw
    send(session, type="add_points", points=[[2.0, 2.0, 1], [-2.0, -2.0, -1], [0, 3, 1]])
    assert len(session.data.points) == 3
    assert session.data.train.sum() == 1  # floor(3 · 50 %) points train


def test_explain_returns_the_trace_of_one_point():
    session = new_session()
    reply = send(session, type="explain", index=7)
    message = reply.messages[0]
    assert message["type"] == "trace"
    assert message["index"] == 7
    output = message["trace"]["layers"][-1][0]
    assert output["target"] == session.data.labels[7]
    assert message["trace"]["learning_rate"] == session.config.learning_rate


def test_explain_pauses_training():
    session = new_session()
    send(session, type="play")
    reply = send(session, type="explain", index=3)
    assert not session.playing
    assert reply.frame
    assert [m["type"] for m in reply.messages] == ["trace", "snapshot"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"activation": "relu", "loss": "cross_entropy"},
        {"dataset": "spiral", "n_classes": 3, "network_shape": [5, 3], "optimizer": "adam"},
        {"problem": "regression", "activation": "sigmoid", "network_shape": []},
    ],
)
def test_apply_step_sets_exactly_the_traces_new_weights_and_biases(changes):
    session = new_session()
    if changes:
        send(session, type="config", changes=changes)
    send(session, type="step")
    trace = send(session, type="explain", index=11).messages[0]["trace"]
    epoch = session.net.epoch
    reply = send(session, type="apply_step", index=11)
    ids = session.state_message()["network"]["params"]
    values = dict(zip(ids, reply.messages[0]["values"], strict=True))
    for layer in trace["layers"]:
        for neuron in layer:
            assert values[neuron["id"]] == neuron["new_bias"]
            for link in neuron["links_in"]:
                assert values[link["id"]] == link["new_weight"]
    assert session.net.epoch == epoch  # one sample's step is not an epoch
    assert reply.frame


def test_apply_step_refuses_a_point_that_is_not_there():
    session = new_session()
    with pytest.raises(InputError, match="index must be a point's index: 0 to 499"):
        send(session, type="apply_step", index=500)


def test_ping_answers_with_the_epoch():
    session = new_session()
    session.train(2)
    reply = send(session, type="ping", id=9)
    assert reply.messages == [{"type": "pong", "id": 9, "epoch": 2, "playing": False}]


def test_a_diverging_network_pauses_says_so_and_reset_recovers_it():
    session = new_session(problem="regression", learning_rate=10, activation="relu")
    send(session, type="play")
    for _ in range(20):
        session.train(5)
        if session.diverged:
            break
    assert session.diverged
    assert not session.playing
    header, _ = frames.decode(session.frame())
    assert header["diverged"] is True
    with pytest.raises(InputError, match="diverged: reset it first"):
        send(session, type="play")
    send(session, type="reset")
    assert not session.diverged
    assert np.isfinite(session.metrics["train_loss"])


def test_a_snapshot_restores_the_session_bit_for_bit():
    session = new_session(optimizer="adam", regularization="L1", regularization_rate=0.01)
    send(session, type="add_points", points=[[1.0, 1.0, 1]])
    session.train(7)
    send(session, type="speed", epochs_per_frame=3)
    snapshot = json.loads(json.dumps(session.snapshot()))
    other = Session(Settings())
    send(other, type="restore", snapshot=snapshot)
    assert param_bytes(other) == param_bytes(session)
    assert other.net.epoch == 7
    assert np.array_equal(other.data.points, session.data.points)
    assert other.speed == 3
    assert other.history == session.history
    for model in (session, other):
        model.train(2)
    assert param_bytes(other) == param_bytes(session)  # and they train on alike
