"""Serve the app on several processes, each with its own listening socket (SO_REUSEPORT).

`uvicorn --workers N` shares one socket between its workers, and whichever worker wakes first
accepts a burst of connections: measured here, one of two workers took 48 of 50 WebSockets while
the other idled. With a socket per process the kernel spreads new connections evenly instead.

    python -m app.serve --host 127.0.0.1 --port 8000 --workers 2
"""

import argparse
import copy
import logging
import multiprocessing
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
from multiprocessing.connection import wait
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from prometheus_client import multiprocess

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

APP = "app.main:app"


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other processes may bind too (SO_REUSEPORT).

    Its protocol is IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on accepted sockets whose
    protocol says TCP, and without it Nagle holds a reply's second small write until the client's
    delayed ACK (~40 ms: a change answered with state, snapshot and frame took 43 ms, not 1)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def serve(host: str, port: int, log_level: str) -> None:
    """One worker: uvicorn on its own socket. Frames are deflated by the app already, so
    WebSocket compression would only spend CPU on them. uvicorn reads a WebSocket message of up
    to twice max_message_bytes (the app answers one over the limit with an error) and closes
    the socket (1009) on a bigger one, rather than reading 16 MiB first."""
    config = uvicorn.Config(
        APP,
        ws_per_message_deflate=False,
        ws_max_size=2 * Settings().max_message_bytes,
        log_level=log_level,
        log_config=log_config(log_level),
    )
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


class RedactTokens(logging.Filter):
    """Session tokens never reach a log: uvicorn logs a WebSocket's path with its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message:
            record.msg, record.args = TOKEN.sub("token=…", message), ()
        return True


TOKEN = re.compile(r"token=[^&\s\"']+")


class ClientFaults(logging.Filter):
    """What a client did wrong is a warning, not a server error with a traceback: uvicorn logs a
    WebSocket text message that is not UTF-8 as an exception (and closes it with 1007)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() in CLIENT_FAULTS:
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


CLIENT_FAULTS = frozenset({"Invalid UTF-8 sequence received from client."})


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging, with the time and the worker's pid on every line, and the app's own
    logger ("lernmi": sessions opened and closed, refusals, floods) beside its access log."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    for formatter in config["formatters"].values():
        formatter["fmt"] = "%(asctime)s [%(process)d] " + formatter["fmt"]
    config["filters"] = {"redact": {"()": RedactTokens}, "client": {"()": ClientFaults}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact", "client"]
    config["loggers"]["lernmi"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    # Defaults from the environment (the Docker image sets them), else loopback, 8000, a core each.
    env = os.environ.get
    parser.add_argument("--host", default=env("LERNMI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("LERNMI_PORT", "8000")))
    parser.add_argument(
        "--workers", type=int, default=int(env("LERNMI_WORKERS", str(os.cpu_count() or 1)))
    )
    parser.add_argument("--log-level", default=env("LERNMI_LOG_LEVEL", "info"))
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.workers == 1:
        serve(args.host, args.port, args.log_level)
        return 0
    # Every worker writes its metrics here; a scrape of any one sums them (app/metrics.py).
    own_directory = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    if own_directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="lernmi-metrics-")
    try:
        return run_workers(args)
    finally:
        if own_directory:
            shutil.rmtree(os.environ.pop("PROMETHEUS_MULTIPROC_DIR"), ignore_errors=True)


def run_workers(args: argparse.Namespace) -> int:
    """Serve on args.workers processes (started fresh, so they see the metrics directory) until
    one of them ends."""
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=serve, args=(args.host, args.port, args.log_level))
        for _ in range(args.workers)
    ]

    def stop(signum: int, _: FrameType | None) -> None:
        for worker in workers:
            if worker.is_alive() and worker.pid is not None:
                os.kill(worker.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.start()
    # When one worker ends (stopped, or crashed), stop the others: a supervisor restarts us.
    wait([worker.sentinel for worker in workers])
    stop(signal.SIGTERM, None)
    for worker in workers:
        worker.join()
        if worker.pid is not None:
            multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
    # uvicorn re-raises the SIGTERM it shut down for: that is a clean stop too.
    clean = (0, -signal.SIGTERM, -signal.SIGINT)
    return 0 if all(worker.exitcode in clean for worker in workers) else 1


if __name__ == "__main__":
    sys.exit(main())
