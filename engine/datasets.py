"""Datasets: TF Playground's six generators, plus moons, checkerboard and multi-class blobs."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from engine.seeding import Seed, make_rng

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
# ±1 (float64) for two classes, class indices (int64) for more, and for regression values
# around [-1, 1] (reg-plane's corners reach ±1.2, as in TF).
Labels = FloatArray | IntArray
GeneratorFn = Callable[[int, float, np.random.Generator, int], tuple[FloatArray, Labels]]
Problem = Literal["classification", "regression"]

MAX_POINTS = 100_000
MAX_NOISE = 0.5  # TF's noise slider goes to 50 and is used as noise/100
# Every point lies in [-POINT_LIMIT, POINT_LIMIT]². The view is TF's [-6, 6]², but gauss, moons
# and blobs reach past it (to about ±10 at noise 50) as in TF; their tails are clipped this far
# out (some 9 standard deviations), so any generated set can be uploaded back.
POINT_LIMIT = 20.0
CLASSIFICATION_POINTS = 500  # TF's point counts
REGRESSION_POINTS = 1200
BLOB_RADIUS = 3.5  # blob centres sit on this circle, inside the [-6, 6]² view with room for spread
MOON_SCALE = 3.3  # unit moons span x in [-1.5, 1.5]; ×3.3 fills about [-5, 5]
CHECKER_CELL = 2.5  # a 4×4 board over [-5, 5]²


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset: its registry name, problem type, defaults and generator."""

    name: str
    problem: Problem
    default_points: int
    max_classes: int
    description: str
    generator: GeneratorFn


def _class_sizes(n: int, k: int) -> IntArray:
    """Points per class: n // k each, and one more for each of the first n % k classes."""
    return (n // k + (np.arange(k) < n % k)).astype(np.int64)


def _class_of_each(n: int, k: int) -> IntArray:
    """The class of each point, points grouped by class: 0, 0, ..., 1, 1, ..., k-1."""
    return np.repeat(np.arange(k, dtype=np.int64), _class_sizes(n, k))


def _class_labels(classes: IntArray, n_classes: int) -> Labels:
    """±1 for two classes (class 0 is +1, as TF's first half), class indices otherwise."""
    if n_classes == 2:
        return np.where(classes == 0, 1.0, -1.0)
    return classes


def _sign_labels(positive: npt.NDArray[np.bool_]) -> FloatArray:
    """+1 where `positive`, -1 elsewhere."""
    return np.where(positive, 1.0, -1.0)


def _gauss_sd(noise: float) -> float:
    """TF's cluster spread: variance maps noise [0, 0.5] linearly onto [0.5, 4]; sd = √variance."""
    return math.sqrt(0.5 + (4.0 - 0.5) * noise / MAX_NOISE)


def _gaussian_clusters(
    centres: FloatArray, n: int, noise: float, rng: np.random.Generator
) -> tuple[FloatArray, Labels]:
    """Points around each centre, the same number per centre, with TF's gauss spread."""
    classes = _class_of_each(n, len(centres))
    points = centres[classes] + rng.standard_normal((n, 2)) * _gauss_sd(noise)
    return points, _class_labels(classes, len(centres))


def _circle(n: int, noise: float, rng: np.random.Generator, _k: int) -> tuple[FloatArray, Labels]:
    inside = _class_of_each(n, 2) == 0
    radius = rng.uniform(np.where(inside, 0.0, 3.5), np.where(inside, 2.5, 5.0))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = np.column_stack((radius * np.sin(angle), radius * np.cos(angle)))
    shifted = points + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return points, _sign_labels(np.hypot(shifted[:, 0], shifted[:, 1]) < 2.5)


def _xor(n: int, noise: float, rng: np.random.Generator, _k: int) -> tuple[FloatArray, Labels]:
    points = rng.uniform(-5.0, 5.0, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)  # keep points off the axes, where the label flips
    shifted = points + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return points, _sign_labels(shifted[:, 0] * shifted[:, 1] >= 0)


def _gauss(n: int, noise: float, rng: np.random.Generator, _k: int) -> tuple[FloatArray, Labels]:
    return _gaussian_clusters(np.array([[2.0, 2.0], [-2.0, -2.0]]), n, noise, rng)


def _blobs(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[FloatArray, Labels]:
    # centre c at angle π/4 + 2πc/k, so two blobs lie on the diagonal as in gauss
    angle = np.pi / 4 + 2 * np.pi * np.arange(k) / k
    centres = BLOB_RADIUS * np.column_stack((np.cos(angle), np.sin(angle)))
    return _gaussian_clusters(centres, n, noise, rng)


def _spiral(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple[FloatArray, Labels]:
    classes = _class_of_each(n, k)
    sizes = _class_sizes(n, k)
    per_arm = sizes[classes]
    i = np.arange(n) - (np.cumsum(sizes) - sizes)[classes]  # index of the point within its arm
    # arm c: r = 5i/n, t = 1.75·2π·i/n + 2πc/k (k = 2 gives TF's δ = 0 and π)
    r = 5 * i / per_arm
    t = 1.75 * i / per_arm * 2 * np.pi + 2 * np.pi * classes / k
    points = np.column_stack((r * np.sin(t), r * np.cos(t)))
    points += rng.uniform(-1.0, 1.0, (n, 2)) * noise
    return points, _class_labels(classes, k)


def _moons(n: int, noise: float, rng: np.random.Generator, _k: int) -> tuple[FloatArray, Labels]:
    classes = _class_of_each(n, 2)
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack((np.cos(angle), np.sin(angle)))
    lower = np.column_stack((1 - np.cos(angle), 0.5 - np.sin(angle)))
    unit = np.where((classes == 0)[:, None], upper, lower)
    # the unit moons span [-1, 2] × [-0.5, 1]; centre them on the origin, then scale
    points = (unit - [0.5, 0.25]) * MOON_SCALE
    points += rng.standard_normal((n, 2)) * noise * MOON_SCALE
    return points, _class_labels(classes, 2)


def _checkerboard(
    n: int, noise: float, rng: np.random.Generator, _k: int
) -> tuple[FloatArray, Labels]:
    points = rng.uniform(-5.0, 5.0, (n, 2))
    shifted = points + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    cells = np.floor(shifted / CHECKER_CELL).astype(np.int64)
    # +1 on the cells whose row + column is even, like xor's (+, +) and (-, -) quadrants
    return points, _sign_labels((cells[:, 0] + cells[:, 1]) % 2 == 0)


def _reg_plane(
    n: int, noise: float, rng: np.random.Generator, _k: int
) -> tuple[FloatArray, Labels]:
    points = rng.uniform(-6.0, 6.0, (n, 2))
    shifted = points + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    # label = (x' + y') mapped linearly from [-10, 10] to [-1, 1], unclamped as in TF: the
    # corners of the [-6, 6]² square reach ±1.2 (more with noise).
    return points, (shifted[:, 0] + shifted[:, 1]) / 10


# (x, y, sign) of TF's six regression bumps
REG_GAUSS_BUMPS = (
    (-4, 2.5, 1),
    (0, 2.5, -1),
    (4, 2.5, 1),
    (-4, -2.5, -1),
    (0, -2.5, 1),
    (4, -2.5, -1),
)


def _reg_gauss(
    n: int, noise: float, rng: np.random.Generator, _k: int
) -> tuple[FloatArray, Labels]:
    points = rng.uniform(-6.0, 6.0, (n, 2))
    shifted = points + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    centres = np.array(REG_GAUSS_BUMPS, dtype=np.float64)
    dist = np.linalg.norm(shifted[:, None, :] - centres[None, :, :2], axis=2)
    # each bump gives sign·clamp(1 - dist/2, 0, 1); the largest |value| wins, the first on a tie
    bumps = centres[:, 2] * np.clip(1 - dist / 2, 0.0, 1.0)
    winner = np.argmax(np.abs(bumps), axis=1)
    return points, bumps[np.arange(n), winner]


def _classification(name: str, max_classes: int, description: str, fn: GeneratorFn) -> DatasetSpec:
    return DatasetSpec(name, "classification", CLASSIFICATION_POINTS, max_classes, description, fn)


def _regression(name: str, description: str, fn: GeneratorFn) -> DatasetSpec:
    return DatasetSpec(name, "regression", REGRESSION_POINTS, 2, description, fn)


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        _classification("circle", 2, "A disc of one class inside a ring of the other.", _circle),
        _classification("xor", 2, "Opposite quadrants share a class.", _xor),
        _classification("gauss", 2, "Two gaussian clusters on the diagonal.", _gauss),
        _classification("spiral", 5, "Interleaved spiral arms, one per class.", _spiral),
        _classification("moons", 2, "Two interleaved half circles.", _moons),
        _classification("checkerboard", 2, "A 4×4 board of alternating classes.", _checkerboard),
        _classification("blobs", 5, "Gaussian clusters evenly spaced on a circle.", _blobs),
        _regression("reg-plane", "A tilted plane: the value grows with x + y.", _reg_plane),
        _regression("reg-gauss", "Six bumps, up and down, in two rows.", _reg_gauss),
    )
}


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def generate(
    name: str, n_points: int, noise: float, seed: Seed, n_classes: int = 2
) -> tuple[FloatArray, Labels]:
    """Points (n, 2) and labels of dataset `name`; the same arguments give the same arrays."""
    spec = DATASETS.get(name) if isinstance(name, str) else None
    if spec is None:
        raise ValueError(f"Unknown dataset {name!r}; allowed: {', '.join(DATASETS)}")
    if not _is_int(n_points) or not 1 <= n_points <= MAX_POINTS:
        raise ValueError(f"n_points must be an integer from 1 to {MAX_POINTS}, not {n_points!r}")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise must be a number from 0 to {MAX_NOISE}, not {noise!r}")
    if spec.problem == "regression" and not (_is_int(n_classes) and n_classes == 2):
        raise ValueError(
            f"n_classes does not apply to regression dataset {name!r}; "
            f"only the default 2 is accepted, not {n_classes!r}"
        )
    if not _is_int(n_classes) or not 2 <= n_classes <= spec.max_classes:
        raise ValueError(
            f"n_classes for dataset {name!r} must be an integer from 2 to {spec.max_classes}, "
            f"not {n_classes!r}"
        )
    points, labels = spec.generator(int(n_points), float(noise), make_rng(seed), int(n_classes))
    return np.clip(points, -POINT_LIMIT, POINT_LIMIT), labels


def split(
    points: FloatArray, labels: Labels, train_fraction: float, seed: Seed
) -> tuple[FloatArray, Labels, FloatArray, Labels]:
    """(train points, train labels, test points, test labels): shuffled, first part trains."""
    if len(points) != len(labels):
        raise ValueError(
            f"points and labels must have the same length, not {len(points)} and {len(labels)}"
        )
    if (
        isinstance(train_fraction, bool)
        or not isinstance(train_fraction, int | float)
        or not 0 < train_fraction <= 1
    ):
        raise ValueError(f"train_fraction must be in (0, 1], not {train_fraction!r}")
    order = make_rng(seed).permutation(len(points))
    # TF: floor(N·percent/100). Rounding first keeps N·0.7 = 65533.99999999999 from losing a point.
    n_train = math.floor(round(len(points) * train_fraction, 9))
    train, test = order[:n_train], order[n_train:]
    return points[train], labels[train], points[test], labels[test]
