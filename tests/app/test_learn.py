"""GET /learn: the essay's page, its figures and their snippets."""

import html
import re

from fastapi.testclient import TestClient

from app.learn import FIGURES, only
from app.main import create_app


def _page() -> str:
    with TestClient(create_app()) as client:
        response = client.get("/learn")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return response.text


def test_the_essay_has_seven_chapters_and_every_figure_once():
    page = _page()
    assert re.findall(r'<h2 id="(\w+)">(\d)\.', page) == [
        ("neuron", "1"),
        ("function", "2"),
        ("nudge", "3"),
        ("sensitivity", "4"),
        ("fault", "5"),
        ("memorizing", "6"),
        ("beyond", "7"),
    ]
    for figure in FIGURES.values():
        assert page.count(f'<figure class="figure" id="figure-{figure.name}"') == 1
        assert f'title="{html.escape(figure.title)}"' in page  # every iframe says what it is
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_each_snippet_is_an_iframe_of_the_embed_with_the_figures_hash():
    page = _page()
    snippets = [html.unescape(s) for s in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page)]
    assert len(snippets) == len(FIGURES)
    for snippet, figure in zip(snippets, FIGURES.values(), strict=True):
        src = re.search(r'src="([^"]+)"', snippet)
        assert src is not None
        assert html.unescape(src.group(1)) == f"http://testserver/embed#{figure.hash}"
        assert 'loading="lazy"' in snippet


def test_only_turns_its_features_on_and_hides_every_other():
    assert only("x", "sinY") == (
        "&x=true&y_hide=true&xSquared_hide=true&ySquared_hide=true&xTimesY_hide=true"
        "&sinX_hide=true&sinY=true&cosX_hide=true&cosY_hide=true"
    )


def test_the_playground_links_to_the_essay_and_the_embed_does_not():
    with TestClient(create_app()) as client:
        assert 'href="/learn"' in client.get("/").text
        assert 'href="/learn"' not in client.get("/embed").text
