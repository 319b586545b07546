"""Which networks the compiled epoch (engine/kernel.py) can train, and the glue that hands it a
network's arrays and takes them back."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine import kernel as k
from engine.nodes import Parameters

Array = NDArray[Any]
_STATE_ROWS = {"velocity": k.VELOCITY, "m": k.M, "v": k.V}  # engine/optimizers.py's names
REGULARIZERS = frozenset(k.REGULARIZER_CODES)  # the ones the compiled epoch knows


@dataclass(frozen=True)
class Plan:
    """A network's codes for the compiled epoch."""

    hidden: int
    output: int
    loss: int
    optimizer: int
    scale: float  # binary cross-entropy's q = scale·o + (1 − scale); unused otherwise


def plan(hidden: str, output: str, loss: str, optimizer: str) -> Plan | None:
    """The codes for a network of these names, or None when the compiled epoch has no form for
    one of them (the numpy path trains it)."""
    codes = k.ACTIVATION_CODES
    if hidden not in codes or output not in codes or optimizer not in k.OPTIMIZER_CODES:
        return None
    if loss not in ("square", "cross_entropy"):
        return None
    loss_code, scale = k.SQUARE, 1.0
    if loss == "cross_entropy":
        loss_code = k.CATEGORICAL_CROSS_ENTROPY if output == "softmax" else k.BINARY_CROSS_ENTROPY
        scale = 0.5 if output == "tanh" else 1.0
    return Plan(codes[hidden], codes[output], loss_code, k.OPTIMIZER_CODES[optimizer], scale)


@dataclass(frozen=True)
class Epoch:
    """What a compiled epoch leaves: its summed loss and the last batch's rows, and each layer's
    outputs and net inputs for it, (neurons, n) each."""

    total: float
    last_rows: Array
    outs: list[Array]
    nets: list[Array]


def train(
    plan: Plan,
    x: Array,
    T: Array,
    P: Parameters,
    state: dict[str, Array],
    batch_size: int,
    rates: tuple[float, float],  # the learning rate, the regularization rate
    regularizer: str,
) -> Epoch:
    """One epoch, compiled, over rows x ([features, 1]) and targets T (n, outputs): P's values,
    batch_grad, epoch_grad (the epoch's sum), dead and alive, and `state`, updated in place."""
    sizes = np.array([P.shapes[0][1] - 1, *(rows for rows, _ in P.shapes)], dtype=np.int64)
    flat = np.zeros((8, len(P.values)))
    flat[k.VALUES], flat[k.IS_WEIGHT] = P.values, P.is_weight
    flat[k.ALIVE] = 1.0 if P.alive is None else P.alive
    for key, row in _STATE_ROWS.items():
        if key in state:
            flat[row] = state[key]
    steps = float(state["t"][0]) if "t" in state else 0.0
    codes = [plan.hidden, plan.output, plan.loss, plan.optimizer]
    codes += [k.REGULARIZER_CODES[regularizer], batch_size]
    count = min(batch_size, len(x))
    acts = np.ones((len(sizes), int(sizes.max()) + 1, count))
    nets = np.empty((len(sizes) - 1, int(sizes.max()), count))
    all_rates = np.array([*rates, plan.scale, steps])
    total = k.epoch(
        np.ascontiguousarray(x),
        np.ascontiguousarray(T),
        acts,
        nets,
        flat,
        P.dead,
        np.array(P.offsets, dtype=np.int64),
        sizes,
        np.array(codes, dtype=np.int64),
        all_rates,
    )
    P.values[:], P.batch_grad[:], P.epoch_grad[:] = flat[k.VALUES], flat[k.GRAD], flat[k.SUMS]
    P.alive = flat[k.ALIVE].copy() if P.dead.any() else None
    for key, row in _STATE_ROWS.items():
        if key in state:
            state[key][:] = flat[row]
    if "t" in state:
        state["t"][0] = all_rates[k.STEPS]
    last = len(x) - (len(x) - 1) % batch_size - 1  # the last batch's first row
    m = len(x) - last
    outs = [acts[j + 1, :size, :m] for j, size in enumerate(sizes[1:])]
    return Epoch(total, x[last:], outs, [nets[j, :size, :m] for j, size in enumerate(sizes[1:])])
