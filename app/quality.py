"""How good a network's outputs are, beside the loss: accuracy (and the confusion matrix) for
classification, RMSE and R² for regression."""

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray


def quality(
    problem: str,
    n_classes: int,
    predicted: NDArray[Any],
    labels: NDArray[Any],
    confusion: bool = False,
) -> dict[str, Any]:
    """The figures for outputs `predicted` (n, outputs) against `labels` (n,); None where there
    are no points (or, for R², no spread in the targets)."""
    n = len(labels)
    if problem == "regression":
        error = predicted[:, 0] - labels if n else np.zeros(0)
        spread = float(((labels - labels.mean()) ** 2).sum()) if n else 0.0
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging network's errors
            squares = error * error
        total = float(squares.sum()) if n else math.inf
        rmse = math.sqrt(total / n) if math.isfinite(total) else None
        r2 = 1.0 - total / spread if math.isfinite(total) and spread > 0 else None
        return {"rmse": rmse, "r2": r2}
    guess: NDArray[Any]
    truth: NDArray[Any]
    if predicted.shape[1] > 1:
        guess, truth = predicted.argmax(axis=1), labels.astype(np.int64)
    else:  # ±1 labels: class 0 is +1, as the datasets number them; booleans, True is class 1
        guess, truth = ~(predicted[:, 0] >= 0), ~(labels > 0)
    out: dict[str, Any] = {"accuracy": float(np.count_nonzero(guess == truth)) / n if n else None}
    if confusion:
        matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
        np.add.at(matrix, (truth.astype(np.int64), guess.astype(np.int64)), 1)
        out["confusion"] = matrix.tolist()
    return out
