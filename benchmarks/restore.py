"""What the worst restore the limits allow costs: CPU time and memory, on the event loop.

A `restore` message (and `POST /api/model`) is parsed, checked whole and only then built into a
session (app/restore.py), on the server's event loop for a restore. This measures, with the
default settings (Settings()), the cost of one message from its JSON text to the session's
answer (protocol.parse, then Session.handle, which checks, builds the network and the data and
runs the first forward and backward pass):

* the largest snapshot the limits allow: all nine features, six hidden layers of 8, five
  classes, Adam (its optimizer state), max_points own points, a full loss history;
* hostile messages as large as a message may be (max_message_bytes) that are refused: as many
  points as fit (refused by their count), a layer of as many weights as fit (refused by its
  shape), and the model of issue 13 that claims 16.7 M links and holds no weights (refused
  by its shape).

CPU time is time.process_time per message (median and maximum of the repeats, after a warm-up);
memory is tracemalloc's peak while one message is handled, above what was allocated before (the
message's text excluded). Run it from the project root:

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.restore
"""

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

from app import protocol
from app.config import Config, InputError
from app.session import Session
from app.settings import Settings
from benchmarks.tables import table
from engine.features import FEATURES

REPEATS = 30
MB = 1024 * 1024


def largest(settings: Settings) -> dict[str, Any]:
    """The snapshot of the largest session the limits allow, trained a little."""
    config = Config(
        seed="0.5",
        dataset="blobs",
        n_classes=5,
        loss="cross_entropy",
        optimizer="adam",
        features=list(FEATURES),
        network_shape=[settings.max_neurons] * settings.max_hidden_layers,
    )
    session = Session(settings, config)
    points = session.data.points
    labels = session.data.labels
    rows = [[float(x), float(y), int(label)] for (x, y), label in zip(points, labels, strict=True)]
    rows = (rows * (settings.max_points // len(rows) + 1))[: settings.max_points]
    session.handle(protocol.parse(json.dumps({"type": "set_points", "points": rows}), 1 << 24))
    session.train(3)
    snapshot: dict[str, Any] = json.loads(json.dumps(session.snapshot()))
    snapshot["history"] = [[epoch, 0.123456789012345, 0.234567890123456] for epoch in range(600)]
    return snapshot


def fill(message: dict[str, Any], key: list[Any], item: Any, limit: int) -> str:
    """The message's text, with the list at `key` grown by `item`s to just under `limit` bytes."""
    size = len(json.dumps(message))
    per = len(json.dumps(item)) + 2
    key.extend([item] * ((limit - size) // per - 1))
    text = json.dumps(message)
    assert len(text.encode()) <= limit
    return text


def messages(settings: Settings) -> list[tuple[str, str]]:
    limit = settings.max_message_bytes
    snapshot = largest(settings)
    out = [("largest snapshot the limits allow", json.dumps(restore(snapshot)))]

    many = restore(largest(settings))
    out.append(
        (
            "as many points as fit (refused)",
            fill(many, many["snapshot"]["points"], [1.5, -2.25, 3], limit),
        )
    )

    wide = restore(largest(settings))
    row = wide["snapshot"]["network"]["layers"][0]["weights"][0]
    out.append(("a layer of as many weights as fit (refused)", fill(wide, row, 0.123456789, limit)))

    huge = restore(json.loads(json.dumps(Session(settings, Config(seed="0.5")).snapshot())))
    huge["snapshot"]["network"].update(layer_sizes=[2, 4096, 4096, 1], layers=[])
    out.append(("claims 16.7 M links, holds no weights (refused)", json.dumps(huge)))
    return out


def restore(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {"type": "restore", "snapshot": snapshot}


def handle(text: str, settings: Settings) -> bool:
    """One message as the server handles it; whether it was applied (not refused)."""
    session = SESSION[0]
    try:
        session.handle(protocol.parse(text, settings.max_message_bytes))
    except InputError:
        return False
    return True


SESSION: list[Session] = []  # the session the messages go to (made fresh per case)


def measure(text: str, settings: Settings) -> tuple[list[float], float, bool]:
    """CPU ms per handling (each on a fresh session), peak MB of one, and whether applied."""
    times = []
    applied = False
    for repeat in range(REPEATS + 3):
        SESSION[:] = [Session(settings, Config(seed="0.1"))]
        start = time.process_time()
        applied = handle(text, settings)
        if repeat >= 3:  # warm-up
            times.append((time.process_time() - start) * 1000)
    SESSION[:] = [Session(settings, Config(seed="0.1"))]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    handle(text, settings)
    peak = (tracemalloc.get_traced_memory()[1] - base) / MB
    tracemalloc.stop()
    return times, peak, applied


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m benchmarks.restore", description=__doc__).parse_args(
        argv
    )
    settings = Settings()
    rows = []
    for name, text in messages(settings):
        times, peak, applied = measure(text, settings)
        rows.append(
            [
                name,
                f"{len(text.encode()) / 1024:.1f}",
                "applied" if applied else "refused",
                f"{statistics.median(times):.1f}",
                f"{max(times):.1f}",
                f"{peak:.1f}",
            ]
        )
    header = ["message", "KiB", "answer", "CPU ms median", "CPU ms max", "peak MB"]
    print(
        f"Restores with the default limits: {settings.max_hidden_layers} hidden layers of"
        f" {settings.max_neurons}, {settings.max_points} points, messages of at most"
        f" {settings.max_message_bytes // 1024} KiB; {REPEATS} repeats each\n"
    )
    print(table(header, rows, right=(1, 3, 4, 5)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
