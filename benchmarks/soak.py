"""Soak: many clients connecting, playing, changing the configuration and leaving, for minutes.

It starts the server as `make run` does (`python -m app.serve --workers 2`; `--uvicorn` runs
`uvicorn app.main:app --workers 2` instead) on 127.0.0.1 and a free port, with the per-address
connection limit lifted (every client here is 127.0.0.1) and a resume grace of 10 s, so parked
sessions are forgotten soon after the clients stop. Each of N clients (100) loops: connect (a
new session), change one setting, play 1–3 s reading and acking every frame, pause, disconnect,
wait up to 0.5 s. Every 30 s it prints the workers' RSS and the sessions open (from /metrics).
At the end it stops the clients, waits out the grace and checks the goals:

- RSS growth of the workers (summed) from the end of the warm-up (the first quarter of the
  run, at least 60 s) to the end: ≤ 10 %;
- no errors: no failed connection, no `error` message, no unexpected close;
- sessions back to 0 (active and parked).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.soak            # 100 clients, 10 min
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.soak --quick    # 20 clients, 1 min

The exit code is 0 when every goal is met.
"""

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets

from benchmarks import harness

GRACE_S = 10
CHANGES = [
    {"dataset": "xor"},
    {"dataset": "spiral"},
    {"dataset": "circle", "noise": 20},
    {"network_shape": [6, 6, 3]},
    {"network_shape": [2]},
    {"learning_rate": 0.1},
    {"activation": "relu"},
    {"features": ["x", "y", "xSquared", "sinX"]},
    {"optimizer": "adam"},
    {"problem": "regression"},
    {"dataset": "blobs", "n_classes": 3, "loss": "cross_entropy"},
]


@dataclass
class Tally:
    cycles: int = 0
    frames: int = 0
    errors: list[str] = field(default_factory=list)
    samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds, RSS MB)


def start(port: int, uvicorn: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "LERNMI_MAX_SESSIONS": "1000",
        "LERNMI_CONNECTIONS_PER_ADDRESS": "1000000",
        "LERNMI_RESUME_GRACE_S": str(GRACE_S),
    }
    if uvicorn:
        command = ["-m", "uvicorn", "app.main:app", "--workers", "2", "--port", str(port)]
        command += ["--no-access-log", "--log-level", "warning"]
        # app.serve sets this up itself; under uvicorn, /metrics sums the workers only with it.
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="lernmi-soak-")
    else:
        command = ["-m", "app.serve", "--workers", "2", "--port", str(port)]
        env["LERNMI_LOG_LEVEL"] = "warning"
    server = harness.launch([sys.executable, *command], env, quiet=False)
    try:
        harness.wait_healthy(server, f"http://127.0.0.1:{port}", 30)
    except harness.ServerStartError:
        raise SystemExit("the server did not start") from None
    return server


def workers(pid: int) -> list[int]:
    """The server's worker processes: its children (and theirs), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


def rss_mb(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match and "python" in Path(f"/proc/{pid}/cmdline").read_text():
            out[pid] = int(match.group(1)) / 1024
    return out


def sessions(url: str) -> tuple[float, float]:
    """(active, parked) from /metrics, summed over the workers."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        text = response.read().decode()
    active = re.search(r"^lernmi_sessions (\S+)$", text, re.M)
    parked = re.search(r"^lernmi_sessions_parked (\S+)$", text, re.M)
    return (float(active.group(1)) if active else -1.0, float(parked.group(1)) if parked else -1.0)


async def client(index: int, url: str, stop_at: float, tally: Tally) -> None:
    rng = random.Random(index)
    while time.monotonic() < stop_at:
        try:
            async with websockets.connect(url, max_size=None, open_timeout=30) as ws:
                await ws.send(json.dumps({"type": "config", "changes": rng.choice(CHANGES)}))
                await ws.send(json.dumps({"type": "play"}))
                until = time.monotonic() + rng.uniform(1, 3)
                while (left := until - time.monotonic()) > 0:
                    try:
                        message = await asyncio.wait_for(ws.recv(), timeout=max(left, 0.01))
                    except TimeoutError:
                        break
                    if isinstance(message, bytes):
                        length = int.from_bytes(message[:4], "little")
                        frame = json.loads(message[4 : 4 + length])["frame"]
                        await ws.send(json.dumps({"type": "ack", "frame": frame}))
                        tally.frames += 1
                    elif json.loads(message)["type"] == "error":
                        tally.errors.append(f"client {index}: {message[:200]}")
                await ws.send(json.dumps({"type": "pause"}))
            tally.cycles += 1
        except Exception as error:  # every failure is a figure of the run
            tally.errors.append(f"client {index}: {error!r}"[:300])
        await asyncio.sleep(rng.uniform(0, 0.5))


async def drive(url: str, clients: int, seconds: float, server_pid: int, http: str) -> Tally:
    tally = Tally()
    start_at = time.monotonic()
    stop_at = start_at + seconds
    tasks = [asyncio.create_task(client(i, url, stop_at, tally)) for i in range(clients)]
    samples = tally.samples
    print(f"{'t (s)':>6} {'RSS MB (workers)':>26} {'sum MB':>8} {'sessions':>9} {'parked':>7}")
    while time.monotonic() < stop_at:
        await asyncio.sleep(min(30.0, max(0.0, stop_at - time.monotonic())))
        rss = rss_mb(workers(server_pid))
        active, parked = await asyncio.to_thread(sessions, http)
        elapsed = time.monotonic() - start_at
        samples.append((elapsed, sum(rss.values())))
        each = " ".join(f"{v:.0f}" for v in rss.values())
        print(f"{elapsed:6.0f} {each:>26} {sum(rss.values()):8.1f} {active:9.0f} {parked:7.0f}")
    await asyncio.gather(*tasks)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="20 clients for 1 minute")
    parser.add_argument("--uvicorn", action="store_true", help="uvicorn --workers 2")
    args = parser.parse_args()
    clients, minutes = (20, 1.0) if args.quick else (args.clients, args.minutes)
    port = harness.free_port()
    http = f"http://127.0.0.1:{port}"
    server = start(port, args.uvicorn)
    kind = "uvicorn app.main:app --workers 2" if args.uvicorn else "python -m app.serve --workers 2"
    print(f"{clients} clients for {minutes:g} min against {kind} (pid {server.pid})")
    try:
        ws_url = http.replace("http", "ws") + "/ws"
        tally = asyncio.run(drive(ws_url, clients, minutes * 60, server.pid, http))
        print(f"\nwaiting {GRACE_S + 5} s for the parked sessions' grace to run out …")
        time.sleep(GRACE_S + 5)
        active, parked = sessions(http)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    samples = tally.samples
    warm = max(60.0, minutes * 60 / 4)
    after_warmup = [rss for t, rss in samples if t >= warm] or [samples[-1][1]]
    base, end = after_warmup[0], samples[-1][1]
    growth = (end - base) / base * 100
    print(f"\ncycles (connect, change, play, leave): {tally.cycles}; frames read: {tally.frames}")
    print(f"RSS after the warm-up ({warm:.0f} s): {base:.1f} MB; at the end: {end:.1f} MB")
    goals = [
        (f"RSS growth after warm-up {growth:+.1f} %", "≤ 10 %", growth <= 10),
        (f"errors {len(tally.errors)}", "0", not tally.errors),
        (f"sessions left {active:.0f} active, {parked:.0f} parked", "0", active == parked == 0),
    ]
    for figure, target, met in goals:
        print(f"{figure:50s} target {target:8s} {'met' if met else 'MISSED'}")
    for error in tally.errors[:20]:
        print("  ", error)
    return 0 if all(met for _, _, met in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
