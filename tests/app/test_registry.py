"""Tests for app.registry: the one list of features and activations the page is built from."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.registry import registry
from app.settings import Settings
from tests.app.test_ws import connected
from tests.fakes import add_fakes

FIXTURE = Path(__file__).parents[1] / "js" / "fixtures" / "registry.json"


def _page_registry(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="registry">(.*?)</script>', html, re.S)
    assert found is not None
    loaded: dict[str, Any] = json.loads(found.group(1))
    return loaded


def test_the_node_tests_fixture_is_the_registry_the_server_sends():
    # Regenerate: python -c "…json.dumps(registry(Settings()), indent=1, ensure_ascii=False)"
    assert json.loads(FIXTURE.read_text(encoding="utf-8")) == registry(Settings())


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_the_page_and_the_embed_carry_the_registry(path):
    with TestClient(create_app()) as client:
        html = client.get(path).text
    assert _page_registry(html) == registry(Settings())


def test_a_feature_and_an_activation_added_to_the_engine_reach_the_page_and_its_menu(monkeypatch):
    add_fakes(monkeypatch)
    with TestClient(create_app()) as client:
        html = client.get("/").text
    sent = _page_registry(html)
    assert {
        "name": "xCubed",
        "label": "X₁³",
        "formula": "x * x * x",
        "thumbnail": [-216, 216],
    } in sent["features"]
    assert sent["hash_features"][-1] == "xCubed"
    assert '<option value="softsign">Softsign</option>' in html


def test_a_session_trains_with_an_added_activation_and_feature(monkeypatch):
    add_fakes(monkeypatch)
    with connected() as (c, _):
        c.send(type="config", changes={"activation": "softsign", "features": ["xCubed"]})
        state = c.until("state")
        c.ack()  # the first frame: the server sends the next one once it is acked
        c.send(type="step")
        frame = c.until("frame")
    assert state["config"]["activation"] == "softsign"
    assert state["network"]["inputs"] == ["xCubed"]
    assert frame["epoch"] == 1


def test_an_unknown_activation_is_refused_naming_the_allowed_ones():
    with connected() as (c, _):
        c.send(type="config", changes={"activation": "swish"})
        error = c.until("error")
    assert error["field"] == "changes.activation"
    assert error["message"] == (
        "changes.activation: Input should be 'relu', 'tanh', 'sigmoid' or 'linear'"
    )


@pytest.mark.parametrize("field", ["perc_train", "noise", "batch_size"])
def test_the_pages_sliders_span_the_configs_range_from_its_default(field):
    with TestClient(create_app()) as client:
        html = client.get("/").text
    spec = registry(Settings())["fields"][field]
    slider = re.search(
        rf'<input id="{field}" type="range" min="(\d+)" max="(\d+)" step="\d+" value="(\d+)">', html
    )
    assert slider is not None
    assert [int(v) for v in slider.groups()] == [spec["minimum"], spec["maximum"], spec["default"]]
