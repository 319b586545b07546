"""A Session, driven directly: what each message does, and what bad input leaves unchanged."""

import itertools
import json

import numpy as np
import pytest

from app import frames, protocol
from app.config import Config, InputError
from app.session import Session
from app.settings import Settings


def _session(**config) -> Session:
    return Session(Settings(), Config(seed="0.12345", **config))


def _send(session: Session, **message):
    return session.handle(protocol.parse(json.dumps(message), 1 << 20))


def _values(session: Session) -> bytes:
    return session.net.parameters.values.tobytes()


def _unchanged(session: Session) -> str:
    """Everything a client can see of the session, to compare before and after."""
    state = session.state_message()
    return json.dumps([state, session.snapshot(), session.speed], sort_keys=True, default=str)


def test_a_new_session_has_tf_playgrounds_default_network_and_data():
    session = _session()
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
    session = _session()
    session.train(3)
    before = _values(session)
    reply = _send(session, type="config", changes=changes)
    assert [m["type"] for m in reply.messages] == ["state", "snapshot"]
    assert (session.net.epoch == 0) is rebuilds
    if rebuilds:
        fresh = Session(Settings(), session.config)
        assert _values(session) == _values(fresh)  # same seed: the same initial weights
    else:
        assert _values(session) == before
    assert session.config.model_dump().items() >= changes.items()


def test_a_rebuild_pauses_like_tf():
    session = _session()
    _send(session, type="play")
    _send(session, type="config", changes={"activation": "sigmoid"})
    assert not session.playing


def test_reset_gives_the_same_initial_weights_again():
    session = _session()
    first = _values(session)
    session.train(5)
    assert _values(session) != first
    _send(session, type="reset")
    assert _values(session) == first
    assert session.net.epoch == 0
    assert session.history == []


def test_new_seed_changes_data_and_weights_and_a_given_seed_is_used():
    session = _session()
    points, weights = session.data.points.copy(), _values(session)
    _send(session, type="new_seed")
    assert not np.array_equal(session.data.points, points)
    assert _values(session) != weights
    _send(session, type="new_seed", seed="0.12345")
    assert np.array_equal(session.data.points, points)
    assert _values(session) == weights


def test_regenerate_draws_new_data_and_keeps_the_network():
    session = _session()
    session.train(2)
    points, weights = session.data.points.copy(), _values(session)
    _send(session, type="regenerate")
    assert not np.array_equal(session.data.points, points)
    assert _values(session) == weights
    assert session.net.epoch == 2


def test_step_trains_one_epoch_and_step_batch_one_mini_batch():
    session = _session(batch_size=25)
    _send(session, type="step")
    assert session.net.epoch == 1
    assert session.sensitivity_kind == "epoch"
    for _ in range(9):
        before = _values(session)
        _send(session, type="step_batch")
        assert _values(session) != before
        assert session.net.epoch == 1
    _send(session, type="step_batch")  # the tenth batch of 25 ends the epoch of 250
    assert session.net.epoch == 2
    assert session.sensitivity_kind == "batch"


def test_set_weight_and_set_bias_change_the_output_map():
    session = _session()
    before = frames.decode(session.frame())[1]["output_maps"].copy()
    reply = _send(session, type="set_weight", link="1:0-2:0", value=5.0)
    assert {link.id: link.weight for link in session.net.links}["1:0-2:0"] == 5.0
    assert reply.messages[0]["type"] == "weights"
    _send(session, type="set_bias", neuron="3:0", value=-2.0)
    assert session.net.layers[-1].neurons[0].bias == -2.0
    after = frames.decode(session.frame())[1]["output_maps"]
    assert not np.array_equal(before, after)


def test_every_state_has_a_new_id_and_frames_name_the_state_they_were_built_for():
    session = _session()
    first = session.state_message()["state_id"]
    assert frames.decode(session.frame())[0]["state_id"] == first
    _send(session, type="step")  # training changes no state
    assert frames.decode(session.frame())[0]["state_id"] == first
    state = _send(session, type="config", changes={"network_shape": [3]}).messages[0]
    assert state["type"] == "state"
    assert state["state_id"] == first + 1
    assert frames.decode(session.frame())[0]["state_id"] == first + 1


def test_speed_accepts_a_count_or_max():
    session = _session()
    _send(session, type="speed", epochs_per_frame=7)
    assert session.speed == 7
    assert session.train_for(1.0) == 7
    _send(session, type="speed", epochs_per_frame="max")
    readings = itertools.count()
    session.clock = lambda: float(next(readings))  # each reading a second after the last
    assert session.train_for(3.5) == 4  # read at 0 (deadline 3.5), 1, 2, 3: go on; at 4: stop


def test_at_max_a_slice_ends_after_the_epoch_in_which_a_frame_is_wanted():
    session = _session()
    _send(session, type="speed", epochs_per_frame="max")
    calls = []

    def enough() -> bool:
        calls.append(session.net.epoch)
        return len(calls) == 3

    assert session.train_for(60.0, enough) == 3
    assert session.train_for(60.0, lambda: True) == 1  # at least one epoch


def test_adding_removing_and_clearing_points_makes_them_the_sessions_own():
    session = _session()
    _send(session, type="add_points", points=[[5.9, 5.9, 1], [-5.9, -5.9, -1]])
    assert session.config.dataset == "own"
    assert len(session.data.points) == 502
    _send(session, type="remove_point", near=[5.8, 5.7])  # the circle's points end at radius 5
    assert len(session.data.points) == 501
    assert not ((session.data.points == [5.9, 5.9]).all(axis=1)).any()
    _send(session, type="clear_points")
    assert session.own is not None
    assert len(session.own[0]) == 0
    assert session.state_message()["points"]["x"] == []
    with pytest.raises(InputError, match="no points to train on"):
        _send(session, type="play")
    session.frame()  # the network's maps still draw
    _send(session, type="add_points", points=[[2.0, 2.0, 1], [-2.0, -2.0, -1], [0, 3, 1]])
    assert len(session.data.points) == 3
    assert session.data.train.sum() == 1  # floor(3 · 50 %) points train


def test_explain_returns_the_trace_of_one_point():
    session = _session()
    reply = _send(session, type="explain", index=7)
    message = reply.messages[0]
    assert message["type"] == "trace"
    assert message["index"] == 7
    output = message["trace"]["layers"][-1][0]
    assert output["target"] == session.data.labels[7]
    assert message["trace"]["learning_rate"] == session.config.learning_rate


def test_explain_pauses_training():
    session = _session()
    _send(session, type="play")
    reply = _send(session, type="explain", index=3)
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
    session = _session()
    if changes:
        _send(session, type="config", changes=changes)
    _send(session, type="step")
    trace = _send(session, type="explain", index=11).messages[0]["trace"]
    epoch = session.net.epoch
    reply = _send(session, type="apply_step", index=11)
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
    session = _session()
    with pytest.raises(InputError, match="index must be a point's index: 0 to 499"):
        _send(session, type="apply_step", index=500)


def test_ping_answers_with_the_epoch():
    session = _session()
    session.train(2)
    reply = _send(session, type="ping", id=9)
    assert reply.messages == [{"type": "pong", "id": 9, "epoch": 2, "playing": False}]


def test_a_diverging_network_pauses_says_so_and_reset_recovers_it():
    session = _session(problem="regression", learning_rate=10, activation="relu")
    _send(session, type="play")
    for _ in range(20):
        session.train(5)
        if session.diverged:
            break
    assert session.diverged
    assert not session.playing
    header, _ = frames.decode(session.frame())
    assert header["diverged"] is True
    with pytest.raises(InputError, match="diverged: reset it first"):
        _send(session, type="play")
    _send(session, type="reset")
    assert not session.diverged
    assert np.isfinite(session.metrics["train_loss"])


def test_a_snapshot_restores_the_session_bit_for_bit():
    session = _session(optimizer="adam", regularization="L1", regularization_rate=0.01)
    _send(session, type="add_points", points=[[1.0, 1.0, 1]])
    session.train(7)
    _send(session, type="speed", epochs_per_frame=3)
    snapshot = json.loads(json.dumps(session.snapshot()))
    other = Session(Settings())
    _send(other, type="restore", snapshot=snapshot)
    assert _values(other) == _values(session)
    assert other.net.epoch == 7
    assert np.array_equal(other.data.points, session.data.points)
    assert other.speed == 3
    assert other.history == session.history
    for model in (session, other):
        model.train(2)
    assert _values(other) == _values(session)  # and they train on alike


def test_a_default_network_frame_is_under_12_kb_and_carries_everything():
    session = _session()
    session.train(1)
    frame = session.frame()
    header, arrays = frames.decode(frame)
    assert len(frame) <= 12 * 1024
    assert header["epoch"] == 1
    assert set(arrays) == {"params", "sensitivities", "neuron_maps", "output_maps"}
    assert arrays["params"].shape == (25,)
    assert arrays["neuron_maps"].shape == (6, frames.NEURON_GRID, frames.NEURON_GRID)
    assert arrays["output_maps"].shape == (1, frames.OUTPUT_GRID, frames.OUTPUT_GRID)
    np.testing.assert_allclose(arrays["params"], session.net.parameters.values, rtol=1e-6)
    np.testing.assert_allclose(
        arrays["sensitivities"], session.net.parameters.epoch_grad, rtol=1e-5, atol=1e-9
    )
    state = session.state_message()
    assert len(state["network"]["params"]) == 25


def test_the_output_map_shows_what_the_network_computes():
    session = _session()
    session.train(30)
    _, arrays = frames.decode(session.frame())
    out = arrays["output_maps"][0].astype(float) / 255 * 2 - 1
    # Top-left corner (-6, 6) is outside the circle (-1), the middle inside (+1).
    assert out[0, 0] < -0.5
    assert out[50, 50] > 0.5


def test_multi_class_frames_carry_one_probability_map_per_class():
    session = _session(dataset="blobs", n_classes=4, loss="cross_entropy")
    header, arrays = frames.decode(session.frame())
    assert arrays["output_maps"].shape == (4, 100, 100)
    assert header["blocks"][-1]["range"] == [0.0, 1.0]
    total = arrays["output_maps"].astype(int).sum(axis=0)
    assert abs(int(total.mean()) - 255) <= 4  # the probabilities add up to 1


@pytest.mark.parametrize(
    ("message", "field", "text"),
    [
        ({"type": "config", "changes": {"learning_rate": 100}}, "changes.learning_rate", "10"),
        ({"type": "config", "changes": {"noise": -5}}, "changes.noise", "0"),
        ({"type": "config", "changes": {"dataset": "moon"}}, "changes.dataset", "circle, xor"),
        (
            {"type": "config", "changes": {"network_shape": [8] * 7}},
            "changes.network_shape",
            "at most 6",
        ),
        ({"type": "config", "changes": {"network_shape": [9]}}, "changes.network_shape", "1 to 8"),
        ({"type": "config", "changes": {"features": ["z"]}}, "changes.features", "xSquared"),
        ({"type": "config", "changes": {"colour": "red"}}, "changes.colour", "Extra inputs"),
        ({"type": "config", "changes": {"n_classes": 3}}, "changes", "'blobs', 'spiral'"),
        ({"type": "config", "changes": {"dataset": "own"}}, "changes.dataset", "add some first"),
        ({"type": "set_weight", "link": "nope", "value": 1}, "link", "does not exist"),
        ({"type": "set_bias", "neuron": "9:9", "value": 1}, "neuron", "does not exist"),
        ({"type": "speed", "epochs_per_frame": 5000}, "epochs_per_frame", "1 to 1000"),
        ({"type": "add_points", "points": [[21, 0, 1]]}, "points.0.0", "less than or equal to 20"),
        ({"type": "add_points", "points": [[1, 0, 0.5]]}, "points", "+1 or -1"),
        ({"type": "explain", "index": 500}, "index", "index: 0 to 499"),
        ({"type": "regenerate_now"}, "type", "regenerate, remove_point"),
        (
            {"type": "restore", "snapshot": {"format": 1, "config": {"noise": 99}}},
            "snapshot.config.noise",
            "50",
        ),
        ({"type": "restore", "snapshot": {"format": 2}}, "snapshot.format", "must be 1"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(message, field, text):
    session = _session()
    session.train(2)
    before = _unchanged(session)
    with pytest.raises(InputError) as error:
        _send(session, **message)
    assert error.value.field == field
    assert text in error.value.message
    assert _unchanged(session) == before


def test_a_snapshot_whose_network_does_not_fit_its_config_is_refused():
    session = _session()
    snapshot = json.loads(json.dumps(session.snapshot()))
    snapshot["config"]["network_shape"] = [3]
    before = _unchanged(session)
    with pytest.raises(InputError, match=r"does not match snapshot\.config"):
        _send(session, type="restore", snapshot=snapshot)
    assert _unchanged(session) == before


def test_points_past_the_limit_are_refused():
    session = Session(Settings(max_points=501), Config(seed="1"))
    _send(session, type="add_points", points=[[0, 0, 1]])
    with pytest.raises(InputError, match="at most 501 points"):
        _send(session, type="add_points", points=[[1, 1, 1]])


def test_a_link_keeps_every_valid_key_and_reports_each_one_it_ignores():
    session = _session(learning_rate=0.3)
    link = {"activation": "softmax", "network_shape": [9, 2], "dataset": "xor", "noise": 20}
    reply = _send(session, type="link", changes=link)
    assert [m["type"] for m in reply.messages] == ["state", "snapshot", "link_ignored"]
    ignored = reply.messages[-1]["ignored"]
    assert [i["field"] for i in ignored] == ["activation", "network_shape"]
    assert "relu" in ignored[0]["message"]
    assert "1 to 8 neurons" in ignored[1]["message"]
    c = session.config
    assert (c.dataset, c.noise, c.activation, c.network_shape) == ("xor", 20, "tanh", [4, 2])
    assert c.learning_rate == 0.03  # what a link leaves out is the default, not the tab's


def test_a_link_is_read_in_order_so_a_key_that_conflicts_with_an_earlier_one_is_ignored():
    session = _session()
    changes = {"problem": "regression", "loss": "cross_entropy", "seed": "0.25"}
    reply = _send(session, type="link", changes=changes)
    assert [i["field"] for i in reply.messages[-1]["ignored"]] == ["loss"]
    assert (session.config.problem, session.config.seed) == ("regression", "0.25")


def test_a_link_to_own_points_in_a_tab_without_them_says_the_model_file_carries_them():
    session = _session()
    reply = _send(session, type="link", changes={"dataset": "own", "seed": "0.5"})
    assert "model file" in reply.messages[-1]["ignored"][0]["message"]
    assert session.config.dataset == "circle"


def test_the_same_link_twice_changes_nothing_the_second_time():
    session = _session()
    _send(session, type="link", changes={"seed": "0.5", "network_shape": [3]})
    _send(session, type="step")
    weights = session.net.parameters.values.copy()
    reply = _send(session, type="link", changes={"seed": "0.5", "network_shape": [3]})
    assert [m["type"] for m in reply.messages] == ["state", "snapshot"]
    assert session.net.epoch == 1
    assert np.array_equal(session.net.parameters.values, weights)


def test_a_data_seed_gives_the_points_regenerate_gave():
    session = _session()
    _send(session, type="regenerate")
    regenerated, data_seed = session.data.points.copy(), session.config.data_seed
    other = _session()
    _send(other, type="config", changes={"data_seed": data_seed})
    assert np.array_equal(other.data.points, regenerated)
