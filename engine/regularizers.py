"""Weight penalties, TF Playground's: biases are never regularized."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)


@dataclass(frozen=True)
class Regularizer:
    """A penalty on each weight: `der` is d(penalty)/d(weight)."""

    name: str
    der: Callable[[Array], Array]
    kills_on_sign_flip: bool = False  # L1: a weight the penalty pushes across 0 dies (TF)


REGULARIZERS: dict[str, Regularizer] = {
    r.name: r
    for r in (
        Regularizer("none", np.zeros_like),
        Regularizer("L1", np.sign, kills_on_sign_flip=True),  # penalty |w|
        Regularizer("L2", np.copy),  # penalty ½w²
    )
}


def get_regularizer(name: str) -> Regularizer:
    """The registered regularizer `name`."""
    if name not in REGULARIZERS:
        allowed = ", ".join(repr(n) for n in REGULARIZERS)
        raise ValueError(f"Unknown regularization {name!r}; allowed: {allowed}")
    return REGULARIZERS[name]
