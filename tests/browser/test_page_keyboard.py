"""The page for keyboard and assistive-technology users: axe, focus, keys."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.browser.pages import Tab, canvas_changed, canvas_pixels, new_tab, step_once


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
    step_once(page)
    before = canvas_pixels(page, "heatmap")
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
    canvas_changed(page, "heatmap", before)
    assert page.evaluate("document.activeElement.id") == "net"  # back to the walk
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('card').hidden")
    assert tab.errors == []
