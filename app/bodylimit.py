"""Request bodies stop at their limit: a body is refused (413) by its Content-Length before a byte
of it is read, and a body sent without one (chunked) once the bytes read pass the limit. Nothing
past the limit is read, spooled or parsed."""

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.jsontext import StrictJSONResponse


class TooLarge(HTTPException):
    """A body read past its limit: the endpoint reading it stops, and the client gets a 413."""

    def __init__(self, refusal: str) -> None:
        super().__init__(413, refusal)


class BodyLimit:
    """ASGI middleware: `limit(path)` gives the most bytes a request to `path` may send, and the
    sentence that refuses more."""

    def __init__(self, app: ASGIApp, limit: Callable[[str], tuple[int, str]]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, refusal = self.limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await StrictJSONResponse({"detail": refusal}, 413)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise TooLarge(refusal)  # the app's exception handler answers it, as a 413
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except TooLarge:
            if started:
                raise
            await StrictJSONResponse({"detail": refusal}, 413)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses such a request itself; count what comes
    return None
