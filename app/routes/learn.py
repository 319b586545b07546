"""`GET /learn`: the essay, its figures from app/learn.py, its prose templates/learn.html."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from app.learn import FIGURES
from app.routes.shared import Shared, shared

router = APIRouter()
App = Annotated[Shared, Depends(shared)]


@router.get("/learn", response_class=HTMLResponse, include_in_schema=False)
def learn(request: Request, app: App) -> HTMLResponse:
    """Backpropagation as a story, in short chapters, every figure a live network."""
    base = str(request.base_url).rstrip("/")
    context = {"figures": FIGURES, "base": base}
    return app.templates.TemplateResponse(request, "learn.html", context)
