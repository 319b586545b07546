"""Prometheus metrics (`GET /metrics`), per app. Under `python -m app.serve` every worker writes
its figures to PROMETHEUS_MULTIPROC_DIR, and a scrape of any worker sums them all."""

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest, multiprocess


class Metrics:
    """The app's counters and gauges."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.sessions = Gauge(
            "lernmi_sessions", "Sessions with a connection", registry=r, multiprocess_mode="livesum"
        )
        self.parked = Gauge(
            "lernmi_sessions_parked",
            "Sessions waiting for their client to come back",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.connections = Counter(
            "lernmi_connections", "WebSocket connections accepted", ["resumed"], registry=r
        )
        self.rejected = Counter(
            "lernmi_connections_rejected",
            "WebSocket connections refused: origin, busy (max sessions), rate (per address), maps",
            ["reason"],
            registry=r,
        )
        self.frames = Counter(
            "lernmi_frames", "Frames sent (rate(): frames per second)", registry=r
        )
        self.epochs = Counter(
            "lernmi_epochs", "Epochs trained (rate(): epochs per second)", registry=r
        )
        self.errors = Counter(
            "lernmi_errors",
            "Problems by kind: bad_message (answered with an error), flood and bad_flood "
            "(closed 1008), idle (closed 4000), diverged, internal (a bug, in the error log)",
            ["kind"],
            registry=r,
        )

    def render(self) -> bytes:
        """The text a Prometheus scrape gets: every worker's figures when there are several."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)
