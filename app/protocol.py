"""The WebSocket protocol: one pydantic model per client message, close codes, error sentences.

docs/protocol.md describes every message both ways; this module is the contract's source.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, TypeAdapter, ValidationError
from starlette import status

from app import jsontext
from app.config import InputError, input_error
from engine.datasets import POINT_LIMIT

WEIGHT_LIMIT = 100.0  # |weight| and |bias| a client may set by hand
COORDINATE_LIMIT = POINT_LIMIT  # a point's x and y; the view is TF's [-6, 6]²

# Close codes, by name (docs/protocol.md lists them with their reasons).
CLOSE_BUSY = status.WS_1013_TRY_AGAIN_LATER  # max_sessions reached
CLOSE_POLICY = status.WS_1008_POLICY_VIOLATION  # too many bad messages, or a foreign origin
CLOSE_IDLE = 4000  # no message for idle_timeout_s
# /ws?maps=…: "server" (the default) sends the maps in every frame; "local" sends none, for a
# client that computes them from the params (the page, static/js/maps.js).
MAPS = ("server", "local")


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


CONFIG_KEYS = 32  # more keys than Config has fields: a change names each at most once


class ConfigChange(_Message):
    """Change any configuration fields; the rest stay."""

    type: Literal["config"]
    changes: dict[str, Any] = Field(min_length=1, max_length=CONFIG_KEYS)


class Link(_Message):
    """Open a link: the default configuration with these fields; a field that cannot apply is
    skipped and reported, the others still apply."""

    type: Literal["link"]
    changes: dict[str, Any] = Field(max_length=CONFIG_KEYS)


class Play(_Message):
    type: Literal["play"]


class Pause(_Message):
    type: Literal["pause"]


class Step(_Message):
    """Train one epoch."""

    type: Literal["step"]


class StepBatch(_Message):
    """Train one mini-batch."""

    type: Literal["step_batch"]


class Reset(_Message):
    """Rebuild the network from the same seed: the same initial weights (TF issue #25)."""

    type: Literal["reset"]


class NewSeed(_Message):
    """A new seed (given, or drawn by the server): new data and new initial weights."""

    type: Literal["new_seed"]
    seed: str | None = Field(None, min_length=1, max_length=64)


class Regenerate(_Message):
    """New data from a new data seed; the network keeps its weights (TF's "regenerate")."""

    type: Literal["regenerate"]


class SetWeight(_Message):
    type: Literal["set_weight"]
    link: str = Field(max_length=64)  # a link id from the state, e.g. "x-1:0"
    value: float = Field(ge=-WEIGHT_LIMIT, le=WEIGHT_LIMIT)


class SetBias(_Message):
    type: Literal["set_bias"]
    neuron: str = Field(max_length=64)  # a neuron id from the state, e.g. "1:0"
    value: float = Field(ge=-WEIGHT_LIMIT, le=WEIGHT_LIMIT)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _epochs_per_frame(value: Any) -> int | str:
    if value == "max" or (_whole(value) and value >= 1):
        return value  # type: ignore[no-any-return]
    raise ValueError('must be a whole number ≥ 1, or "max"')


# A number or a word: checked by one function, so an error names the field, not a union member.
EpochsPerFrame = Annotated[int | str, PlainValidator(_epochs_per_frame)]


class Speed(_Message):
    """Epochs per frame while playing, or "max": as many as the frame budget allows."""

    type: Literal["speed"]
    epochs_per_frame: EpochsPerFrame


Coordinate = Annotated[float, Field(ge=-COORDINATE_LIMIT, le=COORDINATE_LIMIT)]


class AddPoints(_Message):
    """Points [x, y, label] added to the session's own data (labels: ±1, a class, or a value)."""

    type: Literal["add_points"]
    points: list[tuple[Coordinate, Coordinate, float]] = Field(min_length=1)


class RemovePoint(_Message):
    """Remove the point nearest to [x, y]."""

    type: Literal["remove_point"]
    near: tuple[Coordinate, Coordinate]


class ClearPoints(_Message):
    type: Literal["clear_points"]


class SetPoints(_Message):
    """Replace the session's points with these (an upload, an undo), with the class count they
    use; checked whole, applied whole."""

    type: Literal["set_points"]
    points: list[tuple[Coordinate, Coordinate, float]]
    n_classes: int | None = Field(None, ge=2, le=5)
    train: list[bool] | None = None  # which points train (a file's set column); else the ratio


class Confusion(_Message):
    """Frames carry the confusion matrices (train and test) while `show` is on."""

    type: Literal["confusion"]
    show: bool


class Explain(_Message):
    """The explanation trace of one point: its index in the state's points."""

    type: Literal["explain"]
    index: int = Field(ge=0)


class ApplyStep(_Message):
    """Apply the explained update of one point (its trace's new weights and biases): one online
    SGD step on that sample, without regularization."""

    type: Literal["apply_step"]
    index: int = Field(ge=0)


class RestoreBest(_Message):
    """Put back the weights the network had at its lowest test loss, and go back to that epoch."""

    type: Literal["restore_best"]


class Ack(_Message):
    """The client has drawn frame `frame`: the server may send the next."""

    type: Literal["ack"]
    frame: int = Field(ge=0)


PING_ID_LIMIT = 2**53  # |id| of a numeric ping id: JavaScript's numbers hold it exactly
PING_ID_LENGTH = 64  # characters of a ping id that is a string


def _ping_id(value: Any) -> int | str | None:
    if (
        value is None
        or (_whole(value) and abs(value) <= PING_ID_LIMIT)
        or (isinstance(value, str) and len(value) <= PING_ID_LENGTH)
    ):
        return value  # type: ignore[no-any-return]
    raise ValueError(
        f"must be a whole number from -2^53 to 2^53, or text of at most {PING_ID_LENGTH} characters"
    )


class Ping(_Message):
    """Answered at once with a pong carrying `id`, the epoch and the playing state."""

    type: Literal["ping"]
    id: Annotated[int | str | None, PlainValidator(_ping_id)] = None


class SnapshotRequest(_Message):
    """Ask for a snapshot now (one also comes after changes, pauses and every few seconds)."""

    type: Literal["snapshot"]


class Restore(_Message):
    """Rebuild the session from a snapshot the client held: weights come back bit for bit."""

    type: Literal["restore"]
    snapshot: dict[str, Any]


ClientMessage = Annotated[
    ConfigChange
    | Link
    | Play
    | Pause
    | Step
    | StepBatch
    | Reset
    | NewSeed
    | Regenerate
    | SetWeight
    | SetBias
    | Speed
    | AddPoints
    | RemovePoint
    | ClearPoints
    | SetPoints
    | Confusion
    | Explain
    | ApplyStep
    | RestoreBest
    | Ack
    | Ping
    | SnapshotRequest
    | Restore,
    Field(discriminator="type"),
]
_CLIENT = TypeAdapter[ClientMessage](ClientMessage)


def parse(text: str, max_bytes: int) -> ClientMessage:
    """One client message from its JSON text; InputError says what is wrong and what is allowed."""
    size = len(text.encode("utf-8", "surrogatepass"))  # a lone surrogate is refused below
    if size > max_bytes:
        raise InputError(None, f"message of {size} bytes is over the limit of {max_bytes} bytes")
    data = jsontext.loads(text, "message is not valid JSON")
    if not isinstance(data, dict):
        raise InputError(None, 'a message must be a JSON object with a "type"')
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as error:
        if error.errors()[0]["type"] in ("union_tag_invalid", "union_tag_not_found"):
            raise InputError("type", f"type must be one of {', '.join(sorted(_TAGS))}") from None
        # pydantic's path starts with the union member (the message's type): not a field.
        raise input_error(error, skip=1) from None


_TAGS = frozenset(
    model.model_fields["type"].annotation.__args__[0]
    for model in ClientMessage.__origin__.__args__  # type: ignore[attr-defined]
)
