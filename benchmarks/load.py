"""How the server holds up: frames and epochs per second, ping round trips, frame size, memory.

It starts the server itself as `make run` does, `python -m app.serve --workers 2` (uvicorn
workers with a socket each, see app/serve.py) on 127.0.0.1 and a free port
(OPENBLAS_NUM_THREADS=1, LERNMI_MAX_SESSIONS and LERNMI_CONNECTIONS_PER_ADDRESS raised), and
drives it over its WebSocket as a page would: every client reads every message, text and
binary, decodes each frame with `app.frames.decode` and acks it at once (the server sends no
further frame until then). The clients offer permessage-deflate, as browsers do. Four scenarios:

0. control: one paused session, default network, sends a `ping` and waits for its pong, then a
   `config` change (the learning rate, which keeps the network) and waits for the frame that
   follows it, one at a time (100 of each; 30 with --quick), 50 ms apart (as a person's
   changes come: after the last frame's 1/max_fps interval, so the frame rate cap does not
   count): the round trips' p50 and p99. A change's answer is three messages (state,
   snapshot, frame), so this is where a socket without TCP_NODELAY waits for the client's
   delayed ACK (Nagle);
1. one session, default network, speed "max": frames/s and epochs/s;
2. N concurrent sessions (50; 10 with --quick), default network, 1 epoch per frame, each sending
   a `ping` every second: per-session frames/s (median, 5th percentile, minimum), epochs/s,
   ping round trip (p50, p99 over every ping, from send to its pong) and bytes per frame (median
   of the binary messages' lengths);
3. memory: the workers' peak RSS (VmHWM) after scenarios 1 and 2; then, on a fresh server, the
   workers' VmRSS before and after 100 idle sessions (connected, never playing), a few warm-up
   sessions held open first so one-time costs are not charged to them: (after − before) / 100.

Each session's first second of play is a warm-up, not counted. Figures are printed beside their
targets; a missed target is reported, not an error. The exit code is 0 when the benchmark ran,
1 when the server could not start or a client failed. KB and MB are 2¹⁰ and 2²⁰ bytes.

Run it from the project root (about a minute; --quick, under 30 s, is a smoke test;
--control runs scenario 0 alone):

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.load
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.load --quick
    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.load --control

The clients run on the same machine as the server and take CPU from it: the client process's
CPU use is printed beside the figures. Which worker accepts a connection is the kernel's choice,
and it may give one worker most of them: a table shows how scenario 2's sessions were split.
"""

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from app import frames
from benchmarks import harness
from benchmarks.engine import table

HOST = "127.0.0.1"  # loopback only
WORKERS = 2
MAX_SESSIONS = 1000  # per worker: far above what the scenarios open
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
OPEN_TIMEOUT_S = 15.0  # connect, and receive the greeting and the first frame
WARMUP_S = 1.0  # each session's first second of play is not counted
PING_INTERVAL_S = 1.0
DRAIN_S = 2.0  # after a run, how long outstanding pongs may still come
SETTLE_S = 1.0  # pause before reading RSS
MAX_WARMUP_SESSIONS = 12  # idle scenario: open until every worker holds one, at most this many
KB = 1024
MB = 1024 * 1024

# Targets
SOLO_FPS = 30.0
SOLO_EPOCHS_PER_S = 300.0
LOAD_MIN_FPS = 10.0
PING_P99_MS = 100.0
CONTROL_P50_MS = 20.0  # a paused session's change, to its frame
CONTROL_GAP_S = 0.05  # between scenario 0's rounds: longer than a frame interval (1/60 s)
FRAME_BYTES = 12 * KB
IDLE_SESSION_MB = 2.0


@dataclass(frozen=True)
class Plan:
    """How long and how wide each scenario runs."""

    control_rounds: int  # scenario 0's pings, and as many config changes
    solo_s: float  # scenario 1's run, warm-up included
    load_sessions: int
    load_s: float  # scenario 2's run, warm-up included
    idle_sessions: int


FULL = Plan(control_rounds=100, solo_s=10.0, load_sessions=50, load_s=20.0, idle_sessions=100)
QUICK = Plan(control_rounds=30, solo_s=3.0, load_sessions=10, load_s=5.0, idle_sessions=100)


class ServerError(Exception):
    """The server did not start, or would not stop."""


class ClientError(Exception):
    """A client saw something a well-behaved server never sends, or lost its connection."""


# -- the server's processes, from /proc ---------------------------------------------------------
def proc_stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command name: [state, ppid, …]."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(proc_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue  # it ended while we looked
    return sorted(found)


def is_worker(pid: int) -> bool:
    """A uvicorn worker, not multiprocessing's resource tracker."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def status_kb(pid: int, name: str) -> int:
    """A /proc/<pid>/status figure in kB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise ServerError(f"/proc/{pid}/status has no {name}")


def cpu_seconds(pid: int) -> float:
    fields = proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def socket_count(pid: int) -> int:
    """Open sockets: the listening one, and one per connection."""
    return len(socket_inodes(pid))


def server_inodes(port: int) -> dict[int, int]:
    """The server's end of each loopback TCP connection to `port`: client port → socket inode."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], int(fields[9])
        if int(local.split(":")[1], 16) == port and inode:
            found[int(remote.split(":")[1], 16)] = inode
    return found


def workers_of(server: "Server", client_ports: Sequence[int]) -> list[int | None]:
    """The worker (pid) that accepted each client's connection; None where it cannot be told."""
    by_port = server_inodes(server.port)
    owners = {inode: pid for pid in server.workers for inode in socket_inodes(pid)}
    return [owners.get(by_port.get(port, 0)) for port in client_ports]


# -- starting and stopping the server ------------------------------------------------------------
@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    workers: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}/ws"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def wait_ready(server: Server) -> None:
    """Until /healthz answers and every worker has finished its startup."""

    def started() -> bool:
        log = server.log.read_text(errors="replace")
        if log.count("Application startup complete") < WORKERS:
            return False
        server.workers = [pid for pid in children(server.process.pid) if is_worker(pid)]
        return len(server.workers) == WORKERS

    try:
        harness.wait_healthy(
            server.process, f"http://{HOST}:{server.port}", STARTUP_TIMEOUT_S, started
        )
    except harness.ServerStartError as error:
        raise ServerError(f"{error}:\n{server.log_tail()}") from None


def start_server(log: Path) -> Server:
    port = harness.free_port(HOST)
    command = [sys.executable, "-m", "app.serve", "--host", HOST]
    command += ["--port", str(port), "--workers", str(WORKERS)]
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "LERNMI_MAX_SESSIONS": str(MAX_SESSIONS),
        # Every client here comes from 127.0.0.1: lift the per-address connection limit.
        "LERNMI_CONNECTIONS_PER_ADDRESS": str(10 * MAX_SESSIONS),
    }
    return Server(harness.launch(command, env, log), port, log)


def stop_server(server: Server) -> None:
    """Terminate uvicorn and wait for it; a worker left behind is killed by its pid."""
    server.process.terminate()
    try:
        server.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"note: uvicorn did not stop in {STOP_TIMEOUT_S:g} s of SIGTERM; killing it")
        server.process.kill()
        server.process.wait()
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in server.workers):
        time.sleep(0.1)
    for pid in server.workers:
        if Path(f"/proc/{pid}").exists():
            print(f"note: worker {pid} outlived uvicorn; killing it")
            os.kill(pid, signal.SIGKILL)


@contextmanager
def running_server(directory: Path, name: str) -> Iterator[Server]:
    server = start_server(directory / f"{name}.log")
    try:
        wait_ready(server)
        yield server
    finally:
        stop_server(server)


# -- one client ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seen:
    """A frame as it arrived."""

    at: float
    epoch: int
    size: int


class Client:
    """One WebSocket client: reads every message, acks each frame (if asked to), times pings."""

    def __init__(self, ws: ClientConnection, ack: bool) -> None:
        self.ws = ws
        self.ack = ack
        self.frames: list[Seen] = []
        self.texts: dict[str, int] = {}  # text messages by type
        self.pings: dict[int, float] = {}  # id → when sent, until its pong comes
        self.round_trips: list[float] = []  # seconds
        self.ping_ids = itertools.count()
        self.first_frame = asyncio.Event()
        self.arrived = {"frame": asyncio.Event(), "pong": asyncio.Event()}  # set as each comes
        self.closing = False
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message, bytes):
                    await self._on_frame(message)
                else:
                    self._on_text(message)
        except ConnectionClosed:
            if not self.closing:
                raise
            return  # a frame came while we were closing, and its ack found the socket closed
        if not self.closing:
            raise ClientError(
                f"the server closed the connection: {self.ws.close_code} {self.ws.close_reason!r}"
            )

    async def _on_frame(self, message: bytes) -> None:
        now = time.perf_counter()
        header, _ = frames.decode(message)
        self.frames.append(Seen(now, int(header["epoch"]), len(message)))
        self.first_frame.set()
        self.arrived["frame"].set()
        if self.ack and not self.closing:
            await self.send({"type": "ack", "frame": header["frame"]})

    def _on_text(self, message: str) -> None:
        now = time.perf_counter()
        data = json.loads(message)
        kind = data.get("type")
        self.texts[kind] = self.texts.get(kind, 0) + 1
        if kind == "error":
            raise ClientError(f"the server answered with an error: {data}")
        if kind == "pong":
            sent = self.pings.pop(data["id"], None)
            if sent is not None:
                self.round_trips.append(now - sent)
            self.arrived["pong"].set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def ping(self) -> None:
        number = next(self.ping_ids)
        self.pings[number] = time.perf_counter()
        await self.send({"type": "ping", "id": number})

    async def next(self, kind: str) -> None:
        """Until the next message of `kind` ("frame" or "pong") arrives, raising at once if the
        reader fails."""
        arrived = asyncio.create_task(self.arrived[kind].wait())
        done, _ = await asyncio.wait(
            {arrived, self.reader}, timeout=OPEN_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
        )
        arrived.cancel()
        if self.reader in done:
            self.reader.result()
            raise ClientError("the connection ended early")
        if arrived not in done:
            raise ClientError(f"no {kind} came within {OPEN_TIMEOUT_S:g} s")

    async def wait_until(self, deadline: float) -> None:
        """Sleep until `deadline` (perf_counter), raising at once if the reader fails."""
        done, _ = await asyncio.wait(
            {self.reader}, timeout=max(0.0, deadline - time.perf_counter())
        )
        if done:
            self.reader.result()  # raises what ended it
            raise ClientError("the connection ended early")

    async def close(self) -> None:
        """Close the socket; a reader error is not raised here (wait_until raises it)."""
        self.closing = True
        await self.ws.close()
        await asyncio.wait({self.reader})
        if not self.reader.cancelled():
            self.reader.exception()  # retrieved: wait_until has raised it, or will not be asked


async def open_client(url: str, ack: bool) -> Client:
    """A connected client that has received its greeting and first frame."""
    ws = await connect(url, proxy=None, open_timeout=OPEN_TIMEOUT_S)
    client = Client(ws, ack)
    try:
        await asyncio.wait_for(client.first_frame.wait(), OPEN_TIMEOUT_S)
        await client.wait_until(time.perf_counter())
    except BaseException:
        await client.close()
        raise
    expected = {"welcome", "state", "snapshot"}
    if not expected.issubset(client.texts):
        await client.close()
        raise ClientError(f"greeting incomplete before the first frame: got {client.texts}")
    return client


async def open_clients(url: str, count: int, ack: bool) -> list[Client]:
    """`count` clients opened at once; if any fails, the others are closed and it is raised."""
    results = await asyncio.gather(
        *(open_client(url, ack) for _ in range(count)), return_exceptions=True
    )
    clients = [r for r in results if isinstance(r, Client)]
    errors = [r for r in results if not isinstance(r, Client)]
    if errors:
        await close_clients(clients)
        raise errors[0]
    return clients


async def close_clients(clients: Sequence[Client]) -> None:
    await asyncio.gather(*(c.close() for c in clients))


# -- control: a paused session's round trips ---------------------------------------------------
@dataclass(frozen=True)
class Controlled:
    """Scenario 0's round trips, in ms: each ping to its pong, each change to its frame."""

    pings_ms: list[float]
    changes_ms: list[float]


async def control(url: str, rounds: int) -> Controlled:
    client = await open_client(url, ack=True)
    changes = []
    try:
        for n in range(rounds):
            await client.wait_until(time.perf_counter() + CONTROL_GAP_S)
            client.arrived["pong"].clear()
            await client.ping()
            await client.next("pong")
            client.arrived["frame"].clear()
            sent = time.perf_counter()
            rate = 0.01 if n % 2 == 0 else 0.03  # keeps the network: state, snapshot, frame
            await client.send({"type": "config", "changes": {"learning_rate": rate}})
            await client.next("frame")
            changes.append(client.frames[-1].at - sent)
    finally:
        await client.close()
    return Controlled([rtt * 1000.0 for rtt in client.round_trips], [c * 1000.0 for c in changes])


# -- playing -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Played:
    """What one session measured after its warm-up."""

    fps: float
    epochs_per_s: float
    round_trips_ms: list[float]
    pings_sent: int
    sizes: list[int]


async def play(client: Client, speed: int | str, duration: float, pings: bool) -> Played:
    """Play at `speed` for `duration` seconds; count frames and pings after the warm-up."""
    await client.send({"type": "speed", "epochs_per_frame": speed})
    await client.send({"type": "play"})
    start = time.perf_counter()
    count_from, end = start + WARMUP_S, start + duration
    await client.wait_until(count_from)
    sent = 0
    while pings and time.perf_counter() < end:
        await client.ping()
        sent += 1
        await client.wait_until(min(count_from + sent * PING_INTERVAL_S, end))
    await client.wait_until(end)
    await client.send({"type": "pause"})
    drain_until = end + DRAIN_S
    while client.pings and time.perf_counter() < drain_until:
        await client.wait_until(time.perf_counter() + 0.02)
    return summarize(client, count_from, end, sent)


def summarize(client: Client, count_from: float, end: float, pings_sent: int) -> Played:
    counted = [f for f in client.frames if count_from <= f.at < end]
    epochs_per_s = 0.0
    if len(counted) >= 2 and counted[-1].at > counted[0].at:
        epochs_per_s = (counted[-1].epoch - counted[0].epoch) / (counted[-1].at - counted[0].at)
    return Played(
        fps=len(counted) / (end - count_from),
        epochs_per_s=epochs_per_s,
        round_trips_ms=[rtt * 1000.0 for rtt in client.round_trips],
        pings_sent=pings_sent,
        sizes=[f.size for f in counted],
    )


@dataclass(frozen=True)
class Usage:
    """CPU seconds used over a scenario's wall time, by the server's workers and by the clients."""

    wall_s: float
    server_cpu_s: float
    client_cpu_s: float


@contextmanager
def cpu_usage(server: Server, into: list[Usage]) -> Iterator[None]:
    wall, client = time.perf_counter(), time.process_time()
    workers = sum(cpu_seconds(pid) for pid in server.workers)
    yield
    into.append(
        Usage(
            time.perf_counter() - wall,
            sum(cpu_seconds(pid) for pid in server.workers) - workers,
            time.process_time() - client,
        )
    )


async def solo(url: str, plan: Plan) -> Played:
    client = await open_client(url, ack=True)
    try:
        return await play(client, "max", plan.solo_s, pings=True)
    finally:
        await client.close()


@dataclass(frozen=True)
class Loaded:
    """Scenario 2: what each session measured, and the worker that served it."""

    played: list[Played]
    workers: list[int | None]


async def load(server: Server, plan: Plan) -> Loaded:
    clients = await open_clients(server.url, plan.load_sessions, ack=True)
    try:
        workers = workers_of(server, [c.ws.local_address[1] for c in clients])
        played = await asyncio.gather(*(play(c, 1, plan.load_s, True) for c in clients))
        return Loaded(list(played), workers)
    finally:
        await close_clients(clients)


# -- idle sessions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Idle:
    """Each worker's VmRSS (kB) and sockets before and after the idle sessions opened."""

    warmup_sessions: dict[int, int]
    rss_before: dict[int, int]
    rss_after: dict[int, int]
    sockets_before: dict[int, int]
    sockets_after: dict[int, int]

    def per_session_mb(self, sessions: int) -> float:
        grown = sum(self.rss_after.values()) - sum(self.rss_before.values())
        return grown * KB / sessions / MB


async def warm_up_workers(server: Server) -> list[Client]:
    """Open sessions, a few at once, until every worker holds one (the kernel picks the worker;
    one at a time, they tend to land on the same one)."""
    base = {pid: socket_count(pid) for pid in server.workers}
    clients: list[Client] = []
    while len(clients) < MAX_WARMUP_SESSIONS:
        if all(socket_count(pid) > base[pid] for pid in server.workers):
            break
        clients += await open_clients(server.url, WORKERS, ack=False)
    return clients


async def idle(server: Server, sessions: int) -> Idle:
    sockets_base = {pid: socket_count(pid) for pid in server.workers}
    warm = await warm_up_workers(server)
    try:
        await asyncio.sleep(SETTLE_S)
        rss_before = {pid: status_kb(pid, "VmRSS") for pid in server.workers}
        sockets_before = {pid: socket_count(pid) for pid in server.workers}
        clients = await open_clients(server.url, sessions, ack=False)
        try:
            await asyncio.sleep(SETTLE_S)
            rss_after = {pid: status_kb(pid, "VmRSS") for pid in server.workers}
            sockets_after = {pid: socket_count(pid) for pid in server.workers}
            for client in clients:
                await client.wait_until(time.perf_counter())  # none failed meanwhile
        finally:
            await close_clients(clients)
    finally:
        await close_clients(warm)
    warmed = {pid: sockets_before[pid] - sockets_base[pid] for pid in server.workers}
    return Idle(warmed, rss_before, rss_after, sockets_before, sockets_after)


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


def load_rows(results: Sequence[Played], usage: Usage) -> list[list[str]]:
    name = f"{len(results)} sessions, 1 epoch/frame"
    fps = [r.fps for r in results]
    epochs = [r.epochs_per_s for r in results]
    rtts = [rtt for r in results for rtt in r.round_trips_ms]
    sent = sum(r.pings_sent for r in results)
    size = statistics.median([s for r in results for s in r.sizes])
    p99 = percentile(rtts, 99) if rtts else math.inf
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
            "bytes per frame (median)",
            f"{size:.0f}",
            f"≤ {FRAME_BYTES} (12 KB)",
            at_most(size, FRAME_BYTES),
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
    return rows


def print_by_worker(result: Loaded) -> None:
    sessions = len(result.played)
    print(f"\n{sessions} sessions, by the worker that served them (the kernel spreads connections)")
    header = ["worker", "sessions", "frames/s median", "frames/s min", "epochs/s median"]
    header += ["ping p50 ms", "ping p99 ms"]
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


# -- entry point ---------------------------------------------------------------------------------
def run_control(plan: Plan, directory: Path) -> None:
    with running_server(directory, "control") as server:
        print(f"\nrunning: {plan.control_rounds} pings and changes …", flush=True)
        result = asyncio.run(control(server.url, plan.control_rounds))
    padded = [row + [""] * (5 - len(row)) for row in control_rows(result)]
    print()
    print(table(["scenario", "figure", "value", "target", "result"], padded, right=(2,)))


def run(plan: Plan, directory: Path) -> None:
    usages: list[Usage] = []
    with running_server(directory, "load") as server:
        print(f"\nrunning: {plan.control_rounds} pings and changes …", flush=True)
        control_result = asyncio.run(control(server.url, plan.control_rounds))
        print(f"running: 1 session at max for {plan.solo_s:g} s …", flush=True)
        with cpu_usage(server, usages):
            solo_result = asyncio.run(solo(server.url, plan))
        print(f"running: {plan.load_sessions} sessions for {plan.load_s:g} s …", flush=True)
        with cpu_usage(server, usages):
            load_result = asyncio.run(load(server, plan))
        peak_kb = {pid: status_kb(pid, "VmHWM") for pid in server.workers}
    print(f"running: {plan.idle_sessions} idle sessions on a fresh server …", flush=True)
    with running_server(directory, "idle") as server:
        idle_result = asyncio.run(idle(server, plan.idle_sessions))
    rows = [
        *control_rows(control_result),
        *solo_rows(solo_result, usages[0]),
        *load_rows(load_result.played, usages[1]),
        *memory_rows(peak_kb, idle_result, plan.idle_sessions),
    ]
    print()
    padded = [row + [""] * (5 - len(row)) for row in rows]
    print(table(["scenario", "figure", "value", "target", "result"], padded, right=(2,)))
    print_by_worker(load_result)
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
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else FULL
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
