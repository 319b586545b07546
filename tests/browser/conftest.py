"""The browser tests' fixtures: one server and one Chromium per module, a fresh tab per test."""

import os
import signal
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from benchmarks.harness import spawn
from tests.browser.pages import CHROMIUM, FLAGS, Tab, new_tab
from tests.waiting import CEILING_S


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = spawn()
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=CEILING_S)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is missing: `make test` installs it as root")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Tab]:
    tab = new_tab(browser, server, 1280, 800)
    yield tab
    tab.page.context.close()
