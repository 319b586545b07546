"""benchmarks/load.py's figures: each scenario's table rows beside their targets, and the
environment they were measured in."""

import math
import os
import platform
import statistics
from collections.abc import Sequence
from importlib.metadata import version

from benchmarks.load_scenarios import (
    KB,
    MB,
    QUICK,
    WARMUP_S,
    Controlled,
    Idle,
    Loaded,
    Plan,
    Played,
    Usage,
)
from benchmarks.load_server import HOST, WORKERS
from benchmarks.tables import table

# Targets
SOLO_FPS = 30.0
SOLO_EPOCHS_PER_S = 300.0
LOAD_MIN_FPS = 20.0  # issue #17: 200 readers playing, each at 20 frames/s or more
PING_P99_MS = 100.0
CHANGE_P99_MS = 150.0  # under load, a change to the first frame of its state
CONTROL_P50_MS = 20.0  # a paused session's change, to its frame
FRAME_BYTES = 1.5 * KB  # a default frame without maps (--maps local)
FRAME_BYTES_WITH_MAPS = 12 * KB
IDLE_SESSION_MB = 0.3
IDLE_CPU_CORES = 0.01  # the workers' CPU while every session is idle


# -- figures and printing ------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100.0 * len(ordered))) - 1]


def at_least(value: float, target: float) -> str:
    return "met" if value >= target else "missed"


def at_most(value: float, target: float) -> str:
    return "met" if value <= target else "missed"


def usage_rows(name: str, usage: Usage) -> list[list[str]]:
    return [
        [name, "server CPU, both workers (cores)", f"{usage.server_cpu_s / usage.wall_s:.2f}"],
        [name, "client CPU, this process (cores)", f"{usage.client_cpu_s / usage.wall_s:.2f}"],
    ]


def control_rows(result: Controlled) -> list[list[str]]:
    name = "1 session, paused"
    pings, changes = result.pings_ms, result.changes_ms
    p50 = percentile(changes, 50)
    return [
        [
            name,
            "ping to pong p50 / p99 (ms)",
            f"{percentile(pings, 50):.1f} / {percentile(pings, 99):.1f}",
        ],
        [
            name,
            "config to frame p50 / p99 (ms)",
            f"{p50:.1f} / {percentile(changes, 99):.1f}",
            f"p50 ≤ {CONTROL_P50_MS:g}",
            at_most(p50, CONTROL_P50_MS),
        ],
    ]


def solo_rows(played: Played, usage: Usage) -> list[list[str]]:
    name = "1 session, max"
    rtts = played.round_trips_ms
    rows = [
        [name, "frames/s", f"{played.fps:.1f}", f"≥ {SOLO_FPS:g}", at_least(played.fps, SOLO_FPS)],
        [
            name,
            "epochs/s",
            f"{played.epochs_per_s:.0f}",
            f"≥ {SOLO_EPOCHS_PER_S:g}",
            at_least(played.epochs_per_s, SOLO_EPOCHS_PER_S),
        ],
        [name, "bytes per frame (median)", f"{statistics.median(played.sizes):.0f}"],
        [name, "ping round trip p50 / max (ms)", f"{percentile(rtts, 50):.1f} / {max(rtts):.1f}"],
    ]
    return rows + usage_rows(name, usage)


def load_rows(results: Sequence[Played], usage: Usage, maps: str) -> list[list[str]]:
    name = f"{len(results)} sessions, 1 epoch/frame"
    fps = [r.fps for r in results]
    epochs = [r.epochs_per_s for r in results]
    rtts = [rtt for r in results for rtt in r.round_trips_ms]
    sent = sum(r.pings_sent for r in results)
    size = statistics.median([s for r in results for s in r.sizes])
    p99 = percentile(rtts, 99) if rtts else math.inf
    changes = [c for r in results for c in r.changes_ms]
    change_p99 = percentile(changes, 99) if changes else math.inf
    size_target = FRAME_BYTES if maps == "local" else FRAME_BYTES_WITH_MAPS
    rows = [
        [name, "frames/s per session, median", f"{statistics.median(fps):.1f}"],
        [name, "frames/s per session, 5th percentile", f"{percentile(fps, 5):.1f}"],
        [
            name,
            "frames/s per session, minimum",
            f"{min(fps):.1f}",
            f"≥ {LOAD_MIN_FPS:g}",
            at_least(min(fps), LOAD_MIN_FPS),
        ],
        [name, "frames/s, all sessions", f"{sum(fps):.0f}"],
        [name, "epochs/s per session, median", f"{statistics.median(epochs):.1f}"],
        [name, "epochs/s per session, minimum", f"{min(epochs):.1f}"],
        [name, "ping round trip p50 (ms)", f"{percentile(rtts, 50):.1f}" if rtts else "-"],
        [
            name,
            "ping round trip p99 (ms)",
            f"{p99:.1f}",
            f"≤ {PING_P99_MS:g}",
            at_most(p99, PING_P99_MS),
        ],
        [name, "ping round trip max (ms)", f"{max(rtts):.1f}" if rtts else "-"],
        [name, "pongs received / pings sent", f"{len(rtts)} / {sent}"],
        [
            name,
            "config to frame p50 / p99 (ms)",
            f"{percentile(changes, 50) if changes else math.inf:.1f} / {change_p99:.1f}",
            f"p99 ≤ {CHANGE_P99_MS:g}",
            at_most(change_p99, CHANGE_P99_MS),
        ],
        [
            name,
            f"bytes per frame (median), maps {maps}",
            f"{size:.0f}",
            f"≤ {size_target:.0f}",
            at_most(size, size_target),
        ],
    ]
    return rows + usage_rows(name, usage)


def memory_rows(peak_kb: dict[int, int], result: Idle, sessions: int) -> list[list[str]]:
    name = "memory"
    rows = [
        [name, f"peak RSS after 1 and 2, worker {pid} (MB)", f"{kb * KB / MB:.1f}"]
        for pid, kb in peak_kb.items()
    ]
    rows.append(
        [name, "peak RSS, the larger worker (MB)", f"{max(peak_kb.values()) * KB / MB:.1f}"]
    )
    per_session = result.per_session_mb(sessions)
    rows.append(
        [
            name,
            f"per idle session, {sessions} opened (MB)",
            f"{per_session:.3f}",
            f"≤ {IDLE_SESSION_MB:g}",
            at_most(per_session, IDLE_SESSION_MB),
        ]
    )
    cores = result.cpu.server_cpu_s / result.cpu.wall_s
    rows.append(
        [
            name,
            f"server CPU while {sessions} sessions idle (cores)",
            f"{cores:.4f}",
            f"≤ {IDLE_CPU_CORES:g}",
            at_most(cores, IDLE_CPU_CORES),
        ]
    )
    return rows


def print_by_worker(result: Loaded, usage: Usage) -> None:
    sessions = len(result.played)
    print(f"\n{sessions} sessions, by the worker that served them (the kernel spreads connections)")
    header = ["worker", "sessions", "frames/s median", "frames/s min", "epochs/s median"]
    header += ["ping p50 ms", "ping p99 ms", "frames/s served", "CPU (cores)"]
    rows = []
    for pid in sorted(set(result.workers), key=str):
        mine = [p for p, w in zip(result.played, result.workers, strict=True) if w == pid]
        fps = [p.fps for p in mine]
        rtts = [rtt for p in mine for rtt in p.round_trips_ms] or [math.nan]
        rows.append(
            [
                "unknown" if pid is None else str(pid),
                str(len(mine)),
                f"{statistics.median(fps):.1f}",
                f"{min(fps):.1f}",
                f"{statistics.median([p.epochs_per_s for p in mine]):.1f}",
                f"{percentile(rtts, 50):.1f}",
                f"{percentile(rtts, 99):.1f}",
                f"{sum(fps):.0f}",
                "-" if pid is None else f"{usage.by_worker[pid] / usage.wall_s:.2f}",
            ]
        )
    print(table(header, rows, right=tuple(range(1, len(header)))))


def print_idle(result: Idle) -> None:
    print(
        "\nIdle sessions on a fresh server, per worker (the warm-up sessions stay open through"
        " both readings)"
    )
    header = ["worker", "warm-up sessions", "VmRSS before MB", "VmRSS after MB", "grew MB"]
    header.append("idle sessions opened")
    rows = [
        [
            str(pid),
            str(result.warmup_sessions[pid]),
            f"{result.rss_before[pid] * KB / MB:.1f}",
            f"{result.rss_after[pid] * KB / MB:.1f}",
            f"{(result.rss_after[pid] - result.rss_before[pid]) * KB / MB:.1f}",
            str(result.sockets_after[pid] - result.sockets_before[pid]),
        ]
        for pid in result.rss_before
    ]
    print(table(header, rows, right=(1, 2, 3, 4, 5)))


def print_environment(plan: Plan) -> None:
    print("Lernmi Playground load benchmark" + (" (--quick)" if plan is QUICK else ""))
    rows = [
        ["Python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["uvicorn", version("uvicorn")],
        ["websockets (server and client)", version("websockets")],
        ["server", f"python -m app.serve --workers {WORKERS} on {HOST}, OPENBLAS_NUM_THREADS=1"],
        ["OPENBLAS_NUM_THREADS (client)", os.environ.get("OPENBLAS_NUM_THREADS", "(unset)")],
        ["os.cpu_count()", str(os.cpu_count())],
        ["machine", f"{platform.system()} {platform.machine()}"],
    ]
    print(table(["environment", "value"], rows))
    print(
        f"\nScenarios: {plan.control_rounds} pings and config changes, one at a time, to a paused"
        f" session; 1 session at max for {plan.solo_s:g} s; {plan.load_sessions} sessions at"
        f" 1 epoch/frame for {plan.load_s:g} s, a ping a second each; {plan.idle_sessions} idle"
        f" sessions. Each session's first {WARMUP_S:g} s is a warm-up, not counted."
    )
