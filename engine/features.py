"""Input features: the functions of a point (x, y) that feed the network's input layer."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from engine.formulas import compile_numpy

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Feature:
    """One input feature: its registry name, its label on screen, its formula over x and y (in
    engine/formulas.py's syntax: the page compiles the same text) and the range its thumbnail
    spreads over the colour scale (TF Playground's thumbnails)."""

    name: str
    label: str
    formula: str
    thumbnail: tuple[float, float]
    fn: Callable[[FloatArray, FloatArray], FloatArray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fn", compile_numpy(self.formula, ("x", "y")))


# TF's input-vector order; cosX and cosY do nothing in TF, here they are real cosines.
# Adding a feature here is all it takes: the page, the URL hash and the export follow.
FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature("x", "X₁", "x", (-6, 6)),
        Feature("y", "X₂", "y", (-6, 6)),
        Feature("xSquared", "X₁²", "x * x", (0, 36)),
        Feature("ySquared", "X₂²", "y * y", (0, 36)),
        Feature("xTimesY", "X₁X₂", "x * y", (-18, 18)),
        Feature("sinX", "sin(X₁)", "sin(x)", (-1, 1)),
        Feature("sinY", "sin(X₂)", "sin(y)", (-1, 1)),
        Feature("cosX", "cos(X₁)", "cos(x)", (-1, 1)),
        Feature("cosY", "cos(X₂)", "cos(y)", (-1, 1)),
    )
}


def transform(points: npt.ArrayLike, names: Sequence[str]) -> FloatArray:
    """The network inputs for `points`: shape (n, len(names)), one column per name, in order."""
    if isinstance(names, str):
        raise ValueError(f"names must be a sequence of feature names, not the string {names!r}")
    if len(names) == 0:
        raise ValueError(f"names must list at least one feature; allowed: {', '.join(FEATURES)}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown feature {unknown[0]!r}; allowed: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"names must not repeat a feature, got {list(names)}")
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), not {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("points must be finite; got NaN or infinity")
    x, y = array[:, 0], array[:, 1]
    return np.column_stack([FEATURES[name].fn(x, y) for name in names]).astype(np.float64)


def grid(density: int = 100, domain: float = 6.0) -> FloatArray:
    """The heatmap's sample points, (density², 2), row-major from the top-left corner."""
    if isinstance(density, bool) or not isinstance(density, int) or density < 2:
        raise ValueError(f"density must be an integer of at least 2, not {density!r}")
    if not np.isfinite(domain) or domain <= 0:
        raise ValueError(f"domain must be a positive finite number, not {domain!r}")
    steps = np.arange(density)
    # column i: x = -d + 2d·i/(density-1); row j (0 = top): y = d - 2d·j/(density-1)
    xs = -domain + 2 * domain * steps / (density - 1)
    ys = domain - 2 * domain * steps / (density - 1)
    x, y = np.meshgrid(xs, ys)  # x[j, i] = xs[i], y[j, i] = ys[j]
    return np.column_stack((x.ravel(), y.ravel()))
