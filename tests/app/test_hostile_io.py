"""Hostile input, case by case (issue 13), continued: no internal error and no 500 for input no
browser sends, no reading past a limit, and the smaller defects. tests/app/test_hostile.py has
the first cases."""

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import numpy as np
import pytest
from anyio import CapacityLimiter
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect, WebSocketState

from app import protocol, upload
from app.config import Config, InputError
from app.main import create_app
from app.metrics import Metrics
from app.session import Session
from app.settings import Settings
from app.store import Holder
from app.ws import DISCONNECTED, Connection
from engine import Network, explain
from tests.app.hostile import (
    seeded_session,
    seen,
    send_message,
    trained_snapshot,
)
from tests.app.test_ws import connected


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
    session = seeded_session()
    before = seen(session)
    if field is None:
        send_message(session, text)
        return
    with pytest.raises(InputError) as refused:
        send_message(session, text)
    assert refused.value.field == field
    assert seen(session) == before


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
    snapshot = trained_snapshot()
    change(snapshot)
    text = json.dumps(snapshot).replace('"1e999"', "1e999")  # a number JSON reads as infinity
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        for path in ("/api/model", "/api/model/python"):
            response = client.post(path, content=text)
            assert response.status_code == 422, response.text
            assert response.json()["detail"]["field"] == field
    with pytest.raises(InputError) as refused:
        send_message(seeded_session(), f'{{"type": "restore", "snapshot": {text}}}')
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
        send_message(seeded_session(), json.dumps({"type": "config", "changes": changes}))
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field}: ")


def test_7_a_first_csv_row_of_nan_is_a_bad_row_not_a_header():
    with pytest.raises(upload.CsvError) as caught:
        upload.parse(b"nan, 1, 1\n2, 2, -1\n", "classification", 100)
    assert caught.value.errors == [{"line": 1, "reason": "x is not a number"}]


# -- relatives ---------------------------------------------------------------------------------
def test_a_session_whose_points_were_all_cleared_restores():
    session = seeded_session()
    send_message(session, '{"type": "clear_points"}')
    snapshot = json.loads(json.dumps(session.snapshot()))
    assert snapshot["points"] == []
    restored = seeded_session()
    send_message(restored, json.dumps({"type": "restore", "snapshot": snapshot}))
    assert restored.config.dataset == "own"
    assert len(restored.data.points) == 0


def test_a_ping_id_is_bounded():
    for text in ['{"type": "ping", "id": "' + "x" * 65 + '"}', '{"type": "ping", "id": 1e300}']:
        with pytest.raises(InputError) as refused:
            send_message(seeded_session(), text)
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
