"""The page follows the server's registries: a feature and an activation added to the engine (in
this process, on a server of its own) get a button, a thumbnail, a menu entry and hash keys."""

import threading
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser

from app.main import create_app
from benchmarks.harness import free_port
from tests.browser.pages import new_tab
from tests.fakes import add_fakes
from tests.waiting import CEILING_S, eventually


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A server in this process whose engine has tests/fakes.py's feature and activation."""
    add_fakes(monkeypatch)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually(lambda: server.started, "the server started")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=CEILING_S)


def test_an_added_feature_and_activation_show_on_the_page_and_travel_in_the_hash(
    browser: Browser, fake_server: str
) -> None:
    tab = new_tab(browser, fake_server, 1280, 800)
    page = tab.open("#activation=softsign&x=false&xCubed=true")
    page.wait_for_function("document.querySelector('#activation').value === 'softsign'")
    button = page.locator('[data-feature="xCubed"]')
    assert button.text_content() == "X₁³"
    assert button.get_attribute("aria-pressed") == "true"
    assert page.locator('#activation option[value="softsign"]').text_content() == "Softsign"
    page.wait_for_function("location.hash.includes('xCubed=true')")
    assert "activation=softsign" in page.evaluate("location.hash")
    assert "&sinY=false&xCubed=true&" in page.evaluate("location.hash")  # after TF's features
    assert page.evaluate("window.lernmi.layout.inputs").count("xCubed") == 1
    assert tab.errors == []
    tab.page.context.close()
