"""A page of the playground in Debian's Chromium: what every browser test opens."""

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize

from tests.waiting import CEILING_S

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
        # An embed waits, "ready", until it is played (static/js/lazy.js).
        self.page.wait_for_function(
            "['live', 'ready'].includes(document.querySelector('#status').textContent)"
        )
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
