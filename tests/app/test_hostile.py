"""Hostile input, case by case (issue 13): what a stranger on the internet may send, and what the
server must do instead of stalling, crashing, answering 500 or sending what a browser cannot
parse. Each test names the defect it pins; tests/app/test_fuzz_hostile.py generalizes them."""

import asyncio
import json
import logging
from collections.abc import Iterator, MutableMapping
from typing import Any

import numpy as np
import pytest
from anyio import CapacityLimiter
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect, WebSocketState

from app import frames, protocol, upload
from app.config import Config, InputError
from app.main import create_app
from app.metrics import Metrics
from app.session import Session
from app.settings import Settings
from app.store import Holder
from app.ws import DISCONNECTED, Connection
from engine import Network, explain
from tests.app.test_ws import connected


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def strict(text: str | bytes) -> Any:
    """JSON as a browser's JSON.parse reads it: no NaN, no Infinity."""
    return json.loads(text, parse_constant=_refuse_constant)


def _snapshot(**config: Any) -> dict[str, Any]:
    session = Session(Settings(), Config(seed="0.5", **config))
    session.train(3)
    snapshot: dict[str, Any] = json.loads(json.dumps(session.snapshot()))
    return snapshot


def _session() -> Session:
    return Session(Settings(), Config(seed="0.5"))


def _send(session: Session, text: str) -> Any:
    return session.handle(protocol.parse(text, 1 << 20))


def _seen(session: Session) -> str:
    return json.dumps([session.state_message(), session.snapshot(), session.speed], default=str)


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The test logs no error and no traceback (a refusal is a warning at most)."""
    with caplog.at_level(logging.WARNING):
        yield
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


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
    body = json.dumps(_huge(_snapshot()))
    assert len(body) < 2000
    with TestClient(create_app()) as client:
        for path in ("/api/model", "/api/model/python"):
            response = client.post(path, content=body)
            assert response.status_code == 422
            assert response.json()["detail"]["field"] == "snapshot.network.layer_sizes"


def test_1_a_restore_claiming_16m_links_is_refused_and_changes_nothing(no_big_network):
    session = _session()
    before = _seen(session)
    with pytest.raises(InputError) as refused:
        _send(session, json.dumps({"type": "restore", "snapshot": _huge(_snapshot())}))
    assert refused.value.field == "snapshot.network.layer_sizes"
    assert "does not match snapshot.config" in refused.value.message
    assert _seen(session) == before


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
    snapshot = _snapshot()
    change(snapshot["network"])
    session = _session()
    no_big_network.clear()
    with pytest.raises(InputError) as refused:
        _send(session, json.dumps({"type": "restore", "snapshot": snapshot}))
    assert field in (refused.value.field or "")
    assert no_big_network == []  # refused before any network was built


def test_1_the_engine_checks_a_snapshots_arrays_before_it_builds_the_network(no_big_network):
    network = _huge(_snapshot())["network"]
    no_big_network.clear()
    with pytest.raises(ValueError, match="must have 3 layers"):
        Network.from_dict(network)
    assert no_big_network == []


def test_1_the_largest_snapshot_the_limits_allow_restores():
    features = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"]
    shape = {"network_shape": [8] * 6, "features": features, "optimizer": "adam"}
    snapshot = _snapshot(dataset="blobs", n_classes=5, loss="cross_entropy", **shape)
    session = _session()
    _send(session, json.dumps({"type": "restore", "snapshot": snapshot}))
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
    session = _session()
    before = _seen(session)
    with pytest.raises(InputError):
        _send(session, json.dumps({"type": "restore", "snapshot": "HOLE"}).replace('"HOLE"', text))
    assert _seen(session) == before


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e999"])
def test_2_a_non_finite_loss_in_the_history_is_refused(value):
    text = json.dumps(_snapshot()).replace('"history": []', f'"history": [[3, {value}, null]]')
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
    snapshot = _snapshot(problem="regression", activation="relu")
    for layer in snapshot["network"]["layers"]:
        layer["weights"] = [[1e300] * len(row) for row in layer["weights"]]
    session = _session()
    _send(session, json.dumps({"type": "restore", "snapshot": snapshot}))
    header, arrays = frames.decode(session.frame())
    assert header["diverged"] is True
    assert np.isfinite(arrays["params"]).all()
    assert np.isfinite(arrays["sensitivities"]).all()
    for message in [session.state_message(), session.snapshot_message()]:
        json.dumps(message, allow_nan=False)
    with pytest.raises(InputError, match="diverged: reset it first"):
        _send(session, '{"type": "explain", "index": 0}')


def test_3_stepping_one_batch_into_divergence_keeps_the_network_finite():
    session = Session(
        Settings(), Config(seed="0.5", problem="regression", learning_rate=10, activation="relu")
    )
    for _ in range(500):
        if session.diverged:
            break
        _send(session, '{"type": "step_batch"}')
    assert session.diverged
    assert np.isfinite(session.net.parameters.values).all()
    json.dumps(session.state_message(), allow_nan=False)


# -- 4. no internal errors, no 500 -------------------------------------------------------------
def test_4_a_ping_whose_id_is_a_lone_surrogate_gets_a_clear_error(no_tracebacks):
    with connected() as (c, _):
        c.ws.send_text('{"type": "ping", "id": "\\ud800"}')
        error = c.until("error")
        assert error["field"] == "id"
        assert "lone surrogate" in error["message"]
        assert c.ping()["type"] == "pong"  # the session goes on


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"type": "config", "changes": {"seed": "a\\udfffb"}}', "changes.seed"),
        ('{"type": "new_seed", "seed": "\\ud83d"}', "seed"),
        ('{"type": "set_weight", "link": "\\ud800", "value": 1}', "link"),
        ('{"type": "config", "changes": {"\\ud800": 1}}', "changes"),
        ('{"type": "ping", "id": "\\ud83d\\ude00"}', None),  # a pair is a character: fine
    ],
)
def test_4_lone_surrogates_anywhere_are_refused_naming_the_field(text, field):
    session = _session()
    before = _seen(session)
    if field is None:
        _send(session, text)
        return
    with pytest.raises(InputError) as refused:
        _send(session, text)
    assert refused.value.field == field
    assert _seen(session) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s["history"].append(["1e999", 0.5, 0.5]), "snapshot.history.0.0"),
        (lambda s: s["history"].append(["1", 0.5, 0.5]), "snapshot.history.0.0"),
        (lambda s: s["network"]["rng"].update(state="-5"), "snapshot.network.rng.state"),
        (lambda s: s["network"]["rng"].update(inc="9" * 39), "snapshot.network.rng.inc"),
        (lambda s: s["network"]["rng"].update(uinteger=2**40), "snapshot.network.rng.uinteger"),
        (lambda s: s["network"].update(input_names=["y", "x"]), "snapshot.network.input_names"),
        (lambda s: s["network"].update(seed="another"), "snapshot.network.seed"),
        (lambda s: s["network"].update(optimizer="adam"), "snapshot.network.optimizer"),
        (lambda s: s.update(speed=True), "snapshot.speed"),
        (lambda s: s.update(playing="yes"), "snapshot.playing"),
        (lambda s: s.update(extra=1), "snapshot.extra"),
    ],
)
def test_4_a_tampered_snapshot_is_a_422_naming_the_field_not_a_500(change, field, no_tracebacks):
    snapshot = _snapshot()
    change(snapshot)
    text = json.dumps(snapshot).replace('"1e999"', "1e999")  # a number JSON reads as infinity
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        for path in ("/api/model", "/api/model/python"):
            response = client.post(path, content=text)
            assert response.status_code == 422, response.text
            assert response.json()["detail"]["field"] == field
    with pytest.raises(InputError) as refused:
        _send(_session(), f'{{"type": "restore", "snapshot": {text}}}')
    assert refused.value.field == field


def test_4_explaining_on_an_overflowing_network_raises_no_overflow_error():
    net = Network([2, 3, 1], activation="relu", output_activation="linear", seed=1)
    for layer in net.layers:
        layer.weights[:] = 1e200
    trace = explain.trace(net, [1.0, 1.0], 0.5)
    assert not np.isfinite(trace.loss)


@pytest.mark.parametrize(
    ("body", "points"),
    [
        (b"1,2,1\r3,4,-1\r", [[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]]),
        (b"x,y,label\r1,2,1\r", [[1.0, 2.0, 1.0]]),
        (b"1,2,1\r\n3,4,-1", [[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]]),
    ],
)
def test_4_a_csv_with_cr_only_line_endings_is_read(body, points, no_tracebacks):
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        response = client.post("/api/data", files={"file": ("p.csv", body)})
    assert response.status_code == 200
    assert response.json()["points"] == points


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (b"1,2,1\n" + b"3," + b"4" * 131_073 + b",1\n", [(2, "field larger than field limit")]),
        (b",,\n,\n", [(None, "the file has no points")]),
        (b"nan,1,1\n2,2,1\n", [(1, "x is not a number")]),
        (b"1,inf,1\n", [(1, "y is not a finite number")]),
    ],
)
def test_4_a_csv_the_csv_module_refuses_is_a_422_with_its_line(body, errors, no_tracebacks):
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        response = client.post("/api/data", files={"file": ("p.csv", body)})
    assert response.status_code == 422
    found = response.json()["errors"]
    assert [e["line"] for e in found] == [line for line, _ in errors]
    for error, (_, says) in zip(found, errors, strict=True):
        assert says in error["reason"]


@pytest.mark.parametrize("url", ["http://[", "http://a]b", "http://x:99999999/"])
def test_4_an_oembed_url_that_is_no_url_is_a_404(url, no_tracebacks):
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        assert client.get("/oembed", params={"url": url}).status_code == 404


def test_4_an_origin_that_is_no_url_is_refused(no_tracebacks):
    with (
        TestClient(create_app()) as client,
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ws", headers={"origin": "http://["}) as ws,
    ):
        ws.receive_text()
    assert refused.value.code == protocol.CLOSE_POLICY


# -- 5. no reading past a limit ----------------------------------------------------------------
CHUNK = 64 * 1024


async def _post(
    path: str, headers: dict[str, str], size: int, declared: bool, settings: Settings
) -> tuple[int, int]:
    """POST `size` bytes (in chunks, lazily) to `path` through the ASGI app: its status, and how
    many bytes it read."""
    app = create_app(settings)
    read = 0
    head = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if declared:
        head.append((b"content-length", str(size).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *head],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    boundary = headers.get("content-type", "").partition("boundary=")[2]
    prefix = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n\r\n'
    ).encode()

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= size:
            return {"type": "http.disconnect"}
        chunk = prefix if read == 0 and boundary else b"1,1,1\n" * (CHUNK // 6)
        chunk = chunk[: size - read]
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": read < size}

    status = 0

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status, read


FORM = {"content-type": "multipart/form-data; boundary=xyz"}


@pytest.mark.parametrize(("path", "headers"), [("/api/data", FORM), ("/api/model", {})])
def test_5_a_body_declared_over_the_limit_is_refused_unread(path, headers):
    settings = Settings()
    status, read = asyncio.run(_post(path, headers, 200 * 1024 * 1024, True, settings))
    assert status == 413
    assert read == 0


@pytest.mark.parametrize(("path", "headers"), [("/api/data", FORM), ("/api/model", {})])
def test_5_a_streamed_body_is_read_no_further_than_its_limit(path, headers):
    settings = Settings(max_upload_bytes=64 * 1024, max_message_bytes=64 * 1024)
    status, read = asyncio.run(_post(path, headers, 50 * 1024 * 1024, False, settings))
    assert status == 413
    assert read <= 64 * 1024 + 16 * 1024 + CHUNK  # the limit, the form's allowance, one chunk


# -- 7. the smaller ones ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"speed": 1}, "changes.speed"),
        ({"ping": 1}, "changes.ping"),
        ({"network_shape": [8] * 7}, "changes.network_shape"),
        ({"network_shape": [99]}, "changes.network_shape"),
        ({"reg_dataset": "own", "problem": "regression"}, "changes.reg_dataset"),
    ],
)
def test_7_a_bad_change_names_its_whole_path(changes, field):
    with pytest.raises(InputError) as refused:
        _send(_session(), json.dumps({"type": "config", "changes": changes}))
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field}: ")


def test_7_a_first_csv_row_of_nan_is_a_bad_row_not_a_header():
    with pytest.raises(upload.CsvError) as caught:
        upload.parse(b"nan, 1, 1\n2, 2, -1\n", "classification", 100)
    assert caught.value.errors == [{"line": 1, "reason": "x is not a number"}]


# -- relatives ---------------------------------------------------------------------------------
def test_a_session_whose_points_were_all_cleared_restores():
    session = _session()
    _send(session, '{"type": "clear_points"}')
    snapshot = json.loads(json.dumps(session.snapshot()))
    assert snapshot["points"] == []
    restored = _session()
    _send(restored, json.dumps({"type": "restore", "snapshot": snapshot}))
    assert restored.config.dataset == "own"
    assert len(restored.data.points) == 0


def test_a_ping_id_is_bounded():
    for text in ['{"type": "ping", "id": "' + "x" * 65 + '"}', '{"type": "ping", "id": 1e300}']:
        with pytest.raises(InputError) as refused:
            _send(_session(), text)
        assert refused.value.field == "id"


class _ClosedUnderUs:
    """A socket uvicorn has closed itself (its client sent text that is not UTF-8)."""

    application_state = WebSocketState.CONNECTED

    async def send(self, message: Any) -> None:
        raise RuntimeError("Unexpected ASGI message 'websocket.send', after 'websocket.close'.")


def test_a_send_on_a_socket_the_server_closed_is_a_client_gone_not_a_traceback():
    session = Session(Settings(), Config(seed="0.5"))
    socket: Any = _ClosedUnderUs()
    connection = Connection(socket, Holder(session), Settings(), CapacityLimiter(1), Metrics())
    with pytest.raises(WebSocketDisconnect):
        asyncio.run(connection.send_json({"type": "pong"}))
    assert isinstance(WebSocketDisconnect(1006), DISCONNECTED)  # what a connection's run ends on
