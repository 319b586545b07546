"""A session as its client sees it: the state, the frames, and snapshots out and back in."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from app import data as session_data
from app import frames, protocol
from app.config import OWN, Config, InputError
from app.settings import Settings
from engine import Network

if TYPE_CHECKING:
    from app.session import Session

SNAPSHOT_FORMAT = 1
HISTORY_LIMIT = 600  # loss-chart points a session keeps (past it, every other one goes)


def frame(session: "Session") -> bytes:
    """The frame for the session as it is: numbers, every neuron's map, the output map."""
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged net's numbers are inf
        net = session.net
        P = net.parameters
        sensitivities = P.epoch_grad if session.sensitivity_kind == "epoch" else P.grad
        small = net.evaluate(session.grid(frames.NEURON_GRID))
        big = net.evaluate(session.grid(frames.OUTPUT_GRID))
        g, G = frames.NEURON_GRID, frames.OUTPUT_GRID
        hidden = [m.reshape(-1, g, g) for m in small[:-1]]
        low = 0.0 if session.config.output_activation == "softmax" else -1.0  # probabilities
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
        maps = np.concatenate(hidden) if hidden else np.zeros((0, g, g))
        return frames.encode(
            header,
            [
                ("params", P.values.astype(np.float32), {}),
                ("sensitivities", sensitivities.astype(np.float32), {}),
                ("neuron_maps", frames.quantize(maps, -1, 1), {"range": [-1.0, 1.0]}),
                (
                    "output_maps",
                    frames.quantize(big[-1].reshape(-1, G, G), low, 1),
                    {"range": [low, 1.0]},
                ),
            ],
        )


def state(session: "Session") -> dict[str, Any]:
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
        "network": {
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
        },
        "epoch": net.epoch,
        "playing": session.playing,
        "speed": session.speed,
        "diverged": session.diverged,
        "history": session.history,
        **session.metrics,
    }


def snapshot(session: "Session") -> dict[str, Any]:
    """What a client keeps to get this session back anywhere, weights bit for bit."""
    own = None
    if session.config.active_dataset == OWN and session.own is not None:
        own = np.column_stack([session.own[0], session.own[1]]).tolist()
    return {
        "format": SNAPSHOT_FORMAT,
        "config": session.config.model_dump(),
        "network": session.net.to_dict(),
        "points": own,
        "playing": session.playing,
        "speed": session.speed,
        "history": session.history,
    }


@dataclass(frozen=True)
class Restored:
    """A snapshot, checked: everything a session needs to become it."""

    config: Config
    net: Network
    own: tuple[NDArray[Any], NDArray[Any]] | None
    speed: int | str
    history: list[tuple[int, float | None, float | None]]
    playing: bool


def read_snapshot(snapshot: dict[str, Any], settings: Settings) -> Restored:
    """A snapshot from a client, checked field by field (InputError names the first bad one)."""
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise InputError("snapshot.format", f"snapshot.format must be {SNAPSHOT_FORMAT}")
    try:
        config = Config.model_validate(snapshot.get("config"))
    except ValidationError as error:
        raise protocol.validation_error(error, "snapshot.config") from None
    config.check_limits(settings)
    own = None
    if snapshot.get("points") is not None:
        own = _points(snapshot["points"], config, settings)
    try:
        net = Network.from_dict(snapshot.get("network"))  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError) as error:
        raise InputError("snapshot.network", f"snapshot.network: {error}") from None
    expected = (config.layer_sizes, config.activation, config.output_activation, config.loss)
    found = (list(net.layer_sizes), net.activation, net.output_activation, net.loss_name)
    if found != expected:
        raise InputError("snapshot.network", "snapshot.network does not match snapshot.config")
    speed = snapshot.get("speed", 1)
    if not (
        speed == "max" or (isinstance(speed, int) and 1 <= speed <= settings.max_epochs_per_frame)
    ):
        raise InputError("snapshot.speed", 'snapshot.speed must be epochs per frame or "max"')
    history = _history(snapshot.get("history", []))
    return Restored(config, net, own, speed, history, bool(snapshot.get("playing", False)))


def _points(points: Any, config: Config, settings: Settings) -> tuple[NDArray[Any], NDArray[Any]]:
    message = "snapshot.points must be [x, y, label] rows"
    try:
        array = np.array(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("snapshot.points", message) from None
    if array.ndim != 2 or array.shape[1] != 3 or not np.isfinite(array).all():
        raise InputError("snapshot.points", message)
    limit = protocol.COORDINATE_LIMIT
    if len(array) > settings.max_points or (np.abs(array[:, :2]) > limit).any():
        raise InputError(
            "snapshot.points",
            f"snapshot.points: at most {settings.max_points} points within ±{limit}",
        )
    return array[:, :2], session_data.check_labels(array[:, 2], config)


def _history(rows: Any) -> list[tuple[int, float | None, float | None]]:
    if not isinstance(rows, list) or len(rows) > HISTORY_LIMIT:
        raise InputError("snapshot.history", f"snapshot.history: at most {HISTORY_LIMIT} rows")
    try:
        return [
            (int(e), None if a is None else float(a), None if b is None else float(b))
            for e, a, b in rows
        ]
    except (TypeError, ValueError):
        raise InputError(
            "snapshot.history", "snapshot.history rows are [epoch, train, test]"
        ) from None
