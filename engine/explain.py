"""The scalar reference: one sample's forward and backward pass, Link by Link, in plain floats.

It tells backpropagation the way the Lernmi write-up does and keeps every number on the way, for
the step-through explainer. Being written with `math` and loops, not numpy, it is also the
independent oracle the vectorized engine is tested against.
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.activations import ACTIVATIONS
from engine.network import Network

_EPS = 1e-15  # the same floor on probabilities as the losses use


@dataclass
class LinkStep:
    """One Link's numbers for the sample."""

    id: str
    input: float  # the source's output: what this link carries
    weight: float  # before the update
    contribution: float  # input × weight, fed to the destination
    sensitivity: float = 0.0  # ∂E/∂w = destination's sensitivity × input ("weight adjustment")
    sent_back: float = 0.0  # destination's sensitivity × weight, summed into the source
    change: float = 0.0  # −learning rate × sensitivity
    new_weight: float = 0.0
    dead: bool = False  # L1 froze it at 0: it carries nothing and gets no blame, as in TF


@dataclass
class NeuronStep:
    """One Neuron's numbers for the sample."""

    id: str
    bias: float
    net_input: float  # bias + Σ contributions
    output: float  # activation(net input)
    sensitivity_sum: float = (
        0.0  # ∂E/∂output: Σ sent back by its links out, or the loss's at the top
    )
    derivative: float = 0.0  # activation′(net input), from the output
    sensitivity: float = 0.0  # ∂E/∂net = ∂E/∂bias, δ (Lernmi's "output sensitivity")
    bias_change: float = 0.0  # −learning rate × sensitivity
    new_bias: float = 0.0
    target: float | None = None  # output neurons only
    links_in: list[LinkStep] = field(default_factory=list)


@dataclass
class Trace:
    """Everything one sample does to the network, in the order the explainer tells it."""

    inputs: dict[str, float]
    layers: list[list[NeuronStep]]
    loss: float
    learning_rate: float
    loss_name: str
    output_activation: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def trace(
    net: Network, x: Sequence[float], y: float | int | Sequence[float], learning_rate: float = 0.03
) -> Trace:
    """One sample x (n_inputs floats) with its label y: forward, error, backward and update."""
    values = [float(v) for v in x]
    if len(values) != len(net.inputs) or not all(math.isfinite(v) for v in values):
        raise ValueError(f"x must be {len(net.inputs)} finite numbers, not {x!r}")
    if not math.isfinite(learning_rate) or learning_rate < 0:
        raise ValueError(f"learning_rate must be a finite number ≥ 0, not {learning_rate!r}")
    outputs = {node.id: v for node, v in zip(net.inputs, values, strict=True)}
    layers: list[list[NeuronStep]] = []

    # Forward: each Link multiplies its input by its weight; each Neuron sums them and its bias.
    for layer in net.layers:
        steps = []
        for neuron in layer.neurons:
            links = []
            for link in neuron.links_in:
                carried = outputs[link.source.id]
                contribution = carried * link.weight
                links.append(
                    LinkStep(link.id, carried, link.weight, contribution, dead=link.is_dead)
                )
            net_input = neuron.bias + sum(step.contribution for step in links)
            steps.append(NeuronStep(neuron.id, neuron.bias, net_input, 0.0, links_in=links))
        _activate(steps, layer.activation.name)
        outputs.update({step.id: step.output for step in steps})
        layers.append(steps)

    # The error at the output, then backward: every δ from the layer above, weights as they were.
    loss = _output_sensitivities(layers[-1], _targets(net, y), net.loss_name, net.output_activation)
    for index in range(len(layers) - 1, -1, -1):
        for step in layers[index]:
            for link_step in step.links_in:
                if not link_step.dead:
                    link_step.sensitivity = step.sensitivity * link_step.input
                link_step.sent_back = step.sensitivity * link_step.weight
        if index == 0:
            break
        activation = net.layers[index - 1].activation
        for position, step in enumerate(layers[index - 1]):
            step.sensitivity_sum = sum(
                above.links_in[position].sent_back for above in layers[index]
            )
            step.derivative = activation.scalar_der(step.output)
            step.sensitivity = step.sensitivity_sum * step.derivative

    # The update: one online SGD step.
    for steps in layers:
        for step in steps:
            step.bias_change = -learning_rate * step.sensitivity
            step.new_bias = step.bias + step.bias_change
            for link_step in step.links_in:
                link_step.change = -learning_rate * link_step.sensitivity
                link_step.new_weight = link_step.weight + link_step.change
    names = {node.name: v for node, v in zip(net.inputs, values, strict=True)}
    return Trace(names, layers, loss, learning_rate, net.loss_name, net.output_activation)


def _activate(steps: list[NeuronStep], name: str) -> None:
    if name == "softmax":
        top = max(step.net_input for step in steps)
        exps = [math.exp(step.net_input - top) for step in steps]
        for step, e in zip(steps, exps, strict=True):
            step.output = e / sum(exps)
        return
    for step in steps:
        step.output = ACTIVATIONS[name].scalar(step.net_input)


def _targets(net: Network, y: float | int | Sequence[float]) -> list[float]:
    k = net.layer_sizes[-1]
    if net.output_activation == "softmax" and not isinstance(y, Sequence):
        if isinstance(y, bool) or int(y) != y or not 0 <= int(y) < k:
            raise ValueError(f"y must be a class index 0 to {k - 1}, not {y!r}")
        return [1.0 if c == int(y) else 0.0 for c in range(k)]
    targets = [float(v) for v in y] if isinstance(y, Sequence) else [float(y)]
    if len(targets) != k or not all(math.isfinite(t) for t in targets):
        raise ValueError(f"y must be {k} finite number(s), not {y!r}")
    return targets


def _output_sensitivities(
    steps: list[NeuronStep], targets: list[float], loss: str, activation: str
) -> float:
    """Sets ∂E/∂o, activation′ and δ on each output neuron; returns the sample's loss."""
    outs = [step.output for step in steps]
    der = ACTIVATIONS[activation].scalar_der
    for step, t in zip(steps, targets, strict=True):
        step.target = t
        step.derivative = der(step.output)
    if loss == "square":
        # E = ½ Σ (o − t)²; ∂E/∂o = o − t ("the error").
        for step, t in zip(steps, targets, strict=True):
            step.sensitivity_sum = step.output - t
        if activation == "softmax":  # δ_j = p_j (g_j − Σ_k g_k p_k)
            mean = sum(s.sensitivity_sum * s.output for s in steps)
            for step in steps:
                step.sensitivity = step.output * (step.sensitivity_sum - mean)
        else:
            for step in steps:
                step.sensitivity = step.sensitivity_sum * step.derivative
        return sum(0.5 * (o - t) * (o - t) for o, t in zip(outs, targets, strict=True))
    if activation == "softmax":
        # E = −Σ t log p; ∂E/∂o = −t/p; through softmax δ = p − t.
        for step, t in zip(steps, targets, strict=True):
            p = max(step.output, _EPS)
            step.sensitivity_sum = -t / p
            step.sensitivity = step.output - t
        return -sum(t * math.log(max(o, _EPS)) for o, t in zip(outs, targets, strict=True))
    # Binary: q = P(+1) is o (sigmoid) or (o + 1)/2 (tanh); t' = (t + 1)/2; δ = (q − t')/(dq/do).
    scale = 1.0 if activation == "sigmoid" else 0.5
    total = 0.0
    for step, t in zip(steps, targets, strict=True):
        q = min(max(scale * step.output + 1.0 - scale, _EPS), 1.0 - _EPS)
        positive = (t + 1.0) / 2.0
        step.sensitivity_sum = scale * (q - positive) / (q * (1.0 - q))
        step.sensitivity = step.output - (positive - (1.0 - scale)) / scale
        total -= positive * math.log(q) + (1.0 - positive) * math.log(1.0 - q)
    return total
