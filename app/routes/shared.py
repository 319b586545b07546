"""What the routes of one app share, kept on `app.state.shared` (per app, never module-level)."""

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from fastapi.templating import Jinja2Templates
from starlette.requests import ClientDisconnect, HTTPConnection, Request

from app.limits import WindowLimit
from app.metrics import Metrics
from app.settings import Settings
from app.store import SessionStore


@dataclass
class Shared:
    """One app's settings, sessions, metrics and limits, made once by `create_app`."""

    settings: Settings
    store: SessionStore
    version: str
    metrics: Metrics
    addresses: WindowLimit  # new WebSocket connections per client address
    previewers: WindowLimit  # previews per client address (app/routes/preview.py)
    previews: list[dict[str, Any]]  # the datasets' thumbnails, computed once
    templates: Jinja2Templates
    registry: dict[str, Any]  # what the page is built from (app/registry.py), made once


def shared(connection: HTTPConnection) -> Shared:
    """The app's Shared, for a request or a WebSocket (a FastAPI dependency)."""
    found: Shared = connection.app.state.shared
    return found


def json_body(description: str) -> dict[str, Any]:
    """The OpenAPI `openapi_extra` of a route that reads a JSON object from its body itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
            "description": description,
        }
    }


async def body_of(request: Request, what: str) -> bytes:
    """The request's body, read whole (no further than BodyLimit allows); 400 if the client
    leaves before the end of `what`."""
    try:
        return await request.body()
    except ClientDisconnect:  # gone before the body it announced: no one to answer
        raise HTTPException(400, f"the client left before the end of the {what}") from None
