"""benchmarks/load.py's client: a WebSocket that reads every message as a page does,
decodes each frame and acks it."""

import asyncio
import itertools
import json
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import uvloop
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app import frames

OPEN_TIMEOUT_S = 15.0  # connect, and receive the greeting and the first frame
T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """`main` run to its end on uvloop's event loop, as the server's workers run: the clients
    share the machine with the server, and this way they take less of its CPU."""
    return uvloop.run(main)


class ClientError(Exception):
    """A client saw something a well-behaved server never sends, or lost its connection."""


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
        # A config change's round trip: sent when, the state it made, and each one's seconds.
        self.change_sent: float | None = None
        self.change_state: int | None = None
        self.changes: list[float] = []
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
        header = frames.header(message)  # the blocks are the page's to inflate, not the server's
        self.frames.append(Seen(now, int(header["epoch"]), len(message)))
        if self.change_state is not None and header["state_id"] >= self.change_state:
            self.changes.append(now - (self.change_sent or now))
            self.change_sent = self.change_state = None
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
        if kind == "state" and self.change_sent is not None and self.change_state is None:
            self.change_state = int(data["state_id"])
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

    async def change(self, changes: dict[str, Any]) -> None:
        """A config change, timed until the first frame of the state it makes."""
        self.change_sent, self.change_state = time.perf_counter(), None
        await self.send({"type": "config", "changes": changes})

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
