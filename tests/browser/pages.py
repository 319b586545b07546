"""A page of the playground in Debian's Chromium: what every browser test opens."""

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

from tests.waiting import CEILING_S

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"  # ignored by git: look at them after a run
CHROMIUM = Path("/usr/bin/chromium")
# Chromium as root in a closed network: no sandbox, no background connections.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A real TF Playground link, from its issue tracker (shared/reference/tf-playground.md).
TF_LINK = (
    "#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
    "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.59704&showTestData=false"
    "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false"
    "&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false"
)


@dataclass
class Tab:
    """A page of the playground, and the errors its console reported."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)

    def open(self, hash_: str = "") -> Page:
        self.page.goto(f"{self.base}/{hash_}")
        self.page.wait_for_function("document.querySelector('#status').textContent === 'live'")
        self.page.wait_for_function("window.lernmi.framesDrawn > 0")
        return self.page


def new_tab(browser: Browser, server: str, width: int, height: int, csp: bool = False) -> Tab:
    """A new page. Playwright's waits on a JavaScript expression evaluate it with eval, which the
    app's Content-Security-Policy forbids, so a tab bypasses the policy unless `csp`."""
    viewport: ViewportSize = {"width": width, "height": height}
    context = browser.new_context(viewport=viewport, bypass_csp=not csp)
    context.set_default_timeout(CEILING_S * 1000)
    page = context.new_page()
    tab = Tab(page, server)
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(str(e)))
    return tab


# A canvas's pixels leave the page as base64: a JSON array of 750,000 numbers takes seconds.
PIXELS_JS = """(id) => { const c = document.getElementById(id);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let text = ''; for (let i = 0; i < data.length; i += 8192)
      text += String.fromCharCode(...data.subarray(i, i + 8192));
    return btoa(text); }"""


def canvas_pixels(page: Page, canvas: str) -> bytes:
    """Every pixel of a canvas, flat: r, g, b, a, r, …"""
    return base64.b64decode(page.evaluate(PIXELS_JS, canvas))


def canvas_changed(page: Page, canvas: str, before: bytes) -> None:
    """Wait until a canvas's pixels differ from `before`."""
    page.wait_for_function(
        f"([id, before]) => ({PIXELS_JS})(id) !== before",
        arg=[canvas, base64.b64encode(before).decode()],
    )


# Two tabs drawing the same maps can round a smoothed pixel apart by one: "the same picture"
# allows that much per channel, far below what another network or other points change.
SAME_JS = f"""([id, expected, slack]) => {{ const now = atob(({PIXELS_JS})(id));
    const want = atob(expected);
    if (now.length !== want.length) return false;
    for (let i = 0; i < now.length; i++)
      if (Math.abs(now.charCodeAt(i) - want.charCodeAt(i)) > slack) return false;
    return true; }}"""


def canvas_shows(page: Page, canvas: str, expected: bytes, slack: int = 2) -> None:
    """Wait until a canvas shows `expected`, each channel of each pixel within `slack` (it
    fails at the ceiling if it never does)."""
    page.wait_for_function(SAME_JS, arg=[canvas, base64.b64encode(expected).decode(), slack])


def rejoined(page: Page, welcomes: int) -> None:
    """Wait until the page has joined a session again after `welcomes`, any restore of its
    snapshot has its answer, and the picture is drawn from that session's current state."""
    page.wait_for_function(
        f"window.lernmi.welcomes > {welcomes} && !window.lernmi.restoring"
        " && window.lernmi.current && document.querySelector('#status').textContent === 'live'"
    )


def stored_epoch(page: Page, epoch: int) -> None:
    """Wait until the page has stored the session's snapshot at `epoch`."""
    page.wait_for_function(
        f"JSON.parse(sessionStorage.getItem('lernmi.snapshot'))?.network.epoch === {epoch}"
    )


def frames_drawn(page: Page) -> int:
    """How many frames the page has drawn."""
    drawn: int = page.evaluate("window.lernmi.framesDrawn")
    return drawn


def step_once(page: Page) -> None:
    """One epoch, and wait for its frame."""
    epoch = int((page.text_content("#epoch") or "0").replace(",", ""))
    page.click("#step")
    page.wait_for_function(
        f"Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > {epoch}"
    )


OKABE_ITO = [(0xE6, 0x9F, 0x00), (0x00, 0x72, 0xB2), (0x00, 0x9E, 0x73), (0xCC, 0x79, 0xA7)]


def class_of(rgb: bytes) -> int | None:
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


def screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def drop_sockets(page: Page) -> list[Any]:
    """Route the page's WebSockets through playwright; closing a route's page side is a dropped
    connection (the server hears nothing, as when a network goes away). Returns the routes."""
    routes: list[Any] = []

    def through(route: Any) -> None:
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(lambda url: "/ws" in url, through)
    return routes
