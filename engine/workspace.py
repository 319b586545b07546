"""Buffers a batch flows through: reused across batches of the same size, so training allocates
almost nothing per mini-batch."""

import itertools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.activations import Activation

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)


class Workspace:
    """Buffers for a batch of n: every layer's input [a; 1] in one block, and every neuron's
    activation′ in a block beside it, so one pass differentiates all the hidden neurons."""

    def __init__(
        self,
        sizes: tuple[int, ...],
        n: int,
        dtype: type,
        activations: tuple[Activation, Activation],  # hidden, output
        groups: list[tuple[int, int]],
    ) -> None:
        heights = [size + 1 for size in sizes[1:]]  # each layer's outputs and a row of ones
        ends = list(itertools.accumulate(h * n for h in heights))
        self.flat: Array = np.ones(ends[-1], dtype)
        self.ins: list[Array] = [np.ones((sizes[0] + 1, n), dtype)] + [
            self.flat[end - h * n : end].reshape(h, n) for h, end in zip(heights, ends, strict=True)
        ]  # ins[l]: layer l's input [a; 1]; training passes its own x for layer 0
        self.ins_T: list[Array] = [buffer.T for buffer in self.ins]
        self.outs: list[Array] = [
            buffer[:-1] for buffer in self.ins[1:]
        ]  # outs[l]: layer l's outputs
        self.flat_der: Array = np.empty_like(self.flat)
        self.ders: list[Array] = [
            self.flat_der[end - h * n : end].reshape(h, n)[:-1]
            for h, end in zip(heights, ends, strict=True)
        ]  # ders[l]: activation′ of layer l's neurons
        # (activation, outputs, where its derivatives go) per pass: one pass for every layer
        # when the output shares the hidden activation; softmax's is not elementwise, no pass.
        hidden, output = activations
        split = ends[-2] if len(ends) > 1 else 0
        regions = [(hidden, 0, split), (output, split, ends[-1])]
        if hidden is output:
            regions = [(hidden, 0, ends[-1])]
        self.passes = [
            (act.der, self.flat[a:b], self.flat_der[a:b])
            for act, a, b in regions
            if act.layer_delta is None and b > a
        ]
        self.output_der = self.ders[-1] if output.layer_delta is None else None
        # Same-shaped hidden layers first..last: their δs side by side and their inputs (already
        # side by side in `flat`), so one batched product gives all their gradients.
        self.group_deltas: list[Array] = []
        self.group_ins_T: list[Array] = []
        self.slots: dict[int, Array] = {}  # layer → its place in its group's δs
        for first, last in groups:
            count, h = last - first + 1, heights[first - 1]
            deltas: Array = np.empty((count, sizes[first + 1], n), dtype)
            start = ends[first - 1] - h * n
            inputs = self.flat[start : start + count * h * n].reshape(count, h, n)
            self.group_deltas.append(deltas)
            self.group_ins_T.append(inputs.transpose(0, 2, 1))
            self.slots.update({first + k: deltas[k] for k in range(count)})

    def differentiate(self) -> None:
        """activation′ of every neuron (the rows of ones get junk, never read)."""
        for der, outputs, into in self.passes:
            der(outputs, into)
