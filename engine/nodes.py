"""The teachable object model: Inputs, Neurons and Links, thin views onto each Layer's arrays.

A Layer keeps its numbers in numpy arrays so a mini-batch costs a few matrix operations; a Neuron
or a Link reads and writes its own entries there, so the objects and the maths never disagree.
Vocabulary (Lernmi): a part's *sensitivity* is how much the error changes when that part changes,
"whose fault is this error?": ∂E/∂weight for a Link, ∂E/∂net input (= ∂E/∂bias) for a Neuron.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.activations import Activation
from engine.features import FEATURES

MAX_LAYER_SIZE = 4096  # neurons (or inputs) in one layer: a guard against typos, not a UI limit

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)


class Input:
    """An input feature: a source of Links, with no activation (inputs stay linear)."""

    def __init__(self, index: int, name: str) -> None:
        self.index = index
        self.name = name
        self.id = name
        self.links_out: list[Link] = []
        self.output: Array | None = None  # this feature's values for the last batch, (n,)

    def __repr__(self) -> str:
        return f"Input {self.name}"


class Parameters:
    """Every weight and bias of a network in one flat array, so a step is one operation.

    Each Layer sees its own block as a (neurons, sources + 1) view: a row per neuron, its links'
    weights and then its bias (a Link from a constant 1).
    """

    def __init__(self, shapes: list[tuple[int, int]]) -> None:
        sizes = [rows * cols for rows, cols in shapes]
        total = sum(sizes)
        self.shapes = shapes
        self.offsets = [sum(sizes[:k]) for k in range(len(sizes))]
        self.values: Array = np.zeros(total)
        self.batch_grad: Array = np.zeros(total)  # ∂E/∂params summed over the batch in flight
        self.grad: Array = np.zeros(total)  # ∂(mean E over the last batch)/∂params
        self.epoch_grad: Array = np.zeros(total)  # the same, averaged over the last epoch
        self.dead: NDArray[np.bool_] = np.zeros(total, dtype=bool)  # L1 froze these at 0
        self.alive: Array | None = None  # 0/1 mask of live links, None while none is dead
        self.is_weight: Array = np.ones(total)  # 0 at the biases, which are never regularized
        for k in range(len(shapes)):
            self.block(self.is_weight, k)[:, -1] = 0.0

    def block(self, flat: NDArray[Any], k: int) -> NDArray[Any]:
        """Layer k's view of `flat`: (neurons, sources + 1)."""
        rows, cols = self.shapes[k]
        return flat[self.offsets[k] : self.offsets[k] + rows * cols].reshape(rows, cols)

    def kill(self, links: NDArray[np.bool_]) -> None:
        """Freeze `links` (a flat mask) at weight 0 until the network is reset: TF's dead links."""
        self.values[links] = 0.0
        self.dead |= links
        self.alive = (~self.dead).astype(np.float64)

    def revive(self, index: int) -> None:
        """Let the link at flat `index` learn again (a user set its weight by hand)."""
        if self.dead[index]:
            self.dead[index] = False
            self.alive = (~self.dead).astype(np.float64) if self.dead.any() else None


class Layer:
    """A layer of Neurons: views onto its block of the network's Parameters."""

    def __init__(self, index: int, activation: Activation, parameters: Parameters) -> None:
        self.index = index
        self.activation = activation
        self.parameters = parameters
        block = index - 1
        self.params = parameters.block(parameters.values, block)  # row j: neuron j's weights, bias
        self.weights = self.params[:, :-1]  # weights[j, i]: the Link from source i to neuron j
        self.biases = self.params[:, -1]
        self.weights_T = self.weights.T  # a view, kept for the backward product
        self.batch_grad = parameters.block(parameters.batch_grad, block)
        self.grad = parameters.block(parameters.grad, block)
        self.epoch_grad = parameters.block(parameters.epoch_grad, block)
        self.dead = parameters.block(parameters.dead, block)[:, :-1]
        self.net_input: Array | None = None  # (neurons, n) for the last batch
        self.output: Array | None = None  # (neurons, n) for the last batch
        self.neurons = [Neuron(self, j) for j in range(self.params.shape[0])]

    def __repr__(self) -> str:
        return f"Layer {self.index}: {len(self.neurons)} {self.activation.name} neurons"

    def flat_index(self, j: int, i: int) -> int:
        """Where params[j, i] sits in the network's flat Parameters."""
        return int(self.parameters.offsets[self.index - 1] + j * self.params.shape[1] + i)


class Neuron:
    """Sums its Links' inputs and its bias into a net input, and outputs activation(net input)."""

    def __init__(self, layer: Layer, index: int) -> None:
        self.layer = layer
        self.index = index
        self.id = f"{layer.index}:{index}"
        self.links_in: list[Link] = []
        self.links_out: list[Link] = []

    def __repr__(self) -> str:
        return f"Neuron {self.id} b={self.bias:.3g} s={self.sensitivity:.3g}"

    @property
    def bias(self) -> float:
        return float(self.layer.biases[self.index])

    @bias.setter
    def bias(self, value: float) -> None:
        self.layer.biases[self.index] = _finite("bias", value)

    @property
    def output(self) -> Array | None:
        """This neuron's outputs for the last batch forwarded, (n,)."""
        out = self.layer.output
        return None if out is None else out[self.index]

    @property
    def net_input(self) -> Array | None:
        """Σ weight × input + bias for the last batch forwarded, (n,)."""
        net = self.layer.net_input
        return None if net is None else net[self.index]

    @property
    def sensitivity(self) -> float:
        """∂(mean loss of the last batch)/∂(net input): Lernmi's 'output sensitivity', δ."""
        return float(self.layer.grad[self.index, -1])

    @property
    def epoch_sensitivity(self) -> float:
        """The sensitivity averaged over every sample of the last epoch: 'the sensitivity now'."""
        return float(self.layer.epoch_grad[self.index, -1])


class Link:
    """Carries its source's output, times its weight, into its destination Neuron."""

    def __init__(self, layer: Layer, i: int, j: int, source: "Input | Neuron", dest: Neuron):
        self.layer = layer
        self.i = i
        self.j = j
        self.source = source
        self.dest = dest
        self.id = f"{source.id}-{dest.id}"

    def __repr__(self) -> str:
        return f"Link {self.source.id}→{self.dest.id} w={self.weight:.3g} s={self.sensitivity:.3g}"

    @property
    def weight(self) -> float:
        return float(self.layer.weights[self.j, self.i])

    @weight.setter
    def weight(self, value: float) -> None:
        self.layer.weights[self.j, self.i] = _finite("weight", value)
        self.layer.parameters.revive(self.layer.flat_index(self.j, self.i))

    @property
    def sensitivity(self) -> float:
        """∂(mean loss of the last batch)/∂weight = dest's sensitivity × this link's input."""
        return float(self.layer.grad[self.j, self.i])

    @property
    def epoch_sensitivity(self) -> float:
        """The sensitivity averaged over every sample of the last epoch: 'the sensitivity now'."""
        return float(self.layer.epoch_grad[self.j, self.i])

    @property
    def is_dead(self) -> bool:
        """True once L1 regularization froze this link at 0 (until reset or a hand-set weight)."""
        return bool(self.layer.dead[self.j, self.i])


def _finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def check_layer_sizes(layer_sizes: Sequence[int]) -> tuple[int, ...]:
    """`layer_sizes` as a tuple, or ValueError: at least 2 integers, each 1 to MAX_LAYER_SIZE."""
    sizes = tuple(layer_sizes) if isinstance(layer_sizes, Sequence) else ()
    ok = len(sizes) >= 2 and all(
        isinstance(s, int | np.integer) and not isinstance(s, bool) and 1 <= s <= MAX_LAYER_SIZE
        for s in sizes
    )
    if not ok:
        raise ValueError(
            "layer_sizes must be [n_inputs, *hidden, n_outputs]: at least 2 integers, each 1 to"
            f" {MAX_LAYER_SIZE}; got {list(sizes)!r}"
        )
    return tuple(int(s) for s in sizes)


def input_names_for(n: int, names: Sequence[str] | None) -> list[str]:
    """The inputs' names: `names` checked, or else TF Playground's first n features (x, y,
    xSquared, …: engine/features.py) when there are that many, x0, x1, … beyond."""
    if names is None:
        known = list(FEATURES)
        return known[:n] if n <= len(known) else [f"x{k}" for k in range(n)]
    chosen = list(names)
    if len(chosen) != n or len(set(chosen)) != n:
        raise ValueError(f"input_names must be {n} distinct names, not {chosen!r}")
    return chosen


def connect(
    inputs: list[Input],
    sizes: tuple[int, ...],
    hidden: Activation,
    output: Activation,
    parameters: Parameters,
) -> list[Layer]:
    """The Layers of Neurons over `parameters`, each Neuron linked to every node below it."""
    layers: list[Layer] = []
    sources: Sequence[Input | Neuron] = inputs
    for index in range(len(sizes) - 1):
        last = index == len(sizes) - 2
        layer = Layer(index + 1, output if last else hidden, parameters)
        for neuron in layer.neurons:
            for i, source in enumerate(sources):
                link = Link(layer, i, neuron.index, source, neuron)
                neuron.links_in.append(link)
                source.links_out.append(link)
        layers.append(layer)
        sources = layer.neurons
    return layers
