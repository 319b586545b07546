"""The page in headless Chromium (Debian's, driven by playwright) against a real server."""

import base64
import http.server
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from benchmarks.harness import spawn
from tests.browser.pages import TF_LINK, Tab, new_tab
from tests.waiting import CEILING_S

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"  # ignored by git: look at them after a run


# A canvas's pixels leave the page as base64: a JSON array of 750,000 numbers takes seconds.
_PIXELS_JS = """(id) => { const c = document.getElementById(id);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let text = ''; for (let i = 0; i < data.length; i += 8192)
      text += String.fromCharCode(...data.subarray(i, i + 8192));
    return btoa(text); }"""


def _pixels(page: Page, canvas: str) -> bytes:
    """Every pixel of a canvas, flat: r, g, b, a, r, …"""
    return base64.b64decode(page.evaluate(_PIXELS_JS, canvas))


def _changed(page: Page, canvas: str, before: bytes) -> None:
    """Wait until a canvas's pixels differ from `before`."""
    page.wait_for_function(
        f"([id, before]) => ({_PIXELS_JS})(id) !== before",
        arg=[canvas, base64.b64encode(before).decode()],
    )


# Two tabs drawing the same maps can round a smoothed pixel apart by one: "the same picture"
# allows that much per channel, far below what another network or other points change.
_SAME_JS = f"""([id, expected, slack]) => {{ const now = atob(({_PIXELS_JS})(id));
    const want = atob(expected);
    if (now.length !== want.length) return false;
    for (let i = 0; i < now.length; i++)
      if (Math.abs(now.charCodeAt(i) - want.charCodeAt(i)) > slack) return false;
    return true; }}"""


def _shows(page: Page, canvas: str, expected: bytes, slack: int = 2) -> None:
    """Wait until a canvas shows `expected`, each channel of each pixel within `slack` (it
    fails at the ceiling if it never does)."""
    page.wait_for_function(_SAME_JS, arg=[canvas, base64.b64encode(expected).decode(), slack])


def _rejoined(page: Page, welcomes: int) -> None:
    """Wait until the page has joined a session again after `welcomes`, any restore of its
    snapshot has its answer, and the picture is drawn from that session's current state."""
    page.wait_for_function(
        f"window.lernmi.welcomes > {welcomes} && !window.lernmi.restoring"
        " && window.lernmi.current && document.querySelector('#status').textContent === 'live'"
    )


def _stored_epoch(page: Page, epoch: int) -> None:
    """Wait until the page has stored the session's snapshot at `epoch`."""
    page.wait_for_function(
        f"JSON.parse(sessionStorage.getItem('lernmi.snapshot'))?.network.epoch === {epoch}"
    )


def _drawn(page: Page) -> int:
    """How many frames the page has drawn."""
    drawn: int = page.evaluate("window.lernmi.framesDrawn")
    return drawn


def _step(page: Page) -> None:
    """One epoch, and wait for its frame."""
    epoch = int((page.text_content("#epoch") or "0").replace(",", ""))
    page.click("#step")
    page.wait_for_function(
        f"Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > {epoch}"
    )


OKABE_ITO = [(0xE6, 0x9F, 0x00), (0x00, 0x72, 0xB2), (0x00, 0x9E, 0x73), (0xCC, 0x79, 0xA7)]


def _class_of(rgb: bytes) -> int | None:
    """The class whose colour, faded towards white, gives this pixel (within 6 per channel)."""
    for k, colour in enumerate(OKABE_ITO):
        towards = [255 - c for c in colour]
        away = [255 - c for c in rgb]
        weight = sum(a * t for a, t in zip(away, towards, strict=True)) / sum(
            t * t for t in towards
        )
        if all(abs(255 - t * weight - c) <= 6 for t, c in zip(towards, rgb, strict=True)):
            return k
    return None


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_the_page_loads_without_console_errors(tab: Tab) -> None:
    page = tab.open()
    assert page.text_content("#status") == "live"
    assert tab.errors == []
    _shot(page, "loaded")


def test_play_raises_the_epoch_and_the_circles_test_loss_falls_below_0_1(tab: Tab) -> None:
    page = tab.open("#seed=0.5&dataset=circle")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test_loss').textContent) < 0.1")
    epoch = int((page.text_content("#epoch") or "0").replace(",", ""))
    assert epoch > 0
    page.click("#play")  # pause
    _shot(page, "trained")


def test_the_output_map_holds_both_colour_families(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test_loss').textContent) < 0.1")
    pixels = _pixels(page, "heatmap")
    quads = [pixels[i : i + 4] for i in range(0, len(pixels), 4)]
    orange = sum(1 for r, g, b, _ in quads if r > 200 and b < 120)
    blue = sum(1 for r, g, b, _ in quads if b > 150 and r < 100)
    assert orange > 1000
    assert blue > 1000


def test_the_layer_slider_changes_the_network_and_the_hash(tab: Tab) -> None:
    page = tab.open()
    page.fill("#layers", "4")
    page.dispatch_event("#layers", "change")
    page.wait_for_function("location.hash.includes('networkShape=4,2,2,2')")
    assert page.locator("#neurons input").count() == 4


def test_tf_playgrounds_link_opens_with_its_settings(tab: Tab) -> None:
    page = tab.open(TF_LINK.replace("learningRate=0.03", "learningRate=0.1"))
    page.wait_for_function("document.querySelector('#learning_rate').value === '0.1'")
    assert page.input_value("#activation") == "tanh"
    assert page.input_value("#layers") == "2"
    assert "seed=0.59704" in page.evaluate("location.hash")


def test_a_short_link_sets_spiral_three_layers_of_8_and_x_squared(tab: Tab) -> None:
    page = tab.open("#networkShape=8,8,8&dataset=spiral&xSquared=true")
    page.wait_for_function("document.querySelectorAll('#neurons input').length === 3")
    pressed = page.locator("#features [aria-pressed=true]")
    names = [pressed.nth(i).get_attribute("data-feature") for i in range(pressed.count())]
    assert names == ["x", "y", "xSquared"]
    assert pressed.all_text_contents() == ["X₁", "X₂", "X₁²"]
    assert page.locator("#datasets [aria-checked=true]").text_content() == "spiral"
    assert [page.locator("#neurons input").nth(i).input_value() for i in range(3)] == ["8"] * 3
    _shot(page, "spiral")


def test_the_sensitivity_view_redraws_the_links(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    _step(page)
    before = _pixels(page, "net")
    page.keyboard.press("s")
    page.wait_for_function("document.querySelector('#sensitivity').checked")
    _changed(page, "net", before)
    _shot(page, "sensitivity")


def test_a_phone_viewport_has_no_horizontal_scroll(browser: Browser, server: str) -> None:
    tab = new_tab(browser, server, 390, 844)
    page = tab.open()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.errors == []
    _shot(page, "phone")
    page.context.close()


def test_the_loss_chart_reads_out_the_epoch_under_the_pointer(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    for _ in range(3):
        _step(page)
    chart = page.locator("#chart").bounding_box()
    assert chart is not None
    page.hover("#chart", position={"x": chart["width"] - 3, "y": chart["height"] / 2})
    page.wait_for_function("document.querySelector('#readout').textContent.startsWith('Epoch 3:')")
    assert "test loss 0." in (page.text_content("#readout") or "")


def test_tf_hide_keys_hide_those_controls(tab: Tab) -> None:
    page = tab.open("#playButton_hide=true&noise_hide=true&sinX_hide=true")
    assert page.is_hidden("#play")
    assert page.is_hidden("#noise")
    assert page.is_visible("#step")
    assert page.locator("#features [data-feature=sinX]").count() == 0
    assert page.locator("#features [data-feature=sinY]").count() == 1


def test_clicking_a_link_edits_its_weight_and_the_output_map_changes(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    _step(page)
    before = _pixels(page, "heatmap")
    # The middle of the link from the last hidden layer's first neuron to the output.
    box = page.locator("#net").bounding_box()
    assert box is not None
    x, y = page.evaluate("window.lernmi.placeOf('2:0-3:0')")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("!document.getElementById('card').hidden")
    assert "Weight" in (page.text_content("#card_text") or "")
    _shot(page, "editing")
    page.fill("#card_input", "4")
    page.press("#card_input", "Enter")
    _changed(page, "heatmap", before)
    assert tab.errors == []


def test_plus_and_minus_change_a_layers_neurons(tab: Tab) -> None:
    page = tab.open()
    page.click("[aria-label='Add a neuron in hidden layer 1']")
    page.wait_for_function("location.hash.includes('networkShape=5,2')")
    page.click("[aria-label='Remove a neuron in hidden layer 2']")
    page.wait_for_function("location.hash.includes('networkShape=5,1')")
    _shot(page, "neurons")


def test_hovering_a_hidden_neuron_shows_its_map_in_the_big_view(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    before = _pixels(page, "heatmap")
    box = page.locator("#net").bounding_box()
    assert box is not None
    # The first hidden layer's first neuron: the second column's top box.
    layout = page.evaluate("window.lernmi.layout")
    half = layout["box"] / 2
    page.mouse.move(box["x"] + layout["xs"][1] + half, box["y"] + layout["tops"][1][0] + half)
    _changed(page, "heatmap", before)
    assert "Bias 1:0" in (page.text_content("#card_text") or "")


def test_three_class_blobs_are_drawn_in_three_class_colours(tab: Tab) -> None:
    page = tab.open("#dataset=blobs&nClasses=3&loss=cross_entropy&seed=0.5")
    page.wait_for_function("location.hash.includes('nClasses=3')")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test_loss').textContent) < 0.2")
    page.click("#play")
    pixels = _pixels(page, "heatmap")
    width = page.evaluate("document.getElementById('heatmap').width")
    corners = [(4, 4), (width - 5, 4), (4, width - 5), (width - 5, width - 5)]  # no data there
    classes = {_class_of(pixels[(y * width + x) * 4 : (y * width + x) * 4 + 3]) for x, y in corners}
    assert None not in classes  # each corner is one class's colour, faded by doubt
    assert len(classes) >= 2
    _shot(page, "blobs")


def test_a_legend_explains_the_colours_of_both_views(tab: Tab) -> None:
    page = tab.open()
    text = page.text_content("#legend_text") or ""
    assert "Orange is −1" in text
    assert "sensitivity view" in text


def test_dataset_thumbnails_pick_the_dataset_and_the_class_count(tab: Tab) -> None:
    page = tab.open()
    page.wait_for_function("document.querySelectorAll('#datasets canvas').length === 7")
    page.evaluate("document.querySelector('#datasets canvas').id = 'first_thumbnail'")
    thumb = _pixels(page, "first_thumbnail")
    quads = [thumb[i : i + 4] for i in range(0, len(thumb), 4)]
    assert sum(1 for r, g, b, _ in quads if r > 200 and b < 120) > 50  # orange points
    assert sum(1 for r, g, b, _ in quads if b > 150 and r < 100) > 50  # blue points
    assert page.is_hidden("#n_classes")
    page.click("#datasets button:has-text('blobs')")
    page.wait_for_function("location.hash.includes('dataset=blobs')")
    page.wait_for_selector("#n_classes", state="visible")
    page.select_option("#n_classes", "4")
    page.wait_for_function("location.hash.includes('nClasses=4')")
    assert page.input_value("#loss") == "cross_entropy"  # several classes: softmax and CE
    assert page.locator("#heatmap").is_visible()
    # Circle has two classes: the switch takes the class count back to 2 by itself.
    page.click("#datasets button:has-text('circle')")
    page.wait_for_function("location.hash.includes('dataset=circle')")
    assert "nClasses=4" not in page.evaluate("location.hash")
    assert page.text_content("#status") == "live"
    assert page.is_hidden("#n_classes")
    assert tab.errors == []


@pytest.mark.parametrize(
    ("path", "width", "height"), [("", 1280, 800), ("", 390, 844), ("embed", 700, 450)]
)
def test_axe_finds_no_accessibility_violations(
    browser: Browser, server: str, path: str, width: int, height: int
) -> None:
    tab = new_tab(browser, server, width, height)
    page = tab.open(f"{path}#dataset=blobs&nClasses=3")
    page.wait_for_function("location.hash.includes('nClasses=3')")
    if not path:  # the embed has no data panel
        page.wait_for_selector("#n_classes", state="visible")
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
    assert "hidden layers of 4, 2 neurons" in (page.get_attribute("#net", "aria-label") or "")
    page.context.close()


def test_the_keyboard_reaches_every_control_with_a_visible_focus(tab: Tab) -> None:
    page = tab.open()
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
                if (e === document.body) return null;  // past the last control
                const style = getComputedStyle(e);
                return [e.id || e.textContent.trim(), style.outlineStyle, style.outlineWidth]; }"""
        )
        if focused is None:
            continue
        seen.add(focused[0])
        assert focused[1] != "none", focused
        assert focused[2] != "0px", focused
    assert {"play", "step", "reset", "learning_rate", "layers", "sensitivity", "show_test"} <= seen


def test_keys_step_play_pause_and_reset(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.keyboard.press("r")
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,000'")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,001'")
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('#play').textContent === 'Pause'")
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('#play').textContent === 'Play'")
    page.keyboard.press("r")
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,000'")
    page.focus("#step")
    page.keyboard.press(" ")  # a focused button takes its own key: one step, no play
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,001'")
    assert page.text_content("#play") == "Play"


def _drop_sockets(page: Page) -> list[Any]:
    """Route the page's WebSockets through playwright; closing a route's page side is a dropped
    connection (the server hears nothing, as when a network goes away). Returns the routes."""
    routes: list[Any] = []

    def through(route: Any) -> None:
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(lambda url: "/ws" in url, through)
    return routes


def test_a_dropped_connection_resumes_the_session_with_nothing_lost(tab: Tab) -> None:
    routes = _drop_sockets(tab.page)
    page = tab.open("#seed=0.5&networkShape=3")
    for _ in range(3):
        _step(page)
    hash_before = page.evaluate("location.hash")
    before = _pixels(page, "heatmap")
    routes[-1].close(code=1006, reason="network gone")
    _rejoined(page, 1)
    assert len(routes) == 2  # a new socket, with the session's token
    assert "token=" in routes[-1].url
    _shows(page, "heatmap", before)
    assert page.text_content("#epoch") == "000,003"
    assert page.evaluate("location.hash") == hash_before
    _step(page)
    assert page.text_content("#epoch") == "000,004"
    assert tab.errors == []


def test_a_server_that_forgot_the_session_gets_it_back_from_the_pages_snapshot(tab: Tab) -> None:
    routes = _drop_sockets(tab.page)
    page = tab.open("#seed=0.5&networkShape=3")
    for _ in range(3):
        _step(page)
    _stored_epoch(page, 3)
    before = _pixels(page, "heatmap")
    network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
    weights = page.evaluate(network)
    # A token the server never gave: as after a restart, or on another replica.
    page.evaluate("sessionStorage.setItem('lernmi.token', 'forgotten')")
    routes[-1].close(code=1006, reason="network gone")
    _rejoined(page, 1)
    assert page.evaluate(network) == weights  # the restore's answer
    _shows(page, "heatmap", before)  # and its frame
    assert tab.errors == []


def test_classification_shows_accuracy_and_regression_rmse_and_r2(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    _step(page)
    assert page.is_visible("#accuracy")
    assert (page.text_content("#test_accuracy") or "").endswith(" %")
    assert (page.text_content("#train_accuracy") or "").endswith(" %")
    page.select_option("#problem", "regression")
    page.wait_for_function("location.hash.includes('problem=regression')")
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,000'")
    _step(page)
    assert page.is_hidden("#accuracy")
    assert page.is_hidden("#confusion_box")
    assert float(page.text_content("#train_loss") or "nan") >= 0
    assert float(page.text_content("#test_rmse") or "nan") >= 0
    assert float(page.text_content("#train_r2") or "nan") <= 1


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
    drawn = _drawn(page)
    page.evaluate(hide, False)
    page.wait_for_function(f"window.lernmi.framesDrawn > {drawn + 5}")
    page.click("#play")


def _explain_a_point(page: Page, at: tuple[float, float] = (0.3, 0.4)) -> None:
    """Enter explain mode and click the output view: the nearest point is explained."""
    page.keyboard.press("e")
    page.wait_for_selector("#explain", state="visible")
    box = page.locator("#heatmap").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * at[0], box["y"] + box["height"] * at[1])
    page.wait_for_selector("#explain_body", state="visible")


def test_explain_steps_through_a_point_and_apply_gives_the_server_its_final_weights(
    tab: Tab,
) -> None:
    page = tab.open("#seed=0.5")
    for _ in range(5):
        _step(page)
    page.click("#play")
    page.wait_for_function("document.querySelector('#play').textContent === 'Pause'")
    _explain_a_point(page)
    # Explaining pauses training (the button follows the server's frames).
    page.wait_for_function("document.querySelector('#play').textContent === 'Play'")
    assert page.text_content("#explain_title") == "Forward · the inputs"
    count = int((page.text_content("#explain_count") or "").split(" of ")[1])
    assert count == 1 + 7 + 1 + 7 + 7  # inputs, forward, error, backward, update: 4, 2 and 1
    titles = set()
    for _ in range(count - 1):
        page.keyboard.press("ArrowRight")
        titles.add((page.text_content("#explain_title") or "").split(" · ")[0])
    assert titles == {"Forward", "The error at the output", "Backward", "Update"}
    assert page.is_disabled("#explain_next")
    assert (page.text_content("#explain_lines") or "").count("bias:") == 1
    _shot(page, "explain")
    trace = page.evaluate("window.lernmi.explainer.trace")
    page.click("#explain_apply")
    page.wait_for_function("document.querySelector('#explain_note').textContent.includes('went')")
    snapshot = page.evaluate("JSON.parse(sessionStorage.getItem('lernmi.snapshot'))")
    for steps, layer in zip(trace["layers"], snapshot["network"]["layers"], strict=True):
        for j, neuron in enumerate(steps):
            assert layer["biases"][j] == neuron["new_bias"]
            assert layer["weights"][j] == [link["new_weight"] for link in neuron["links_in"]]
    page.click("#explain_leave")
    assert page.is_hidden("#explain")
    # It was playing before: Leave goes back to training, from the applied step.
    page.wait_for_function("document.querySelector('#play').textContent === 'Pause'")
    page.click("#play")
    assert tab.errors == []


def test_explain_shows_numbers_on_a_large_network_and_leave_changes_nothing(tab: Tab) -> None:
    page = tab.open("#seed=0.5&networkShape=8,8,8,8,8,8&dataset=spiral")
    _step(page)
    before = _pixels(page, "net")
    network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
    weights = page.evaluate(network)
    _explain_a_point(page, (0.6, 0.5))
    page.click("#explain_stages [data-stage=backward]")
    assert (page.text_content("#explain_title") or "").startswith("Backward · output")
    _changed(page, "net", before)  # the other links dim, the focused ones carry their numbers
    assert "sensitivity δ = " in (page.text_content("#explain_lines") or "")
    # Each of the output's eight links carries its number, and no two numbers overlap.
    tags = page.evaluate("window.lernmi.tags")
    assert len(tags) == 8 + 1  # and the neuron's δ
    for i, one in enumerate(tags):
        for other in tags[i + 1 :]:
            assert (
                one["x"] + one["width"] <= other["x"]
                or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"]
            ), (one, other)
    for control in ["#explain_next", "#explain_apply", "#explain_leave"]:  # on the screen
        place = page.locator(control).bounding_box()
        assert place is not None
        assert place["y"] >= 0, control
        assert place["y"] + place["height"] <= 800, control
    page.keyboard.press("Escape")
    assert page.is_hidden("#explain")
    _shows(page, "net", before)  # the links are drawn as before
    assert page.text_content("#play") == "Play"  # it was paused: it stays paused
    assert page.evaluate(network) == weights  # the network is as it was
    assert tab.errors == []


def test_drawn_points_of_two_classes_train_and_the_output_separates_them(tab: Tab) -> None:
    page = tab.open("#seed=0.5&allTrain=true")
    page.click("#edit_data")
    page.click("#edit_clear")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('0 ')")
    heatmap = page.locator("#heatmap")
    box = heatmap.bounding_box()
    assert box is not None
    for i in range(8):  # +1 on the left, −1 (shift) on the right
        y = box["height"] * (0.15 + 0.1 * i)
        heatmap.click(position={"x": box["width"] * 0.2, "y": y})
        heatmap.click(position={"x": box["width"] * 0.8, "y": y}, modifiers=["Shift"])
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('16 ')")
    assert page.text_content("#data_count") == "16 points: 16 train, 0 test"
    assert "dataset=own" in page.evaluate("location.hash")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#train_loss').textContent) < 0.05")
    page.click("#play")
    pixels = _pixels(page, "heatmap")
    width = page.evaluate("document.getElementById('heatmap').width")

    def colour(x: float, y: float) -> tuple[int, int, int]:
        i = (int(y * width) * width + int(x * width)) * 4
        return pixels[i], pixels[i + 1], pixels[i + 2]

    left, right = colour(0.1, 0.93), colour(0.9, 0.93)  # corners with no point on them
    assert (left[2] > 150, left[0] < 100) == (True, True), left  # blue: +1
    assert (right[0] > 200, right[2] < 120) == (True, True), right  # orange: −1
    # Undo takes the last point back; the right-click removes the nearest.
    page.click("#edit_undo")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('15 ')")
    heatmap.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.15}, button="right")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('14 ')")
    _shot(page, "drawn")
    assert tab.errors == []


def test_an_upload_with_a_bad_row_names_its_line_and_changes_nothing(tab: Tab, tmp_path) -> None:
    page = tab.open("#seed=0.5")
    before = page.text_content("#data_count")
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,1,1\n2,two,-1\n3,3,-1\n")
    page.set_input_files("#upload", str(bad))
    page.wait_for_selector("#upload_errors li")
    assert page.locator("#upload_errors li").all_text_contents() == ["line 3: y is not a number"]
    assert page.text_content("#data_count") == before
    good = tmp_path / "good.csv"
    good.write_text("0,0,0\n1,1,1\n2,2,2\n-1,-1,0\n-2,-2,1\n3,-3,2\n")
    page.set_input_files("#upload", str(good))
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('6 ')")
    assert "nClasses=3" in page.evaluate("location.hash")
    assert page.locator("#upload_errors li").count() == 0
    with page.expect_download() as download:
        page.click("#download")
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "x,y,label,set"
    assert sorted(line.rsplit(",", 1)[0] for line in lines[1:]) == sorted(
        ["0,0,0", "1,1,1", "2,2,2", "-1,-1,0", "-2,-2,1", "3,-3,2"]
    )
    # Chromium logs the refused upload's 422 itself; nothing else may be logged.
    assert [e for e in tab.errors if "status of 422" not in e] == []


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


def test_the_page_and_the_embed_play_under_the_content_security_policy(
    browser: Browser, server: str
) -> None:
    tab = new_tab(browser, server, 700, 450, csp=True)
    page = tab.page
    for path in ["/", "/embed"]:
        page.goto(f"{server}{path}#seed=0.5")
        page.wait_for_function("() => window.lernmi.framesDrawn > 0")
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
        _shot(page, "blog")
    finally:
        blog.shutdown()
        blog.server_close()
    assert tab.errors == []


def test_a_copied_link_opens_the_same_data_and_the_same_first_weights(
    browser: Browser, server: str
) -> None:
    first = new_tab(browser, server, 1280, 800)
    first.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = first.open("#dataset=spiral&networkShape=5,3&seed=0.4242&noise=10")
    for _ in range(3):
        _step(page)
    page.click("#share_button")
    page.click("#copy_link")
    page.wait_for_function("document.querySelector('#copy_link_status').textContent === 'Copied.'")
    link = page.evaluate("navigator.clipboard.readText()")
    page.click("#share_close")
    page.click("#reset")  # the first weights again
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,000'")
    _stored_epoch(page, 0)
    second = new_tab(browser, server, 1280, 800)
    other = second.page
    other.goto(link)
    # It starts on a blank session, then takes the link's settings.
    other.wait_for_function(
        "JSON.parse(sessionStorage.getItem('lernmi.snapshot'))?.network.seed === '0.4242'"
    )
    weights = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network.layers"
    assert other.evaluate(weights) == page.evaluate(weights)
    _shows(other, "heatmap", _pixels(page, "heatmap"))  # same points, same map
    assert first.errors == second.errors == []
    page.context.close()
    other.context.close()


def test_an_exported_model_imports_in_another_tab_bit_for_bit(
    browser: Browser, server: str
) -> None:
    first = new_tab(browser, server, 1280, 800)
    page = first.open("#seed=0.5&optimizer=adam")
    for _ in range(4):
        _step(page)
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
    _stored_epoch(other, 4)
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
            _step(page)
        _stored_epoch(page, 3)
        network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
        before = page.evaluate(network)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=CEILING_S)
        page.wait_for_function("document.querySelector('#status').textContent.startsWith('reconn')")
        process, _ = spawn(port=port)  # a new process: it has never heard of the session
        _rejoined(page, 1)
        assert page.evaluate(network) == before  # weights, optimizer state: bit for bit
        _step(page)
        assert page.text_content("#epoch") == "000,004"
        # The page logs its dropped socket; nothing else may be logged.
        assert [e for e in tab.errors if "WebSocket" not in e] == []
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=CEILING_S)
        tab.page.context.close()


def test_arrow_keys_move_through_the_datasets_as_one_radio_group(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.wait_for_function("document.querySelectorAll('#datasets [role=radio]').length === 7")
    tabbable = page.evaluate(
        "[...document.querySelectorAll('#datasets [role=radio]')].filter(b => b.tabIndex === 0)"
        ".map(b => b.textContent)"
    )
    assert tabbable == ["circle"]  # one tab stop: the checked dataset
    page.focus("#datasets [aria-checked=true]")
    epoch = page.text_content("#epoch")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash.includes('dataset=xor')")
    page.wait_for_function("document.activeElement.textContent === 'xor'")  # the focus follows
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("location.hash.includes('dataset=circle')")
    assert page.text_content("#epoch") == epoch  # → moved the choice, it stepped no epoch


def test_the_keyboard_walks_through_the_weights_and_edits_one(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    _step(page)
    before = _pixels(page, "heatmap")
    page.focus("#net")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("!document.getElementById('card').hidden")
    assert (page.text_content("#card_text") or "").startswith("Weight x-1:0: ")
    page.keyboard.press("ArrowRight")
    assert (page.text_content("#card_text") or "").startswith("Weight y-1:0: ")
    page.keyboard.press("ArrowRight")
    assert (page.text_content("#card_text") or "").startswith("Bias 1:0: ")
    assert page.text_content("#epoch") == "000,001"  # → walked the weights, it stepped no epoch
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'card_input'")
    page.keyboard.press("Control+a")
    page.keyboard.type("-3")
    page.keyboard.press("Enter")
    _changed(page, "heatmap", before)
    assert page.evaluate("document.activeElement.id") == "net"  # back to the walk
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('card').hidden")
    assert tab.errors == []


LARGEST = (
    "#seed=0.5&dataset=spiral&networkShape=8,8,8,8,8,8&xSquared=true&ySquared=true"
    "&xTimesY=true&sinX=true&sinY=true"
)
# layout.js's rules for every network from 0 to 6 hidden layers of 1 to 8 neurons, with 9 inputs
# and 1 or 5 outputs, on a canvas of the page's own size: what breaks them, or [].
_EVERY_NETWORK_JS = """async ([width, height, right]) => {
    const { layoutNetwork } = await import('/static/js/layout.js');
    const problems = [];
    const overlap = (a, b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3]
      && b[1] < a[1] + a[3];
    for (let layers = 0; layers <= 6; layers++)
    for (let n = 1; n <= 8; n++) for (const k of [1, 5]) {
      const columns = [9, ...Array(layers).fill(n), k];
      const l = layoutNetwork(width, height, columns, right);
      const boxes = l.xs.flatMap((x, c) => l.tops[c].map((y) => [x - 4, y, l.box + 4, l.box + 2]));
      const all = [...boxes, ...l.labels.map((r) => [r.x, r.y, r.width, r.height])];
      for (const [x, y, w, h] of all)
        if (x < 0 || y < 0 || x + w > width || y + h > height) problems.push(`${columns}: outside`);
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++)
        if (overlap(all[i], all[j])) problems.push(`${columns}: overlap`);
      for (let c = 1; c < l.xs.length; c++)
        if (l.xs[c] - l.xs[c - 1] - l.box < 2 * l.box) problems.push(`${columns}: gap ${c}`);
    }
    return problems; }"""


@pytest.mark.parametrize(
    ("path", "width", "height"), [("/", 1280, 800), ("/embed", 700, 450), ("/embed", 400, 450)]
)
def test_the_network_view_draws_every_network_size_without_overlap_and_with_room_for_links(
    browser: Browser, server: str, path: str, width: int, height: int
) -> None:
    tab = new_tab(browser, server, width, height)
    page = tab.page
    page.goto(f"{server}{path}{LARGEST}")
    # The first frame may be of the default network, before the link's shape is applied.
    page.wait_for_function("window.lernmi.layout?.xs.length === 8")
    layout, drawn = page.evaluate(f"[window.lernmi.layout, ({_PIXELS_JS})('net')]")
    size = page.evaluate(
        "[document.getElementById('net').clientWidth, document.getElementById('net').clientHeight]"
    )
    assert size == [layout["width"], layout["height"]]
    assert page.evaluate(_EVERY_NETWORK_JS, [*size, layout["right"]]) == []
    # The page draws what the layout says: every box's middle is painted, opaque (an input
    # that is off, cos x and cos y, faintly).
    pixels = base64.b64decode(drawn)
    box = layout["box"]
    off = [layout["tops"][0][r] for r in (7, 8)]
    for x, tops in zip(layout["xs"], layout["tops"], strict=True):
        for y in tops:
            i = ((y + box // 2) * layout["width"] + x + box // 2) * 4
            assert pixels[i + 3] >= (60 if x == layout["xs"][0] and y in off else 250), (x, y)
    # Every input's label is a button inside the canvas, on its box's row.
    net = page.locator("#net").bounding_box()
    assert net is not None
    labels = page.locator("#features .feature")
    assert labels.all_text_contents() == [
        "X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)", "cos(X₁)", "cos(X₂)"
    ]  # fmt: skip
    for r in range(labels.count()):
        rect = labels.nth(r).bounding_box()
        assert rect is not None
        assert net["x"] <= rect["x"]
        assert rect["x"] + rect["width"] <= net["x"] + net["width"]
        assert net["y"] <= rect["y"]
        assert rect["y"] + rect["height"] <= net["y"] + net["height"]
    assert tab.errors == []
    page.context.close()


def _box_pixels(page: Page, name: str) -> list[tuple[int, int, int, int]]:
    """The network view's pixels inside the box of input feature `name`."""
    layout = page.evaluate("window.lernmi.layout")
    pixels = _pixels(page, "net")
    r = layout["inputs"].index(name)
    x0, y0, box = layout["xs"][0], layout["tops"][0][r], layout["box"]
    rows = range(y0 + 2, y0 + box - 2)
    return [
        tuple(pixels[(y * layout["width"] + x) * 4 : (y * layout["width"] + x) * 4 + 4])  # type: ignore[misc]
        for y in rows
        for x in range(x0 + 2, x0 + box - 2)
    ]


def _strength(pixels: list[tuple[int, int, int, int]]) -> float:
    """How far from transparent a patch is drawn: its mean alpha."""
    return sum(p[3] for p in pixels) / len(pixels)


def test_an_off_feature_is_drawn_dimmed_in_its_place_and_its_label_turns_it_on(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    off = page.locator("#features [data-feature=xSquared]")
    assert off.get_attribute("aria-pressed") == "false"
    dim = _strength(_box_pixels(page, "xSquared"))
    assert dim < 0.5 * _strength(_box_pixels(page, "x"))
    drawn = _drawn(page)
    off.click()
    page.wait_for_function("location.hash.includes('xSquared=true')")
    page.wait_for_function(f"window.lernmi.framesDrawn > {drawn}")
    page.wait_for_function(
        "document.querySelector('#features [data-feature=xSquared]').ariaPressed === 'true'"
    )
    assert _strength(_box_pixels(page, "xSquared")) > 2 * dim
    assert page.evaluate("window.lernmi.layout.inputs").index("xSquared") == 2  # the same place
    assert tab.errors == []


def test_nothing_moves_when_the_pointer_crosses_the_chart_or_the_confusion_matrix_opens(
    tab: Tab,
) -> None:
    page = tab.open("#seed=0.5")
    for _ in range(3):
        _step(page)
    where = "JSON.stringify(document.getElementById('heatmap').getBoundingClientRect())"
    before = page.evaluate(where)
    net = page.evaluate(where.replace("heatmap", "net"))
    chart = page.locator("#chart").bounding_box()
    assert chart is not None
    for x in range(0, int(chart["width"]), 25):
        page.hover("#chart", position={"x": x, "y": chart["height"] / 2})
        assert page.evaluate(where) == before
    page.wait_for_function("document.querySelector('#readout').textContent.startsWith('Epoch')")
    assert page.evaluate(where) == before
    page.click("#confusion_box summary")
    page.wait_for_selector("#confusion table")
    assert page.evaluate(where) == before
    assert page.evaluate(where.replace("heatmap", "net")) == net


def test_canvases_are_sized_by_the_device_pixel_ratio(browser: Browser, server: str) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, device_scale_factor=2, bypass_csp=True
    )
    context.set_default_timeout(CEILING_S * 1000)
    page = context.new_page()
    page.goto(f"{server}/#seed=0.5")
    page.wait_for_function("window.lernmi.framesDrawn > 0")
    for canvas in ["net", "heatmap", "chart"]:
        width, client = page.evaluate(
            f"[document.getElementById('{canvas}').width,"
            f" document.getElementById('{canvas}').clientWidth]"
        )
        assert width == 2 * client, canvas
    context.close()


@pytest.mark.parametrize(
    ("name", "path", "width", "height"),
    [
        ("largest-1440x900", "/", 1440, 900),
        ("largest-1280x800", "/", 1280, 800),
        ("largest-phone-390x844", "/", 390, 844),
        ("largest-embed-700x450", "/embed", 700, 450),
        ("largest-embed-400x450", "/embed", 400, 450),
    ],
)
def test_the_largest_network_learning_at_every_size(
    browser: Browser, server: str, name: str, path: str, width: int, height: int
) -> None:
    """Saves screenshots/largest-*.png: look at them beside TF Playground's (docs/design.md)."""
    tab = new_tab(browser, server, width, height)
    page = tab.page
    page.goto(f"{server}{path}{LARGEST}")
    page.wait_for_function("window.lernmi.framesDrawn > 0")
    page.click("#play")
    page.wait_for_function(
        "Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > 50"
    )
    page.click("#play")
    page.wait_for_function("document.querySelector('#play').textContent === 'Play'")
    # The network and the output are on the first screen, whatever its size.
    for canvas in ["#net", "#heatmap"]:
        box = page.locator(canvas).bounding_box()
        assert box is not None
        assert box["y"] >= 0, canvas
        assert box["y"] + box["height"] <= height, canvas
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, name)
    assert tab.errors == []
    page.context.close()
