"""The teachable object model: Inputs, Neurons and Links, thin views onto each Layer's arrays.

A Layer keeps its numbers in numpy arrays so a mini-batch costs a few matrix operations; a Neuron
or a Link reads and writes its own entries there, so the objects and the maths never disagree.
Vocabulary (Lernmi): a part's *sensitivity* is how much the error changes when that part changes,
"whose fault is this error?": ∂E/∂weight for a Link, ∂E/∂net input (= ∂E/∂bias) for a Neuron.
"""

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.activations import Activation

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)


class Input:
    """An input feature: a source of Links, with no activation (inputs stay linear)."""

    def __init__(self, index: int, name: str) -> None:
        self.index = index
        self.name = name
        self.id = name
        self.links_out: list[Link] = []
        self.output: Array | None = None  # this feature's values for the last batch, (n,)


class Layer:
    """A layer of Neurons; its weights, biases and sensitivities live here as arrays."""

    def __init__(self, index: int, n_in: int, n_out: int, activation: Activation) -> None:
        self.index = index
        self.activation = activation
        # One row per neuron: its links' weights, then its bias (a Link from a constant 1), so a
        # batch's net inputs (one column per sample) are params @ [A; 1] in one product.
        self.params: Array = np.zeros((n_out, n_in + 1))
        self.weights = self.params[:, :-1]  # weights[j, i]: the Link from source i to neuron j
        self.biases = self.params[:, -1]
        self.weights_T = self.weights.T  # a view, kept for the backward product
        self.grad: Array = np.zeros_like(self.params)  # ∂(mean E over the last batch)/∂params
        self.epoch_grad: Array = np.zeros_like(self.params)  # the same, averaged over an epoch
        # L1 froze these links at 0
        self.dead: NDArray[np.bool_] = np.zeros(self.weights.shape, dtype=bool)
        self.alive: Array | None = None  # 0/1 mask of live links, None while none is dead
        self.net_input: Array | None = None  # (n_out, n) for the last batch
        self.output: Array | None = None  # (n_out, n) for the last batch
        self.neurons = [Neuron(self, j) for j in range(n_out)]

    def kill(self, links: NDArray[np.bool_]) -> None:
        """Freeze `links` at weight 0 until the network is reset (TF's L1 'dead' links)."""
        self.weights[links] = 0.0
        self.dead |= links
        self.alive = (~self.dead).astype(np.float64)

    def revive(self, links: NDArray[np.bool_]) -> None:
        """Let `links` learn again (a user set their weight by hand)."""
        self.dead &= ~links
        self.alive = (~self.dead).astype(np.float64) if self.dead.any() else None


class Neuron:
    """Sums its Links' inputs and its bias into a net input, and outputs activation(net input)."""

    def __init__(self, layer: Layer, index: int) -> None:
        self.layer = layer
        self.index = index
        self.id = f"{layer.index}:{index}"
        self.links_in: list[Link] = []
        self.links_out: list[Link] = []

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

    @property
    def weight(self) -> float:
        return float(self.layer.weights[self.j, self.i])

    @weight.setter
    def weight(self, value: float) -> None:
        self.layer.weights[self.j, self.i] = _finite("weight", value)
        mask = np.zeros_like(self.layer.dead)
        mask[self.j, self.i] = True
        self.layer.revive(mask)

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
