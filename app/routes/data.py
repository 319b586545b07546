"""Data in and out over HTTP: the datasets' thumbnails, a CSV upload, and a model file checked
or exported as Python."""

from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.responses import PlainTextResponse

from app import export, restore, upload
from app.config import InputError
from app.jsontext import StrictJSONResponse, loads
from app.routes.shared import Shared, body_of, json_body, shared
from app.settings import Settings
from engine import Network

router = APIRouter()
App = Annotated[Shared, Depends(shared)]
MODEL_BODY = json_body("a model: the snapshot the page exports (docs/protocol.md)")


async def _model_of(request: Request, settings: Settings) -> Network:
    """The network of a model file (a snapshot, as the page exports it), read whole (no
    further than max_message_bytes: BodyLimit) and checked; HTTPException 413 or 422 says
    what is wrong."""
    body = await body_of(request, "model")
    try:
        # Parsing and checking half a megabyte takes milliseconds: off the event loop.
        return await anyio.to_thread.run_sync(_read_model, body, settings)
    except InputError as error:
        raise HTTPException(422, {"field": error.field, "message": str(error)}) from None


def _read_model(body: bytes, settings: Settings) -> Network:
    snapshot = loads(body, "the model is not JSON")
    if not isinstance(snapshot, dict):
        raise InputError(None, "the model must be a JSON object (a snapshot)")
    return restore.read_snapshot(snapshot, settings).net


@router.post("/api/model", openapi_extra=MODEL_BODY, responses={413: {}, 422: {}})
async def model(request: Request, app: App) -> dict[str, Any]:
    """Check a model file (the page's export): 200 with what it holds, or 422 naming the
    first bad field. The page then sends it in a `restore` message."""
    net = await _model_of(request, app.settings)
    return {"ok": True, "epoch": net.epoch, "layer_sizes": list(net.layer_sizes)}


@router.post(
    "/api/model/python",
    openapi_extra=MODEL_BODY,
    response_class=PlainTextResponse,
    responses={413: {}, 422: {}},
)
async def model_python(request: Request, app: App) -> PlainTextResponse:
    """The model as a short Python/numpy snippet that computes its output at a point."""
    snippet = export.python_snippet(await _model_of(request, app.settings))
    disposition = 'attachment; filename="lernmi_model.py"'
    return PlainTextResponse(
        snippet, media_type="text/x-python", headers={"Content-Disposition": disposition}
    )


@router.get("/api/datasets")
def datasets(response: Response, app: App) -> list[dict[str, Any]]:
    """Every dataset with a small noiseless sample per class count: the page's thumbnails."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    return app.previews


@router.post(
    "/api/data",
    response_model=None,
    responses={
        413: {"description": "the file is over the size limit"},
        422: {"description": "the file's problems: every bad row, with its line number"},
    },
)
async def data(
    file: Annotated[
        UploadFile, File(description="CSV: x, y, label and optionally set; a header optional")
    ],
    app: App,
    problem: Annotated[Literal["classification", "regression"], Form()] = "classification",
) -> dict[str, Any] | StrictJSONResponse:
    """Check and read a CSV of points, whole. The points come back as [x, y, label] rows
    (two classes as ±1) with their class count, and `train` (which train, from a set column
    of train or test; null without one): send them over the socket in a `set_points`
    message (a session lives in one server process, and this request may reach another)."""
    limit = app.settings.max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        reason = f"the file is over the limit of {limit} bytes"
        return StrictJSONResponse(
            {"detail": reason, "errors": [{"line": None, "reason": reason}]}, status_code=413
        )
    try:
        points = await anyio.to_thread.run_sync(
            upload.parse, content, problem, app.settings.max_points
        )
    except upload.CsvError as error:
        detail = f"{len(error.errors)} problem(s); nothing was read"
        return StrictJSONResponse({"detail": detail, "errors": error.errors}, status_code=422)
    return {
        "problem": problem,
        "n_classes": points.n_classes,
        "points": points.rows,
        "train": points.train,
    }
