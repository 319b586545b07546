"""The page explains a point, and takes points drawn by hand or uploaded."""

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.pages import (
    Tab,
    canvas_changed,
    canvas_pixels,
    canvas_shows,
    screenshot,
    step_once,
)


def _explain_a_point(page: Page, at: tuple[float, float] = (0.3, 0.4)) -> None:
    """Enter explain mode and click the output view: the nearest point is explained."""
    page.keyboard.press("e")
    page.wait_for_selector("#explain", state="visible")
    box = page.locator("#heatmap").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * at[0], box["y"] + box["height"] * at[1])
    page.wait_for_selector("#explain_body", state="visible")


def test_explain_steps_through_a_point_and_apply_gives_the_server_its_final_weights(
    tab: Tab,
) -> None:
    page = tab.open("#seed=0.5")
    for _ in range(5):
        step_once(page)
    page.click("#play")
    page.wait_for_function("document.querySelector('#play').textContent === 'Pause'")
    _explain_a_point(page)
    # Explaining pauses training (the button follows the server's frames).
    page.wait_for_function("document.querySelector('#play').textContent === 'Play'")
    assert page.text_content("#explain_title") == "Forward · the inputs"
    count = int((page.text_content("#explain_count") or "").split(" of ")[1])
    assert count == 1 + 7 + 1 + 7 + 7  # inputs, forward, error, backward, update: 4, 2 and 1
    titles = set()
    for _ in range(count - 1):
        page.keyboard.press("ArrowRight")
        titles.add((page.text_content("#explain_title") or "").split(" · ")[0])
    assert titles == {"Forward", "The error at the output", "Backward", "Update"}
    assert page.is_disabled("#explain_next")
    assert (page.text_content("#explain_lines") or "").count("bias:") == 1
    screenshot(page, "explain")
    trace = page.evaluate("window.lernmi.explainer.trace")
    page.click("#explain_apply")
    page.wait_for_function("document.querySelector('#explain_note').textContent.includes('went')")
    snapshot = page.evaluate("JSON.parse(sessionStorage.getItem('lernmi.snapshot'))")
    for steps, layer in zip(trace["layers"], snapshot["network"]["layers"], strict=True):
        for j, neuron in enumerate(steps):
            assert layer["biases"][j] == neuron["new_bias"]
            assert layer["weights"][j] == [link["new_weight"] for link in neuron["links_in"]]
    page.click("#explain_leave")
    assert page.is_hidden("#explain")
    # It was playing before: Leave goes back to training, from the applied step.
    page.wait_for_function("document.querySelector('#play').textContent === 'Pause'")
    page.click("#play")
    assert tab.errors == []


def test_explain_shows_numbers_on_a_large_network_and_leave_changes_nothing(tab: Tab) -> None:
    page = tab.open("#seed=0.5&networkShape=8,8,8,8,8,8&dataset=spiral")
    step_once(page)
    before = canvas_pixels(page, "net")
    network = "JSON.parse(sessionStorage.getItem('lernmi.snapshot')).network"
    weights = page.evaluate(network)
    _explain_a_point(page, (0.6, 0.5))
    page.click("#explain_stages [data-stage=backward]")
    assert (page.text_content("#explain_title") or "").startswith("Backward · output")
    canvas_changed(page, "net", before)  # the other links dim, the focused ones carry their numbers
    assert "sensitivity δ = " in (page.text_content("#explain_lines") or "")
    # Each of the output's eight links carries its number, and no two numbers overlap.
    tags = page.evaluate("window.lernmi.tags")
    assert len(tags) == 8 + 1  # and the neuron's δ
    for i, one in enumerate(tags):
        for other in tags[i + 1 :]:
            assert (
                one["x"] + one["width"] <= other["x"]
                or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"]
            ), (one, other)
    for control in ["#explain_next", "#explain_apply", "#explain_leave"]:  # on the screen
        place = page.locator(control).bounding_box()
        assert place is not None
        assert place["y"] >= 0, control
        assert place["y"] + place["height"] <= 800, control
    page.keyboard.press("Escape")
    assert page.is_hidden("#explain")
    canvas_shows(page, "net", before)  # the links are drawn as before
    assert page.text_content("#play") == "Play"  # it was paused: it stays paused
    assert page.evaluate(network) == weights  # the network is as it was
    assert tab.errors == []


def test_drawn_points_of_two_classes_train_and_the_output_separates_them(tab: Tab) -> None:
    page = tab.open("#seed=0.5&allTrain=true")
    page.click("#edit_data")
    page.click("#edit_clear")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('0 ')")
    heatmap = page.locator("#heatmap")
    box = heatmap.bounding_box()
    assert box is not None
    for i in range(8):  # +1 on the left, −1 (shift) on the right
        y = box["height"] * (0.15 + 0.1 * i)
        heatmap.click(position={"x": box["width"] * 0.2, "y": y})
        heatmap.click(position={"x": box["width"] * 0.8, "y": y}, modifiers=["Shift"])
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('16 ')")
    assert page.text_content("#data_count") == "16 points: 16 train, 0 test"
    assert "dataset=own" in page.evaluate("location.hash")
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#train_loss').textContent) < 0.05")
    page.click("#play")
    pixels = canvas_pixels(page, "heatmap")
    width = page.evaluate("document.getElementById('heatmap').width")

    def colour(x: float, y: float) -> tuple[int, int, int]:
        i = (int(y * width) * width + int(x * width)) * 4
        return pixels[i], pixels[i + 1], pixels[i + 2]

    left, right = colour(0.1, 0.93), colour(0.9, 0.93)  # corners with no point on them
    assert (left[2] > 150, left[0] < 100) == (True, True), left  # blue: +1
    assert (right[0] > 200, right[2] < 120) == (True, True), right  # orange: −1
    # Undo takes the last point back; the right-click removes the nearest.
    page.click("#edit_undo")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('15 ')")
    heatmap.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.15}, button="right")
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('14 ')")
    screenshot(page, "drawn")
    assert tab.errors == []


def test_an_upload_with_a_bad_row_names_its_line_and_changes_nothing(tab: Tab, tmp_path) -> None:
    page = tab.open("#seed=0.5")
    before = page.text_content("#data_count")
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,1,1\n2,two,-1\n3,3,-1\n")
    page.set_input_files("#upload", str(bad))
    page.wait_for_selector("#upload_errors li")
    assert page.locator("#upload_errors li").all_text_contents() == ["line 3: y is not a number"]
    assert page.text_content("#data_count") == before
    good = tmp_path / "good.csv"
    good.write_text("0,0,0\n1,1,1\n2,2,2\n-1,-1,0\n-2,-2,1\n3,-3,2\n")
    page.set_input_files("#upload", str(good))
    page.wait_for_function("document.querySelector('#data_count').textContent.startsWith('6 ')")
    assert "nClasses=3" in page.evaluate("location.hash")
    assert page.locator("#upload_errors li").count() == 0
    with page.expect_download() as download:
        page.click("#download")
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "x,y,label,set"
    assert sorted(line.rsplit(",", 1)[0] for line in lines[1:]) == sorted(
        ["0,0,0", "1,1,1", "2,2,2", "-1,-1,0", "-2,-2,1", "3,-3,2"]
    )
    # Chromium logs the refused upload's 422 itself; nothing else may be logged.
    assert [e for e in tab.errors if "status of 422" not in e] == []
