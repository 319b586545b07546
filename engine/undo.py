"""Undoing a step or an epoch that diverged: a network's numbers saved before it, put back after,
so that a network never holds a number that is not finite."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.nodes import Parameters

Array = NDArray[Any]
OptimizerState = dict[str, Array]


@dataclass(frozen=True)
class Saved:
    """A network's numbers before a step or an epoch."""

    arrays: list[Array]  # values, batch_grad, grad, epoch_grad, dead
    alive: Array | None
    opt_state: OptimizerState
    rng_state: Mapping[str, Any] | None


def _arrays(P: Parameters) -> list[Array]:
    return [P.values, P.batch_grad, P.grad, P.epoch_grad, P.dead]


def save(
    P: Parameters, opt_state: OptimizerState, rng_state: Mapping[str, Any] | None = None
) -> Saved:
    """Everything a step or an epoch changes, to undo it if it diverges."""
    return Saved(
        [a.copy() for a in _arrays(P)],
        P.alive,
        {key: values.copy() for key, values in opt_state.items()},
        rng_state,
    )


def load(saved: Saved, P: Parameters, opt_state: OptimizerState, rng: np.random.Generator) -> None:
    """Puts back what `save` kept, in place: every Layer, Neuron and Link views these arrays."""
    for array, before in zip(_arrays(P), saved.arrays, strict=True):
        array[:] = before
    P.alive = saved.alive
    for key, values in opt_state.items():
        values[:] = saved.opt_state[key]
    if saved.rng_state is not None:
        rng.bit_generator.state = saved.rng_state


def finite(P: Parameters, opt_state: OptimizerState) -> bool:
    """Whether every weight, bias and optimizer number is finite."""
    return bool(np.isfinite(P.values).all()) and all(
        np.isfinite(values).all() for values in opt_state.values()
    )
