"""The Dockerfile: its command, run directly with its environment, serves the app, and its
health check passes. (No Docker daemon here: `make lint` runs hadolint on the file.)"""

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) for each line of the Dockerfile, continuations joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, arguments in _instructions():
        if instruction == "ENV":
            for pair in shlex.split(arguments):
                name, value = pair.split("=", 1)
                env[name] = value
    return env


def _exec_form(arguments: str) -> list[str]:
    command: list[str] = json.loads(arguments)
    return [sys.executable if command[0] == "python" else command[0], *command[1:]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_the_images_command_serves_healthz_and_its_health_check_passes():
    instructions = dict(_instructions())
    command = _exec_form(instructions["CMD"])
    assert command[1:] == ["-m", "app.serve"]
    health = instructions["HEALTHCHECK"].split(" CMD ", 1)[1]
    port = _free_port()
    env = {**os.environ, **_env(), "LERNMI_PORT": str(port)}
    assert env["LERNMI_HOST"] == "0.0.0.0"  # a container listens on every address
    assert env["LERNMI_WORKERS"] == "2"
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert json.loads(r.read())["status"] == "ok"
                    break
            except OSError:
                assert server.poll() is None, "the command exited"
                assert time.monotonic() < deadline, "no answer on /healthz within 30 s"
                time.sleep(0.2)
        check = subprocess.run(_exec_form(health), cwd=ROOT, env=env, timeout=10, check=False)
        assert check.returncode == 0
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0


def test_the_image_runs_as_a_user_without_privileges_and_installs_no_test_tools():
    instructions = _instructions()
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    assert users == ["10001"]
    installs = [a for i, a in instructions if i == "RUN" and "pip install" in a]
    assert installs
    assert all("[test]" not in a and "-e" not in a.split() for a in installs)
