"""The commands that serve the app: `make run`'s (app.serve) and plain uvicorn; the docs' client."""

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

from benchmarks.harness import free_port, launch, spawn, wait_healthy
from tests.waiting import CEILING_S

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("command", "stopped"),
    [
        (["-m", "app.serve", "--workers", "2", "--host", "127.0.0.1", "--port"], 0),
        # uvicorn re-raises the SIGTERM it stopped for
        (["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port"], -signal.SIGTERM),
    ],
    ids=["app.serve", "uvicorn"],
)
def test_the_server_answers_healthz_and_stops_on_sigterm(command, stopped):
    port = free_port()
    server = launch([sys.executable, *command, str(port)])
    try:
        assert wait_healthy(server, f"http://127.0.0.1:{port}", CEILING_S)["status"] == "ok"
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=CEILING_S) == stopped


def test_the_python_client_in_the_protocol_doc_plays_50_frames():
    doc = (ROOT / "docs" / "protocol.md").read_text()
    example = re.search(r"## A client in Python.*?```python\n(.*?)```", doc, re.S)
    assert example is not None
    assert len(example.group(1).strip().splitlines()) <= 20
    server, url = spawn()
    try:
        run = subprocess.run(
            [sys.executable, "-c", example.group(1)],
            env={**os.environ, "LERNMI_URL": url.replace("http", "ws") + "/ws"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert re.fullmatch(r"epoch \d+: test loss \d\.\d{3}\n", run.stdout)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=CEILING_S)


def test_metrics_sum_every_workers_sessions_and_count_frames():
    process, url = spawn(workers=2)
    try:
        ws_url = url.replace("http", "ws") + "/ws"
        with connect(ws_url) as first, connect(ws_url) as second:
            for client in (first, second):
                assert json.loads(client.recv())["type"] == "welcome"
                while isinstance(client.recv(), str):  # state, snapshot, then the first frame
                    pass
            scrapes = [urllib.request.urlopen(f"{url}/metrics").read().decode() for _ in range(6)]
        for text in scrapes:  # whichever worker answers, it counts both workers' sessions
            assert "\nlernmi_sessions 2.0\n" in text
            assert "lernmi_frames_total" in text
            assert 'lernmi_connections_total{resumed="false"} 2.0' in text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=CEILING_S)
