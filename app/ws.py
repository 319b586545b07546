"""The WebSocket endpoint: per connection a receive loop, a play loop, a frame sender and a
takeover watch.

Training is decoupled from display. While playing, a tick every 1/max_fps trains `speed` epochs
and, when the client has acked the last frame, builds the next one in the same turn. A tick waits
at most two intervals for that ack and then trains without it: a slow client gets fewer frames,
never a queue, and never holds training back. At speed "max" training runs back to back and a
frame goes out whenever the client is ready for one and a tick has passed. Work that has been
quick runs on the event loop in slices (train, losses, frame), so sockets get turns in between;
longer work (speed "max", big networks) runs in a few worker threads, so the event loop keeps
serving every socket.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import anyio
from starlette.websockets import (
    WebSocket,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)
from websockets.exceptions import WebSocketException

from app import jsontext, protocol
from app.config import InputError
from app.limits import TokenBucket, WindowLimit
from app.metrics import Metrics
from app.settings import Settings
from app.store import BusyError, Holder, SessionStore

log = logging.getLogger("lernmi")

INLINE_S = 0.004  # CPU seconds: work expected to take less runs on the event loop
# What a send raises once the client has gone (each server and library has its own).
DISCONNECTED = (WebSocketDisconnect, WebSocketDisconnected, OSError, WebSocketException)
T = TypeVar("T")


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    """Non-browser clients send no Origin; a page may connect from this server or a listed site."""
    origin = websocket.headers.get("origin")
    if origin is None or "*" in settings.allowed_origins or origin in settings.allowed_origins:
        return True
    try:
        return urlsplit(origin).netloc == websocket.headers.get("host")
    except ValueError:  # not a URL ("http://["): no page's origin
        return False


@dataclass
class Services:
    """What every connection of one app shares: its sessions, its training threads, its limits
    and its metrics (one per app, never module-level)."""

    store: SessionStore
    limiter: anyio.CapacityLimiter
    version: str
    metrics: Metrics
    addresses: WindowLimit  # new connections per client address


async def serve(websocket: WebSocket, services: Services) -> None:
    """Run one client's connection to the end."""
    store, metrics = services.store, services.metrics
    settings = store.settings
    address = websocket.client.host if websocket.client else "unknown"
    if not origin_allowed(websocket, settings):
        reason = f"origin {websocket.headers.get('origin')} not allowed"
        await _refuse(websocket, metrics, address, "origin", protocol.CLOSE_POLICY, reason)
        return
    await websocket.accept()
    if not services.addresses.allow(address):
        limit, window = settings.connections_per_address, settings.connections_window_s
        reason = f"too many connections from your address: at most {limit} in {window:g} s"
        await _refuse(websocket, metrics, address, "rate", protocol.CLOSE_BUSY, reason)
        return
    maps = websocket.query_params.get("maps", "server")
    if maps not in protocol.MAPS:
        reason = f"maps must be one of {', '.join(protocol.MAPS)}, not {maps[:40]!r}"
        await _refuse(websocket, metrics, address, "maps", protocol.CLOSE_POLICY, reason)
        return
    try:
        holder, resumed = store.open(websocket.query_params.get("token"))
    except BusyError:
        reason = f"server busy: {settings.max_sessions} sessions open, try again later"
        await _refuse(websocket, metrics, address, "busy", protocol.CLOSE_BUSY, reason)
        return
    metrics.connections.labels(str(resumed).lower()).inc()
    count_sessions(store, metrics)
    name = holder.session.token[:6]
    log.info("session %s… %s for %s", name, "resumed" if resumed else "opened", address)
    connection = Connection(websocket, holder, settings, services.limiter, metrics)
    connection.maps = maps == "server"
    try:
        await connection.run(resumed, services.version)
    finally:
        store.release(holder)
        count_sessions(store, metrics)
        log.info("session %s… disconnected", name)


async def _refuse(
    websocket: WebSocket, metrics: Metrics, address: str, kind: str, code: int, reason: str
) -> None:
    """Close a connection the server will not serve: count it, log it, tell the client why."""
    metrics.rejected.labels(kind).inc()
    log.warning("refused %s: %s", address, reason)
    await websocket.close(code=code, reason=reason)


def count_sessions(store: SessionStore, metrics: Metrics) -> None:
    """The session gauges, from the store: after a connection comes or goes, and a sweep."""
    metrics.sessions.set(len(store.active))
    metrics.parked.set(len(store.parked))


class Connection:
    """One client's socket onto its session."""

    def __init__(
        self,
        websocket: WebSocket,
        holder: Holder,
        settings: Settings,
        limiter: anyio.CapacityLimiter,
        metrics: Metrics,
    ) -> None:
        self.websocket = websocket
        self.metrics = metrics
        self.bucket = TokenBucket(settings.messages_per_s, settings.messages_burst)
        self._name = holder.session.token[:6]  # for the logs: enough to tell sessions apart
        self.holder = holder
        self.session = holder.session
        self.settings = settings
        self.limiter = limiter
        self.interval = 1.0 / settings.max_fps
        self.send_lock = asyncio.Lock()
        self.frame_wanted = asyncio.Event()
        self.acked = asyncio.Event()  # set while no frame awaits its ack
        self.acked.set()
        self.unacked: int | None = None
        self.last_frame = -self.interval
        self.session.pace.new_connection()  # frames and ticks are timed anew (app/pace.py)
        self.play_wanted = asyncio.Event()
        self.bad = WindowLimit(settings.bad_message_limit, settings.bad_message_window_s)
        self.maps = True  # whether frames carry maps: False for a client that computes its own

    async def run(self, resumed: bool, version: str) -> None:
        try:
            await self._run_loops(resumed, version)
        except* DISCONNECTED:
            pass  # the client left while something was on its way to it: nothing is lost

    async def _run_loops(self, resumed: bool, version: str) -> None:
        session = self.session
        async with session.lock:
            welcome = {"type": "welcome", "token": session.token, "resumed": resumed}
            await self.send_json({**welcome, "version": version})
            await self.send_json(session.state_message())
            await self.send_json(session.snapshot_message())
        self.frame_wanted.set()
        self.play_wanted.set()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._play_loop)
            tasks.start_soon(self._send_loop)
            tasks.start_soon(self._watch_takeover)
            await self._receive_loop()
            tasks.cancel_scope.cancel()

    # -- the loops --------------------------------------------------------------------------------
    async def _receive_loop(self) -> None:
        while True:
            try:
                async with asyncio.timeout(self.settings.idle_timeout_s):
                    event = await self.websocket.receive()
            except TimeoutError:
                self.metrics.errors.labels("idle").inc()
                idle = f"closed after {self.settings.idle_timeout_s:g} s without a message"
                await self.close(protocol.CLOSE_IDLE, idle)
                return
            except (WebSocketDisconnect, RuntimeError):
                return
            if event["type"] == "websocket.disconnect":
                return
            if not self.bucket.allow():
                self.metrics.errors.labels("flood").inc()
                rate = self.settings.messages_per_s
                log.warning("session %s… closed: over %g messages a second", self._name, rate)
                await self.close(protocol.CLOSE_POLICY, f"more than {rate:g} messages a second")
                return
            if not await self._handle(event.get("text")):
                return

    async def _watch_takeover(self) -> None:
        await self.holder.taken.wait()
        await self.close(protocol.CLOSE_IDLE, "the session was opened by another connection")

    async def _handle(self, text: str | None) -> bool:
        """Apply one message; False when the connection must close."""
        try:
            if text is None:
                raise InputError(None, "messages must be JSON text, not binary")
            message = protocol.parse(text, self.settings.max_message_bytes)
            if isinstance(message, protocol.Ack):
                self._ack(message.frame)
                return True
            if isinstance(message, protocol.Ping):  # answered at once: it measures latency
                await self.send_json(self.session.handle(message).messages[0])
                return True
            async with self.session.lock:
                epoch = self.session.net.epoch
                reply = self.session.handle(message)
                self.metrics.epochs.inc(max(0, self.session.net.epoch - epoch))
        except InputError as error:
            return await self._bad(error)
        except Exception:  # a bug: the log gets the traceback, the client a plain sentence
            log.exception("session %s… could not apply a message", self._name)
            self.metrics.errors.labels("internal").inc()
            failed = {"type": "error", "field": None, "message": "the server could not apply that"}
            await self.send_json(failed)
            return True
        for outgoing in reply.messages:
            await self.send_json(outgoing)
        if reply.frame and not await self._show_change():
            self.frame_wanted.set()
        if self.session.playing:
            self.play_wanted.set()
        return True

    async def _show_change(self) -> bool:
        """While playing, the frame that shows a change goes out at once, if one is due, rather
        than at the play loop's next tick: on a busy server that tick is several turns of the
        event loop away (with 200 sessions playing, a change took 300 ms to its frame)."""
        async with self.session.lock:
            if not (self.session.playing and self._frame_due()):
                return False
            frame = await self._frame(record=True)
        await self._send_frame(frame)
        return True

    async def _play_loop(self) -> None:
        # One tick per 1/max_fps: `speed` epochs, then, once the client has acked the last
        # frame, the losses and the next frame. A tick waits up to two intervals for that ack,
        # so epochs and frames go together while the client keeps up; past that the client is
        # slow, and training goes on without it. At "max" training never waits: slices of up
        # to a tick run back to back, each ending early once a frame is due.
        session = self.session
        last_snapshot = time.monotonic()
        while True:
            await self.play_wanted.wait()
            self.play_wanted.clear()
            next_tick = time.monotonic()
            while True:
                flat_out = session.speed == "max"
                await self._wait_for_ack(flat_out)
                async with session.lock:
                    if not session.playing:
                        # Paused, or stopped by divergence: the frame that shows it goes out
                        # (at speed "max" none may be on its way).
                        self.frame_wanted.set()
                        break
                    await self._train_tick()
                frame = await self._build_frame() if self._frame_ready(flat_out) else None
                if frame is not None:
                    await self._send_frame(frame)
                elif not flat_out:
                    self.frame_wanted.set()
                now = time.monotonic()
                if now - last_snapshot >= self.settings.snapshot_interval_s:
                    last_snapshot = now
                    async with session.lock:
                        snapshot = session.snapshot_message()
                    await self.send_json(snapshot)
                next_tick = now if flat_out else max(next_tick + self.interval, now)
                if next_tick > now:  # else the next tick is due: its wait for the ack yields
                    await asyncio.sleep(next_tick - now)
                session.pace.woke(time.monotonic() - next_tick)

    async def _wait_for_ack(self, flat_out: bool) -> None:
        """At a number of epochs per frame, wait for the last frame's ack, as long as the pace's
        patience allows; at "max" training never waits."""
        since = time.monotonic() - self.last_frame
        patience = self.session.pace.patience(self.interval, since)
        if not flat_out and not self.acked.is_set() and patience > 0:
            with suppress(TimeoutError):
                async with asyncio.timeout(patience):
                    await self.acked.wait()

    async def _train_tick(self) -> None:
        """A tick's training, in slices, each a turn of the event loop, so other sockets get in
        between (at "max", ending early once a frame is due)."""
        session = self.session
        cost = session.pace.tick_cost(session.speed)
        done = await self._run(cost, session.train_for, self.interval, self._frame_due)
        self.metrics.epochs.inc(done)
        if session.diverged:
            self.metrics.errors.labels("diverged").inc()

    def _frame_ready(self, flat_out: bool) -> bool:
        """Whether this tick sends a frame: at "max", once one is due (_frame_due); at a number
        of epochs per frame, whenever the client has acked the last one."""
        return self._frame_due() if flat_out else self.acked.is_set()

    async def _build_frame(self) -> bytes:
        """Record the losses, then build the frame, each in a turn of the event loop and under
        the lock, free between them: a message waits for one slice, not a whole tick."""
        pace, lock = self.session.pace, self.session.lock
        await asyncio.sleep(0)
        async with lock:
            await self._run(pace.frame_s, self.session.record)
        await asyncio.sleep(0)
        async with lock:
            return await self._frame(record=False)

    async def _frame(self, record: bool) -> bytes:
        """The session's next frame (measuring its losses first when `record`), with or without
        maps as this client asked, timed into the pace; under the session's lock."""
        pace, build = self.session.pace, self.session.frame
        return await self._run(pace.frame_s, pace.timed_frame, build, record, self.maps)

    async def _send_loop(self) -> None:
        # Frames outside play (a step, a change, the last frame of a pause), once acked.
        while True:
            await self.frame_wanted.wait()
            await self.acked.wait()
            await asyncio.sleep(max(0.0, self.last_frame + self.interval - time.monotonic()))
            self.frame_wanted.clear()
            if self.session.playing:
                continue  # the play loop sends the next frame at its next tick
            async with self.session.lock:
                frame = await self._frame(record=True)
            await self._send_frame(frame)

    async def _run(self, cost_s: float, work: Callable[..., T], *args: Any) -> T:
        """`work` on the event loop when it should cost under INLINE_S of CPU: a trip to a worker
        thread and back costs more than that. Longer work (speed "max", many epochs a frame,
        work not measured yet) runs in a worker thread, a few sessions' at a time, so the event
        loop keeps serving every socket."""
        if cost_s < INLINE_S:
            return work(*args)
        async with self.limiter:
            return await anyio.to_thread.run_sync(work, *args)

    def _frame_due(self) -> bool:
        """Whether the client is ready for a frame and one is due (read from worker threads)."""
        return self.acked.is_set() and time.monotonic() - self.last_frame >= self.interval

    async def _send_frame(self, frame: bytes) -> None:
        self.metrics.frames.inc()
        self.unacked = self.session.frame_number
        self.acked.clear()
        self.last_frame = time.monotonic()
        await self._send({"type": "websocket.send", "bytes": frame})

    # -- helpers --------------------------------------------------------------------------------
    def _ack(self, frame: int) -> None:
        if frame == self.unacked:
            self.unacked = None
            self.acked.set()

    async def _bad(self, error: InputError) -> bool:
        """Tell the client what was wrong; a flood of bad messages closes the socket."""
        self.metrics.errors.labels("bad_message").inc()
        await self.send_json({"type": "error", "field": error.field, "message": error.message})
        if not self.bad.allow(self._name):
            limit = self.settings.bad_message_limit
            window = self.settings.bad_message_window_s
            self.metrics.errors.labels("bad_flood").inc()
            log.warning("session %s… closed: over %d bad messages", self._name, limit)
            await self.close(
                protocol.CLOSE_POLICY, f"more than {limit} bad messages in {window:g} s"
            )
            return False
        return True

    async def send_json(self, message: dict[str, Any]) -> None:
        """Send a message as strict JSON (app/jsontext.py): what every browser can parse."""
        await self._send({"type": "websocket.send", "text": jsontext.dumps(message)})

    async def close(self, code: int, reason: str) -> None:
        if self.websocket.application_state == WebSocketState.CONNECTED:
            await self._send({"type": "websocket.close", "code": code, "reason": reason})

    async def _send(self, message: dict[str, Any]) -> None:
        """One ASGI send, one at a time. uvicorn refuses a send on a socket it has closed itself
        (its client broke the protocol: text that is not UTF-8, a message too big) with a
        RuntimeError: that client is gone, as any other that leaves."""
        async with self.send_lock:
            try:
                await self.websocket.send(message)
            except RuntimeError as error:
                raise WebSocketDisconnect(1006, str(error)) from None
