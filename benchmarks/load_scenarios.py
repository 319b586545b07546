"""benchmarks/load.py's scenarios: control, one session at max, many sessions at once, idle
sessions; each returns its measurements."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from benchmarks.load_client import Client, close_clients, open_client, open_clients
from benchmarks.load_server import WORKERS, Server, cpu_seconds, socket_count, status_kb, workers_of

WARMUP_S = 1.0  # each session's first second of play is not counted
PING_INTERVAL_S = 1.0
CHANGE_EVERY = 5  # pings: each playing session makes a config change every 5 s, between pings
SPREAD = 20  # the clients' pings start at 20 moments spread over a second
DRAIN_S = 2.0  # after a run, how long outstanding pongs may still come
SETTLE_S = 1.0  # pause before reading RSS
IDLE_CPU_S = 5.0  # how long the idle sessions' CPU use is watched
MAX_WARMUP_SESSIONS = 12  # idle scenario: open until every worker holds one, at most this many
KB = 1024
MB = 1024 * 1024
CONTROL_GAP_S = 0.05  # between scenario 0's rounds: longer than a frame interval (1/60 s)


@dataclass(frozen=True)
class Plan:
    """How long and how wide each scenario runs."""

    control_rounds: int  # scenario 0's pings, and as many config changes
    solo_s: float  # scenario 1's run, warm-up included
    load_sessions: int
    load_s: float  # scenario 2's run, warm-up included
    idle_sessions: int
    maps: str = "local"  # who computes the maps: "local" (the client, as the page does) or "server"

    def url(self, server: Server) -> str:
        return f"{server.url}?maps={self.maps}"


FULL = Plan(control_rounds=100, solo_s=10.0, load_sessions=200, load_s=20.0, idle_sessions=1000)
QUICK = Plan(control_rounds=30, solo_s=3.0, load_sessions=10, load_s=5.0, idle_sessions=100)


# -- control: a paused session's round trips ---------------------------------------------------
@dataclass(frozen=True)
class Controlled:
    """Scenario 0's round trips, in ms: each ping to its pong, each change to its frame."""

    pings_ms: list[float]
    changes_ms: list[float]


async def control(server: Server, plan: Plan) -> Controlled:
    client = await open_client(plan.url(server), ack=True)
    changes = []
    try:
        for n in range(plan.control_rounds):
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
    changes_ms: list[float]  # each config change to the first frame of its state


async def play(
    client: Client, speed: int | str, duration: float, pings: bool, slot: int = 0
) -> Played:
    """Play at `speed` for `duration` seconds; count frames and pings after the warm-up. `slot`
    (the client's number) spreads the clients' pings over a second and their changes over
    CHANGE_EVERY seconds, as readers' clicks are spread, not all at once."""
    await client.send({"type": "speed", "epochs_per_frame": speed})
    await client.send({"type": "play"})
    start = time.perf_counter()
    count_from, end = start + WARMUP_S, start + duration
    first = count_from + (slot % SPREAD) / SPREAD * PING_INTERVAL_S
    await client.wait_until(first)
    sent = 0
    while pings and time.perf_counter() < end:
        await client.ping()
        sent += 1
        tick = first + sent * PING_INTERVAL_S
        await client.wait_until(min(tick - PING_INTERVAL_S / 2, end))
        due = (sent + slot) % CHANGE_EVERY == 1
        if due and time.perf_counter() < end and client.change_sent is None:
            # A person's change between pings: the learning rate, which keeps the network.
            await client.change({"learning_rate": 0.01 if sent % 2 else 0.03})
        await client.wait_until(min(tick, end))
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
        changes_ms=[change * 1000.0 for change in client.changes],
    )


@dataclass(frozen=True)
class Usage:
    """CPU seconds used over a scenario's wall time, by the server's workers and by the clients."""

    wall_s: float
    by_worker: dict[int, float]  # CPU seconds of each worker
    client_cpu_s: float

    @property
    def server_cpu_s(self) -> float:
        return sum(self.by_worker.values())


@contextmanager
def cpu_usage(server: Server, into: list[Usage]) -> Iterator[None]:
    wall, client = time.perf_counter(), time.process_time()
    workers = {pid: cpu_seconds(pid) for pid in server.workers}
    yield
    into.append(
        Usage(
            time.perf_counter() - wall,
            {pid: cpu_seconds(pid) - workers[pid] for pid in server.workers},
            time.process_time() - client,
        )
    )


async def solo(server: Server, plan: Plan) -> Played:
    client = await open_client(plan.url(server), ack=True)
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
    clients = await open_clients(plan.url(server), plan.load_sessions, ack=True)
    try:
        workers = workers_of(server, [c.ws.local_address[1] for c in clients])
        played = await asyncio.gather(
            *(play(c, 1, plan.load_s, True, slot) for slot, c in enumerate(clients))
        )
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
    cpu: Usage  # while the idle sessions stayed open, after they settled

    def per_session_mb(self, sessions: int) -> float:
        grown = sum(self.rss_after.values()) - sum(self.rss_before.values())
        return grown * KB / sessions / MB


async def warm_up_workers(server: Server, plan: Plan) -> list[Client]:
    """Open sessions, a few at once, until every worker holds one (the kernel picks the worker;
    one at a time, they tend to land on the same one)."""
    base = {pid: socket_count(pid) for pid in server.workers}
    clients: list[Client] = []
    while len(clients) < MAX_WARMUP_SESSIONS:
        if all(socket_count(pid) > base[pid] for pid in server.workers):
            break
        clients += await open_clients(plan.url(server), WORKERS, ack=False)
    return clients


async def idle(server: Server, plan: Plan) -> Idle:
    sockets_base = {pid: socket_count(pid) for pid in server.workers}
    warm = await warm_up_workers(server, plan)
    try:
        await asyncio.sleep(SETTLE_S)
        rss_before = {pid: status_kb(pid, "VmRSS") for pid in server.workers}
        sockets_before = {pid: socket_count(pid) for pid in server.workers}
        clients = await open_clients(plan.url(server), plan.idle_sessions, ack=False)
        try:
            await asyncio.sleep(SETTLE_S)
            rss_after = {pid: status_kb(pid, "VmRSS") for pid in server.workers}
            sockets_after = {pid: socket_count(pid) for pid in server.workers}
            usage: list[Usage] = []
            with cpu_usage(server, usage):
                await asyncio.sleep(IDLE_CPU_S)
            for client in clients:
                await client.wait_until(time.perf_counter())  # none failed meanwhile
        finally:
            await close_clients(clients)
    finally:
        await close_clients(warm)
    warmed = {pid: sockets_before[pid] - sockets_base[pid] for pid in server.workers}
    return Idle(warmed, rss_before, rss_after, sockets_before, sockets_after, usage[0])
