"""The one harness that starts a server for the tests and the benchmarks: a free port, a process
from the project's root, and a wait until /healthz answers. Never part of the image: the
production launcher is app/serve.py."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
POLL_S = 0.1  # between two asks of /healthz while a server starts


class ServerStartError(RuntimeError):
    """The server exited, or did not answer /healthz in time (it has been killed)."""


def free_port(host: str = HOST) -> int:
    """A port nothing listens on now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def healthz(url: str, timeout_s: float = 1.0) -> dict[str, Any] | None:
    """The /healthz answer of the server at `url` (http://host:port), or None while none comes.
    No proxy: the servers here are on loopback."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/healthz", timeout=timeout_s) as response:
            body = json.loads(response.read())
    except (OSError, ValueError):  # not listening yet, reset, or half an answer
        return None
    return body if isinstance(body, dict) else None


def launch(
    command: list[str],
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    quiet: bool = True,
) -> subprocess.Popen[bytes]:
    """`command` run from the project's root, its output appended to `log`, or else dropped
    (`quiet`) or left where this process's goes."""
    if log is None:
        out = subprocess.DEVNULL if quiet else None
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    with log.open("ab") as output:  # the child keeps its own copy of the file
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def wait_healthy(
    process: subprocess.Popen[bytes],
    url: str,
    timeout_s: float,
    ready: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """/healthz's answer once the server at `url` gives one (and `ready()` holds, when given).
    ServerStartError, the process killed, if it exits or `timeout_s` passes first."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = healthz(url)
        if body is not None and (ready is None or ready()):
            return body
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            code = process.wait()
            raise ServerStartError(
                f"the server did not answer on {url} within {timeout_s:g} s (exit code {code})"
            )
        time.sleep(POLL_S)


def start(
    command: list[str],
    port: int,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout_s: float = 60.0,
) -> tuple[subprocess.Popen[bytes], str, dict[str, Any]]:
    """`command` launched and healthy on loopback at `port`: the process, its URL and the
    first /healthz answer."""
    process = launch(command, env, log)
    url = f"http://{HOST}:{port}"
    return process, url, wait_healthy(process, url, timeout_s)


def spawn(
    workers: int = 1, timeout_s: float = 60.0, port: int | None = None, log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m app.serve` on loopback (on `port`, or a free one), healthy: the server the
    browser tests and the benchmarks run against. Stop it with SIGTERM."""
    port = free_port() if port is None else port
    command = [sys.executable, "-m", "app.serve", "--workers", str(workers), "--port", str(port)]
    process, url, _ = start(command, port, log=log, timeout_s=timeout_s)
    return process, url
