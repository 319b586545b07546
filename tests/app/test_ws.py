"""The WebSocket endpoint through Starlette's TestClient: flow, backpressure, limits, resume."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app import frames, protocol
from app.main import create_app
from app.session import Session
from app.settings import Settings
from tests.waiting import eventually

DEFAULT = Settings(max_fps=60, resume_grace_s=3600)


class Client:
    """A test client's socket: JSON out, messages in, frames decoded."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.last_frame = 0

    def send(self, **message: Any) -> None:
        self.ws.send_text(json.dumps(message))

    def receive(self) -> dict[str, Any]:
        """The next message; a frame comes back as its header with its arrays under "arrays"."""
        event = self.ws.receive()
        if event["type"] == "websocket.close":
            raise WebSocketDisconnect(event["code"], event.get("reason"))
        if event.get("bytes") is not None:
            header, arrays = frames.decode(event["bytes"])
            self.last_frame = header["frame"]
            return {**header, "arrays": arrays}
        message: dict[str, Any] = json.loads(event["text"])
        return message

    def until(self, kind: str, ack: bool = True) -> dict[str, Any]:
        """Read until a message of type `kind`; with `ack`, ack every frame read."""
        while True:
            message: dict[str, Any] = self.receive()
            if message["type"] == "frame" and ack:
                self.send(type="ack", frame=message["frame"])
            if message["type"] == kind:
                return message

    def until_closed(self) -> WebSocketDisconnect:
        """Read until the server closes the socket; its close code and reason."""
        try:
            while True:
                self.receive()
        except WebSocketDisconnect as closed:
            return closed

    def ack(self) -> None:
        self.send(type="ack", frame=self.last_frame)

    def ping(self) -> dict[str, Any]:
        self.send(type="ping", id="p")
        return self.until("pong", ack=False)


@contextmanager
def connected(
    settings: Settings = DEFAULT, path: str = "/ws", client: TestClient | None = None
) -> Iterator[tuple[Client, dict[str, Any]]]:
    """A connected client and its welcome, state and first frame, read."""
    with client or TestClient(create_app(settings)) as http, http.websocket_connect(path) as ws:
        c = Client(ws)
        welcome = c.receive()
        state, snapshot, frame = c.receive(), c.receive(), c.receive()
        assert [state["type"], snapshot["type"], frame["type"]] == ["state", "snapshot", "frame"]
        yield c, {"welcome": welcome, "state": state, "snapshot": snapshot, "frame": frame}


def test_a_connection_gets_a_welcome_the_state_a_snapshot_and_a_frame():
    with connected() as (_, first):
        assert first["welcome"]["type"] == "welcome"
        assert first["welcome"]["resumed"] is False
        assert len(first["welcome"]["token"]) >= 20
        assert first["state"]["network"]["inputs"] == ["x", "y"]
        assert first["frame"]["epoch"] == 0
        assert first["frame"]["arrays"]["output_maps"].shape == (1, 100, 100)


def test_play_streams_frames_with_rising_epochs_while_the_client_acks():
    with connected() as (c, _):
        c.ack()
        c.send(type="play")
        epochs: list[int] = []
        while len(epochs) < 5:
            epochs.append(c.until("frame")["epoch"])
        assert epochs == sorted(epochs)
        assert epochs[-1] > epochs[0]
        c.send(type="pause")
        assert c.until("snapshot")["snapshot"]["playing"] is False


@pytest.mark.parametrize("speed", [1, "max"])
def test_a_client_that_never_acks_gets_exactly_one_frame_while_training_goes_on(speed):
    # Snapshots need no ack: sent every 10 ms while playing, they show training going on.
    with connected(Settings(max_fps=60, snapshot_interval_s=0.01)) as (c, _):
        c.ack()
        c.send(type="speed", epochs_per_frame=speed)
        c.send(type="play")
        first = c.until("frame", ack=False)
        between = []
        while (message := c.receive())["type"] != "snapshot" or (
            message["snapshot"]["network"]["epoch"] <= first["epoch"] + 20
        ):
            between.append(message["type"])
        assert "frame" not in between
        c.send(type="ack", frame=first["frame"])
        second = c.until("frame")
        assert second["frame"] == first["frame"] + 1
        assert second["epoch"] > first["epoch"] + 20


def test_step_and_step_batch_send_frames():
    with connected() as (c, _):
        c.ack()
        c.send(type="step")
        assert c.until("frame")["epoch"] == 1
        c.send(type="step_batch")
        frame = c.until("frame")
        assert frame["sensitivity"] == "batch"


def test_a_config_change_sends_the_new_state():
    with connected() as (c, _):
        c.send(type="config", changes={"network_shape": [3, 3, 3], "features": ["x", "sinY"]})
        state = c.until("state")
        assert [len(layer["neurons"]) for layer in state["network"]["layers"]] == [3, 3, 3, 1]
        assert state["network"]["inputs"] == ["x", "sinY"]
        assert state["config"]["network_shape"] == [3, 3, 3]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("{not json", None, "not valid JSON"),
        ('"play"', None, 'JSON object with a "type"'),
        ('{"type": "dance"}', "type", "type must be one of"),
        ('{"type": "config", "changes": {"batch_size": 31}}', "changes.batch_size", "30"),
        ('{"type": "speed", "epochs_per_frame": -1}', "epochs_per_frame", '"max"'),
        ('{"type": "set_weight", "link": "x-1:0", "value": 1e999}', "value", "finite"),
        ('{"type": "play", "extra": 1}', "extra", "Extra inputs"),
    ],
)
def test_bad_messages_get_an_error_naming_the_field_and_change_nothing(text, field, words):
    with connected() as (c, first):
        c.ws.send_text(text)
        error = c.until("error")
        assert error["field"] == field
        assert words in error["message"]
        assert _essence(c) == _essence_of(first["snapshot"])


def _essence_of(snapshot: dict[str, Any]) -> list[Any]:
    """What a bad message must not change: config, network and points."""
    inner = snapshot["snapshot"]
    return [inner["config"], inner["network"], inner["points"], inner["speed"]]


def _essence(c: Client) -> list[Any]:
    c.send(type="snapshot")
    return _essence_of(c.until("snapshot"))


def test_an_oversized_message_gets_an_error():
    with connected(Settings(max_message_bytes=2048)) as (c, first):
        c.send(type="ping", id="x" * 3000)
        assert "over the limit of 2048 bytes" in c.until("error")["message"]
        assert _essence(c) == _essence_of(first["snapshot"])


def test_a_binary_message_gets_an_error():
    with connected() as (c, _):
        c.ws.send_bytes(b"\x00\x01")
        assert "JSON text, not binary" in c.until("error")["message"]


def test_a_flood_of_bad_messages_closes_the_socket_with_policy_violation():
    with connected(Settings(bad_message_limit=5, bad_message_window_s=3600)) as (c, _):
        for _ in range(6):
            c.ws.send_text("nonsense")
        closed = c.until_closed()
    assert closed.code == protocol.CLOSE_POLICY
    assert "bad messages" in closed.reason


def test_past_max_sessions_a_connection_is_closed_busy_with_a_reason():
    app = create_app(Settings(max_sessions=1))
    with TestClient(app) as http, http.websocket_connect("/ws") as first:
        first.receive()
        with http.websocket_connect("/ws") as second, pytest.raises(WebSocketDisconnect) as closed:
            second.receive_text()
        assert closed.value.code == protocol.CLOSE_BUSY
        assert "server busy" in closed.value.reason


def test_too_many_connections_from_one_address_are_told_to_retry_later():
    app = create_app(Settings(connections_per_address=2, connections_window_s=3600))
    with TestClient(app) as http:
        for _ in range(2):
            with http.websocket_connect("/ws") as ws:
                assert ws.receive_json()["type"] == "welcome"
        with http.websocket_connect("/ws") as third, pytest.raises(WebSocketDisconnect) as closed:
            third.receive_text()
        metrics = http.get("/metrics").text
    assert closed.value.code == protocol.CLOSE_BUSY
    assert closed.value.reason == "too many connections from your address: at most 2 in 3600 s"
    assert 'lernmi_connections_rejected_total{reason="rate"} 1.0' in metrics


def test_a_flood_of_messages_closes_the_socket_with_policy():
    # At 0.01 a second the bucket refills one message in 100 s: the 11th closes, on any machine.
    with connected(Settings(messages_per_s=0.01, messages_burst=10)) as (c, _):
        for i in range(11):
            c.send(type="ping", id=i)
        closed = c.until_closed()
    assert closed.code == protocol.CLOSE_POLICY
    assert closed.reason == "more than 0.01 messages a second"


def test_an_idle_session_is_closed():
    app = create_app(Settings(idle_timeout_s=0.3))
    with TestClient(app) as http, http.websocket_connect("/ws") as ws:
        closed = Client(ws).until_closed()  # whatever came before it
    assert closed.code == protocol.CLOSE_IDLE
    assert "without a message" in closed.reason


def test_a_foreign_origin_is_refused():
    with TestClient(create_app(DEFAULT)) as http:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            http.websocket_connect("/ws", headers={"origin": "https://elsewhere.example"}),
        ):
            pass
        assert refused.value.code == protocol.CLOSE_POLICY
        with http.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
            assert json.loads(ws.receive_text())["type"] == "welcome"
    allowed = Settings(allowed_origins=["https://blog.example"])
    with (
        TestClient(create_app(allowed)) as http,
        http.websocket_connect("/ws", headers={"origin": "https://blog.example"}) as ws,
    ):
        assert json.loads(ws.receive_text())["type"] == "welcome"


def test_reconnecting_with_the_token_resumes_the_session_exactly():
    http = TestClient(create_app(DEFAULT))
    with connected(client=http) as (c, first):
        c.ack()
        c.send(type="config", changes={"learning_rate": 0.1})
        c.until("state")
        c.send(type="step")
        c.until("frame")
        c.send(type="play")
        c.until("frame")
        c.send(type="snapshot")
        before = c.until("snapshot")["snapshot"]
        token = first["welcome"]["token"]
    with http, http.websocket_connect(f"/ws?token={token}") as ws:
        again = Client(ws)
        welcome = again.receive()
        state = again.receive()
        assert welcome["resumed"] is True
        assert welcome["token"] == token
        assert state["playing"] is True
        assert state["config"]["learning_rate"] == 0.1
        assert state["epoch"] >= before["network"]["epoch"]
        again.send(type="pause")
        after = again.until("snapshot")["snapshot"]
        assert after["network"]["epoch"] >= before["network"]["epoch"]


def test_a_snapshot_brings_a_session_back_on_another_server_bit_for_bit():
    with connected() as (c, _):
        c.ack()
        c.send(type="config", changes={"optimizer": "momentum", "network_shape": [5, 3]})
        c.until("state")
        for _ in range(3):
            c.send(type="step")
            c.until("frame")
        c.send(type="snapshot")
        snapshot = c.until("snapshot")["snapshot"]
    with connected() as (c, _):  # a new app: another process or replica
        c.send(type="restore", snapshot=snapshot)
        state = c.until("state")
        c.send(type="snapshot")
        restored = c.until("snapshot")["snapshot"]
    assert state["epoch"] == 3
    assert restored["network"] == snapshot["network"]  # every float, exactly


def test_healthz_counts_sessions_and_the_schema_has_the_limits():
    app = create_app(Settings(max_hidden_layers=4, max_neurons=5))
    with TestClient(app) as http:
        schema = http.get("/api/config/schema").json()
        assert schema["properties"]["network_shape"]["maxItems"] == 4
        assert schema["properties"]["network_shape"]["items"]["maximum"] == 5
        assert "circle" in schema["properties"]["dataset"]["enum"]
        with http.websocket_connect("/ws") as ws:
            ws.receive_text()
            assert http.get("/healthz").json()["sessions"] == 1
        assert http.get("/docs").status_code == 200
        assert http.get("/openapi.json").json()["info"]["title"] == "Lernmi Playground"


def test_a_second_connection_with_the_token_takes_the_session_over():
    with TestClient(create_app(DEFAULT)) as http, http.websocket_connect("/ws") as first:
        old = Client(first)
        token = old.receive()["token"]
        with http.websocket_connect(f"/ws?token={token}") as second:
            new = Client(second)
            assert new.receive()["resumed"] is True
            closed = old.until_closed()
            assert closed.code == protocol.CLOSE_IDLE
            assert "another connection" in closed.reason
            assert new.ping()["type"] == "pong"


def test_long_training_runs_off_the_event_loop_so_a_ping_is_answered_during_it(monkeypatch):
    # The play loop's training is held at its start until the ping has its pong: had it run on
    # the event loop, the pong could only come after the hold gave up.
    started, release = threading.Event(), threading.Event()
    gave_up: list[bool] = []
    train_for = Session.train_for

    def held(session: Session, *args: Any) -> int:
        started.set()
        gave_up.append(not release.wait(timeout=60))
        return train_for(session, *args)

    with connected() as (c, _):
        c.ack()
        c.send(type="step")  # measures an epoch: 1000 of them are long work
        c.until("frame")
        c.send(type="speed", epochs_per_frame=1000)
        monkeypatch.setattr(Session, "train_for", held)
        c.send(type="play")
        assert started.wait(timeout=60)
        pong = c.ping()
        assert gave_up == []  # the pong came while training was under way
        assert pong["playing"] is True
        release.set()
        assert c.until("frame")["playing"] is True
        c.send(type="pause")
        c.until("snapshot")
    assert gave_up[0] is False


def test_a_diverging_network_pauses_with_a_diverged_frame_and_reset_recovers():
    with connected() as (c, _):
        c.ack()
        changes = {"problem": "regression", "learning_rate": 10, "activation": "linear"}
        c.send(type="config", changes=changes)
        c.until("state")
        c.send(type="speed", epochs_per_frame=20)
        c.send(type="play")
        while not (frame := c.until("frame"))["diverged"]:
            pass
        assert frame["playing"] is False
        assert np.isfinite(frame["arrays"]["params"]).all()  # the step that diverged was undone
        c.send(type="play")
        assert "diverged" in c.until("error")["message"]
        c.send(type="reset")
        state = c.until("state")
        assert state["diverged"] is False
        assert state["train_loss"] is not None


def test_parked_sessions_are_forgotten_after_their_grace_without_new_connections():
    app = create_app(Settings(resume_grace_s=4.0))  # the sweep runs every second
    now = [0.0]
    app.state.shared.store.clock = lambda: now[0]  # the grace runs out only when the test says so
    with TestClient(app) as http:
        with http.websocket_connect("/ws") as ws:
            ws.receive_json()
        assert http.get("/healthz").json()["parked"] == 1
        now[0] = 4.0
        forgotten = lambda: http.get("/healthz").json()["parked"] == 0  # noqa: E731
        eventually(forgotten, "the sweep forgot the parked session")
        assert "lernmi_sessions_parked 0.0" in http.get("/metrics").text
