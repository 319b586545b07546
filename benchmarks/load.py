"""How the server holds up: frames and epochs per second, ping and change round trips, frame
size, memory and CPU at rest (issue #17: a post that goes viral).

It starts the server itself as `make run` does, `python -m app.serve --workers 2` (uvicorn
workers with a socket each, see app/serve.py) on 127.0.0.1 and a free port
(OPENBLAS_NUM_THREADS=1, LERNMI_MAX_SESSIONS and LERNMI_CONNECTIONS_PER_ADDRESS raised), and
drives it over its WebSocket as a page would: every client connects with `?maps=local` (it
computes the maps itself, as the page does; `--maps server` asks for them, as the Python client
does), reads every message, text and binary, reads each frame's header and acks it at once (the
server sends no further frame until then). The clients stand in for browsers elsewhere: they
leave the blocks deflated and run on uvloop, so they take as little of the server's CPU as they
can. Scenarios:

0. control: one paused session, default network, sends a `ping` and waits for its pong, then a
   `config` change (the learning rate, which keeps the network) and waits for the frame that
   follows it, one at a time (100 of each; 30 with --quick), 50 ms apart: the round trips'
   p50 and p99. A change's answer is three messages (state, snapshot, frame), so this is where a
   socket without TCP_NODELAY waits for the client's delayed ACK (Nagle);
1. one session, default network, speed "max": frames/s and epochs/s;
2. N concurrent sessions (200; 10 with --quick; --sessions N), default network, 1 epoch per
   frame, each sending a `ping` every second and a learning-rate change every 5 s: per-session
   frames/s (median, 5th percentile, minimum), epochs/s, ping round trip (p50, p99 over every
   ping, from send to its pong), change round trip (from the change to the first frame of the
   state it made), bytes per frame (median), and per worker: sessions, frames/s and CPU;
3. memory and CPU at rest: the workers' peak RSS (VmHWM) after scenarios 1 and 2; then, on a
   fresh server, the workers' VmRSS before and after 1,000 idle sessions (100 with --quick;
   --idle N; connected, never playing), a few warm-up sessions held open first so one-time
   costs are not charged to them: (after − before) / N; and the workers' CPU over 5 s while
   they all stay open.

Each session's first second of play is a warm-up, not counted. Figures are printed beside their
targets; a missed target is reported, not an error. The exit code is 0 when the benchmark ran,
1 when the server could not start or a client failed. KB and MB are 2¹⁰ and 2²⁰ bytes.

Run it from the project root (about two minutes; --quick, under 30 s, is a smoke test;
--control runs scenario 0 alone):

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.load
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.load --quick
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.load --control

The clients run on the same machine as the server and take CPU from it: the client process's
CPU use is printed beside the figures. Which worker accepts a connection is the kernel's choice,
and it may give one worker most of them: a table shows how scenario 2's sessions were split.
"""

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from websockets.exceptions import WebSocketException

from benchmarks import load_client
from benchmarks.load_client import ClientError
from benchmarks.load_report import (
    control_rows,
    load_rows,
    memory_rows,
    print_by_worker,
    print_environment,
    print_idle,
    solo_rows,
)
from benchmarks.load_scenarios import FULL, QUICK, Plan, Usage, control, cpu_usage, idle, load, solo
from benchmarks.load_server import ServerError, running_server, status_kb
from benchmarks.tables import table


# -- entry point ---------------------------------------------------------------------------------
def run_control(plan: Plan, directory: Path) -> None:
    with running_server(directory, "control") as server:
        print(f"\nrunning: {plan.control_rounds} pings and changes …", flush=True)
        result = load_client.run(control(server, plan))
    padded = [row + [""] * (5 - len(row)) for row in control_rows(result)]
    print()
    print(table(["scenario", "figure", "value", "target", "result"], padded, right=(2,)))


def run(plan: Plan, directory: Path) -> None:
    usages: list[Usage] = []
    with running_server(directory, "load") as server:
        print(f"\nrunning: {plan.control_rounds} pings and changes …", flush=True)
        control_result = load_client.run(control(server, plan))
        print(f"running: 1 session at max for {plan.solo_s:g} s …", flush=True)
        with cpu_usage(server, usages):
            solo_result = load_client.run(solo(server, plan))
        print(f"running: {plan.load_sessions} sessions for {plan.load_s:g} s …", flush=True)
        with cpu_usage(server, usages):
            load_result = load_client.run(load(server, plan))
        peak_kb = {pid: status_kb(pid, "VmHWM") for pid in server.workers}
    print(f"running: {plan.idle_sessions} idle sessions on a fresh server …", flush=True)
    with running_server(directory, "idle") as server:
        idle_result = load_client.run(idle(server, plan))
    rows = [
        *control_rows(control_result),
        *solo_rows(solo_result, usages[0]),
        *load_rows(load_result.played, usages[1], plan.maps),
        *memory_rows(peak_kb, idle_result, plan.idle_sessions),
    ]
    print()
    padded = [row + [""] * (5 - len(row)) for row in rows]
    print(table(["scenario", "figure", "value", "target", "result"], padded, right=(2,)))
    print_by_worker(load_result, usages[1])
    print_idle(idle_result)


def print_logs(directory: Path, lines: int = 30) -> None:
    """The end of each server log, to tell what the server made of a client's failure."""
    for log in sorted(directory.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        print(f"\n-- the end of the server's {log.name} --", *tail, sep="\n", file=sys.stderr)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description="Start the server, load it over its WebSocket and print figures and targets.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs and 10 sessions: a smoke test, < 30 s"
    )
    parser.add_argument(
        "--control", action="store_true", help="only scenario 0: ping and config round trips"
    )
    parser.add_argument(
        "--maps",
        choices=("local", "server"),
        default="local",
        help="local: the clients compute the maps, as the page does (the default); server: the"
        " frames carry them, as for the Python client",
    )
    parser.add_argument("--sessions", type=int, help="scenario 2's playing sessions")
    parser.add_argument("--idle", type=int, help="scenario 3's idle sessions")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = replace(QUICK if args.quick else FULL, maps=args.maps)
    if args.sessions:
        plan = replace(plan, load_sessions=args.sessions)
    if args.idle:
        plan = replace(plan, idle_sessions=args.idle)
    started = time.perf_counter()
    print_environment(plan)
    with tempfile.TemporaryDirectory(prefix="lernmi-load-") as directory:
        try:
            (run_control if args.control else run)(plan, Path(directory))
        except ServerError as error:
            print(f"\nThe server failed: {error}", file=sys.stderr)
            return 1
        except (ClientError, WebSocketException, OSError, TimeoutError) as error:
            print(f"\nA client failed: {type(error).__name__}: {error}", file=sys.stderr)
            print_logs(Path(directory))
            return 1
    print(f"\nTotal run time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
