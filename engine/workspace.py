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

    def differentiate(self) -> None:
        """activation′ of every neuron (the rows of ones get junk, never read)."""
        for der, outputs, into in self.passes:
            der(outputs, into)


class Workspaces:
    """A network's Workspaces, by batch size and dtype, kept for the sizes it reuses (batch,
    remainder, train and test sets, the two heatmap grids): fewer would clear the cache on every
    frame of the server."""

    KEPT = 8

    def __init__(self, sizes: tuple[int, ...], activations: tuple[Activation, Activation]) -> None:
        self.sizes = sizes
        self.activations = activations
        self._kept: dict[tuple[int, type], Workspace] = {}

    def get(self, n: int, dtype: type, keep: bool) -> Workspace:
        """Buffers for a batch of n: the kept ones with `keep`, else new ones."""
        kept = self._kept.get((n, dtype)) if keep else None
        if kept is not None:
            return kept
        ws = Workspace(self.sizes, n, dtype, self.activations)
        if keep:
            if len(self._kept) >= self.KEPT:
                self._kept.clear()
            self._kept[(n, dtype)] = ws
        return ws

    def holding(self, outs: list[Array]) -> Workspace:
        """The kept buffers for a batch as long as `outs`, each layer's outputs copied in."""
        ws = self.get(outs[0].shape[1], np.float64, keep=True)
        for out, computed in zip(ws.outs, outs, strict=True):
            out[:] = computed
        return ws

    def clear(self) -> None:
        self._kept.clear()
