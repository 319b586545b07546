"""The epoch compiled (numba): the same arithmetic as Network.train_epoch's numpy path, one
sample and one link at a time, with no Python between the mini-batches.

A small network's mini-batch is a dozen numpy calls on arrays of a few dozen numbers, so numpy's
per-call overhead is nearly all of its cost: the default network's epoch (25 batches of 10) takes
0.34 ms that way and 0.04 ms compiled (benchmarks/engine.py). The numpy path stays the reference:
tests/engine/test_kernel.py holds the two equal for random networks of every kind this file
supports, and a network with anything it does not know (an activation added to the registry
without a code here, say) trains on the numpy path, correctly and more slowly.

Layouts are the numpy path's: one flat float64 array of every parameter, layer k's block a
(neurons, sources + 1) row-major matrix whose last column is the bias; rows of samples with a
last column of ones. Each compiled function has one explicit signature, so it is compiled (or
read from numba's cache in __pycache__) once, when this module is imported.
"""

import math
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from engine.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, MOMENTUM

Array = NDArray[Any]

# Activations with a compiled form, by registry name (engine/activations.py).
ACTIVATION_CODES = {"linear": 0, "tanh": 1, "relu": 2, "sigmoid": 3, "softmax": 4}
SOFTMAX = ACTIVATION_CODES["softmax"]
SQUARE, BINARY_CROSS_ENTROPY, CATEGORICAL_CROSS_ENTROPY = 0, 1, 2  # the loss, bound to its output
OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "adam": 2}
REGULARIZER_CODES = {"none": 0, "L1": 1, "L2": 2}
_EPS = 1e-15  # engine/losses.py's: keeps log(p) finite

_I, _F = numba.int64, numba.float64
_V, _M, _C = _F[::1], _F[:, ::1], _F[:, :, ::1]


@numba.njit(_F(_F), cache=True, nogil=True, error_model="numpy")
def tanh(z: float) -> float:
    """tanh z within 1e-16 of libm's, in half its time (libm's tanh was half the epoch's): from
    e^(−2|z|) where that is exact enough, else its series (|z| < 0.01, first term left 2e-20)."""
    a = abs(z)
    if a < 0.01:
        z2 = z * z
        return z * (1.0 - z2 * (1.0 / 3.0 - z2 * (2.0 / 15.0 - z2 * (17.0 / 315.0))))
    e = math.exp(-2.0 * a)
    t = (1.0 - e) / (1.0 + e)
    return t if z >= 0.0 else -t  # NaN stays NaN


@numba.njit(_F(_I, _F), cache=True, nogil=True, error_model="numpy")
def activate(code: int, z: float) -> float:
    """An elementwise activation, as engine/activations.py computes it."""
    if code == 1:
        return tanh(z)
    if code == 2:
        return 0.0 if z <= 0.0 else z  # max(z, 0), NaN kept as np.maximum keeps it
    if code == 3:
        return tanh(z * 0.5) * 0.5 + 0.5
    return z


@numba.njit(_F(_I, _F), cache=True, nogil=True, error_model="numpy")
def derivative(code: int, a: float) -> float:
    """d output / d net from the output a."""
    if code == 1:
        return 1.0 - a * a
    if code == 2:
        return 1.0 if a > 0.0 else 0.0
    if code == 3:
        return a - a * a
    return 1.0


@numba.njit(
    numba.void(_C, _C, _V, _I[::1], _I[::1], _I, _I, _I),
    cache=True,
    nogil=True,
    error_model="numpy",
)
def forward(
    acts: Array,
    nets: Array,
    values: Array,
    offsets: Array,
    sizes: Array,
    hidden: int,
    output: int,
    m: int,
) -> None:
    """acts[l + 1] = layer l's outputs for the m samples of acts[0] (which holds [x; 1])."""
    layers = len(sizes) - 1
    for layer in range(layers):
        n_in, n_out, base = sizes[layer], sizes[layer + 1], offsets[layer]
        code = output if layer == layers - 1 else hidden
        for j in range(n_out):
            row = base + j * (n_in + 1)
            for i in range(m):
                s = 0.0
                for k in range(n_in + 1):  # the last input is the constant 1: the bias
                    s += values[row + k] * acts[layer, k, i]
                nets[layer, j, i] = s
                acts[layer + 1, j, i] = s if code == SOFTMAX else activate(code, s)
        if code == SOFTMAX:  # over the layer's neurons, each sample's largest subtracted
            for i in range(m):
                top = nets[layer, 0, i]
                for j in range(1, n_out):
                    top = max(top, nets[layer, j, i])
                total = 0.0
                for j in range(n_out):
                    acts[layer + 1, j, i] = math.exp(nets[layer, j, i] - top)
                    total += acts[layer + 1, j, i]
                for j in range(n_out):
                    acts[layer + 1, j, i] /= total


@numba.njit(_F(_M, _C, _M, _I, _I, _I, _F, _I), cache=True, nogil=True, error_model="numpy")
def output_delta(
    delta: Array,
    acts: Array,
    T: Array,
    layer: int,
    loss: int,
    output: int,
    scale: float,
    m: int,
) -> float:
    """The output neurons' sensitivities (dE/dnet) into delta; returns the batch's summed loss.
    T holds a row of targets per sample; `scale` is binary cross-entropy's q = scale·o + offset."""
    total = 0.0
    k_out = T.shape[1]
    offset = 1.0 - scale
    for i in range(m):
        dot = 0.0  # Σ_k err_k p_k, for square loss through softmax
        for j in range(k_out):
            o, t = acts[layer, j, i], T[i, j]
            if loss == SQUARE:
                err = o - t
                total += 0.5 * err * err
                dot += err * o
                delta[j, i] = err if output == SOFTMAX else err * derivative(output, o)
            elif loss == BINARY_CROSS_ENTROPY:
                q = min(max(scale * o + offset, _EPS), 1.0 - _EPS)
                tt = (t + 1.0) / 2.0
                total -= tt * math.log(q) + (1.0 - tt) * math.log(1.0 - q)
                delta[j, i] = o - (tt - offset) / scale
            else:
                total -= t * math.log(max(o, _EPS))
                delta[j, i] = o - t
        if loss == SQUARE and output == SOFTMAX:  # the Jacobian: δ_j = p_j (err_j − Σ err_k p_k)
            for j in range(k_out):
                delta[j, i] = acts[layer, j, i] * (delta[j, i] - dot)
    return total


@numba.njit(
    numba.void(_M, _M, _C, _V, _V, _I[::1], _I[::1], _I, _I),
    cache=True,
    nogil=True,
    error_model="numpy",
)
def backward(
    delta: Array,
    below: Array,
    acts: Array,
    values: Array,
    grad: Array,
    offsets: Array,
    sizes: Array,
    hidden: int,
    m: int,
) -> None:
    """Each layer's ∂E/∂params summed over the batch into grad, from the output's δ down: a
    Link's is δ_dest × its input; a neuron's δ is Σ δ_dest × w over its links out, × its
    activation′. `below` is scratch of delta's shape."""
    for layer in range(len(sizes) - 2, -1, -1):
        n_in, n_out, base = sizes[layer], sizes[layer + 1], offsets[layer]
        for j in range(n_out):
            row = base + j * (n_in + 1)
            for k in range(n_in + 1):
                s = 0.0
                for i in range(m):
                    s += delta[j, i] * acts[layer, k, i]
                grad[row + k] = s
        if layer == 0:
            return
        for k in range(n_in):
            for i in range(m):
                s = 0.0
                for j in range(n_out):
                    s += values[base + j * (n_in + 1) + k] * delta[j, i]
                below[k, i] = s * derivative(hidden, acts[layer, k, i])
        for k in range(n_in):
            for i in range(m):
                delta[k, i] = below[k, i]


_B = numba.boolean[::1]
# The rows of `flat`, the per-parameter arrays the epoch reads and writes, all of one length.
VALUES, GRAD, SUMS, IS_WEIGHT, ALIVE, VELOCITY, M, V, MEAN = range(9)
# `codes`: the hidden and the output activation, the loss, the optimizer, the regularizer and the
# batch size. `rates`: the learning rate, the regularization rate, binary cross-entropy's scale
# and Adam's count of steps (counted on here).
HIDDEN, OUTPUT, LOSS, OPTIMIZER, REGULARIZER, BATCH = range(6)
LEARNING_RATE, REGULARIZATION_RATE, SCALE, STEPS = range(4)


@numba.njit(numba.void(_M, _B, _F, _V, _I, _I), cache=True, nogil=True, error_model="numpy")
def step(flat: Array, dead: Array, scale: float, rates: Array, optimizer: int, reg: int) -> None:
    """One step of the optimizer from the batch's summed gradient (masked here by alive; scale
    = 1/batch), then TF's penalty of the weights as they were before the step: L1 kills a weight
    it pushes across 0 (Network._apply, engine/optimizers.py, engine/regularizers.py)."""
    values, grad, velocity, m, v = flat[VALUES], flat[GRAD], flat[VELOCITY], flat[M], flat[V]
    lr, decay = rates[LEARNING_RATE], rates[LEARNING_RATE] * rates[REGULARIZATION_RATE]
    if optimizer == 2:
        rates[STEPS] += 1.0
    c1, c2 = 1.0 - ADAM_BETA1 ** rates[STEPS], 1.0 - ADAM_BETA2 ** rates[STEPS]
    for p in range(len(values)):
        g = grad[p] * flat[ALIVE, p]  # dead links get no blame, as in TF
        grad[p] = g
        w = values[p]
        penalty = 0.0
        if reg == 1:
            penalty = (0.0 if w == 0.0 else (1.0 if w > 0.0 else -1.0)) * flat[IS_WEIGHT, p] * decay
        elif reg == 2:
            penalty = w * flat[IS_WEIGHT, p] * decay
        if optimizer == 0:
            values[p] = w - (lr * scale) * g
        elif optimizer == 1:
            velocity[p] = velocity[p] * MOMENTUM + scale * g
            values[p] = w - lr * velocity[p]
        else:
            g = scale * g
            m[p] = m[p] * ADAM_BETA1 + (1.0 - ADAM_BETA1) * g
            v[p] = v[p] * ADAM_BETA2 + (1.0 - ADAM_BETA2) * g * g
            values[p] = w - lr * (m[p] / c1) / (math.sqrt(v[p] / c2) + ADAM_EPSILON)
        if reg != 0:
            before = values[p]
            values[p] = before - penalty
            if reg == 1 and before * values[p] < 0.0:
                values[p], dead[p], flat[ALIVE, p] = 0.0, True, 0.0
                velocity[p], m[p], v[p] = 0.0, 0.0, 0.0  # so dead links stay exactly 0


@numba.njit(
    _F(_M, _M, _I[::1], _C, _C, _M, _B, _I[::1], _I[::1], _I[::1], _V),
    cache=True,
    nogil=True,
    error_model="numpy",
)
def epoch(
    X: Array,
    T: Array,
    order: Array,
    acts: Array,
    nets: Array,
    flat: Array,
    dead: Array,
    offsets: Array,
    sizes: Array,
    codes: Array,
    rates: Array,
) -> float:
    """One epoch over the rows of X (features) and T (targets) taken in `order`, in mini-batches;
    returns the loss summed over the samples, or inf if that is finite but a number the epoch
    leaves is not. Afterwards acts and nets hold the last batch's outputs and net inputs,
    flat[GRAD] and flat[MEAN] its ∂E/∂params summed and averaged over it, flat[SUMS] the
    epoch's averaged over every sample."""
    hidden, output, batch = codes[HIDDEN], codes[OUTPUT], codes[BATCH]
    n, width = X.shape
    delta = np.empty((acts.shape[1], batch))
    below = np.empty_like(delta)
    targets = np.empty((batch, T.shape[1]))
    total = 0.0
    for start in range(0, n, batch):
        count = min(batch, n - start)
        for i in range(count):
            row = order[start + i]
            for k in range(width):
                acts[0, k, i] = X[row, k]  # acts[0, width] stays 1: the bias's input
            targets[i] = T[row]
        forward(acts, nets, flat[VALUES], offsets, sizes, hidden, output, count)
        layers, loss, scale = len(sizes) - 1, codes[LOSS], rates[SCALE]
        total += output_delta(delta, acts, targets, layers, loss, output, scale, count)
        backward(delta, below, acts, flat[VALUES], flat[GRAD], offsets, sizes, hidden, count)
        step(flat, dead, 1.0 / count, rates, codes[OPTIMIZER], codes[REGULARIZER])
        flat[SUMS] += flat[GRAD]
    finite = True
    for p in range(flat.shape[1]):
        flat[SUMS, p] *= 1.0 / n
        flat[MEAN, p] = flat[GRAD, p] * (1.0 / count)
        for row in (VALUES, VELOCITY, M, V):
            finite = finite and math.isfinite(flat[row, p])
    return total if finite or not math.isfinite(total) else math.inf
