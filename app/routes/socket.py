"""The WebSocket, /ws: one connection per client onto its session (app/ws.py runs it)."""

from fastapi import APIRouter, WebSocket

from app import ws
from app.routes.shared import shared

router = APIRouter()


@router.websocket("/ws")
async def websocket(websocket: WebSocket) -> None:
    app = shared(websocket)
    limiter = websocket.app.state.limiter  # made by the lifespan, inside its BLAS limits
    await ws.serve(
        websocket, ws.Services(app.store, limiter, app.version, app.metrics, app.addresses)
    )
