"""POST /api/preview: an embed's first picture, from its link, without a session."""

import base64

import numpy as np
from fastapi.testclient import TestClient

from app import frames
from app.main import create_app
from app.preview import PREVIEWS_PER_CONNECTION
from app.settings import Settings

LINK = {"type": "link", "changes": {"dataset": "spiral", "network_shape": [5, 3], "seed": "0.42"}}


def test_a_preview_is_the_state_and_first_frame_the_link_would_give_a_session():
    with TestClient(create_app()) as client:
        response = client.post("/api/preview", json=LINK)
        health = client.get("/healthz").json()
    assert response.status_code == 200
    body = response.json()
    state = body["state"]
    assert state["config"]["dataset"] == "spiral"
    assert state["config"]["network_shape"] == [5, 3]
    assert state["epoch"] == 0
    assert body["ignored"] == []
    header, arrays = frames.decode(base64.b64decode(body["frame"]))
    assert header["state_id"] == state["state_id"]
    values = np.array(state["network"]["values"])
    assert np.allclose(arrays["params"], values, atol=1e-6)
    assert health["sessions"] == 0  # nothing is kept


def test_a_preview_reports_what_the_link_could_not_apply():
    link = {"type": "link", "changes": {"activation": "softmax", "noise": 20}}
    with TestClient(create_app()) as client:
        body = client.post("/api/preview", json=link).json()
    assert body["state"]["config"]["noise"] == 20
    assert [item["field"] for item in body["ignored"]] == ["activation"]


def test_a_preview_of_anything_but_a_link_is_refused_naming_the_field():
    with TestClient(create_app()) as client:
        play = client.post("/api/preview", json={"type": "play"})
        junk = client.post("/api/preview", content=b"{nope")
        shape = client.post("/api/preview", json={"type": "link", "changes": {"noise": "x"}})
    assert play.status_code == 422
    assert play.json()["detail"]["field"] == "type"
    assert junk.status_code == 422
    assert shape.status_code == 200  # a link skips what it cannot apply, and says so
    assert shape.json()["ignored"][0]["field"] == "noise"


def test_previews_from_one_address_are_limited_to_a_page_of_figures_per_connection():
    settings = Settings(connections_per_address=1)
    with TestClient(create_app(settings)) as client:
        codes = [client.post("/api/preview", json=LINK).status_code for _ in range(13)]
    assert codes == [200] * PREVIEWS_PER_CONNECTION + [429]
