"""/learn in the browser: the essay loads cleanly, each figure starts as its text says and trains
when played, its embeds cost nothing until then, and each snippet opens the same network."""

import http.server
import threading
from collections.abc import Iterator
from urllib.parse import quote, unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Frame, Page

from app.learn import FIGURES
from tests.browser.pages import Tab, new_tab, screenshot

EPOCH = "Number(document.querySelector('#epoch').textContent.replace(/,/g, ''))"


class _Post(http.server.BaseHTTPRequestHandler):
    """A blank page on another origin: /post?<html> serves that html as the page's body."""

    def do_GET(self) -> None:
        body = f"<!doctype html><title>A post</title>{unquote(urlsplit(self.path).query)}"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def blog() -> Iterator[str]:
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Post)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{site.server_address[1]}"
    site.shutdown()
    site.server_close()


def _open(tab: Tab) -> Page:
    tab.page.goto(f"{tab.base}/learn")
    tab.page.wait_for_selector("h1")
    return tab.page


def _figure(page: Page, name: str) -> Frame:
    """The figure's embed, scrolled into view and drawn from its preview."""
    page.locator(f"#figure-{name}").scroll_into_view_if_needed()
    handle = page.locator(f"#figure-{name} iframe").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None, name
    frame.wait_for_function("window.lernmi && window.lernmi.framesDrawn > 0")
    return frame


def test_the_essay_loads_without_errors_and_its_embeds_open_no_socket_until_played(tab: Tab):
    sockets: list[str] = []
    tab.page.on("websocket", lambda socket: sockets.append(socket.url))
    page = _open(tab)
    for name in FIGURES:
        frame = _figure(page, name)
        assert frame.inner_text("#status") == "ready", name
    assert sockets == []
    assert page.locator("main h2").count() == 7
    assert tab.errors == []


@pytest.mark.parametrize("name", list(FIGURES))
def test_each_figure_starts_as_its_text_says_and_trains_when_played(tab: Tab, name: str):
    sockets: list[str] = []
    tab.page.on("websocket", lambda socket: sockets.append(socket.url))
    page = _open(tab)
    frame = _figure(page, name)
    described = frame.get_attribute("#net", "aria-label") or ""
    assert FIGURES[name].describes in described
    assert frame.evaluate(EPOCH) == 0
    frame.click("#play")
    frame.wait_for_function(f"{EPOCH} > 2")
    frame.click("#play")
    assert len(sockets) == 1  # the figure played, and no other opened a socket
    assert tab.errors == []


@pytest.mark.parametrize("name", ["one-neuron", "too-small", "explain", "memorizing"])
def test_each_snippet_opens_the_same_network_in_a_blank_page(
    browser: Browser, server: str, blog: str, tab: Tab, name: str
):
    page = _open(tab)
    learned = _figure(page, name).evaluate("location.hash")
    page.click(f"#figure-{name} summary")
    snippet = page.input_value(f"#figure-{name} .snippet")
    blank = new_tab(browser, server, 900, 700)
    blank.page.goto(f"{blog}/post?{quote(snippet)}")
    frame = blank.page.frames[1]
    frame.wait_for_function("window.lernmi && window.lernmi.framesDrawn > 0")
    assert frame.evaluate("location.hash") == learned  # the seed included: the same network
    blank.page.context.close()
    assert blank.errors == []


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_the_essay_reads_on_a_desktop_and_a_phone_with_a_screen_reader(
    browser: Browser, server: str, width: int, height: int
):
    tab = new_tab(browser, server, width, height)
    page = _open(tab)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
    screenshot(page, f"learn-{width}x{height}")
    page.context.close()
