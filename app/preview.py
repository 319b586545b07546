"""`POST /api/preview`: what an embed shows before anyone plays it, with no session kept.

An embed on a page (a blog post, /learn) draws its network from this one answer, the state and
the first frame of the link it was given, and opens its WebSocket only when it is played: a
reader who scrolls past ten figures costs ten small answers, not ten sessions.
"""

import base64
from typing import Any

import anyio
from fastapi import APIRouter, HTTPException, Request
from starlette.requests import ClientDisconnect

from app import protocol
from app.config import InputError
from app.limits import WindowLimit
from app.session import Session
from app.settings import Settings

# Previews a client address may ask for per connection it may open: a page of figures (/learn has
# eleven) asks for one per figure as it comes into view, and a class behind one address opens it
# at once. A preview costs a few milliseconds and keeps nothing.
PREVIEWS_PER_CONNECTION = 12


def preview(settings: Settings, text: str) -> dict[str, Any]:
    """The state and the first frame (base64) a `link` message would give a new session, and
    what of the link was ignored. InputError when the text is no `link` message."""
    message = protocol.parse(text, settings.max_message_bytes)
    if not isinstance(message, protocol.Link):
        raise InputError("type", "a preview is of a link: the type must be 'link'")
    session = Session(settings)
    reply = session.handle(message)
    ignored = [m["ignored"] for m in reply.messages if m["type"] == "link_ignored"]
    return {
        "state": session.state_message(),
        "frame": base64.b64encode(session.frame()).decode("ascii"),
        "ignored": ignored[0] if ignored else [],
    }


def router(settings: Settings) -> APIRouter:
    """The preview route, with its own limit of answers per client address."""
    routes = APIRouter()
    limit = settings.connections_per_address * PREVIEWS_PER_CONNECTION
    addresses = WindowLimit(limit, settings.connections_window_s)

    @routes.post(
        "/api/preview",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
                "description": 'a link message: {"type": "link", "changes": {…}}',
            }
        },
        responses={400: {}, 413: {}, 422: {}, 429: {}},
    )
    async def preview_route(request: Request) -> dict[str, Any]:
        """The state and the first frame of a link, for an embed that has not been played:
        the same JSON `state` and binary frame (base64) the socket would send, and the fields
        the link could not apply. Nothing is kept."""
        address = request.client.host if request.client else "unknown"
        if not addresses.allow(address):
            window = settings.connections_window_s
            raise HTTPException(429, f"too many previews: at most {limit} in {window:g} s")
        try:
            body = (await request.body()).decode("utf-8", "replace")
        except ClientDisconnect:  # gone before the body it announced: no one to answer
            raise HTTPException(400, "the client left before the end of the request") from None
        try:
            return await anyio.to_thread.run_sync(preview, settings, body)
        except InputError as error:
            raise HTTPException(422, {"field": error.field, "message": str(error)}) from None

    return routes
