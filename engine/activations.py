"""Activation functions, each with its derivative: the only names the URL, protocol and page use.

Batches are laid out one column per sample: a layer's net inputs and outputs are (neurons, n).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)


@dataclass(frozen=True)
class Activation:
    """A neuron's activation: output = fn(net input), with the pieces backpropagation needs."""

    name: str
    label: str  # as the page's menu names it
    formula: str  # fn in engine/formulas.py's syntax over the net input z: what the page computes
    fn: Callable[[Array, Array], None]  # fn(net, out): writes the outputs into `out`
    der: Callable[[Array, Array], None]  # der(output, out): writes d output/d net into `out`
    scalar: Callable[[float], float]  # the same function on one float, for the scalar reference
    scalar_der: Callable[[float], float]  # d output / d net, from the output (one float)
    der_formula: str  # the derivative as the page's Explain prints it, of the output o or net
    hidden: bool = True  # usable in hidden layers (softmax is an output-only activation)
    output: bool = True  # usable at the output (relu is not: TF's outputs are tanh or linear)
    layer_delta: Callable[[Array, Array], Array] | None = None  # when not elementwise (softmax)
    normalized: bool = False  # the layer's outputs are formula(z) over their sum (softmax)

    def delta(self, g: Array, a: Array) -> Array:
        """dE/dnet from g = dE/doutput and the outputs a, for a batch."""
        if self.layer_delta is not None:
            return self.layer_delta(g, a)
        d: Array = np.empty_like(a)
        self.der(a, d)
        d *= g
        return d


def _relu(z: Array, out: Array) -> None:
    np.maximum(z, 0.0, out=out)


def _tanh(z: Array, out: Array) -> None:
    np.tanh(z, out=out)


def _sigmoid(z: Array, out: Array) -> None:
    # σ(z) = (1 + tanh(z/2)) / 2: the same function, without exp overflowing for very negative z.
    np.tanh(z * 0.5, out=out)
    out *= 0.5
    out += 0.5


def _linear(z: Array, out: Array) -> None:
    out[...] = z


def _softmax(z: Array, out: Array) -> None:
    # Over a layer's neurons: axis 0 (one column per sample). Subtracting the column's maximum
    # leaves softmax unchanged and keeps exp finite.
    e = np.exp(z - z.max(axis=0, keepdims=True))
    np.divide(e, e.sum(axis=0, keepdims=True), out=out)


def _relu_der(a: Array, out: Array) -> None:
    np.greater(a, 0.0, out=out)  # TF: 0 at net ≤ 0


def _tanh_der(a: Array, out: Array) -> None:
    np.multiply(a, a, out=out)  # 1 − a²
    np.subtract(1.0, out, out=out)


def _sigmoid_der(a: Array, out: Array) -> None:
    np.multiply(a, a, out=out)  # a (1 − a) = a − a²
    np.subtract(a, out, out=out)


def _one(a: Array, out: Array) -> None:
    out.fill(1.0)


def _scalar_sigmoid(z: float) -> float:
    return 0.5 + 0.5 * math.tanh(0.5 * z)


def _softmax_delta(g: Array, p: Array) -> Array:
    # The softmax Jacobian times g: δ_j = p_j (g_j − Σ_k g_k p_k).
    delta: Array = p * (g - (g * p).sum(axis=0, keepdims=True))
    return delta


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            "ReLU",
            "max(z, 0)",
            _relu,
            _relu_der,
            lambda z: max(z, 0.0),
            lambda a: 1.0 if a > 0 else 0.0,  # TF: 0 at net ≤ 0
            "1 if net > 0, else 0",
            output=False,
        ),
        Activation(
            "tanh",
            "Tanh",
            "tanh(z)",
            _tanh,
            _tanh_der,
            math.tanh,
            lambda a: 1.0 - a * a,
            "1 − o²",
        ),
        Activation(
            "sigmoid",
            "Sigmoid",
            "0.5 + 0.5 * tanh(0.5 * z)",
            _sigmoid,
            _sigmoid_der,
            _scalar_sigmoid,
            lambda a: a * (1.0 - a),
            "o × (1 − o)",
        ),
        Activation(
            "linear",
            "Linear",
            "z",
            _linear,
            _one,
            lambda z: z,
            lambda a: 1.0,
            "1",
        ),
        Activation(
            "softmax",
            "Softmax",
            "exp(z)",  # over the layer's sum: `normalized`
            _softmax,
            _sigmoid_der,  # the diagonal of the Jacobian, ∂p_j/∂net_j = p_j (1 − p_j)
            lambda z: z,  # softmax needs the whole layer: the scalar reference computes it there
            lambda a: a * (1.0 - a),  # the diagonal of the Jacobian, ∂p_j/∂net_j
            "p × (1 − p) on the diagonal, −p_j × p_k across",
            hidden=False,
            layer_delta=_softmax_delta,
            normalized=True,
        ),
    )
}


def allowed_activations(*, output: bool = False) -> tuple[str, ...]:
    """The names a hidden layer (or, with `output`, an output layer) may use, in registry order."""
    return tuple(name for name, a in ACTIVATIONS.items() if (a.output if output else a.hidden))


HIDDEN_ACTIVATIONS = allowed_activations()
OUTPUT_ACTIVATIONS = allowed_activations(output=True)


def get_activation(name: str, *, output: bool = False) -> Activation:
    """The registered activation `name`, checked against what a hidden or output layer allows."""
    allowed = allowed_activations(output=output)
    if name not in allowed:
        where = "output" if output else "hidden"
        raise ValueError(
            f"Unknown {where} activation {name!r}; allowed: {', '.join(repr(n) for n in allowed)}"
        )
    return ACTIVATIONS[name]
