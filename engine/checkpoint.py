"""A network's numbers at one moment, copied into arrays of its own, to go back to later.

A checkpoint holds what training changes (weights and biases, dead links, the optimizer's state,
the shuffling generator and the epoch), never the network's shape: it goes back only into the
network it was taken from. Taking one again reuses its arrays, so keeping the best network seen
so far costs one copy of the parameters each time it improves, and no allocation.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.network import Network


@dataclass
class Checkpoint:
    """The numbers of a network at `epoch`."""

    epoch: int
    values: NDArray[np.float64]
    dead: NDArray[np.bool_]
    optimizer: str
    optimizer_state: dict[str, NDArray[np.float64]]
    rng_state: Mapping[str, Any]


def take(net: Network, into: Checkpoint | None = None) -> Checkpoint:
    """A checkpoint of `net` now; `into`, an earlier checkpoint of the same network, is
    overwritten in place (its arrays reused) when its optimizer state has the same shape."""
    P = net.parameters
    rng_state = net.rng.bit_generator.state
    if into is None or into.optimizer != net.optimizer:
        return Checkpoint(
            net.epoch,
            P.values.copy(),
            P.dead.copy(),
            net.optimizer,
            {key: values.copy() for key, values in net.optimizer_state.items()},
            rng_state,
        )
    np.copyto(into.values, P.values)
    np.copyto(into.dead, P.dead)
    for key, values in net.optimizer_state.items():
        np.copyto(into.optimizer_state[key], values)
    into.epoch, into.rng_state = net.epoch, rng_state
    return into


def put_back(net: Network, checkpoint: Checkpoint) -> None:
    """Make `net` what it was when `checkpoint` was taken: weights bit for bit, the epoch, the
    generator; the optimizer's state too unless the optimizer has changed since (then it starts
    afresh, as a change of optimizer does)."""
    P = net.parameters
    P.values[:] = checkpoint.values  # in place: every Layer, Neuron and Link views these arrays
    P.dead[:] = checkpoint.dead
    P.alive = (~P.dead).astype(np.float64) if P.dead.any() else None
    if net.optimizer == checkpoint.optimizer:
        for key, values in net.optimizer_state.items():
            values[:] = checkpoint.optimizer_state[key]
    else:
        net.optimizer = net.optimizer
    net.rng.bit_generator.state = checkpoint.rng_state
    net.epoch = checkpoint.epoch
