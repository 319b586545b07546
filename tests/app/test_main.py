from fastapi.testclient import TestClient

from app.main import create_app


def test_healthz_answers_ok():
    with TestClient(create_app()) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["sessions"] == 0
    assert body["version"]


def test_index_serves_the_page_and_its_stylesheet():
    with TestClient(create_app()) as client:
        page = client.get("/")
        css = client.get("/static/site.css")
    assert page.status_code == 200
    assert "<title>Lernmi Playground</title>" in page.text
    assert css.status_code == 200
    assert "font-family" in css.text
