"""A trained network as a short, self-contained Python/numpy snippet: output(x, y)."""

from engine import Network
from engine.activations import ACTIVATIONS as ALL_ACTIVATIONS
from engine.features import FEATURES as ALL_FEATURES
from engine.formulas import to_python

FEATURES = {name: to_python(f.formula, ("x", "y")) for name, f in ALL_FEATURES.items()}
ACTIVATIONS = {  # as engine/activations.py computes them; softmax over its layer
    name: to_python(a.formula, ("z",)) for name, a in ALL_ACTIVATIONS.items() if not a.normalized
}
ACTIVATIONS["softmax"] = "np.exp(z - z.max()) / np.exp(z - z.max()).sum()"
READING = {
    "tanh": "two classes: +1 where the output is ≥ 0, -1 below",
    "sigmoid": "two classes: +1 where the output is ≥ 0.5, -1 below",
    "softmax": "one probability per class: the class is the largest's index",
    "linear": "regression: the value",
}


def _rows(matrix: list[list[float]]) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(v) for v in row) + "]" for row in matrix) + "]"


def python_snippet(net: Network) -> str:
    """numpy code computing `net`'s output at a point (x, y), with its weights to the last bit."""
    layers = net.to_dict()["layers"]
    names = [node.name for node in net.inputs]
    hidden, output = net.activation, net.output_activation
    weights = ",\n    ".join(f"np.array({_rows(layer['weights'])})" for layer in layers)
    biases = ",\n    ".join(
        "np.array([" + ", ".join(repr(v) for v in layer["biases"]) + "])" for layer in layers
    )
    inputs = ", ".join(FEATURES[name] for name in names)
    return f'''"""A network trained in Lernmi Playground (epoch {net.epoch}): its output at a point.

Inputs {", ".join(names)}; layers of {", ".join(str(n) for n in net.layer_sizes[1:])} neurons;
{hidden} in the hidden layers, {output} at the output ({READING[output]}).
Needs numpy. Run it to print the output at (1, 2), or import it and call output(x, y).
"""

import numpy as np

WEIGHTS = [  # one array per layer: row j holds the weights into neuron j, one per input
    {weights},
]
BIASES = [
    {biases},
]


def hidden(z):
    return {ACTIVATIONS[hidden]}


def last(z):
    return {ACTIVATIONS[output]}


def output(x, y):
    """The network's output at the point (x, y), x and y from -6 to 6."""
    a = np.array([{inputs}], dtype=float)
    for k, (w, b) in enumerate(zip(WEIGHTS, BIASES)):
        z = w @ a + b
        a = last(z) if k == len(WEIGHTS) - 1 else hidden(z)
    return a


if __name__ == "__main__":
    print(output(1.0, 2.0))
'''
