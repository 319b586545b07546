"""A session's configuration: TF Playground's parameters and ours, validated at the boundary."""

from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.settings import Settings
from engine.activations import allowed_activations
from engine.datasets import DATASETS
from engine.features import FEATURES

OWN = "own"  # the dataset of the user's own points (drawn, uploaded or restored)
CLASSIFICATION_DATASETS = (
    *(name for name, spec in DATASETS.items() if spec.problem == "classification"),
    OWN,
)
REGRESSION_DATASETS = (
    *(name for name, spec in DATASETS.items() if spec.problem == "regression"),
    OWN,
)

EARLY_STOPPING_LIMIT = 10_000  # epochs early stopping may wait for a lower test loss

# What a change of each field does to a running session (TF Playground's rules, except that the
# learning rate, the regularization rate and the optimizer keep the network).
DATA_FIELDS = frozenset(
    {
        "problem",
        "dataset",
        "reg_dataset",
        "n_classes",
        "noise",
        "perc_train",
        "all_train",
        "data_seed",
    }
)
NETWORK_FIELDS = frozenset(
    {"activation", "regularization", "batch_size", "network_shape", "features", "init_zero", "loss"}
)


class InputError(ValueError):
    """Bad input from a client: which field, and a sentence saying what is allowed."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def input_error(error: ValidationError, prefix: str = "", skip: int = 0) -> InputError:
    """The first problem pydantic found, as a field path under `prefix` and a sentence; `skip`
    drops that many leading parts of pydantic's path (a union member's name, not a field)."""
    first = error.errors(include_url=False)[0]
    path = [prefix] if prefix else []
    path += [str(part) for part in first["loc"][skip:]]
    field = ".".join(path) or None
    message = first["msg"].removeprefix("Value error, ")
    return InputError(field, f"{field}: {message}" if field else message)


def settings_of(info: ValidationInfo) -> Settings | None:
    """The server's settings a validation was given as its context (their limits), if any."""
    settings = info.context.get("settings") if isinstance(info.context, dict) else None
    return settings if isinstance(settings, Settings) else None


class Config(BaseModel):
    """Everything that defines a session's data and network. Names follow TF Playground's URL
    keys in snake case (`learningRate` → `learning_rate`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    problem: Literal["classification", "regression"] = "classification"
    dataset: str = "circle"  # the classification dataset
    reg_dataset: str = "reg-plane"  # the regression dataset
    n_classes: int = Field(2, ge=2, le=5, description="classes; 3 to 5 for blobs and spiral")
    noise: int = Field(0, ge=0, le=50, description="percent, TF's slider")
    perc_train: int = Field(50, ge=10, le=90, description="percent of the points that train")
    all_train: bool = Field(False, description="every point trains (no test set), not perc_train")
    batch_size: int = Field(10, ge=1, le=30)
    learning_rate: float = Field(0.03, ge=0.00001, le=10)
    activation: str = "tanh"  # a hidden activation of engine/activations.py
    regularization: Literal["none", "L1", "L2"] = "none"
    regularization_rate: float = Field(0.0, ge=0, le=10)
    network_shape: list[int] = Field(default_factory=lambda: [4, 2], max_length=64)
    features: list[str] = Field(default_factory=lambda: ["x", "y"], min_length=1)
    seed: str = Field("0.00000", min_length=1, max_length=64)  # same seed: same data, same weights
    data_seed: str | None = Field(None, max_length=64)  # set by "regenerate": new data, same net
    init_zero: bool = False
    loss: Literal["square", "cross_entropy"] = "square"
    optimizer: Literal["sgd", "momentum", "adam"] = "sgd"
    early_stopping: int = Field(
        0,
        strict=True,
        description="pause after this many epochs without a lower test loss; 0: never",
        json_schema_extra={"minimum": 0, "maximum": EARLY_STOPPING_LIMIT},  # _patience checks
    )

    @field_validator("dataset", "reg_dataset")
    @classmethod
    def _known_dataset(cls, name: str, info: ValidationInfo) -> str:
        allowed = CLASSIFICATION_DATASETS if info.field_name == "dataset" else REGRESSION_DATASETS
        if name not in allowed:
            raise ValueError(f"{info.field_name} must be one of {', '.join(allowed)}")
        return name

    @field_validator("activation")
    @classmethod
    def _known_activation(cls, name: str) -> str:
        allowed = allowed_activations()
        if name not in allowed:
            raise ValueError(
                f"Input should be {', '.join(map(repr, allowed[:-1]))} or {allowed[-1]!r}"
            )
        return name

    @field_validator("features")
    @classmethod
    def _known_features(cls, names: list[str]) -> list[str]:
        unknown = [name for name in names if name not in FEATURES]
        if unknown or len(set(names)) != len(names):
            raise ValueError(f"features must be distinct names among {', '.join(FEATURES)}")
        return names

    @field_validator("early_stopping")
    @classmethod
    def _patience(cls, epochs: int) -> int:
        if not 0 <= epochs <= EARLY_STOPPING_LIMIT:
            raise ValueError(
                f"early_stopping must be 0 (off) or 1 to {EARLY_STOPPING_LIMIT} epochs"
                " without a lower test loss"
            )
        return epochs

    @field_validator("network_shape")
    @classmethod
    def _layers(cls, shape: list[int], info: ValidationInfo) -> list[int]:
        if any(size < 1 for size in shape):
            raise ValueError("every hidden layer needs at least 1 neuron")
        # The server's limits, which static bounds cannot know: Config.checked passes them.
        settings = settings_of(info)
        if settings is not None:
            layers, neurons = settings.max_hidden_layers, settings.max_neurons
            if len(shape) > layers or any(size > neurons for size in shape):
                raise ValueError(f"at most {layers} hidden layers, each of 1 to {neurons} neurons")
        return shape

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.n_classes > 2 and (
            self.problem != "classification" or self.dataset not in ("blobs", "spiral", OWN)
        ):
            raise ValueError(
                "n_classes above 2 needs classification on 'blobs', 'spiral' or 'own' points; "
                "set the class count to 2 first"
            )
        if self.loss == "cross_entropy" and self.problem != "classification":
            raise ValueError(
                "loss 'cross_entropy' is for classification; set the loss to 'square' first"
            )
        return self

    @property
    def dataset_field(self) -> str:
        """The field that names this problem's dataset."""
        return "dataset" if self.problem == "classification" else "reg_dataset"

    @property
    def active_dataset(self) -> str:
        return self.dataset if self.problem == "classification" else self.reg_dataset

    @property
    def output_activation(self) -> str:
        if self.problem == "regression":
            return "linear"
        return "softmax" if self.n_classes > 2 else "tanh"

    @property
    def layer_sizes(self) -> list[int]:
        outputs = self.n_classes if self.output_activation == "softmax" else 1
        return [len(self.features), *self.network_shape, outputs]

    @classmethod
    def checked(cls, data: Any, settings: Settings, field: str = "") -> "Config":
        """A configuration from a client, within this server's limits. InputError names the
        first bad field, under `field` ("changes", "snapshot.config")."""
        try:
            return cls.model_validate(data, context={"settings": settings})
        except ValidationError as error:
            raise input_error(error, field) from None


def config_schema(settings: Settings) -> dict[str, object]:
    """Config's JSON schema with this server's limits filled in."""
    schema = Config.model_json_schema()
    shape = schema["properties"]["network_shape"]
    shape["maxItems"] = settings.max_hidden_layers
    shape["items"] = {"type": "integer", "minimum": 1, "maximum": settings.max_neurons}
    schema["properties"]["dataset"]["enum"] = list(CLASSIFICATION_DATASETS)
    schema["properties"]["reg_dataset"]["enum"] = list(REGRESSION_DATASETS)
    schema["properties"]["features"]["items"] = {"enum": list(FEATURES)}
    schema["properties"]["activation"]["enum"] = list(allowed_activations())
    return schema
