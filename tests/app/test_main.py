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


def test_datasets_lists_every_dataset_with_a_sample_per_class_count():
    with TestClient(create_app()) as client:
        response = client.get("/api/datasets")
    assert response.status_code == 200
    by_name = {d["name"]: d for d in response.json()}
    assert {"circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss", "blobs"} <= set(by_name)
    spiral = by_name["spiral"]
    assert spiral["problem"] == "classification"
    assert sorted(spiral["samples"]) == ["2", "3", "4", "5"]
    rows = spiral["samples"]["4"]
    assert all(len(row) == 3 and -6 <= row[0] <= 6 and -6 <= row[1] <= 6 for row in rows)
    assert {row[2] for row in rows} == {0, 1, 2, 3}
    assert {row[2] for row in by_name["circle"]["samples"]["2"]} == {-1, 1}
    assert by_name["reg-plane"]["problem"] == "regression"
