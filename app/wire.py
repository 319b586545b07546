"""A session as its client sees it: the state, the frames and the snapshot (read back by
app/restore.py)."""

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from app import frames, protocol
from app.config import OWN, Config
from app.data import Data
from app.settings import Settings
from engine import Network


class Session(Protocol):
    """What of a session its client sees (app/session.py's Session is one)."""

    settings: Settings
    config: Config
    net: Network
    data: Data
    own: tuple[NDArray[Any], NDArray[Any]] | None
    split: NDArray[np.bool_] | None
    frame_number: int
    state_id: int
    sensitivity_kind: str
    metrics: dict[str, Any]
    playing: bool
    diverged: bool
    speed: int | str
    history: list[tuple[int, float | None, float | None]]

    def grid(self, density: int) -> NDArray[Any]: ...


SNAPSHOT_FORMAT = 1


def frame(session: Session, maps: bool = True) -> bytes:
    """The frame for the session as it is: numbers, and (with `maps`) every neuron's map and the
    output map; without, the client computes them from the params (docs/protocol.md)."""
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged net's numbers are inf
        net = session.net
        P = net.parameters
        sensitivities = P.epoch_grad if session.sensitivity_kind == "epoch" else P.grad
        header = {
            "type": "frame",
            "frame": session.frame_number,
            "state_id": session.state_id,
            "epoch": net.epoch,
            **session.metrics,
            "playing": session.playing,
            "diverged": session.diverged,
            "sensitivity": session.sensitivity_kind,
        }
        blocks: list[tuple[str, NDArray[Any], dict[str, Any]]] = [
            ("params", frames.finite32(P.values), {}),
            ("sensitivities", frames.finite32(sensitivities), {}),
        ]
        if not maps:
            return frames.encode(header, blocks, frames.STORED)
        return frames.encode(header, blocks + _maps(session))


def _maps(session: Session) -> list[tuple[str, NDArray[Any], dict[str, Any]]]:
    """The blocks of every hidden neuron's map (20×20) and the output's (100×100), as bytes."""
    net = session.net
    small = net.evaluate(session.grid(frames.NEURON_GRID))
    big = net.evaluate(session.grid(frames.OUTPUT_GRID))
    g, G = frames.NEURON_GRID, frames.OUTPUT_GRID
    hidden = [m.reshape(-1, g, g) for m in small[:-1]]
    low = 0.0 if session.config.output_activation == "softmax" else -1.0  # probabilities
    maps = np.concatenate(hidden) if hidden else np.zeros((0, g, g))
    return [
        ("neuron_maps", frames.quantize(maps, -1, 1), {"range": [-1.0, 1.0]}),
        ("output_maps", frames.quantize(big[-1].reshape(-1, G, G), low, 1), {"range": [low, 1.0]}),
    ]


def state(session: Session) -> dict[str, Any]:
    """Everything the page needs to lay itself out: config, points, network, weights."""
    net, d, s = session.net, session.data, session.settings
    return {
        "type": "state",
        "state_id": session.state_id,
        "config": session.config.model_dump(),
        "limits": {
            "max_hidden_layers": s.max_hidden_layers,
            "max_neurons": s.max_neurons,
            "max_points": s.max_points,
            "max_fps": s.max_fps,
            "max_epochs_per_frame": s.max_epochs_per_frame,
            "weight": protocol.WEIGHT_LIMIT,
        },
        "points": {
            "x": d.points[:, 0].tolist(),
            "y": d.points[:, 1].tolist(),
            "label": np.asarray(d.labels).tolist(),
            "train": d.train.tolist(),
        },
        "network": network(net),
        "epoch": net.epoch,
        "playing": session.playing,
        "speed": session.speed,
        "diverged": session.diverged,
        "history": session.history,
        **session.metrics,
    }


def network(net: Network) -> dict[str, Any]:
    """A network as the state describes it: inputs, layers, links and the params' order."""
    return {
        "inputs": [node.name for node in net.inputs],
        "layers": [
            {"activation": layer.activation.name, "neurons": [n.id for n in layer.neurons]}
            for layer in net.layers
        ],
        "links": [[link.id, link.source.id, link.dest.id] for link in net.links],
        # The frames' params and sensitivities in order: per neuron, its links, its bias.
        "params": [
            pid
            for neuron in net.neurons
            for pid in [*(link.id for link in neuron.links_in), neuron.id]
        ],
        "values": net.parameters.values.tolist(),
    }


def snapshot(session: Session) -> dict[str, Any]:
    """What a client keeps to get this session back anywhere, weights bit for bit."""
    own = split = None
    if session.config.active_dataset == OWN and session.own is not None:
        own = np.column_stack([session.own[0], session.own[1]]).tolist()
        split = None if session.split is None else session.split.tolist()
    return {
        "format": SNAPSHOT_FORMAT,
        "config": session.config.model_dump(),
        "network": session.net.to_dict(),
        "points": own,
        "train": split,
        "playing": session.playing,
        "speed": session.speed,
        "history": session.history,
    }
