"""The launcher's listening sockets: every accepted connection sends small writes at once."""

import asyncio
import socket

from app.serve import listening_socket
from tests.waiting import CEILING_S


async def _accepted_nodelay() -> int:
    """TCP_NODELAY of a connection asyncio accepted on app.serve's listening socket."""
    sock = listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def accepted(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted_socket = writer.get_extra_info("socket")
        seen.set_result(accepted_socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=sock)
    async with server:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        nodelay = await asyncio.wait_for(seen, timeout=CEILING_S)
        writer.close()
    return nodelay


def test_connections_accepted_on_the_listening_socket_have_tcp_nodelay():
    assert asyncio.run(_accepted_nodelay()) != 0


def test_the_listening_socket_says_it_is_tcp():
    with listening_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
