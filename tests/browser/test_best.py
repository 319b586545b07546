"""Learning versus memorizing on the page: early stopping pauses at the right epoch, the lowest
test loss is shown and ringed, and Restore best gives it back to the digit shown."""

from tests.browser.pages import Tab

# Few noisy training points and a big network: the test loss is lowest early (seed 0.5: epoch
# 24, tests/app/test_best.py) and climbs after.
OVERFITS = (
    "#dataset=xor&noise=50&percTrainData=10&networkShape=8,8&learningRate=0.3&seed=0.5"
    "&earlyStopping=20"
)


def _number(tab: Tab, selector: str) -> int:
    return int(tab.page.inner_text(selector).replace(",", ""))


def _stopped(tab: Tab) -> None:
    """Play until early stopping pauses the page."""
    page = tab.open(OVERFITS)
    assert page.input_value("#early_stopping") == "20"
    page.click("#play")
    page.wait_for_selector("#stopped:not([hidden])")


def test_early_stopping_pauses_twenty_epochs_after_the_lowest_test_loss(tab: Tab):
    _stopped(tab)
    page = tab.page
    assert page.inner_text("#play") == "Play"
    best = _number(tab, "#best_epoch")
    assert best > 0
    assert _number(tab, "#epoch") == best + 20
    assert f"at epoch {best}" in page.inner_text("#stopped")
    assert tab.errors == []


def test_restore_best_gives_back_the_lowest_test_loss_shown(tab: Tab):
    _stopped(tab)
    page = tab.page
    shown, best = page.inner_text("#best_loss"), _number(tab, "#best_epoch")
    assert page.inner_text("#test_loss") != shown
    page.click("#restore_best")
    page.wait_for_function(f"document.querySelector('#epoch').textContent.endsWith('{best:03d}')")
    page.wait_for_function(f"document.querySelector('#test_loss').textContent === '{shown}'")
    assert _number(tab, "#epoch") == best
    assert page.is_disabled("#restore_best")  # the network is the best one now
    assert tab.errors == []


def test_early_stopping_is_a_menu_that_writes_the_hash(tab: Tab):
    page = tab.open()
    page.select_option("#early_stopping", "50")
    page.wait_for_function("location.hash.includes('earlyStopping=50')")
    assert tab.errors == []
