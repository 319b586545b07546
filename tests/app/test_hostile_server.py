"""Hostile input against the real server (`python -m app.serve`): bytes no test client would
send. Every one is answered or closed with a reason, and the log holds no error and no
traceback."""

import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from benchmarks.harness import spawn
from tests.waiting import CEILING_S


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    process, url = spawn(log=log)
    yield url, log
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=CEILING_S)


def _status(url: str, request: bytes, body: Iterator[bytes] | None = None) -> str:
    """The status line the server answers a raw HTTP request with ("" if it closes first)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=CEILING_S) as sock:
        sock.sendall(request)
        try:
            for chunk in body or ():
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed before the body was all sent: that is the point
        answer = b""
        while b"\r\n" not in answer and (part := sock.recv(4096)):
            answer += part
    return answer.split(b"\r\n", 1)[0].decode()


def _chunked(count: int) -> Iterator[bytes]:
    """A multipart body sent in HTTP chunks, with no Content-Length: a file of `count` × 60 KB."""
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n\r\n'
    yield f"{len(head):x}\r\n".encode() + head + b"\r\n"
    chunk = b"1,1,1\n" * 10_000
    for _ in range(count):
        yield f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"


def _read_until_closed(ws: ClientConnection) -> None:
    while True:
        ws.recv(timeout=CEILING_S)


FORM = b"POST /api/data HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"


def test_hostile_requests_are_answered_and_leave_no_error_in_the_log(served):
    url, log = served
    declared = FORM + b"Content-Length: 200000000\r\n\r\n"
    assert _status(url, declared) == "HTTP/1.1 413 Request Entity Too Large"
    chunked = FORM + b"Transfer-Encoding: chunked\r\n\r\n"
    assert _status(url, chunked, _chunked(200)) == "HTTP/1.1 413 Request Entity Too Large"
    # A model that announces 100 bytes, sends 10 and goes.
    partial = b"POST /api/model HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"{" * 10
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=CEILING_S) as sock:
        sock.sendall(partial)
    oembed = b"GET /oembed?url=http://%5B HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert _status(url, oembed) == "HTTP/1.1 404 Not Found"
    address = url.replace("http", "ws") + "/ws"
    with pytest.raises(InvalidStatus, match="403"):
        connect(address, additional_headers={"Origin": "http://["}, open_timeout=CEILING_S)
    closing: list[tuple[str | bytes, int]] = [(b"\xff\xfe", 1007), ("x" * (1024 * 1024 + 1), 1009)]
    for message, code in closing:
        with connect(address, open_timeout=CEILING_S, max_size=None) as ws:
            ws.recv(timeout=CEILING_S)  # welcome
            ws.send(message, text=True)
            with pytest.raises(ConnectionClosedError) as closed:
                _read_until_closed(ws)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == code
    health = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert _status(url, health) == "HTTP/1.1 200 OK"
    text = log.read_text()
    assert "Traceback" not in text
    assert "ERROR" not in text
    assert "Invalid UTF-8 sequence received from client." in text  # said, as a warning
