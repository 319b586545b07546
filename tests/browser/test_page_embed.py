"""The page under its Content-Security-Policy, and embedded in another site."""

import http.server
import threading

from playwright.sync_api import Browser

from tests.browser.pages import (
    Tab,
    new_tab,
    screenshot,
)


def test_the_page_and_the_embed_play_under_the_content_security_policy(
    browser: Browser, server: str
) -> None:
    tab = new_tab(browser, server, 700, 450, csp=True)
    page = tab.page
    for path in ["/", "/embed"]:
        page.goto(f"{server}{path}#seed=0.5")
        page.wait_for_function("() => window.lernmi.framesDrawn > 0")
        assert page.evaluate("() => window.lernmi.mapsIn") == "worker"  # the policy lets it run
        page.click("#play")
        page.wait_for_function(
            "() => Number(document.querySelector('#epoch').textContent.replace(',', '')) > 5"
        )
        page.click("#play")
    assert tab.errors == []  # a violation of the policy is logged as an error
    page.context.close()


class _Blog(http.server.BaseHTTPRequestHandler):
    """A blog on another origin, whose post embeds the playground in an iframe."""

    embed = ""

    def do_GET(self) -> None:
        body = f"<!doctype html><title>A post</title><p>My network:</p>{self.embed}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_a_post_on_another_site_embeds_the_playground_and_it_trains(tab: Tab) -> None:
    page = tab.open("#seed=0.5&dataset=xor")
    page.click("#share_button")
    page.check("#embed_hide input[value=stepButton]")
    page.wait_for_function(
        "document.querySelector('#embed_code').value.includes('stepButton_hide')"
    )
    code = page.input_value("#embed_code")
    assert code.startswith(f'<iframe src="{tab.base}/embed#')
    page.wait_for_function("document.querySelector('#embed_preview').src.includes('/embed#')")
    _Blog.embed = code
    blog = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Blog)
    threading.Thread(target=blog.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{blog.server_address[1]}/post")
        frame = page.frame_locator("iframe")
        frame.locator("#play").click()
        embedded = page.frames[1]
        embedded.wait_for_function(
            "Number(document.querySelector('#epoch').textContent.replace(',', '')) > 20"
        )
        assert frame.locator("#step").is_hidden()  # stepButton_hide=true
        assert frame.locator("#learning_rate").is_hidden()  # the compact playground
        assert "dataset=xor" in (frame.locator("#full_link").get_attribute("href") or "")
        screenshot(page, "blog")
    finally:
        blog.shutdown()
        blog.server_close()
    assert tab.errors == []
