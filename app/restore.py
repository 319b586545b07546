"""A snapshot from a client (a `restore`, a model file), checked whole before anything is built.

Types, finite numbers and this server's limits first (pydantic), then the network against its
config: its shape, and every array's shape against it. Only then is a network built, so a
restore costs what the network it describes costs, at most the limits' largest.
"""

import itertools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from app import data as session_data
from app.config import OWN, Config, InputError, input_error, settings_of
from app.history import HISTORY_LIMIT
from app.protocol import COORDINATE_LIMIT, EpochsPerFrame
from app.settings import Settings
from app.wire import SNAPSHOT_FORMAT
from engine import Network
from engine.optimizers import OPTIMIZERS

EPOCH_LIMIT = 2**53  # epochs a snapshot may claim: JavaScript's numbers hold them exactly
STATE_LIMIT = 2**128  # PCG64's state and increment are 128-bit numbers

Number = Annotated[float, Strict()]  # a JSON number (not a string, not a boolean), finite
Whole = Annotated[int, Strict()]
Epoch = Annotated[int, Strict(), Field(ge=0, le=EPOCH_LIMIT)]
Coordinate = Annotated[float, Strict(), Field(ge=-COORDINATE_LIMIT, le=COORDINATE_LIMIT)]
Digits = Annotated[str, Field(pattern=r"^[0-9]{1,39}$")]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class LayerFile(_Part):
    weights: list[list[Number]]  # weights[j][i]: from source i into neuron j
    biases: list[Number]
    dead: list[tuple[Whole, Whole]] = []  # [neuron, source] of each link L1 froze


class RngFile(_Part):
    state: Digits
    inc: Digits
    has_uint32: Annotated[int, Strict(), Field(ge=0, le=1)]
    uinteger: Annotated[int, Strict(), Field(ge=0, lt=2**32)]


class NetworkFile(_Part):
    format: Literal[1]
    layer_sizes: list[Whole]
    activation: str
    output_activation: str
    loss: str
    optimizer: str
    seed: str
    init_zero: Annotated[bool, Strict()]
    input_names: list[str]
    epoch: Epoch
    layers: list[LayerFile]
    optimizer_state: dict[str, list[Number]]
    rng: RngFile


class SnapshotFile(_Part):
    format: Literal[1]
    config: Config
    network: NetworkFile
    points: list[tuple[Coordinate, Coordinate, Number]] | None = None
    train: list[Annotated[bool, Strict()]] | None = None  # which points train, if a file said
    playing: Annotated[bool, Strict()] = False
    speed: EpochsPerFrame = 1
    history: list[tuple[Epoch, Number | None, Number | None]] = Field(
        default_factory=list, max_length=HISTORY_LIMIT
    )

    @field_validator("points", "train", mode="before")
    @classmethod
    def _few_enough(cls, points: Any, info: ValidationInfo) -> Any:
        # Counted before each point is checked: 40,000 points fit in a message.
        settings = settings_of(info)
        if settings is not None and isinstance(points, list) and len(points) > settings.max_points:
            raise ValueError(f"at most {settings.max_points} points")
        return points


@dataclass(frozen=True)
class Restored:
    """A snapshot, checked: everything a session needs to become it."""

    config: Config
    net: Network
    own: tuple[NDArray[Any], NDArray[Any]] | None
    split: NDArray[np.bool_] | None
    speed: int | str
    history: list[tuple[int, float | None, float | None]]
    playing: bool


def read_snapshot(snapshot: dict[str, Any], settings: Settings) -> Restored:
    """A snapshot from a client, checked whole (InputError names the first bad field), and the
    network it describes."""
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise InputError("snapshot.format", f"snapshot.format must be {SNAPSHOT_FORMAT}")
    try:
        file = SnapshotFile.model_validate(snapshot, context={"settings": settings})
    except ValidationError as error:
        raise input_error(error, "snapshot") from None
    config = file.config
    _check_network(file.network, config)
    speed = file.speed
    if isinstance(speed, int) and speed > settings.max_epochs_per_frame:
        limit = settings.max_epochs_per_frame
        raise InputError("snapshot.speed", f'snapshot.speed must be 1 to {limit}, or "max"')
    own = None if file.points is None else _points(file.points, config)
    if config.active_dataset == OWN and own is None:
        raise InputError("snapshot.points", "snapshot.points: the dataset 'own' needs its points")
    split = None if file.train is None else np.array(file.train, dtype=bool)
    if split is not None and (own is None or len(split) != len(own[0])):
        raise InputError("snapshot.train", "snapshot.train: one true or false for each point")
    try:
        net = Network.from_dict(file.network.model_dump())
    except ValueError as error:  # the checks above leave nothing for the engine to refuse
        raise InputError("snapshot.network", f"snapshot.network: {error}") from None
    return Restored(config, net, own, split, speed, list(file.history), file.playing)


def _check_network(net: NetworkFile, config: Config) -> None:
    """The network is the one the config describes, and every array has its shape."""
    expected = {
        "layer_sizes": config.layer_sizes,
        "activation": config.activation,
        "output_activation": config.output_activation,
        "loss": config.loss,
        "optimizer": config.optimizer,
        "seed": config.seed,
        "init_zero": config.init_zero,
        "input_names": config.features,
    }
    for name, value in expected.items():
        found = getattr(net, name)
        if found != value:
            raise InputError(
                f"snapshot.network.{name}",
                f"snapshot.network.{name} is {found!r}, which does not match snapshot.config"
                f" (it gives {value!r})",
            )
    sizes = config.layer_sizes
    if len(net.layers) != len(sizes) - 1:
        raise InputError(
            "snapshot.network.layers",
            f"snapshot.network.layers must hold {len(sizes) - 1} layers, not {len(net.layers)}",
        )
    for k, layer in enumerate(net.layers):
        where = f"snapshot.network.layers.{k}"
        n_in, n_out = sizes[k], sizes[k + 1]
        if len(layer.weights) != n_out or any(len(row) != n_in for row in layer.weights):
            raise InputError(f"{where}.weights", f"{where}.weights must be {n_out} rows of {n_in}")
        if len(layer.biases) != n_out:
            raise InputError(f"{where}.biases", f"{where}.biases must be {n_out} numbers")
        for j, i in layer.dead:
            if not (0 <= j < n_out and 0 <= i < n_in):
                raise InputError(f"{where}.dead", f"{where}.dead names no link: [{j}, {i}]")
    parameters = sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(sizes))
    optimizer = OPTIMIZERS[config.optimizer]
    lengths = dict.fromkeys(optimizer.state_shapes, parameters)
    lengths.update(dict.fromkeys(optimizer.counters, 1))
    state = net.optimizer_state
    if set(state) != set(lengths) or any(len(state[key]) != n for key, n in lengths.items()):
        wanted = ", ".join(f"{key} ({n} numbers)" for key, n in lengths.items()) or "nothing"
        raise InputError(
            "snapshot.network.optimizer_state",
            f"snapshot.network.optimizer_state must hold {wanted} for {config.optimizer}",
        )
    for name in ("state", "inc"):
        if int(getattr(net.rng, name)) >= STATE_LIMIT:
            field = f"snapshot.network.rng.{name}"
            raise InputError(field, f"{field} must be below 2^128")


def _points(
    rows: list[tuple[float, float, float]], config: Config
) -> tuple[NDArray[Any], NDArray[Any]]:
    array = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return array[:, :2], session_data.check_labels(array[:, 2], config, "snapshot.points")
