"""A client that computes its own maps (/ws?maps=local, the page) gets frames without them, and
the server evaluates no grid for it; any other client still gets every map."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app import frames, protocol
from app.main import create_app
from app.session import Session
from tests.app.test_ws import DEFAULT, Client, connected

ALL_FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"]


def _blocks(frame):
    return [block["name"] for block in frame["blocks"]]


def test_a_client_computing_its_maps_gets_params_sensitivities_and_metrics_only():
    with connected(path="/ws?maps=local") as (_, first):
        frame = first["frame"]
    assert _blocks(frame) == ["params", "sensitivities"]
    assert set(frame["arrays"]) == {"params", "sensitivities"}
    assert "train_loss" in frame
    assert "test_accuracy" in frame


@pytest.mark.parametrize("path", ["/ws", "/ws?maps=server"])
def test_any_other_client_still_gets_every_map(path):
    with connected(path=path) as (_, first):
        frame = first["frame"]
    assert _blocks(frame) == ["params", "sensitivities", "neuron_maps", "output_maps"]
    assert frame["arrays"]["output_maps"].shape == (1, 100, 100)


def test_playing_for_a_client_with_its_own_maps_evaluates_no_grid(monkeypatch):
    grids: list[int] = []
    real = Session.grid

    def counted(session: Session, density: int) -> Any:
        grids.append(density)
        return real(session, density)

    monkeypatch.setattr(Session, "grid", counted)
    with connected(path="/ws?maps=local") as (c, _):
        c.ack()
        c.send(type="play")
        played = [c.until("frame") for _ in range(5)]
    assert played[-1]["epoch"] > 0
    assert grids == []
    with connected() as (c, _):  # the same server code, for a client that wants the maps
        c.ack()
        c.send(type="step")
        c.until("frame")
    assert grids[:2] == [20, 100]


def test_an_unknown_maps_value_is_refused_naming_the_field():
    with TestClient(create_app(DEFAULT)) as http, http.websocket_connect("/ws?maps=gpu") as ws:
        closed = Client(ws).until_closed()
    assert isinstance(closed, WebSocketDisconnect)
    assert closed.code == protocol.CLOSE_POLICY
    assert closed.reason == "maps must be one of server, local, not 'gpu'"


def _raw_frame(c: Client) -> bytes:
    """The next frame as it came over the socket, acked."""
    while True:
        event = c.ws.receive()
        if event.get("bytes") is not None:
            header, _ = frames.decode(event["bytes"])
            c.send(type="ack", frame=header["frame"])
            return bytes(event["bytes"])


@pytest.mark.parametrize(
    ("changes", "most"),
    [
        ({}, 1500),  # the default network: docs/performance.md's target
        ({"network_shape": [8] * 6, "features": ALL_FEATURES, "dataset": "spiral"}, 8000),
    ],
)
def test_frames_without_maps_are_small(changes, most):
    with connected(path="/ws?maps=local") as (c, _):
        c.ack()
        if changes:
            c.send(type="config", changes=changes)
            c.until("state")
        sizes = []
        for _ in range(3):
            c.send(type="step")
            sizes.append(len(_raw_frame(c)))
    assert max(sizes) <= most
