"""Faults against real server processes: a client that vanishes mid-stream, a client that never
reads, and a session moved from one process to another by its snapshot."""

import json
import signal
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from benchmarks.harness import spawn
from tests.waiting import CEILING_S, eventually


@pytest.fixture
def server() -> Iterator[str]:
    process, url = spawn()
    yield url
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=CEILING_S) in (0, -signal.SIGTERM)  # a clean stop, whatever


def _ws(url: str, token: str | None = None) -> ClientConnection:
    address = url.replace("http", "ws") + "/ws" + (f"?token={token}" if token else "")
    return connect(address, open_timeout=CEILING_S, max_size=None)


def _until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """Read (acking frames) until a message of type `kind` (a frame's header for "frame")."""
    while True:
        message = ws.recv(timeout=CEILING_S)
        if isinstance(message, bytes):
            (length,) = memoryview(message)[:4].cast("I")
            header: dict[str, Any] = json.loads(message[4 : 4 + length])
            ws.send(json.dumps({"type": "ack", "frame": header["frame"]}))
            if kind == "frame":
                return header
            continue
        data: dict[str, Any] = json.loads(message)
        if data["type"] == kind:
            return data


def _health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/healthz", timeout=CEILING_S) as response:
        health: dict[str, Any] = json.loads(response.read())
        return health


def test_a_client_that_vanishes_mid_stream_leaves_its_session_to_resume(server: str) -> None:
    with _ws(server) as ws:
        token = _until(ws, "welcome")["token"]
        ws.send(json.dumps({"type": "speed", "epochs_per_frame": "max"}))
        ws.send(json.dumps({"type": "play"}))
        for _ in range(10):  # frames are streaming
            _until(ws, "frame")
        # Gone without a close frame, mid-stream (a lost network, a killed tab).
        ws.socket.shutdown(socket.SHUT_RDWR)
        ws.socket.close()
    eventually(lambda: _health(server)["parked"] == 1, "the dropped session was parked")
    assert _health(server) | {"version": None} == {
        "status": "ok",
        "sessions": 0,
        "parked": 1,
        "version": None,
    }
    with _ws(server, token) as back:
        welcome = _until(back, "welcome")
        assert welcome["resumed"] is True
        back.send(json.dumps({"type": "ping", "id": "after"}))
        assert _until(back, "pong")["epoch"] > 0  # it had trained, and it kept what it learned


def test_a_client_that_never_reads_holds_up_no_one_else(server: str) -> None:
    with _ws(server) as stuck, _ws(server) as other:
        stuck.send(json.dumps({"type": "speed", "epochs_per_frame": "max"}))
        stuck.send(json.dumps({"type": "play"}))
        # 150 snapshots of ~10 KB each, never read: more than the socket buffers hold, so the
        # server's sends to it block (150: under the message rate limit).
        for _ in range(150):
            stuck.send(json.dumps({"type": "snapshot"}))
        _until(other, "welcome")
        other.send(json.dumps({"type": "play"}))
        epochs = [_until(other, "frame")["epoch"] for _ in range(30)]  # it streams on
        assert epochs == sorted(epochs)
        assert epochs[-1] > epochs[0]
        assert _health(server)["status"] == "ok"
        stuck.socket.shutdown(socket.SHUT_RDWR)  # and it goes, without reading a byte


def test_a_session_moves_to_another_process_by_its_snapshot() -> None:
    first, first_url = spawn()
    second, second_url = spawn()
    try:
        with _ws(first_url) as ws:
            token = _until(ws, "welcome")["token"]
            _until(ws, "snapshot")  # the one every connection starts with
            for _ in range(3):
                ws.send(json.dumps({"type": "step"}))
                snapshot = _until(ws, "snapshot")["snapshot"]
        assert snapshot["network"]["epoch"] == 3
        with _ws(second_url, token) as moved:  # the other process never heard of the token
            assert _until(moved, "welcome")["resumed"] is False
            fresh = _until(moved, "snapshot")["snapshot"]  # a new session of its own
            assert fresh["network"] != snapshot["network"]
            moved.send(json.dumps({"type": "restore", "snapshot": snapshot}))
            restored = _until(moved, "snapshot")["snapshot"]  # the restore's answer
            assert restored["network"] == snapshot["network"]  # weights bit for bit
    finally:
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=CEILING_S)


def test_clients_leaving_mid_play_leave_no_error_and_no_token_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    process, url = spawn(log=log)
    try:
        for _ in range(15):
            with _ws(url) as ws:
                token = _until(ws, "welcome")["token"]
                ws.send(json.dumps({"type": "speed", "epochs_per_frame": "max"}))
                ws.send(json.dumps({"type": "play"}))
                ws.recv(timeout=CEILING_S)
                ws.recv(timeout=CEILING_S)
            # leaving now, while frames are on their way
        with _ws(url, token) as back:
            assert _until(back, "welcome")["resumed"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=CEILING_S)
    text = log.read_text()
    assert text.count("session") >= 30  # the app's own lines: opened and disconnected
    assert "Traceback" not in text
    assert "ERROR" not in text
    assert token not in text  # uvicorn logs the socket's path: its token is redacted
    assert "/ws?token=…" in text
