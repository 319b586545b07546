"""Which networks the compiled epoch (engine/kernel.py) can train, and the glue that hands it a
network's arrays and takes them back."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine import kernel as k
from engine.checks import with_ones, writable
from engine.nodes import Parameters

Array = NDArray[Any]
_STATE_ROWS = {"velocity": k.VELOCITY, "m": k.M, "v": k.V}  # engine/optimizers.py's names
REGULARIZERS = frozenset(k.REGULARIZER_CODES)  # the ones the compiled epoch knows
SCRATCH_KEPT = 16  # buffers a network keeps: a few for training, three per set it is scored on


@dataclass(frozen=True)
class Plan:
    """A network's codes for the compiled epoch."""

    hidden: int
    output: int
    loss: int
    optimizer: int
    scale: float  # binary cross-entropy's q = scale·o + (1 − scale); unused otherwise
    sizes: Array  # [inputs, *hidden, outputs]
    offsets: Array  # where each layer's block starts in the flat parameters
    # Buffers reused from call to call, by name and size (Network.release lets them go).
    scratch: dict[tuple[str, tuple[int, ...]], Array] = field(default_factory=dict)

    def buffer(self, name: str, shape: tuple[int, ...], fill: float | None = None) -> Array:
        """A float64 buffer of `shape` kept under `name` (filled with `fill` when made)."""
        kept = self.scratch.get((name, shape))
        if kept is None:
            if len(self.scratch) >= SCRATCH_KEPT:
                self.scratch.clear()
            kept = np.empty(shape) if fill is None else np.full(shape, fill)
            self.scratch[(name, shape)] = kept
        return kept

    def layers(self, name: str, n: int) -> tuple[Array, Array]:
        """Buffers `name` for n samples: every layer's outputs, (layers + 1, width + 1, n), the
        inputs in [0] and each layer's row of ones below its outputs (made once, never written),
        and every layer's net inputs, (layers, width, n)."""
        width = int(self.sizes.max())
        acts = self.buffer(name, (len(self.sizes), width + 1, n), fill=1.0)
        return acts, self.buffer(f"{name}'s nets", (len(self.sizes) - 1, width, n))


def plan(
    hidden: str, output: str, loss: str, optimizer: str, shapes: list[tuple[int, int]]
) -> Plan | None:
    """The codes for a network of these names and Parameters.shapes, or None when the compiled
    epoch has no form for one of them (the numpy path trains it)."""
    codes = k.ACTIVATION_CODES
    if hidden not in codes or output not in codes or optimizer not in k.OPTIMIZER_CODES:
        return None
    if loss not in ("square", "cross_entropy"):
        return None
    loss_code, scale = k.SQUARE, 1.0
    if loss == "cross_entropy":
        loss_code = k.CATEGORICAL_CROSS_ENTROPY if output == "softmax" else k.BINARY_CROSS_ENTROPY
        scale = 0.5 if output == "tanh" else 1.0
    sizes = np.array([shapes[0][1] - 1, *(rows for rows, _ in shapes)], dtype=np.int64)
    offsets = np.cumsum([0, *(rows * cols for rows, cols in shapes[:-1])], dtype=np.int64)
    ids = (codes[hidden], codes[output], loss_code, k.OPTIMIZER_CODES[optimizer])
    return Plan(*ids, scale, sizes, offsets)


@dataclass(frozen=True)
class Epoch:
    """What a compiled epoch leaves: its summed loss (inf or nan when a number it made is not
    finite: the network was left as it was); else the last batch's rows ([features, 1]) and
    each layer's outputs and net inputs for it, (neurons, n) each."""

    total: float
    last_rows: Array
    outs: list[Array]
    nets: list[Array]


def train(
    plan: Plan,
    data: tuple[Array, Array, Array],  # X (n, features), T (outputs, n), the order of the rows
    P: Parameters,
    state: dict[str, Array],
    batch_size: int,
    rates: tuple[float, float],  # the learning rate, the regularization rate
    regularizer: str,
) -> Epoch:
    """One epoch, compiled, on a copy of the network's numbers: put back into P (values, grad,
    batch_grad, epoch_grad, dead, alive) and `state` only if every one is finite."""
    X, T, order = data
    sizes, n = plan.sizes, len(X)
    flat = plan.buffer("flat", (9, len(P.values)), fill=0.0)
    flat[k.VALUES], flat[k.IS_WEIGHT], flat[k.SUMS] = P.values, P.is_weight, 0.0
    flat[k.ALIVE] = 1.0 if P.alive is None else P.alive
    for key, row in _STATE_ROWS.items():
        if key in state:
            flat[row] = state[key]
    steps = float(state["t"][0]) if "t" in state else 0.0
    codes = [plan.hidden, plan.output, plan.loss, plan.optimizer]
    codes += [k.REGULARIZER_CODES[regularizer], batch_size]
    acts, nets = plan.layers("batch", min(batch_size, n))
    all_rates = np.array([*rates, plan.scale, steps])
    dead = P.dead.copy()
    codes_array = np.array(codes, dtype=np.int64)
    args = (acts, nets, flat, dead, plan.offsets, sizes, codes_array, all_rates)
    total = k.epoch(writable(X), writable(T.T), order, *args)  # (1, n).T needs no copy
    last = n - (n - 1) % batch_size - 1  # the last batch's first row
    m = n - last
    if not np.isfinite(total):
        return Epoch(total, X[:0], [], [])
    P.values[:], P.batch_grad[:], P.dead[:] = flat[k.VALUES], flat[k.GRAD], dead
    P.grad[:], P.epoch_grad[:] = flat[k.MEAN], flat[k.SUMS]
    P.alive = flat[k.ALIVE].copy() if dead.any() else None
    for key, row in _STATE_ROWS.items():
        if key in state:
            state[key][:] = flat[row]
    if "t" in state:
        state["t"][0] = all_rates[k.STEPS]
    outs = [acts[j + 1, :size, :m] for j, size in enumerate(sizes[1:])]
    last_nets = [nets[j, :size, :m] for j, size in enumerate(sizes[1:])]
    return Epoch(total, with_ones(X[order[last:]]), outs, last_nets)


def outputs(plan: Plan, X: Array, values: Array) -> Array:
    """Every layer's outputs for the n rows of X (n, inputs), compiled: (layers + 1, width + 1,
    n), layer l's in [l + 1, :neurons] (and X in [0]). A buffer the next call of as many rows
    reuses: copy what you keep."""
    acts, nets = plan.layers("outputs", len(X))
    acts[0, : plan.sizes[0]] = X.T
    k.forward(acts, nets, values, plan.offsets, plan.sizes, plan.hidden, plan.output, len(X))
    return acts


def score(plan: Plan, X: Array, T: Array, values: Array) -> tuple[float, Array]:
    """The loss summed over the n rows of X (n, inputs) with targets T (outputs, n), and the
    outputs (outputs, n, in a buffer the next call reuses): one compiled forward pass."""
    acts, layers = outputs(plan, X, values), len(plan.sizes) - 1
    delta = plan.buffer("delta", acts.shape[1:])
    rows = writable(T.T)
    total = k.output_delta(delta, acts, rows, layers, plan.loss, plan.output, plan.scale, len(X))
    return total, acts[layers, : plan.sizes[-1]]
