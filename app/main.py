"""The ASGI app: `uvicorn app.main:app`, or `create_app(settings)` in tests."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import anyio
from fastapi import (
    FastAPI,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    Response,
    UploadFile,
    WebSocket,
)
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from threadpoolctl import threadpool_limits

from app import export, restore, upload, ws
from app.bodylimit import BodyLimit
from app.config import InputError, config_schema
from app.data import previews
from app.embed import oembed_response
from app.jsontext import StrictJSONResponse, loads
from app.limits import WindowLimit
from app.metrics import Metrics
from app.registry import registry
from app.settings import Settings
from app.store import SessionStore
from engine import Network

ROOT = Path(__file__).resolve().parent.parent
FORM_ALLOWANCE = 16 * 1024  # bytes of a CSV upload's form beyond the file: boundaries, headers


def _version() -> str:
    try:
        return version("lernmi-playground")
    except PackageNotFoundError:
        return "0.0.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The playground's app, configured by `settings` (the environment's when None)."""
    settings = settings or Settings()
    store = SessionStore(settings)
    app_version = _version()
    metrics = Metrics()
    addresses = WindowLimit(settings.connections_per_address, settings.connections_window_s)
    dataset_previews = previews()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # numpy's BLAS threads, process-wide: the engine's skinny products run best on one.
        with threadpool_limits(limits=settings.blas_threads, user_api="blas"):
            app.state.limiter = anyio.CapacityLimiter(settings.train_threads)
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(sweep)
                yield
                tasks.cancel_scope.cancel()

    async def sweep() -> None:
        """Forget parked sessions whose grace ran out, even when no one connects."""
        while True:
            await anyio.sleep(max(1.0, settings.resume_grace_s / 4))
            store.expire()
            ws.count_sessions(store, metrics)

    app = FastAPI(
        title="Lernmi Playground",
        version=app_version,
        lifespan=lifespan,
        default_response_class=StrictJSONResponse,
    )
    app.state.settings = settings
    app.state.store = store
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    templates = Jinja2Templates(directory=ROOT / "templates")

    # No inline script, nothing from other sites; frames of this site only (the embed preview);
    # who may frame these pages comes from the settings.
    policy = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {settings.frame_ancestors}",
        ]
    )

    def body_limit(path: str) -> tuple[int, str]:
        """The most bytes a request to `path` may send, and the sentence that refuses more."""
        if path == "/api/data":
            limit = settings.max_upload_bytes
            return limit + FORM_ALLOWANCE, f"the file is over the limit of {limit} bytes"
        limit = settings.max_message_bytes
        what = "the model" if path.startswith("/api/model") else "the request"
        return limit, f"{what} is over the limit of {limit} bytes"

    app.add_middleware(BodyLimit, limit=body_limit)

    # Errors are JSON from the one strict writer too (FastAPI's own would fail on a string it
    # cannot encode).
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return StrictJSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return StrictJSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response

    @app.get("/metrics", response_class=PlainTextResponse)
    def prometheus() -> PlainTextResponse:
        """Prometheus metrics: sessions, connections (and those refused), frames, epochs, errors
        by kind. Under several workers, any worker answers for all of them."""
        return PlainTextResponse(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Liveness, with the number of sessions this process holds."""
        return {
            "status": "ok",
            "sessions": len(store.active),
            "parked": len(store.parked),
            "version": app_version,
        }

    @app.get("/api/config/schema")
    def schema() -> dict[str, object]:
        """The configuration a client may send, as JSON schema, with this server's limits."""
        return config_schema(settings)

    async def model_of(request: Request) -> Network:
        """The network of a model file (a snapshot, as the page exports it), read whole (no
        further than max_message_bytes: BodyLimit) and checked; HTTPException 413 or 422 says
        what is wrong."""
        try:
            body = await request.body()
        except ClientDisconnect:  # gone before the body it announced: no one to answer
            raise HTTPException(400, "the client left before the end of the model") from None
        try:
            # Parsing and checking half a megabyte takes milliseconds: off the event loop.
            return await anyio.to_thread.run_sync(read_model, body)
        except InputError as error:
            raise HTTPException(422, {"field": error.field, "message": str(error)}) from None

    def read_model(body: bytes) -> Network:
        snapshot = loads(body, "the model is not JSON")
        if not isinstance(snapshot, dict):
            raise InputError(None, "the model must be a JSON object (a snapshot)")
        return restore.read_snapshot(snapshot, settings).net

    model_body = {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
            "description": "a model: the snapshot the page exports (docs/protocol.md)",
        }
    }

    @app.post("/api/model", openapi_extra=model_body, responses={413: {}, 422: {}})
    async def model(request: Request) -> dict[str, Any]:
        """Check a model file (the page's export): 200 with what it holds, or 422 naming the
        first bad field. The page then sends it in a `restore` message."""
        net = await model_of(request)
        return {"ok": True, "epoch": net.epoch, "layer_sizes": list(net.layer_sizes)}

    @app.post(
        "/api/model/python",
        openapi_extra=model_body,
        response_class=PlainTextResponse,
        responses={413: {}, 422: {}},
    )
    async def model_python(request: Request) -> PlainTextResponse:
        """The model as a short Python/numpy snippet that computes its output at a point."""
        snippet = export.python_snippet(await model_of(request))
        disposition = 'attachment; filename="lernmi_model.py"'
        return PlainTextResponse(
            snippet, media_type="text/x-python", headers={"Content-Disposition": disposition}
        )

    @app.get("/api/datasets")
    def datasets(response: Response) -> list[dict[str, Any]]:
        """Every dataset with a small noiseless sample per class count: the page's thumbnails."""
        response.headers["Cache-Control"] = "public, max-age=3600"
        return dataset_previews

    @app.post(
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
        problem: Annotated[Literal["classification", "regression"], Form()] = "classification",
    ) -> dict[str, Any] | StrictJSONResponse:
        """Check and read a CSV of points, whole. The points come back as [x, y, label] rows
        (two classes as ±1) with their class count, and `train` (which train, from a set column
        of train or test; null without one): send them over the socket in a `set_points`
        message (a session lives in one server process, and this request may reach another)."""
        content = await file.read(settings.max_upload_bytes + 1)
        if len(content) > settings.max_upload_bytes:
            limit = settings.max_upload_bytes
            reason = f"the file is over the limit of {limit} bytes"
            return StrictJSONResponse(
                {"detail": reason, "errors": [{"line": None, "reason": reason}]}, status_code=413
            )
        try:
            points = await anyio.to_thread.run_sync(
                upload.parse, content, problem, settings.max_points
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

    page_registry = registry(settings)

    def page(request: Request, embed: bool) -> HTMLResponse:
        base = str(request.base_url).rstrip("/")
        discovery = f"{base}/oembed?" + urlencode({"url": str(request.url), "format": "json"})
        context = {
            "embed": embed,
            "oembed": discovery,
            "full": f"{base}/",
            "registry": page_registry,
        }
        return templates.TemplateResponse(request, "index.html", context)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        return page(request, embed=False)

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    def embed(request: Request) -> HTMLResponse:
        """The compact playground for an iframe: network, output, play, step and reset."""
        return page(request, embed=True)

    @app.get("/oembed", responses={404: {"description": "not a page of this site"}})
    def oembed(
        request: Request,
        url: Annotated[str, Query(max_length=4096, description="a page of this playground")],
        maxwidth: Annotated[int | None, Query(ge=200, le=4000)] = None,
        maxheight: Annotated[int | None, Query(ge=150, le=4000)] = None,
        format: Annotated[str, Query(description="json; xml is not offered")] = "json",
    ) -> dict[str, Any]:
        """oEmbed (https://oembed.com): the iframe that embeds a link to this playground, as a
        `rich` response; a blog engine that speaks oEmbed embeds a pasted link by itself."""
        if format != "json":
            raise HTTPException(501, f"format {format!r} is not offered: use json")
        return oembed_response(str(request.base_url), url, maxwidth, maxheight)

    @app.websocket("/ws")
    async def websocket(websocket: WebSocket) -> None:
        services = ws.Services(store, websocket.app.state.limiter, app_version, metrics, addresses)
        await ws.serve(websocket, services)

    return app


app = create_app()
