"""The checks every training call of the engine makes on its arguments, with the sentence that
refuses a bad one."""

import math

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
