"""The page keeps its session: dropped sockets, forgetful or restarted servers, hidden tabs,
copied links and exported models."""

import signal
from pathlib import Path

from playwright.sync_api import Browser

from benchmarks.harness import spawn
from tests.browser.pages import (
    Tab,
    canvas_pixels,
    canvas_shows,
    drop_sockets,
    frames_drawn,
    new_tab,
    rejoined,
    step_once,
    stored_epoch,
)
from tests.waiting import CEILING_S


def test_a_dropped_connection_resumes_the_session_with_nothing_lost(tab: Tab) -> None:
    routes = drop_sockets(tab.page)
    page = tab.open("#seed=0.5&networkShape=3")
    for _ in range(3):
        step_once(page)
    hash_before = page.evaluate("location.hash")
    before = canvas_pixels(page, "heatmap")
    routes[-1].close(code=1006, reason="network gone")
    rejoined(page, 1)
    assert len(routes) == 2  # a new socket, with the session's token
    assert "token=" in routes[-1].url
    canvas_shows(page, "heatmap", before)
    assert page.text_content("#epoch") == "000,003"
    assert page.evaluate("location.hash") == hash_before
    step_once(page)
    assert page.text_content("#epoch") == "000,004"
    assert tab.errors == []


def test_a_server_that_forgot_the_session_gets_it_back_from_the_pages_snapshot(tab: Tab) -> None:
    routes = drop_sockets(tab.page)
    page = tab.open("#seed=0.5&networkShape=3")
    for _ in range(3):
        step_once(page)
    stored_epoch(page, 3)
    before = canvas_pixels(page, "heatmap")
    network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
    weights = page.evaluate(network)
    # A token the server never gave: as after a restart, or on another replica.
    page.evaluate("sessionStorage.setItem('lernmi.token', 'forgotten')")
    routes[-1].close(code=1006, reason="network gone")
    rejoined(page, 1)
    assert page.evaluate(network) == weights  # the restore's answer
    canvas_shows(page, "heatmap", before)  # and its frame
    assert tab.errors == []


def test_a_hidden_tab_stops_asking_for_frames_and_asks_again_when_shown(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.click("#play")
    page.wait_for_function("window.lernmi.framesDrawn > 5")
    hide = """(hidden) => { Object.defineProperty(document, 'hidden', {value: hidden,
        configurable: true}); document.dispatchEvent(new Event('visibilitychange')); }"""
    page.evaluate(hide, True)
    # The next frame comes and is held without an ack, so the server sends no other
    # (tests/app/test_ws.py: a client that never acks gets exactly one frame).
    page.wait_for_function("window.lernmi.holding")
    drawn = frames_drawn(page)
    page.evaluate(hide, False)
    page.wait_for_function(f"window.lernmi.framesDrawn > {drawn + 5}")
    page.click("#play")


def test_drawn_points_survive_a_reload_on_a_server_that_forgot_the_session(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.click("#edit_data")
    page.click("#edit_clear")
    heatmap = page.locator("#heatmap")
    for x, y in [(50, 50), (150, 200), (250, 100)]:
        heatmap.click(position={"x": x, "y": y})
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('3 ')")
    page.wait_for_function(
        "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).points?.length === 3"
    )
    page.evaluate("sessionStorage.setItem('lernmi.token', 'forgotten')")
    page.reload()
    page.wait_for_function("window.lernmi.framesDrawn > 0")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('3 ')")
    assert "dataset=own" in page.evaluate("location.hash")
    assert tab.errors == []


def test_a_copied_link_opens_the_same_data_and_the_same_first_weights(
    browser: Browser, server: str
) -> None:
    first = new_tab(browser, server, 1280, 800)
    first.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = first.open("#dataset=spiral&networkShape=5,3&seed=0.4242&noise=10")
    for _ in range(3):
        step_once(page)
    page.click("#share_button")
    page.click("#copy_link")
    page.wait_for_function("document.querySelector('#copy_link_status').textContent === 'Copied.'")
    link = page.evaluate("navigator.clipboard.readText()")
    page.click("#share_close")
    page.click("#reset")  # the first weights again
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,000'")
    stored_epoch(page, 0)
    second = new_tab(browser, server, 1280, 800)
    other = second.page
    other.goto(link)
    # It starts on a blank session, then takes the link's settings.
    other.wait_for_function(
        "JSON.parse(sessionStorage.getItem('lernmi.snapshot'))?.network.seed === '0.4242'"
    )
    weights = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network.layers"
    assert other.evaluate(weights) == page.evaluate(weights)
    canvas_shows(other, "heatmap", canvas_pixels(page, "heatmap"))  # same points, same map
    assert first.errors == second.errors == []
    page.context.close()
    other.context.close()


def test_an_exported_model_imports_in_another_tab_bit_for_bit(
    browser: Browser, server: str
) -> None:
    first = new_tab(browser, server, 1280, 800)
    page = first.open("#seed=0.5&optimizer=adam")
    for _ in range(4):
        step_once(page)
    page.click("#share_button")
    with page.expect_download() as model:
        page.click("#export_model")
    path = model.value.path()
    with page.expect_download() as snippet:
        page.click("#export_python")
    assert "def output(x, y):" in Path(snippet.value.path()).read_text()
    with page.expect_download() as image:
        page.click("#export_png")
    assert Path(image.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.value.suggested_filename == "lernmi-output.png"
    second = new_tab(browser, server, 1280, 800)
    other = second.open("#seed=0.9")
    other.click("#share_button")
    other.set_input_files("#import_model", path)
    other.wait_for_function("document.querySelector('#epoch').textContent === '000,004'")
    stored_epoch(other, 4)
    network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
    assert other.evaluate(network) == page.evaluate(network)
    bad = Path(path).with_name("bad.json")
    bad.write_text('{"format": 1, "config": {"batch_size": 99}}')
    other.click("#share_button")
    other.set_input_files("#import_model", str(bad))
    other.wait_for_function(
        "document.querySelector('#import_errors').textContent.includes('batch')"
    )
    assert other.text_content("#epoch") == "000,004"  # nothing changed
    assert first.errors == []
    assert [e for e in second.errors if "status of 422" not in e] == []
    page.context.close()
    other.context.close()


def test_a_server_restart_loses_nothing_the_page_restores_its_network(browser: Browser) -> None:
    process, url = spawn()
    port = int(url.rsplit(":", 1)[1])
    tab = new_tab(browser, url, 1280, 800)
    try:
        page = tab.open("#seed=0.5&networkShape=3,3&optimizer=adam")
        for _ in range(3):
            step_once(page)
        stored_epoch(page, 3)
        network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
        before = page.evaluate(network)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=CEILING_S)
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('reconn')")
        process, _ = spawn(port=port)  # a new process: it has never heard of the session
        rejoined(page, 1)
        assert page.evaluate(network) == before  # weights, optimizer state: bit for bit
        step_once(page)
        assert page.text_content("#epoch") == "000,004"
        # The page logs its dropped socket; nothing else may be logged.
        assert [e for e in tab.errors if "WebSocket" not in e] == []
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=CEILING_S)
        tab.page.context.close()
