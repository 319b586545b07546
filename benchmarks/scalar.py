"""The engine's scalar reference as a trainer: an epoch in mini-batches, each sample through
engine.explain.trace, each step through the Links' and Neurons' setters (slow, and exact)."""

from collections.abc import Sequence

from engine import Network, explain
from engine.explain import NeuronStep


def trace_steps(net: Network, x: list[float], y: float, learning_rate: float) -> list[NeuronStep]:
    """One sample's trace, its neurons flattened layer by layer (the order of net.neurons)."""
    return [step for layer in explain.trace(net, x, y, learning_rate).layers for step in layer]


def batch_sensitivities(
    net: Network,
    rows: list[list[float]],
    labels: list[float],
    batch: Sequence[int],
    learning_rate: float,
) -> tuple[list[float], list[float]]:
    """Each link's and each neuron's sensitivity summed over the batch, in trace order."""
    link_sums: list[float] = []
    neuron_sums: list[float] = []
    for k in batch:
        steps = trace_steps(net, rows[k], labels[k], learning_rate)
        neurons = [step.sensitivity for step in steps]
        links = [link.sensitivity for step in steps for link in step.links_in]
        if not link_sums:
            link_sums, neuron_sums = links, neurons
            continue
        link_sums = [a + b for a, b in zip(link_sums, links, strict=True)]
        neuron_sums = [a + b for a, b in zip(neuron_sums, neurons, strict=True)]
    return link_sums, neuron_sums


def epoch(
    net: Network,
    rows: list[list[float]],
    labels: list[float],
    order: Sequence[int],
    batch_size: int,
    learning_rate: float,
) -> None:
    """One epoch in mini-batches, each sample through explain.trace, each step via the setters."""
    links, neurons = net.links, net.neurons
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        link_sums, neuron_sums = batch_sensitivities(net, rows, labels, batch, learning_rate)
        scale = learning_rate / len(batch)  # w −= lr × the batch's mean sensitivity
        for link, total in zip(links, link_sums, strict=True):
            link.weight = link.weight - scale * total
        for neuron, total in zip(neurons, neuron_sums, strict=True):
            neuron.bias = neuron.bias - scale * total
