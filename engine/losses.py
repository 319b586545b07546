"""Losses, bound to the output activation they are used with: E per sample, dE/do and dE/dnet.

Every function takes outputs o and targets T laid out one column per sample: (outputs, n).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine.activations import get_activation

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)

_EPS = 1e-15  # keeps log(p) finite when a saturated output says p = 0


@dataclass(frozen=True)
class BoundLoss:
    """A loss for one output activation."""

    name: str
    output_activation: str
    value: Callable[[Array, Array], Array]  # E of each sample, summed over the outputs: (n,)
    delta: Callable[[Array, Array], Array]  # dE/dnet: the output neurons' sensitivities
    targets: Callable[[NDArray[Any], int], Array]  # labels → targets T, (outputs, n)

    def targets_for(self, Y: ArrayLike, outputs: int, n: int) -> Array:
        """Labels Y for n samples as targets T (outputs, n); ValueError names what is wrong."""
        T = self.targets(np.asarray(Y), outputs)
        if T.shape[1] != n:
            raise ValueError(f"Y has {T.shape[1]} rows but X has {n}")
        return T

    def delta_and_total(self, o: Array, T: Array, der: Array | None) -> tuple[Array, float]:
        """dE/dnet for the batch and the batch's summed loss (training needs both); `der` is
        the output activation′ when training already has it."""
        return self.delta(o, T), float(self.value(o, T).sum())


@dataclass(frozen=True)
class _SquareLoss(BoundLoss):
    activation_delta: Callable[[Array, Array], Array] = np.subtract

    def delta_and_total(self, o: Array, T: Array, der: Array | None) -> tuple[Array, float]:
        # Shares o − t between the loss and its gradient: the hot path of training.
        err = o - T
        total = 0.5 * float(np.vdot(err, err))
        if der is None:
            return self.activation_delta(err, o), total
        err *= der
        return err, total


def _column_targets(Y: NDArray[Any], k: int) -> Array:
    """Labels of shape (n,) or (n, k) as float targets (k, n)."""
    T = np.asarray(Y, dtype=np.float64)
    if T.ndim == 1 and k == 1:
        T = T[:, None]
    if T.ndim != 2 or T.shape[1] != k:
        raise ValueError(f"Y must have shape (n,) or (n, {k}) for {k} output(s), not {T.shape}")
    if not np.isfinite(T).all():
        raise ValueError("Y must hold finite numbers only")
    return np.ascontiguousarray(T.T)


def _class_targets(Y: NDArray[Any], k: int) -> Array:
    """Class indices 0..k−1 of shape (n,) as one-hot columns; (n, k) probabilities pass through."""
    Y = np.asarray(Y)
    if Y.ndim == 2:
        return _column_targets(Y, k)
    if Y.ndim != 1 or not np.isfinite(Y.astype(np.float64)).all():
        raise ValueError(f"Y must be class indices of shape (n,), not {Y.shape}")
    labels = Y.astype(np.int64)
    if not (np.array_equal(labels, Y) and ((labels >= 0) & (labels < k)).all()):
        raise ValueError(f"Y must be class indices: integers 0 to {k - 1} for {k} classes")
    return np.ascontiguousarray(np.eye(k)[:, labels])


def _sign_targets(Y: NDArray[Any], k: int) -> Array:
    """±1 labels for binary cross-entropy."""
    T = _column_targets(Y, k)
    if not np.isin(T, (-1.0, 1.0)).all():
        raise ValueError("Y must be labels of +1 or -1 for binary cross-entropy")
    return T


def _binary_cross_entropy(activation: str, scale: float) -> BoundLoss:
    # q, the probability of +1, is scale·o + offset: o itself for sigmoid, (o + 1)/2 for tanh.
    # E = −[t' log q + (1 − t') log(1 − q)] with t' = (t + 1)/2. For either output, dE/dnet
    # simplifies to (q − t')/scale: no division by q(1 − q), so no blow-up when saturated.
    offset = 1.0 - scale

    def prob(o: Array) -> Array:
        return np.clip(scale * o + offset, _EPS, 1.0 - _EPS)

    def value(o: Array, T: Array) -> Array:
        q, t = prob(o), (T + 1.0) / 2.0
        loss: Array = -(t * np.log(q) + (1.0 - t) * np.log(1.0 - q)).sum(axis=0)
        return loss

    def delta(o: Array, T: Array) -> Array:
        return o - ((T + 1.0) / 2.0 - offset) / scale

    return BoundLoss("cross_entropy", activation, value, delta, _sign_targets)


def _categorical_cross_entropy() -> BoundLoss:
    # E = −Σ_k t_k log p_k; through softmax, dE/dnet_k = p_k − t_k.
    return BoundLoss(
        "cross_entropy",
        "softmax",
        value=lambda p, T: -(T * np.log(np.maximum(p, _EPS))).sum(axis=0),
        delta=lambda p, T: p - T,
        targets=_class_targets,
    )


LOSSES = ("square", "cross_entropy")


def bind_loss(name: str, output_activation: str) -> BoundLoss:
    """The loss `name` for a network whose output layer uses `output_activation`."""
    act = get_activation(output_activation, output=True)
    if name == "square":
        return _SquareLoss(
            name=name,
            output_activation=act.name,
            value=lambda o, T: 0.5 * ((o - T) ** 2).sum(axis=0),  # E = ½(o − t)², TF's loss
            delta=lambda o, T: act.delta(o - T, o),
            targets=_class_targets if act.name == "softmax" else _column_targets,
            activation_delta=act.delta,
        )
    if name != "cross_entropy":
        raise ValueError(f"Unknown loss {name!r}; allowed: {', '.join(repr(n) for n in LOSSES)}")
    if act.name == "softmax":
        return _categorical_cross_entropy()
    if act.name in ("sigmoid", "tanh"):
        return _binary_cross_entropy(act.name, 1.0 if act.name == "sigmoid" else 0.5)
    raise ValueError(
        "Loss 'cross_entropy' needs a 'tanh', 'sigmoid' or 'softmax' output activation,"
        f" not {output_activation!r}"
    )
