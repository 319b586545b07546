"""The checks every training call of the engine makes on its arguments, with the sentence that
refuses a bad one."""

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.regularizers import Regularizer, get_regularizer


def check_batch_size(batch_size: int) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")


def check_step(
    learning_rate: float, regularization: str, regularization_rate: float
) -> tuple[float, Regularizer | None, float]:
    """The learning rate, the regularizer (None when it does nothing) and its rate, checked."""
    for name, value in (
        ("learning_rate", learning_rate),
        ("regularization_rate", regularization_rate),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(f"{name} must be a finite number ≥ 0, not {value!r}")
        if value < 0:
            raise ValueError(f"{name} must be ≥ 0, not {value!r}")
    reg = get_regularizer(regularization)
    active = None if reg.name == "none" or regularization_rate == 0 else reg
    return float(learning_rate), active, float(regularization_rate)


def check_inputs(X: ArrayLike, n_in: int) -> NDArray[Any]:
    """X as float64 (n, n_in), n ≥ 1, every number finite."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != n_in or len(X) == 0:
        raise ValueError(f"X must have shape (n, {n_in}) with n ≥ 1, not {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must hold finite numbers only")
    return X


def input_rows(X: ArrayLike, n_in: int) -> NDArray[Any]:
    """X checked, one row per sample, with a last column of ones for the biases."""
    X = check_inputs(X, n_in)
    x = np.ones((len(X), X.shape[1] + 1))
    x[:, :-1] = X
    return x
