"""The checks every training call of the engine makes on its arguments, with the sentence that
refuses a bad one."""

import math
from collections.abc import Callable
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
    return with_ones(check_inputs(X, n_in))


def with_ones(X: NDArray[Any]) -> NDArray[Any]:
    """The rows of X with a last column of ones: each layer's input [a; 1], a row a sample."""
    x = np.ones((len(X), X.shape[1] + 1))
    x[:, :-1] = X
    return x


def writable(a: NDArray[Any]) -> NDArray[Any]:
    """`a` as a C-contiguous array numpy lets one write into, as numba's kernels take them (a
    copy, unless it is one already)."""
    return np.require(a, requirements=["C", "W"])


def frozen(a: object) -> bool:
    """Whether `a` is a numpy array nothing can write into: read-only, as is every array it is a
    view of, down to memory numpy owns or bytes."""
    if not isinstance(a, np.ndarray):
        return False
    base: object = a
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    return base is None or isinstance(base, bytes)


class Checked:
    """Inputs and targets as a network checked them, remembered for arrays that cannot change
    (`frozen`): a session's data is checked once, not on every epoch and every frame."""

    KEPT = 4  # pairs: a session trains on one and scores two

    def __init__(self) -> None:
        self._kept: dict[tuple[int, int], tuple[object, object, NDArray[Any], NDArray[Any]]] = {}

    def get(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        sizes: tuple[int, ...],
        targets: Callable[[ArrayLike, int, int], NDArray[Any]],
    ) -> tuple[NDArray[Any], NDArray[Any]]:
        """X checked for a network of `sizes`, and `targets(Y, outputs, n)`, from memory when
        both are frozen."""
        kept = self._kept.get((id(X), id(Y)))
        if kept is not None and kept[0] is X and kept[1] is Y:  # the same arrays, still alive
            return kept[2], kept[3]
        checked = check_inputs(X, sizes[0])
        T = targets(Y, sizes[-1], len(checked))
        if frozen(X) and frozen(Y):
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            checked, T = writable(checked), writable(T)
            self._kept[(id(X), id(Y))] = (X, Y, checked, T)
        return checked, T

    def clear(self) -> None:
        self._kept.clear()
