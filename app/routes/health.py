"""Health and metrics: /healthz, /metrics and the configuration's schema."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST

from app.config import config_schema
from app.routes.shared import Shared, shared

router = APIRouter()
App = Annotated[Shared, Depends(shared)]


@router.get("/metrics", response_class=PlainTextResponse)
def prometheus(app: App) -> PlainTextResponse:
    """Prometheus metrics: sessions, connections (and those refused), frames, epochs, errors
    by kind. Under several workers, any worker answers for all of them."""
    return PlainTextResponse(app.metrics.render(), media_type=CONTENT_TYPE_LATEST)


@router.get("/healthz")
def healthz(app: App) -> dict[str, Any]:
    """Liveness, with the number of sessions this process holds."""
    return {
        "status": "ok",
        "sessions": len(app.store.active),
        "parked": len(app.store.parked),
        "version": app.version,
    }


@router.get("/api/config/schema")
def schema(app: App) -> dict[str, object]:
    """The configuration a client may send, as JSON schema, with this server's limits."""
    return config_schema(app.settings)
