"""What a figure asks of an embed by its hash: weight and bias sliders, Explain, the loss chart."""

from tests.browser.pages import Tab

ONLY_X = "".join(
    f"&{name}_hide=true"
    for name in ["y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"]
)


def test_sliders_set_the_one_neurons_weight_and_bias_and_the_output_follows(tab: Tab):
    sockets: list[str] = []
    tab.page.on("websocket", lambda socket: sockets.append(socket.url))
    page = tab.open(f"embed#dataset=gauss&networkShape=&seed=0.1&sliders=true{ONLY_X}")
    assert page.locator("#sliders input").count() == 2  # one weight, one bias
    assert page.inner_text("#sliders").startswith("weight X₁ → the output")
    loss = page.inner_text("#test_loss")
    assert sockets == []
    page.locator("#sliders input").first.fill("-3")  # a weight that gets the classes backwards
    page.wait_for_function(f"document.querySelector('#test_loss').textContent !== '{loss}'")
    assert len(sockets) == 1
    assert float(page.inner_text("#test_loss")) > float(loss)
    page.locator("#sliders input").nth(1).fill("2.5")
    page.wait_for_function("window.lernmi.current")
    assert page.locator("#sliders output").nth(1).inner_text() == "2.50"
    assert tab.errors == []


def test_explain_in_an_embed_steps_through_one_points_real_numbers(tab: Tab):
    page = tab.open("embed#dataset=xor&networkShape=2&seed=0.3&explain=true")
    page.click("#explain_button")
    page.click("#explain_random")
    page.wait_for_selector("#explain_body:not([hidden])")
    page.click("#explain_next")
    assert "×" in page.inner_text("#explain_lines")
    assert tab.errors == []


def test_an_embed_without_the_keys_shows_none_of_it(tab: Tab):
    page = tab.open("embed#dataset=xor&networkShape=2&seed=0.3")
    for part in ["#sliders", "#explain_button", "#chart", "#best"]:
        assert page.is_hidden(part), part


def test_the_chart_key_shows_the_loss_chart_and_restore_best(tab: Tab):
    page = tab.open("embed#dataset=xor&networkShape=2&seed=0.3&chart=true")
    assert page.is_visible("#chart")
    assert page.is_visible("#restore_best")


def test_the_share_dialog_offers_the_figure_keys_for_the_embed(tab: Tab):
    page = tab.open("#seed=0.5&dataset=xor&networkShape=2")
    page.click("#share_button")
    page.check("#embed_show input[value=explain]")
    page.wait_for_function("document.querySelector('#embed_code').value.includes('explain=true')")
    preview = page.frame_locator("#embed_preview")
    preview.locator("#explain_button").wait_for(state="visible")
    assert tab.errors == []
