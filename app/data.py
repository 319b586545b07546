"""A session's points: generated from the config's dataset, or the user's own, split in two."""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import OWN, Config, InputError
from app.settings import Settings
from engine import datasets, features
from engine.seeding import make_rng

Array = NDArray[Any]


@dataclass(frozen=True)
class Data:
    """Points (n, 2) with labels (n,) in a fixed order, which ones train, and the features."""

    points: Array
    labels: Array
    train: NDArray[np.bool_]
    X_train: Array
    Y_train: Array
    X_test: Array
    Y_test: Array

    def __post_init__(self) -> None:
        # Read-only: the network checks a set once and trusts it after (engine/checks.Checked).
        for array in (self.X_train, self.Y_train, self.X_test, self.Y_test):
            array.flags.writeable = False

    def features_of(self, index: int, names: list[str]) -> Array:
        """The feature vector of point `index`."""
        row: Array = features.transform(self.points[index : index + 1], names)[0]
        return row


def build(
    config: Config,
    settings: Settings,
    own: tuple[Array, Array] | None,
    empty_ok: bool = False,
    split: Array | None = None,
) -> Data:
    """The data `config` describes: its dataset (or `own` points), split by perc_train, or for
    own points by `split` (which train) when a file gave it. Own points may be none only when
    `empty_ok` (the user cleared them and will draw new ones)."""
    if config.active_dataset == OWN:
        if own is None or (len(own[0]) == 0 and not empty_ok):
            raise InputError("dataset", "dataset 'own' needs points: add some first")
        points, labels = own
    else:
        spec = datasets.DATASETS[config.active_dataset]
        points, labels = datasets.generate(
            spec.name,
            min(spec.default_points, settings.max_points),
            config.noise / 100,
            config.data_seed or config.seed,
            n_classes=config.n_classes,
        )
    # TF: shuffle, then the first floor(N · ratio) points train; at least one does.
    n = len(points)
    order = make_rng(config.data_seed or config.seed).permutation(n)
    train = np.zeros(n, dtype=bool)
    train[order[: n if config.all_train else max(min(n, 1), n * config.perc_train // 100)]] = True
    if config.active_dataset == OWN and split is not None and not config.all_train:
        train = np.asarray(split, dtype=bool).copy()
    names = config.features
    return Data(
        points,
        labels,
        train,
        features.transform(points[train], names),
        labels[train],
        features.transform(points[~train], names) if not train.all() else np.zeros((0, len(names))),
        labels[~train],
    )


# A regression label may lie in ±2: reg-plane's own labels reach ±1.8 at noise 50 (its plane
# maps [-10, 10] to [-1, 1], and noise shifts each coordinate by up to 3), so every set the
# page generates, and every point drawn beside it, is accepted.
REGRESSION_LABEL_LIMIT = 2.0


def label_problem(label: float, problem: str, n_classes: int) -> str | None:
    """Why `label` cannot label a point of this problem and class count, or None if it can."""
    if not math.isfinite(label):
        return "the label is not a finite number"
    if problem == "regression":
        limit = REGRESSION_LABEL_LIMIT
        fits = -limit <= label <= limit
        return None if fits else f"label {label:g} is not a value from {-limit:g} to {limit:g}"
    if n_classes > 2:
        fits = label == int(label) and 0 <= label < n_classes
        return None if fits else f"label {label:g} is not a class from 0 to {n_classes - 1}"
    return None if label in (-1.0, 1.0) else f"label {label:g} is not +1 or -1 (two classes)"


def check_labels(labels: Array, config: Config, field: str = "points") -> Array:
    """Labels for own points, as the problem needs them: ±1, a class 0..k−1, or a value;
    InputError names the first bad one as `field`[index]."""
    for index, label in enumerate(labels.tolist()):
        problem = label_problem(float(label), config.problem, config.n_classes)
        if problem is not None:
            raise InputError(field, f"{field}[{index}]: {problem}")
    if config.problem == "classification" and config.n_classes > 2:
        return labels.astype(np.int64)
    return labels.astype(np.float64)


PREVIEW_POINTS = 120
PREVIEW_SEED = 1


def previews() -> list[dict[str, Any]]:
    """What the page draws on its dataset buttons: each dataset's name, problem, class range and
    description, with a small noiseless sample for every class count it allows, as
    [x, y, label] rows (x and y in [-6, 6]; the label ±1, a class, or a value)."""
    out = []
    for spec in datasets.DATASETS.values():
        samples = {}
        for k in range(2, spec.max_classes + 1):
            points, labels = datasets.generate(spec.name, PREVIEW_POINTS, 0.0, PREVIEW_SEED, k)
            rows = np.column_stack([points.round(2), labels.astype(np.float64).round(2)])
            samples[str(k)] = rows.tolist()
        out.append(
            {
                "name": spec.name,
                "problem": spec.problem,
                "max_classes": spec.max_classes,
                "description": spec.description,
                "samples": samples,
            }
        )
    return out
