"""The ASGI app: `uvicorn app.main:app`, or `create_app(settings)` in tests. The routes live in
app/routes/, one router per concern; this module wires them, the middleware and the lifespan."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import anyio
from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from threadpoolctl import threadpool_limits

from app import ws
from app.bodylimit import BodyLimit
from app.data import previews
from app.jsontext import StrictJSONResponse
from app.limits import WindowLimit
from app.metrics import Metrics
from app.preview import PREVIEWS_PER_CONNECTION
from app.registry import registry
from app.routes import data, health, learn, pages, preview, socket
from app.routes.shared import Shared
from app.settings import Settings
from app.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
FORM_ALLOWANCE = 16 * 1024  # bytes of a CSV upload's form beyond the file: boundaries, headers


def _version() -> str:
    try:
        return version("lernmi-playground")
    except PackageNotFoundError:
        return "0.0.0"


def content_security_policy(settings: Settings) -> str:
    """No inline script, nothing from other sites; frames of this site only (the embed preview);
    who may frame these pages comes from the settings."""
    return "; ".join(
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


def body_limit(settings: Settings) -> Callable[[str], tuple[int, str]]:
    """For BodyLimit: the most bytes a request to a path may send, and the sentence that
    refuses more."""

    def limit_of(path: str) -> tuple[int, str]:
        if path == "/api/data":
            limit = settings.max_upload_bytes
            return limit + FORM_ALLOWANCE, f"the file is over the limit of {limit} bytes"
        limit = settings.max_message_bytes
        what = "the model" if path.startswith("/api/model") else "the request"
        return limit, f"{what} is over the limit of {limit} bytes"

    return limit_of


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The training threads' limiter, BLAS's thread limit and the sweep of parked sessions."""
    shared: Shared = app.state.shared
    # numpy's BLAS threads, process-wide: the engine's skinny products run best on one.
    with threadpool_limits(limits=shared.settings.blas_threads, user_api="blas"):
        app.state.limiter = anyio.CapacityLimiter(shared.settings.train_threads)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(sweep, shared)
            yield
            tasks.cancel_scope.cancel()


async def sweep(shared: Shared) -> None:
    """Forget parked sessions whose grace ran out, even when no one connects."""
    while True:
        await anyio.sleep(max(1.0, shared.settings.resume_grace_s / 4))
        shared.store.expire()
        ws.count_sessions(shared.store, shared.metrics)


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """The body limit, the security headers, and errors as JSON from the one strict writer
    (FastAPI's own would fail on a string it cannot encode)."""
    policy = content_security_policy(settings)
    app.add_middleware(BodyLimit, limit=body_limit(settings))

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


def create_app(settings: Settings | None = None) -> FastAPI:
    """The playground's app, configured by `settings` (the environment's when None)."""
    settings = settings or Settings()
    app_version = _version()
    app = FastAPI(
        title="Lernmi Playground",
        version=app_version,
        lifespan=lifespan,
        default_response_class=StrictJSONResponse,
    )
    app.state.shared = Shared(
        settings=settings,
        store=SessionStore(settings),
        version=app_version,
        metrics=Metrics(),
        addresses=WindowLimit(settings.connections_per_address, settings.connections_window_s),
        previewers=WindowLimit(
            settings.connections_per_address * PREVIEWS_PER_CONNECTION,
            settings.connections_window_s,
        ),
        previews=previews(),
        templates=Jinja2Templates(directory=ROOT / "templates"),
        registry=registry(settings),
    )
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    _add_middleware(app, settings)
    routers = (health, data, pages, socket, preview, learn)
    for router in (module.router for module in routers):
        app.include_router(router)
    return app


app = create_app()
