"""The page's layout: every network size drawn without overlap, nothing moving, canvases sharp
at every pixel ratio."""

import base64

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.pages import (
    PIXELS_JS,
    Tab,
    canvas_pixels,
    frames_drawn,
    new_tab,
    screenshot,
    step_once,
)
from tests.waiting import CEILING_S

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
    layout, drawn = page.evaluate(f"[window.lernmi.layout, ({PIXELS_JS})('net')]")
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
    pixels = canvas_pixels(page, "net")
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
    drawn = frames_drawn(page)
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
        step_once(page)
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
    screenshot(page, name)
    assert tab.errors == []
    page.context.close()
