"""The page's first screen in headless Chromium: loading, playing, the maps, the controls."""

from playwright.sync_api import Browser

from tests.browser.pages import (
    TF_LINK,
    Tab,
    canvas_changed,
    canvas_pixels,
    class_of,
    new_tab,
    screenshot,
    step_once,
)


def test_the_page_loads_without_console_errors(tab: Tab) -> None:
    page = tab.open()
    assert page.text_content("#status") == "live"
    assert tab.errors == []
    screenshot(page, "loaded")


def test_play_raises_the_epoch_and_the_circles_test_loss_falls_below_0_1(tab: Tab) -> None:
    page = tab.open("#seed=0.5&dataset=circle")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test_loss').textContent) < 0.1")
    epoch = int((page.text_content("#epoch") or "0").replace(",", ""))
    assert epoch > 0
    page.click("#play")  # pause
    screenshot(page, "trained")


def test_the_output_map_holds_both_colour_families(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test_loss').textContent) < 0.1")
    pixels = canvas_pixels(page, "heatmap")
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
    screenshot(page, "spiral")


def test_the_sensitivity_view_redraws_the_links(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    step_once(page)
    before = canvas_pixels(page, "net")
    page.keyboard.press("s")
    page.wait_for_function("document.querySelector('#sensitivity').checked")
    canvas_changed(page, "net", before)
    screenshot(page, "sensitivity")


def test_a_phone_viewport_has_no_horizontal_scroll(browser: Browser, server: str) -> None:
    tab = new_tab(browser, server, 390, 844)
    page = tab.open()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.errors == []
    screenshot(page, "phone")
    page.context.close()


def test_the_loss_chart_reads_out_the_epoch_under_the_pointer(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    for _ in range(3):
        step_once(page)
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
    step_once(page)
    before = canvas_pixels(page, "heatmap")
    # The middle of the link from the last hidden layer's first neuron to the output.
    box = page.locator("#net").bounding_box()
    assert box is not None
    x, y = page.evaluate("window.lernmi.placeOf('2:0-3:0')")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("!document.getElementById('card').hidden")
    assert "Weight" in (page.text_content("#card_text") or "")
    screenshot(page, "editing")
    page.fill("#card_input", "4")
    page.press("#card_input", "Enter")
    canvas_changed(page, "heatmap", before)
    assert tab.errors == []


def test_plus_and_minus_change_a_layers_neurons(tab: Tab) -> None:
    page = tab.open()
    page.click("[aria-label='Add a neuron in hidden layer 1']")
    page.wait_for_function("location.hash.includes('networkShape=5,2')")
    page.click("[aria-label='Remove a neuron in hidden layer 2']")
    page.wait_for_function("location.hash.includes('networkShape=5,1')")
    screenshot(page, "neurons")


def test_hovering_a_hidden_neuron_shows_its_map_in_the_big_view(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    before = canvas_pixels(page, "heatmap")
    box = page.locator("#net").bounding_box()
    assert box is not None
    # The first hidden layer's first neuron: the second column's top box.
    layout = page.evaluate("window.lernmi.layout")
    half = layout["box"] / 2
    page.mouse.move(box["x"] + layout["xs"][1] + half, box["y"] + layout["tops"][1][0] + half)
    canvas_changed(page, "heatmap", before)
    assert "Bias 1:0" in (page.text_content("#card_text") or "")


def test_three_class_blobs_are_drawn_in_three_class_colours(tab: Tab) -> None:
    page = tab.open("#dataset=blobs&nClasses=3&loss=cross_entropy&seed=0.5")
    page.wait_for_function("location.hash.includes('nClasses=3')")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#test_loss').textContent) < 0.2")
    page.click("#play")
    pixels = canvas_pixels(page, "heatmap")
    width = page.evaluate("document.getElementById('heatmap').width")
    corners = [(4, 4), (width - 5, 4), (4, width - 5), (width - 5, width - 5)]  # no data there
    classes = {class_of(pixels[(y * width + x) * 4 : (y * width + x) * 4 + 3]) for x, y in corners}
    assert None not in classes  # each corner is one class's colour, faded by doubt
    assert len(classes) >= 2
    screenshot(page, "blobs")


def test_a_legend_explains_the_colours_of_both_views(tab: Tab) -> None:
    page = tab.open()
    text = page.text_content("#legend_text") or ""
    assert "Orange is −1" in text
    assert "sensitivity view" in text


def test_dataset_thumbnails_pick_the_dataset_and_the_class_count(tab: Tab) -> None:
    page = tab.open()
    page.wait_for_function("document.querySelectorAll('#datasets canvas').length === 7")
    page.evaluate("document.querySelector('#datasets canvas').id = 'first_thumbnail'")
    thumb = canvas_pixels(page, "first_thumbnail")
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


def test_classification_shows_accuracy_and_regression_rmse_and_r2(tab: Tab) -> None:
    page = tab.open("#seed=0.5")
    step_once(page)
    assert page.is_visible("#accuracy")
    assert (page.text_content("#test_accuracy") or "").endswith(" %")
    assert (page.text_content("#train_accuracy") or "").endswith(" %")
    page.select_option("#problem", "regression")
    page.wait_for_function("location.hash.includes('problem=regression')")
    page.wait_for_function("document.querySelector('#epoch').textContent === '000,000'")
    step_once(page)
    assert page.is_hidden("#accuracy")
    assert page.is_hidden("#confusion_box")
    assert float(page.text_content("#train_loss") or "nan") >= 0
    assert float(page.text_content("#test_rmse") or "nan") >= 0
    assert float(page.text_content("#train_r2") or "nan") <= 1
