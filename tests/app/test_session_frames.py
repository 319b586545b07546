"""A Session, driven directly, continued: its frames, the bad input it refuses unchanged, the
links it opens and the data a seed gives."""

import json

import numpy as np
import pytest

from app import frames
from app.config import Config, InputError
from app.session import Session
from app.settings import Settings
from tests.app.sessions import new_session, send, visible


def test_a_default_network_frame_is_under_12_kb_and_carries_everything():
    session = new_session()
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
    session = new_session()
    session.train(30)
    _, arrays = frames.decode(session.frame())
    out = arrays["output_maps"][0].astype(float) / 255 * 2 - 1
    # Top-left corner (-6, 6) is outside the circle (-1), the middle inside (+1).
    assert out[0, 0] < -0.5
    assert out[50, 50] > 0.5


def test_multi_class_frames_carry_one_probability_map_per_class():
    session = new_session(dataset="blobs", n_classes=4, loss="cross_entropy")
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
    session = new_session()
    session.train(2)
    before = visible(session)
    with pytest.raises(InputError) as error:
        send(session, **message)
    assert error.value.field == field
    assert text in error.value.message
    assert visible(session) == before


def test_a_snapshot_whose_network_does_not_fit_its_config_is_refused():
    session = new_session()
    snapshot = json.loads(json.dumps(session.snapshot()))
    snapshot["config"]["network_shape"] = [3]
    before = visible(session)
    with pytest.raises(InputError, match=r"does not match snapshot\.config"):
        send(session, type="restore", snapshot=snapshot)
    assert visible(session) == before


def test_points_past_the_limit_are_refused():
    session = Session(Settings(max_points=501), Config(seed="1"))
    send(session, type="add_points", points=[[0, 0, 1]])
    with pytest.raises(InputError, match="at most 501 points"):
        send(session, type="add_points", points=[[1, 1, 1]])


def test_a_link_keeps_every_valid_key_and_reports_each_one_it_ignores():
    session = new_session(learning_rate=0.3)
    link = {"activation": "softmax", "network_shape": [9, 2], "dataset": "xor", "noise": 20}
    reply = send(session, type="link", changes=link)
    assert [m["type"] for m in reply.messages] == ["state", "snapshot", "link_ignored"]
    ignored = reply.messages[-1]["ignored"]
    assert [i["field"] for i in ignored] == ["activation", "network_shape"]
    assert "relu" in ignored[0]["message"]
    assert "1 to 8 neurons" in ignored[1]["message"]
    c = session.config
    assert (c.dataset, c.noise, c.activation, c.network_shape) == ("xor", 20, "tanh", [4, 2])
    assert c.learning_rate == 0.03  # what a link leaves out is the default, not the tab's


def test_a_link_is_read_in_order_so_a_key_that_conflicts_with_an_earlier_one_is_ignored():
    session = new_session()
    changes = {"problem": "regression", "loss": "cross_entropy", "seed": "0.25"}
    reply = send(session, type="link", changes=changes)
    assert [i["field"] for i in reply.messages[-1]["ignored"]] == ["loss"]
    assert (session.config.problem, session.config.seed) == ("regression", "0.25")


def test_a_link_to_own_points_in_a_tab_without_them_says_the_model_file_carries_them():
    session = new_session()
    reply = send(session, type="link", changes={"dataset": "own", "seed": "0.5"})
    assert "model file" in reply.messages[-1]["ignored"][0]["message"]
    assert session.config.dataset == "circle"


def test_the_same_link_twice_changes_nothing_the_second_time():
    session = new_session()
    send(session, type="link", changes={"seed": "0.5", "network_shape": [3]})
    send(session, type="step")
    weights = session.net.parameters.values.copy()
    reply = send(session, type="link", changes={"seed": "0.5", "network_shape": [3]})
    assert [m["type"] for m in reply.messages] == ["state", "snapshot"]
    assert session.net.epoch == 1
    assert np.array_equal(session.net.parameters.values, weights)


def test_a_data_seed_gives_the_points_regenerate_gave():
    session = new_session()
    send(session, type="regenerate")
    regenerated, data_seed = session.data.points.copy(), session.config.data_seed
    other = new_session()
    send(other, type="config", changes={"data_seed": data_seed})
    assert np.array_equal(other.data.points, regenerated)
