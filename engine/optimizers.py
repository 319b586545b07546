"""Optimizers: how a step turns sensitivities into weight changes. `sgd` is TF Playground's."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)
State = dict[str, Array]

MOMENTUM = 0.9  # fraction of the previous step kept (classical momentum)
ADAM_BETA1 = 0.9  # decay of the running mean of the gradient
ADAM_BETA2 = 0.999  # decay of the running mean of its square
ADAM_EPSILON = 1e-8  # keeps the step finite where the gradient has been 0


def _sgd(params: Array, grad: Array, scale: float, lr: float, state: State) -> None:
    # w −= lr · mean(dE/dw); `grad` is the batch's sum and scale = 1/batch size.
    params -= (lr * scale) * grad


def _momentum(params: Array, grad: Array, scale: float, lr: float, state: State) -> None:
    # v = μv + mean(dE/dw); w −= lr · v
    velocity = state["velocity"]
    velocity *= MOMENTUM
    velocity += scale * grad
    params -= lr * velocity


def _adam(params: Array, grad: Array, scale: float, lr: float, state: State) -> None:
    # Kingma & Ba (2015): bias-corrected running means of g and g².
    g = scale * grad
    m, v, t = state["m"], state["v"], state["t"]
    t += 1.0
    m *= ADAM_BETA1
    m += (1.0 - ADAM_BETA1) * g
    v *= ADAM_BETA2
    v += (1.0 - ADAM_BETA2) * g * g
    m_hat = m / (1.0 - ADAM_BETA1 ** t[0])
    v_hat = v / (1.0 - ADAM_BETA2 ** t[0])
    params -= lr * m_hat / (np.sqrt(v_hat) + ADAM_EPSILON)


@dataclass(frozen=True)
class Optimizer:
    """An update rule with the per-layer state it keeps between steps."""

    name: str
    step: Callable[[Array, Array, float, float, State], None]
    state_shapes: tuple[str, ...] = ()  # state arrays shaped like the layer's parameters
    counters: tuple[str, ...] = ()  # state arrays of one number

    def new_state(self, shape: tuple[int, ...]) -> State:
        """Fresh state for a layer whose parameters have `shape`."""
        state = {key: np.zeros(shape) for key in self.state_shapes}
        state.update({key: np.zeros(1) for key in self.counters})
        return state


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("sgd", _sgd),
        Optimizer("momentum", _momentum, ("velocity",)),
        Optimizer("adam", _adam, ("m", "v"), ("t",)),
    )
}


def get_optimizer(name: str) -> Optimizer:
    """The registered optimizer `name`."""
    if name not in OPTIMIZERS:
        allowed = ", ".join(repr(n) for n in OPTIMIZERS)
        raise ValueError(f"Unknown optimizer {name!r}; allowed: {allowed}")
    return OPTIMIZERS[name]
