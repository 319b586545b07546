"""The page, its compact embed and the oEmbed answer that lets a blog embed it."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from app.embed import oembed_response
from app.routes.shared import Shared, shared

router = APIRouter()
App = Annotated[Shared, Depends(shared)]


def _page(request: Request, app: Shared, embed: bool) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    discovery = f"{base}/oembed?" + urlencode({"url": str(request.url), "format": "json"})
    context = {"embed": embed, "oembed": discovery, "full": f"{base}/", "registry": app.registry}
    return app.templates.TemplateResponse(request, "index.html", context)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request, app: App) -> HTMLResponse:
    return _page(request, app, embed=False)


@router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
def embed(request: Request, app: App) -> HTMLResponse:
    """The compact playground for an iframe: network, output, play, step and reset."""
    return _page(request, app, embed=True)


@router.get("/oembed", responses={404: {"description": "not a page of this site"}})
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
