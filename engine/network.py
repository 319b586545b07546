"""A Network of Layers of Neurons and Links, trained by backpropagation as TF Playground does.

Batches flow through the arithmetic one column per sample: a layer's net inputs are
params @ [inputs; 1], shaped (neurons, n), so each step is a few contiguous matrix operations.
"""

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from engine import compiled, snapshot, undo
from engine.activations import get_activation
from engine.checks import Checked, check_batch_size, check_inputs, check_step, input_rows
from engine.losses import bind_loss
from engine.nodes import (
    Input,
    Link,
    Neuron,
    Parameters,
    check_layer_sizes,
    connect,
    input_names_for,
)
from engine.optimizers import get_optimizer
from engine.regularizers import Regularizer
from engine.seeding import Seed, make_rng
from engine.workspace import Workspace, Workspaces

Array = NDArray[Any]  # float64 arrays (float32 for the heatmaps)
Step = tuple[float, Regularizer | None, float]  # the learning rate, regularizer and its rate
Epoch = tuple[float, Array, Workspace, list[Array]]  # summed loss; last batch, buffers, nets


class Network:
    """A fully connected feed-forward network: `layer_sizes = [n_inputs, *hidden, n_outputs]`."""

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "tanh",
        loss: str = "square",
        seed: Seed = 0,
        init_zero: bool = False,
        optimizer: str = "sgd",
        input_names: Sequence[str] | None = None,
    ) -> None:
        sizes = check_layer_sizes(layer_sizes)
        self._hidden = get_activation(activation)
        output = get_activation(output_activation, output=True)
        if output.name == "softmax" and sizes[-1] < 2:
            raise ValueError("A softmax output needs at least 2 output neurons, one per class")
        self._loss = bind_loss(loss, output.name)
        self._optimizer = get_optimizer(optimizer)
        self.layer_sizes = sizes
        self.seed = seed
        self.init_zero = bool(init_zero)
        self.epoch = 0  # epochs trained since the network was built
        self.rng = make_rng(seed)  # draws the initial weights, then each epoch's order

        self.inputs = [
            Input(k, name) for k, name in enumerate(input_names_for(sizes[0], input_names))
        ]
        self.parameters = Parameters(
            [(n_out, n_in + 1) for n_in, n_out in itertools.pairwise(sizes)]
        )
        self.layers = connect(self.inputs, sizes, self._hidden, output, self.parameters)
        for layer in self.layers:
            # TF: weights U(−0.5, 0.5), drawn neuron by neuron, link by link; biases 0.1.
            if not self.init_zero:
                layer.weights[:] = self.rng.uniform(-0.5, 0.5, size=layer.weights.shape)
                layer.biases[:] = 0.1
        self.optimizer_state = self._optimizer.new_state(self.parameters.values.shape)
        self.compiled = True
        self._fns = [layer.activation.fn for layer in self.layers]  # for the hot loops
        self._workspaces = Workspaces(sizes, (self._hidden, output))
        self._checked = Checked()  # the data it was given, checked
        self._last: tuple[Array, Workspace] | None = None  # the batch forward() saw last
        # An epoch taken one mini-batch at a time (train_batch): its order, and how far it got.
        self._batch_order: NDArray[np.intp] | None = None
        self._batch_start = 0

    def __repr__(self) -> str:
        sizes = ", ".join(map(str, self.layer_sizes))
        return (
            f"Network([{sizes}], {self.activation} → {self.output_activation}, "
            f"{self.loss_name}, epoch {self.epoch})"
        )

    @property
    def activation(self) -> str:
        """The hidden layers' activation."""
        return self._hidden.name

    @property
    def output_activation(self) -> str:
        return self.layers[-1].activation.name

    @property
    def loss_name(self) -> str:
        return self._loss.name

    @property
    def optimizer(self) -> str:
        """The update rule `update` and `train_epoch` apply; changing it keeps the weights."""
        return self._optimizer.name

    @optimizer.setter
    def optimizer(self, name: str) -> None:
        self._optimizer = get_optimizer(name)
        self.optimizer_state = self._optimizer.new_state(self.parameters.values.shape)
        self.compiled = self._plan is not None

    @property
    def compiled(self) -> bool:
        """Whether epochs and scores run compiled (engine/kernel.py); False: in numpy."""
        return self._plan is not None

    @compiled.setter
    def compiled(self, wanted: bool) -> None:
        names = (self.activation, self.output_activation, self.loss_name, self.optimizer)
        self._plan = compiled.plan(*names, self.parameters.shapes) if wanted else None

    @property
    def links(self) -> list[Link]:
        """Every Link, layer by layer, neuron by neuron."""
        return [link for layer in self.layers for n in layer.neurons for link in n.links_in]

    @property
    def neurons(self) -> list[Neuron]:
        """Every Neuron, layer by layer (the output layer last)."""
        return [neuron for layer in self.layers for neuron in layer.neurons]

    # -- the public steps -------------------------------------------------------------------------
    def forward(self, X: ArrayLike) -> Array:
        """Outputs (n, n_outputs) for inputs X (n, n_inputs); every Neuron keeps its outputs."""
        x = input_rows(X, self.layer_sizes[0])
        ws = self._workspaces.get(len(x), np.float64, keep=False)
        with np.errstate(over="ignore", invalid="ignore"):
            nets = self._forward(x.T, ws, self._params())
        self._remember(x, ws, nets)
        return ws.outs[-1].T

    def backward(self, Y: ArrayLike) -> None:
        """Sets every sensitivity for the batch just forwarded: ∂(mean loss)/∂ weight and bias."""
        if self._last is None:
            raise ValueError("backward needs a batch: call forward(X) first")
        x, ws = self._last
        T = self._loss.targets_for(Y, self.layer_sizes[-1], len(x))
        with np.errstate(over="ignore", invalid="ignore"):
            self._backward(x, ws, T)
        np.multiply(self.parameters.batch_grad, 1.0 / len(x), out=self.parameters.grad)

    def update(
        self, learning_rate: float, regularization: str = "none", regularization_rate: float = 0.0
    ) -> bool:
        """One step from the current sensitivities with this network's optimizer. False when
        the step would make a number non-finite (the network diverged): it is not taken."""
        lr, reg, rate = check_step(learning_rate, regularization, regularization_rate)
        saved = undo.save(self.parameters, self.optimizer_state)
        with np.errstate(over="ignore", invalid="ignore"):
            self._apply(self.parameters.grad, 1.0, lr, reg, rate)
        if undo.finite(self.parameters, self.optimizer_state):
            return True
        undo.load(saved, self.parameters, self.optimizer_state, self.rng)
        return False

    def train_batch(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        batch_size: int = 10,
        learning_rate: float = 0.03,
        regularization: str = "none",
        regularization_rate: float = 0.0,
    ) -> bool:
        """The next mini-batch of an epoch taken one batch at a time: the next `batch_size`
        samples of the epoch's shuffled order (a new order as an epoch begins, or when (X, Y)
        has another length), forward, backward and one step; the epoch counts once its last
        batch is done. False when the step would make a number non-finite: it is not taken."""
        check_batch_size(batch_size)  # all checked before the epoch's order moves
        check_step(learning_rate, regularization, regularization_rate)
        x, y = check_inputs(X, self.layer_sizes[0]), np.asarray(Y)
        n = len(x)
        if self._batch_order is None or len(self._batch_order) != n or self._batch_start >= n:
            self._batch_order, self._batch_start = self.rng.permutation(n), 0
        chosen = self._batch_order[self._batch_start : self._batch_start + batch_size]
        self._batch_start += len(chosen)
        self.forward(x[chosen])
        self.backward(y[chosen])
        if not self.update(learning_rate, regularization, regularization_rate):
            return False
        if self._batch_start >= n:
            self.epoch += 1
        return True

    def loss(self, X: ArrayLike, Y: ArrayLike) -> float:
        """The mean loss over (X, Y), without regularization."""
        return self.score(X, Y)[0]

    def score(self, X: ArrayLike, Y: ArrayLike) -> tuple[float, Array]:
        """The mean loss over (X, Y) and the outputs (n, n_outputs), from one forward pass that
        leaves every Neuron's stored batch as it was."""
        if self._plan is not None:
            X, T = self._checked.get(X, Y, self.layer_sizes, self._loss.targets_for)
            total, outputs = compiled.score(self._plan, X, T, self.parameters.values)
            return total / len(X), outputs.T.copy()
        outputs = self.evaluate(X, np.float64)[-1]
        T = self._loss.targets_for(Y, self.layer_sizes[-1], outputs.shape[1])
        with np.errstate(over="ignore", invalid="ignore"):
            return float(self._loss.value(outputs, T).mean()), outputs.T.copy()

    def predict(self, X: ArrayLike) -> Array:
        """Outputs (n, n_outputs) for X, leaving every Neuron's stored batch as it was."""
        if self._plan is None:
            return self.evaluate(X, np.float64, keep=False)[-1].T
        X = check_inputs(X, self.layer_sizes[0])
        acts = compiled.outputs(self._plan, X, self.parameters.values)
        return acts[-1, : self.layer_sizes[-1]].T.copy()

    def evaluate(self, X: ArrayLike, dtype: type = np.float32, keep: bool = True) -> list[Array]:
        """Every layer's outputs for X, (neurons, n) each: the heatmaps, float32 by default.

        With `keep`, the buffers are reused by the next call with as many points: copy what
        you want to hold on to. The stored batch of each Neuron is left as it was.
        """
        X = check_inputs(X, self.layer_sizes[0])
        ws = self._workspaces.get(len(X), dtype, keep=keep)
        ws.ins[0][:-1] = X.T
        values: Array = self.parameters.values.astype(dtype, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            # Straight into the output buffers, activated in place: a 100×100 grid would
            # otherwise allocate (and page-fault) a fresh net-input array per layer.
            for k, (fn, a, out) in enumerate(zip(self._fns, ws.ins, ws.outs, strict=False)):
                np.dot(self.parameters.block(values, k), a, out=out)
                fn(out, out)
        return ws.outs

    def train_epoch(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        batch_size: int = 10,
        learning_rate: float = 0.03,
        regularization: str = "none",
        regularization_rate: float = 0.0,
        shuffle: bool = True,
    ) -> float:
        """One pass over (X, Y) in mini-batches; returns the epoch's mean training loss.

        That loss is each sample's loss when it was trained on (before its batch's step). Unlike
        TF Playground the order is reshuffled every epoch (seeded) and a last partial batch is a
        step of its own. Afterwards every Link and Neuron has `epoch_sensitivity`, its sensitivity
        averaged over all the epoch's samples, and `sensitivity`, the last batch's.

        A network that diverges never holds a number that is not finite: if the loss or any
        weight, bias or optimizer number stops being finite, the epoch is undone (the network is
        exactly as it was before it) and the loss returned is not finite (inf or nan).
        """
        lr, reg, rate = check_step(learning_rate, regularization, regularization_rate)
        check_batch_size(batch_size)
        if self._plan is not None and (reg is None or reg.name in compiled.REGULARIZERS):
            return self._compiled_epoch(X, Y, batch_size, (lr, reg, rate), shuffle)
        x_all = input_rows(X, self.layer_sizes[0])
        T_all = self._loss.targets_for(Y, self.layer_sizes[-1], len(x_all)).T  # a row a sample
        n = len(x_all)
        rng_state = self.rng.bit_generator.state  # to undo the shuffle if the epoch diverges
        if shuffle:
            order = self.rng.permutation(n)
            x_all, T_all = x_all[order], T_all[order]
        saved = undo.save(self.parameters, self.optimizer_state, rng_state)
        with np.errstate(over="ignore", invalid="ignore"):
            total, x, ws, nets = self._numpy_epoch(x_all, T_all, batch_size, (lr, reg, rate))
            np.multiply(self.parameters.batch_grad, 1.0 / len(x), out=self.parameters.grad)
            self.parameters.epoch_grad *= 1.0 / n
        loss = total / n
        if not (math.isfinite(loss) and undo.finite(self.parameters, self.optimizer_state)):
            undo.load(saved, self.parameters, self.optimizer_state, self.rng)
            return loss if not math.isfinite(loss) else math.inf
        self._remember(x, ws, nets)
        self.epoch += 1
        return loss

    def _numpy_epoch(self, x_all: Array, T_all: Array, batch_size: int, step: Step) -> Epoch:
        """The epoch in numpy: its summed loss and last batch (rows, buffers, net inputs)."""
        P, (lr, reg, rate) = self.parameters, step
        P.epoch_grad[:] = 0.0
        params = self._params()
        total = 0.0
        for start in range(0, len(x_all), batch_size):
            x = x_all[start : start + batch_size]
            ws = self._workspaces.get(len(x), np.float64, keep=True)
            nets = self._forward(x.T, ws, params)
            total += self._backward(x, ws, T_all[start : start + batch_size].T)
            self._apply(P.batch_grad, 1.0 / len(x), lr, reg, rate)
            P.epoch_grad += P.batch_grad
        return total, x, ws, nets

    def _compiled_epoch(
        self, X: ArrayLike, Y: ArrayLike, size: int, step: Step, shuffle: bool
    ) -> float:
        """The same epoch, compiled (engine/kernel.py), on a copy of the network's numbers that
        replaces them only if all are finite; its last batch left in the buffers, as above."""
        assert self._plan is not None
        X, T = self._checked.get(X, Y, self.layer_sizes, self._loss.targets_for)
        rng_state = self.rng.bit_generator.state  # to undo the shuffle if the epoch diverges
        order = self.rng.permutation(len(X)) if shuffle else np.arange(len(X))
        name, P = "none" if step[1] is None else step[1].name, self.parameters
        rates = (step[0], step[2])
        done = compiled.train(self._plan, (X, T, order), P, self.optimizer_state, size, rates, name)
        loss = done.total / len(X)
        if not math.isfinite(loss):
            self.rng.bit_generator.state = rng_state
            return loss if not math.isfinite(loss) else math.inf
        ws = self._workspaces.holding(done.outs)
        self._remember(done.last_rows, ws, [net.copy() for net in done.nets])
        self.epoch += 1
        return loss

    # -- the arithmetic ---------------------------------------------------------------------------
    def _forward(self, xT: Array, ws: Workspace, params: list[Array]) -> list[Array]:
        # net = params @ [a; 1]; each layer writes its outputs into the next layer's input buffer.
        nets = []
        a = xT
        for p, fn, out, nxt in zip(params, self._fns, ws.outs, ws.ins[1:], strict=True):
            net = p.dot(a)
            fn(net, out)
            nets.append(net)
            a = nxt
        return nets

    def _backward(self, x: Array, ws: Workspace, T: Array) -> float:
        # δ (each neuron's sensitivity, ∂E/∂net) starts at the output and flows back: a Link's
        # ∂E/∂w = δ_dest × its input, summed over the batch; a neuron's sensitivity sum is
        # Σ δ_dest × w over its links out, and its δ = that × activation′ of the neuron below.
        # Writes each layer's ∂E/∂params, summed over the batch, into Parameters.batch_grad.
        ws.differentiate()
        delta, total = self._loss.delta_and_total(ws.outs[-1], T, ws.output_der)
        for index in range(len(self.layers) - 1, 0, -1):
            layer = self.layers[index]
            np.dot(delta, ws.ins_T[index], out=layer.batch_grad)
            delta = layer.weights_T.dot(delta)
            delta *= ws.ders[index - 1]
        np.dot(delta, x, out=self.layers[0].batch_grad)
        if self.parameters.alive is not None:  # dead links get no blame, as in TF
            self.parameters.batch_grad *= self.parameters.alive
        return total

    def _apply(
        self, grad: Array, scale: float, lr: float, reg: Regularizer | None, rate: float
    ) -> None:
        # TF: w −= lr·mean(∂E/∂w), then w −= lr·rate·reg′(w before the step); biases unregularized.
        P = self.parameters
        if reg is None:
            self._optimizer.step(P.values, grad, scale, lr, self.optimizer_state)
            return
        penalty = reg.der(P.values) * P.is_weight
        penalty *= lr * rate
        self._optimizer.step(P.values, grad, scale, lr, self.optimizer_state)
        before = P.values.copy()
        P.values -= penalty
        if reg.kills_on_sign_flip:
            flipped = before * P.values < 0
            if flipped.any():
                P.kill(flipped)
                for key in self._optimizer.state_shapes:  # so dead links stay exactly 0
                    self.optimizer_state[key][flipped] = 0.0

    # -- buffers and checks -----------------------------------------------------------------------
    def _params(self) -> list[Array]:
        return [layer.params for layer in self.layers]

    def release(self) -> None:
        """Let go of the buffers kept for reuse: a network at rest holds only its parameters
        (and the batch last forwarded); the next pass allocates what it needs again."""
        self._workspaces.clear()
        self._checked.clear()
        if self._plan is not None:
            self._plan.scratch.clear()

    def _remember(self, x: Array, ws: Workspace, nets: list[Array]) -> None:
        for k, node in enumerate(self.inputs):
            node.output = x[:, k]
        for layer, out, net in zip(self.layers, ws.outs, nets, strict=True):
            layer.output, layer.net_input = out, net
        self._last = (x, ws)

    # -- snapshots (engine/snapshot.py) ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly where this network is: JSON-able."""
        return snapshot.network_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Network":
        """The network `to_dict` described, weights bit for bit."""
        return snapshot.network_from_dict(data, cls)
