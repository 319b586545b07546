"""A network that diverges is shown on the page in words, and Reset makes the session usable."""

from tests.browser.pages import Tab

DIVERGING = "#seed=0.5&problem=regression&regDataset=reg-plane&activation=relu&learningRate=10"
ALERT = "document.querySelector('#diverged')"


def test_a_diverged_network_is_said_in_words_and_reset_recovers_it(tab: Tab) -> None:
    page = tab.open(DIVERGING)
    assert page.get_attribute("#diverged", "role") == "alert"
    assert not page.is_visible("#diverged")  # nothing to say yet
    page.select_option("#speed", "max")
    page.click("#play")
    page.wait_for_function(
        f"{ALERT}.textContent.includes('diverged')",
    )
    text = page.text_content("#diverged") or ""
    assert "Lower the learning rate" in text
    assert "Reset" in text
    assert page.is_visible("#diverged")
    page.wait_for_function("document.querySelector('#play').textContent === 'Play'")
    page.click("#reset")
    page.wait_for_function(f"{ALERT}.textContent === ''")
    assert not page.is_visible("#diverged")
    page.select_option("#learning_rate", "0.01")
    page.wait_for_function("location.hash.includes('learningRate=0.01')")
    page.click("#step")  # the session trains again
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,001'")
    assert page.text_content("#diverged") == ""
    assert tab.errors == []  # every message parsed: no JSON.parse error, no page error


def test_a_link_with_a_malformed_percent_escape_opens_the_page(tab: Tab) -> None:
    page = tab.open("#seed=100%&dataset=xor")
    page.wait_for_function("location.hash.includes('dataset=xor')")
    assert page.text_content("#status") == "live"
    assert tab.errors == []
