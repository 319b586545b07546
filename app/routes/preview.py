"""`POST /api/preview`: an unplayed embed's first picture (app/preview.py), limited per address."""

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, HTTPException, Request

from app.config import InputError
from app.preview import preview
from app.routes.shared import Shared, body_of, json_body, shared

router = APIRouter()
App = Annotated[Shared, Depends(shared)]
LINK_BODY = json_body('a link message: {"type": "link", "changes": {…}}')


@router.post(
    "/api/preview", openapi_extra=LINK_BODY, responses={400: {}, 413: {}, 422: {}, 429: {}}
)
async def preview_route(request: Request, app: App) -> dict[str, Any]:
    """The state and the first frame of a link, for an embed that has not been played: the
    same JSON `state` and binary frame (base64) the socket would send, and the fields the link
    could not apply. Nothing is kept."""
    address = request.client.host if request.client else "unknown"
    if not app.previewers.allow(address):
        limit, window = app.previewers.limit, app.settings.connections_window_s
        raise HTTPException(429, f"too many previews: at most {limit} in {window:g} s")
    body = (await body_of(request, "request")).decode("utf-8", "replace")
    try:
        return await anyio.to_thread.run_sync(preview, app.settings, body)
    except InputError as error:
        raise HTTPException(422, {"field": error.field, "message": str(error)}) from None
