"""Round trips of the page's links in headless Chromium: a link means exactly what it says, a
bad key is named and skipped, the hash applies whenever it changes, a refused change leaves
every control true, and what the person did while the socket was down still happens."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.pages import (
    TF_LINK,
    Tab,
    canvas_pixels,
    canvas_shows,
    drop_sockets,
    new_tab,
    step_once,
)

SNAPSHOT = "JSON.parse(sessionStorage.getItem('lernmi.snapshot'))"


def _config(page: Page, key: str) -> Any:
    """A field of the configuration the page holds for its session (from its last snapshot), or
    the whole configuration for ""."""
    return page.evaluate(f"{SNAPSHOT}.config{'.' + key if key else ''}")


def _settled(page: Page, condition: str) -> None:
    """Wait until the stored configuration `config` satisfies `condition` (JavaScript) and the
    picture is drawn from the session's current state."""
    page.wait_for_function(
        f"(() => {{ const config = {SNAPSHOT}?.config; return config && ({condition}); }})()"
        " && window.lernmi.current"
    )


def test_a_bad_key_in_a_link_is_named_and_skipped_and_every_other_key_applies(tab: Tab) -> None:
    page = tab.open("#activation=softmax&networkShape=9,2&dataset=xor&noise=20&seed=0.5")
    _settled(page, "config.dataset === 'xor'")
    assert _config(page, "noise") == 20
    assert _config(page, "activation") == "tanh"  # the default, where the link's could not apply
    assert _config(page, "network_shape") == [4, 2]
    message = page.text_content("#message") or ""
    assert "activation" in message
    assert "networkShape" in message
    assert page.text_content("#status") == "live"
    assert "dataset=xor" in page.evaluate("location.hash")
    assert tab.errors == []


def test_editing_the_hash_opens_it_and_absent_keys_are_the_defaults(tab: Tab) -> None:
    page = tab.open("#seed=0.5&learningRate=0.3&dataset=gauss")
    _settled(page, "config.dataset === 'gauss'")
    page.evaluate("location.hash = '#seed=0.5&dataset=xor'")
    _settled(page, "config.dataset === 'xor'")
    assert _config(page, "learning_rate") == 0.03  # TF's default: the link did not name it
    page.wait_for_function("document.querySelector('#learning_rate').value === '0.03'")
    assert "learningRate=0.03" in page.evaluate("location.hash")


def test_a_refused_change_leaves_every_control_showing_the_session(tab: Tab) -> None:
    page = tab.open("#seed=0.5&dataset=blobs&nClasses=4&loss=cross_entropy")
    _settled(page, "config.n_classes === 4")
    page.select_option("#problem", "regression")
    page.wait_for_function("!document.querySelector('#message').hidden")
    assert "n_classes" in (page.text_content("#message") or "")
    assert page.input_value("#problem") == "classification"  # what the session has
    assert page.text_content("#status") == "live"  # the connection keeps its own place
    page.select_option("#learning_rate", "0.1")  # a change that holds clears the message
    page.wait_for_function("document.querySelector('#message').hidden")


def test_a_link_made_after_regenerate_opens_the_same_points(tab: Tab, browser: Browser) -> None:
    page = tab.open("#seed=0.5&dataset=spiral&noise=20")
    _settled(page, "config.dataset === 'spiral'")
    page.click("#regenerate")
    _settled(page, "config.data_seed !== null")
    assert "dataSeed=" in page.evaluate("location.hash")
    before = canvas_pixels(page, "heatmap")
    other = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    fresh = other.new_page()
    fresh.goto(page.url)
    _settled(fresh, f"config.data_seed === {_config(page, 'data_seed')!r}")
    canvas_shows(fresh, "heatmap", before)  # same points, same first weights, same map
    other.close()


def test_hidden_features_are_not_inputs_and_a_lone_percent_does_not_break_the_page(
    tab: Tab,
) -> None:
    page = tab.open("#x=true&y=true&xTimesY=true&xTimesY_hide=true&playButton_hide=1&seed=100%")
    _settled(page, "config.seed === '100%'")
    assert _config(page, "features") == ["x", "y"]
    assert page.locator("#features [data-feature=xTimesY]").count() == 0
    assert page.is_visible("#play")  # only exactly "true" hides, as in TF
    assert tab.errors == []


def test_the_sensitivity_view_survives_a_reload(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.keyboard.press("s")
    page.wait_for_function("location.hash.includes('sensitivity=true')")
    page.reload()
    page.wait_for_function("window.lernmi.current")
    assert page.is_checked("#sensitivity")


def test_focus_stays_on_a_rebuilt_control(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.focus("[aria-label='Add a neuron in hidden layer 1']")
    page.keyboard.press("Enter")
    _settled(page, "config.network_shape[0] === 5")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Add a neuron in hidden layer 1"
    )
    page.focus("#features [data-feature=xSquared]")
    page.keyboard.press("Enter")
    _settled(page, "config.features.includes('xSquared')")
    assert page.evaluate("document.activeElement.dataset.feature") == "xSquared"


def test_a_step_taken_while_the_connection_is_down_happens_when_it_is_back(tab: Tab) -> None:
    routes = drop_sockets(tab.page)
    page = tab.open("#seed=0.5")
    step_once(page)
    welcomes = page.evaluate("window.lernmi.welcomes")
    routes[-1].close(code=1006, reason="network gone")
    page.wait_for_function("document.querySelector('#status').textContent !== 'live'")
    page.click("#step")  # while the socket is down
    page.wait_for_function(f"window.lernmi.welcomes > {welcomes}")
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,002'")


def test_a_weight_out_of_range_is_refused_at_the_card_that_took_it(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    step_once(page)
    page.focus("#net")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'card_input'")
    page.keyboard.press("Control+a")
    page.keyboard.type("150")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('card_error').hidden")
    assert "from −100 to 100" in (page.text_content("#card_error") or "")
    assert page.evaluate("document.activeElement.id") == "card_input"  # still there to fix it
    page.keyboard.press("Control+a")
    page.keyboard.type("-3")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('card').hidden")
    assert page.is_hidden("#card_error")


def test_arrow_keys_on_the_layer_sliders_keep_their_focus(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.focus("#layers")
    page.keyboard.press("ArrowRight")
    _settled(page, "config.network_shape.length === 3")
    assert page.evaluate("document.activeElement.id") == "layers"
    slider = "Neurons in hidden layer 1"
    page.focus(f"[aria-label='{slider}']")
    page.keyboard.press("ArrowRight")
    _settled(page, "config.network_shape[0] === 5")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == slider


def _select(selector: str, value: str) -> Callable[[Page], object]:
    return lambda page: page.select_option(selector, value)


def _slide(selector: str, value: str) -> Callable[[Page], object]:
    def slide(page: Page) -> None:
        page.fill(selector, value)
        page.dispatch_event(selector, "change")

    return slide


# Every control, set to something other than its default; the configuration field it writes.
CONTROLS: dict[str, tuple[Callable[[Page], object], str]] = {
    "learning rate": (_select("#learning_rate", "0.3"), "config.learning_rate === 0.3"),
    "activation": (_select("#activation", "relu"), "config.activation === 'relu'"),
    "regularization": (_select("#regularization", "L2"), "config.regularization === 'L2'"),
    "regularization rate": (
        _select("#regularization_rate", "0.01"),
        "config.regularization_rate === 0.01",
    ),
    "problem": (_select("#problem", "regression"), "config.problem === 'regression'"),
    "loss": (_select("#loss", "cross_entropy"), "config.loss === 'cross_entropy'"),
    "optimizer": (_select("#optimizer", "adam"), "config.optimizer === 'adam'"),
    "dataset": (
        lambda page: page.click("#datasets button:has-text('xor')"),
        "config.dataset === 'xor'",
    ),
    "class count": (_select("#n_classes", "3"), "config.n_classes === 3"),
    "noise": (_slide("#noise", "25"), "config.noise === 25"),
    "ratio": (_slide("#perc_train", "70"), "config.perc_train === 70"),
    "batch size": (_slide("#batch_size", "20"), "config.batch_size === 20"),
    "every point trains": (lambda page: page.check("#all_train"), "config.all_train"),
    "layers": (_slide("#layers", "3"), "config.network_shape.length === 3"),
    "neurons": (
        lambda page: page.click("[aria-label='Add a neuron in hidden layer 1']"),
        "config.network_shape[0] === 5",
    ),
    "feature": (
        lambda page: page.click("#features [data-feature=xSquared]"),
        "config.features.includes('xSquared')",
    ),
    "regenerate": (lambda page: page.click("#regenerate"), "config.data_seed !== null"),
}


@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_set_then_linked_opens_the_same_in_a_fresh_tab(
    tab: Tab, browser: Browser, control: str
) -> None:
    action, holds = CONTROLS[control]
    start = "#seed=0.5&dataset=spiral" if control == "class count" else "#seed=0.5"
    page = tab.open(start)
    _settled(page, "config.seed === '0.5'")
    action(page)
    _settled(page, holds)
    config = _config(page, "")
    other = new_tab(browser, tab.base, 1280, 800)
    fresh = other.open(page.evaluate("location.hash"))
    _settled(fresh, holds)
    assert _config(fresh, "") == config  # the same configuration, field for field
    canvas_shows(
        fresh, "heatmap", canvas_pixels(page, "heatmap")
    )  # the same points, the same network
    assert other.errors == []
    other.page.context.close()


@pytest.mark.parametrize(
    ("box", "key"),
    [("show_test", "showTestData"), ("discretize", "discretize"), ("sensitivity", "sensitivity")],
)
def test_a_display_flag_set_then_linked_is_set_in_a_fresh_tab(
    tab: Tab, browser: Browser, box: str, key: str
) -> None:
    page = tab.open("#seed=0.5")
    page.check(f"#{box}")
    page.wait_for_function(f"location.hash.includes('{key}=true')")
    other = new_tab(browser, tab.base, 1280, 800)
    fresh = other.open(page.evaluate("location.hash"))
    assert fresh.is_checked(f"#{box}")
    other.page.context.close()


# Links built from TF's keys, and what TF's state.ts makes of each: an unknown name keeps the
# default, booleans are true unless "false", an empty networkShape is no hidden layer, a
# control hides only for exactly "true", and a hidden feature is no input.
TF_LINKS = [
    (TF_LINK, {"activation": "tanh", "network_shape": [4, 2], "features": ["x", "y"]}),
    (
        "#dataset=spiral&networkShape=8,8,8&activation=relu&xSquared=true&sinX=true",
        {
            "dataset": "spiral",
            "network_shape": [8, 8, 8],
            "features": ["x", "y", "xSquared", "sinX"],
        },
    ),
    (
        "#problem=regression&regDataset=reg-gauss&networkShape=3&activation=linear",
        {"problem": "regression", "reg_dataset": "reg-gauss", "activation": "linear"},
    ),
    ("#networkShape=", {"network_shape": []}),
    ("#activation=softmax&dataset=moons&seed=0.1", {"activation": "tanh", "dataset": "moons"}),
    (
        "#learningRate=1&regularization=L1&regularizationRate=0.3",
        {"learning_rate": 1, "regularization": "L1", "regularization_rate": 0.3},
    ),
    (
        "#dataset=xor&noise=35&percTrainData=80&batchSize=25",
        {"dataset": "xor", "noise": 35, "perc_train": 80, "batch_size": 25},
    ),
    ("#x=false&y=false&sinY=true&cosX=true", {"features": ["cosX", "sinY"]}),
    ("#xSquared=true&xSquared_hide=true&x_hide=false", {"features": ["x", "y"]}),
    ("#dataset=gauss&initZero=1", {"dataset": "gauss", "init_zero": True}),
    ("#dataset=nowhere", {"dataset": "circle"}),
    ("#problem=regression", {"problem": "regression", "reg_dataset": "reg-plane"}),
    ("#playButton_hide=true&stepButton_hide=yes", {"network_shape": [4, 2]}),
]


@pytest.mark.parametrize(("hash_", "expected"), TF_LINKS)
def test_tf_links_open_as_tf_opens_them(tab: Tab, hash_: str, expected: dict[str, Any]) -> None:
    page = tab.open(hash_)
    page.wait_for_function(
        "(expected) => { const c = "
        + SNAPSHOT
        + "?.config; return c && window.lernmi.current && Object.entries(expected).every("
        "([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v)); }",
        arg=expected,
    )
    for field in ("activation", "problem", "regularization"):
        if field in expected:
            assert page.input_value(f"#{field}") == expected[field]  # the control says so too
    if "playButton_hide" in hash_:
        assert page.is_hidden("#play")  # playButton_hide=true
        assert page.is_visible("#step")  # stepButton_hide=yes: only exactly true hides
    assert page.text_content("#status") == "live"
    assert tab.errors == []


def test_hiding_the_ratio_hides_the_test_loss_as_in_tf(tab: Tab) -> None:
    page = tab.open("#seed=0.5&percTrainData_hide=true")
    assert page.is_hidden("#perc_train")
    assert page.is_hidden("#test_loss")
    assert page.is_visible("#train_loss")


def test_the_embed_preview_follows_each_box_ticked(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.click("#share_button")
    preview = page.frame_locator("#embed_preview")
    preview.locator("#step").wait_for(state="visible")  # the preview is up, nothing hidden
    page.check("#embed_hide input[value=stepButton]")
    preview.locator("#step").wait_for(state="hidden")  # its hash changed: it applies it
    page.uncheck("#embed_hide input[value=stepButton]")
    preview.locator("#step").wait_for(state="visible")


def test_download_csv_then_upload_it_gives_the_same_points_in_the_same_sets(
    tab: Tab, tmp_path: Path
) -> None:
    page = tab.open("#seed=0.5&dataset=spiral&noise=15&percTrainData=70")
    _settled(page, "config.dataset === 'spiral'")
    count = page.text_content("#data_count")
    page.click("#edit_data")
    with page.expect_download() as download:
        page.click("#download")
    written = Path(download.value.path()).read_text()
    file = tmp_path / "mine.csv"
    file.write_text(written)
    page.set_input_files("#upload", str(file))
    _settled(page, "config.dataset === 'own'")
    assert page.text_content("#data_count") == count  # "500 points: 350 train, 150 test"
    rows = [line.split(",") for line in written.splitlines()[1:]]
    snapshot = page.evaluate(SNAPSHOT)
    assert [[float(x), float(y), float(label)] for x, y, label, _ in rows] == snapshot["points"]
    assert [which == "train" for *_, which in rows] == snapshot["train"]
    assert page.locator("#upload_errors li").count() == 0
