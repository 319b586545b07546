"""Hostile input, case by case (issue 13): what a stranger on the internet may send, and what the
server must do instead of stalling, crashing, answering 500 or sending what a browser cannot
parse. Each test names the defect it pins; tests/app/test_fuzz_hostile.py generalizes them."""

import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import frames, protocol
from app.config import Config, InputError
from app.main import create_app
from app.session import Session
from app.settings import Settings
from engine import Network
from tests.app.hostile import seeded_session, seen, send_message, strict, trained_snapshot
from tests.app.test_ws import connected


# -- 1. unbounded work before validation -------------------------------------------------------
def _huge(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The 900-byte request: a valid config, a network of 16.7 M links, and no weights."""
    snapshot["network"]["layer_sizes"] = [2, 4096, 4096, 1]
    snapshot["network"]["layers"] = []
    return snapshot


@pytest.fixture
def no_big_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """Every network built during the test, by its layer sizes; building one with a layer over
    the settings' limits fails the test where it happens."""
    built: list[tuple[int, ...]] = []
    real = Network.__init__

    def spy(self: Network, layer_sizes: Any, *args: Any, **kwargs: Any) -> None:
        sizes = tuple(layer_sizes)
        assert max(sizes) <= 9, f"a network of {sizes} was built"
        assert len(sizes) <= 8, f"a network of {sizes} was built"
        built.append(sizes)
        real(self, layer_sizes, *args, **kwargs)

    monkeypatch.setattr(Network, "__init__", spy)
    return built


def test_1_a_model_claiming_16m_links_is_refused_before_anything_is_built(no_big_network):
    body = json.dumps(_huge(trained_snapshot()))
    assert len(body) < 2000
    with TestClient(create_app()) as client:
        for path in ("/api/model", "/api/model/python"):
            response = client.post(path, content=body)
            assert response.status_code == 422
            assert response.json()["detail"]["field"] == "snapshot.network.layer_sizes"


def test_1_a_restore_claiming_16m_links_is_refused_and_changes_nothing(no_big_network):
    session = seeded_session()
    before = seen(session)
    with pytest.raises(InputError) as refused:
        send_message(
            session, json.dumps({"type": "restore", "snapshot": _huge(trained_snapshot())})
        )
    assert refused.value.field == "snapshot.network.layer_sizes"
    assert "does not match snapshot.config" in refused.value.message
    assert seen(session) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda n: n.update(layers=[]), "snapshot.network.layers"),
        (lambda n: n["layers"][0].update(weights=[[0.1] * 2] * 4096), "layers.0.weights"),
        (lambda n: n["layers"][1].update(biases=[0.1] * 4096), "layers.1.biases"),
        (lambda n: n["layers"][0].update(dead=[[4095, 4095]]), "layers.0.dead"),
        (lambda n: n.update(optimizer_state={"m": [0.0] * 100_000}), "optimizer_state"),
        (lambda n: n.update(input_names=["x", "y", "sinX"]), "snapshot.network.input_names"),
        (lambda n: n.update(epoch=2**64), "snapshot.network.epoch"),
    ],
)
def test_1_every_array_is_checked_against_the_config_before_a_network_is_built(
    change, field, no_big_network
):
    snapshot = trained_snapshot()
    change(snapshot["network"])
    session = seeded_session()
    no_big_network.clear()
    with pytest.raises(InputError) as refused:
        send_message(session, json.dumps({"type": "restore", "snapshot": snapshot}))
    assert field in (refused.value.field or "")
    assert no_big_network == []  # refused before any network was built


def test_1_the_engine_checks_a_snapshots_arrays_before_it_builds_the_network(no_big_network):
    network = _huge(trained_snapshot())["network"]
    no_big_network.clear()
    with pytest.raises(ValueError, match="must have 3 layers"):
        Network.from_dict(network)
    assert no_big_network == []


def test_1_the_largest_snapshot_the_limits_allow_restores():
    features = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"]
    shape = {"network_shape": [8] * 6, "features": features, "optimizer": "adam"}
    snapshot = trained_snapshot(dataset="blobs", n_classes=5, loss="cross_entropy", **shape)
    session = seeded_session()
    send_message(session, json.dumps({"type": "restore", "snapshot": snapshot}))
    assert session.net.layer_sizes == (9, 8, 8, 8, 8, 8, 8, 5)


# -- 2. non-finite numbers in ------------------------------------------------------------------
PLACES = [
    ("weights", lambda s: s["network"]["layers"][0]["weights"][0], 0),
    ("biases", lambda s: s["network"]["layers"][1]["biases"], 0),
    ("optimizer state", lambda s: s["network"]["optimizer_state"]["m"], 3),
    ("points", lambda s: s["points"][0], 1),
]


def _own_snapshot() -> dict[str, Any]:
    session = Session(Settings(), Config(seed="0.5", optimizer="adam"))
    session.handle(protocol.parse('{"type": "add_points", "points": [[1, 1, 1]]}', 1 << 20))
    session.train(2)
    snapshot: dict[str, Any] = json.loads(json.dumps(session.snapshot()))
    return snapshot


@pytest.mark.parametrize("where", PLACES, ids=[p[0] for p in PLACES])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "null"])
def test_2_a_non_finite_number_in_a_model_is_refused_everywhere(where, value):
    snapshot = _own_snapshot()
    _, find, index = where
    find(snapshot)[index] = "HOLE"
    text = json.dumps(snapshot).replace('"HOLE"', value)
    with TestClient(create_app()) as client:
        checked = client.post("/api/model", content=text)
        snippet = client.post("/api/model/python", content=text)
    assert checked.status_code == 422
    assert snippet.status_code == 422  # no snippet full of nan
    session = seeded_session()
    before = seen(session)
    with pytest.raises(InputError):
        send_message(
            session, json.dumps({"type": "restore", "snapshot": "HOLE"}).replace('"HOLE"', text)
        )
    assert seen(session) == before


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e999"])
def test_2_a_non_finite_loss_in_the_history_is_refused(value):
    text = json.dumps(trained_snapshot()).replace(
        '"history": []', f'"history": [[3, {value}, null]]'
    )
    assert value in text
    with TestClient(create_app()) as client:
        assert client.post("/api/model", content=text).status_code == 422


# -- 3. what the server sends: strict JSON, a diverged network as a state ----------------------
@pytest.mark.parametrize("speed", [20, "max"])
def test_3_a_diverging_run_sends_only_strict_json_and_says_diverged(speed):
    with connected() as (c, _):
        c.ack()
        changes = {"problem": "regression", "learning_rate": 10, "activation": "relu"}
        c.send(type="config", changes=changes)
        c.send(type="speed", epochs_per_frame=speed)
        c.send(type="play")
        texts: list[str] = []
        while True:
            event = c.ws.receive()
            if event.get("text") is not None:
                texts.append(event["text"])
                continue
            (length,) = np.frombuffer(event["bytes"][:4], "<u4")
            header = strict(event["bytes"][4 : 4 + int(length)])
            c.send(type="ack", frame=header["frame"])
            if header["diverged"]:
                break
        assert header["playing"] is False
        c.send(type="explain", index=0)
        c.send(type="snapshot")
        c.send(type="ping", id="after")
        while True:  # frames may come between the replies: only the text ones are read here
            event = c.ws.receive()
            if event.get("bytes") is not None:
                continue
            if (text := event["text"]).startswith('{"type":"pong"'):
                break
            texts.append(text)
        messages = [strict(text) for text in texts]
        errors = [m["message"] for m in messages if m["type"] == "error"]
        assert errors == ["the network diverged: reset it first"]
        snapshot = [m for m in messages if m["type"] == "snapshot"][-1]["snapshot"]
        weights = [w for layer in snapshot["network"]["layers"] for w in np.ravel(layer["weights"])]
        assert all(np.isfinite(weights))
        c.send(type="restore", snapshot=snapshot)  # what the page holds comes back
        assert c.until("state")["diverged"] is False


def test_3_a_tampered_network_that_overflows_sends_strict_json_and_refuses_to_explain():
    snapshot = trained_snapshot(problem="regression", activation="relu")
    for layer in snapshot["network"]["layers"]:
        layer["weights"] = [[1e300] * len(row) for row in layer["weights"]]
    session = seeded_session()
    send_message(session, json.dumps({"type": "restore", "snapshot": snapshot}))
    header, arrays = frames.decode(session.frame())
    assert header["diverged"] is True
    assert np.isfinite(arrays["params"]).all()
    assert np.isfinite(arrays["sensitivities"]).all()
    for message in [session.state_message(), session.snapshot_message()]:
        json.dumps(message, allow_nan=False)
    with pytest.raises(InputError, match="diverged: reset it first"):
        send_message(session, '{"type": "explain", "index": 0}')


def test_3_stepping_one_batch_into_divergence_keeps_the_network_finite():
    session = Session(
        Settings(), Config(seed="0.5", problem="regression", learning_rate=10, activation="relu")
    )
    for _ in range(500):
        if session.diverged:
            break
        send_message(session, '{"type": "step_batch"}')
    assert session.diverged
    assert np.isfinite(session.net.parameters.values).all()
    json.dumps(session.state_message(), allow_nan=False)
