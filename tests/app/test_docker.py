"""The Dockerfile: its command, run directly with its environment, serves the app, and its
health check passes. (No Docker daemon here: `make lint` runs hadolint on the file.)"""

import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import free_port, launch, wait_healthy
from tests.waiting import CEILING_S

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


def test_the_images_command_serves_healthz_and_its_health_check_passes(tmp_path):
    instructions = dict(_instructions())
    command = _exec_form(instructions["CMD"])
    assert command[1:] == ["-m", "app.serve"]
    health = instructions["HEALTHCHECK"].split(" CMD ", 1)[1]
    port = free_port()
    env = {**os.environ, **_env(), "LERNMI_PORT": str(port)}
    assert env["NUMBA_CACHE_DIR"].startswith("/srv/lernmi/")  # the image's; here a test's own
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")
    assert env["LERNMI_HOST"] == "0.0.0.0"  # a container listens on every address
    assert env["LERNMI_WORKERS"] == "2"
    server = launch(command, env)
    try:
        assert wait_healthy(server, f"http://127.0.0.1:{port}", CEILING_S)["status"] == "ok"
        check = subprocess.run(_exec_form(health), cwd=ROOT, env=env, timeout=60, check=False)
        assert check.returncode == 0
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=CEILING_S) == 0


def test_the_image_runs_as_a_user_without_privileges_and_installs_no_test_tools():
    instructions = _instructions()
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    assert users == ["10001"]
    installs = [a for i, a in instructions if i == "RUN" and "pip install" in a]
    assert installs
    assert all("[test]" not in a and "-e" not in a.split() for a in installs)


def test_the_image_compiles_the_epoch_into_a_cache_its_user_owns():
    (build,) = [a for i, a in _instructions() if i == "RUN" and "pip install" in a]
    steps = [step.strip() for step in build.split("&&")]
    compile_at = steps.index('python -c "import engine.kernel"')
    assert steps[compile_at + 1] == 'chown -R lernmi:lernmi "$NUMBA_CACHE_DIR"'


def test_importing_the_engine_fills_the_numba_cache_it_is_given(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-c", "import engine.kernel"]
    subprocess.run(command, cwd=ROOT, env=env, timeout=CEILING_S, check=True)
    assert list(tmp_path.rglob("*.nbi"))  # numba's index of what it compiled
