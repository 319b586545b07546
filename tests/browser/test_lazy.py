"""An embed costs nothing until it is played: its picture comes from POST /api/preview, and its
WebSocket opens only when the reader plays it."""

from tests.browser.pages import Tab


def test_an_embed_draws_its_network_without_a_socket_and_opens_one_when_played(tab: Tab):
    sockets: list[str] = []
    tab.page.on("websocket", lambda socket: sockets.append(socket.url))
    page = tab.open("embed#dataset=xor&networkShape=3&noise=10")
    assert page.inner_text("#status") == "ready"
    assert page.evaluate("window.lernmi.layout.xs.length") == 3  # inputs, 3 neurons, output
    seed = page.evaluate("new URLSearchParams(location.hash.slice(1)).get('seed')")
    assert seed  # the preview drew one, and wrote it into the hash
    assert sockets == []
    page.click("#play")
    page.wait_for_function(
        "Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > 5"
    )
    assert len(sockets) == 1
    assert page.inner_text("#status") == "live"
    assert f"seed={seed}" in page.evaluate("location.hash")  # the network played is the one shown
    assert "networkShape=3" in page.evaluate("location.hash")
    assert tab.errors == []
