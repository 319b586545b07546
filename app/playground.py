"""What a browser session holds and does: its config, data and network, trained, measured and
drawn (the frames, through app/wire.py), saved and restored. What each client message does to it
is app/session.py's Session, built on this Playground.
"""

import asyncio
import math
import secrets
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app import data as session_data
from app import jsontext, restore, wire
from app.best import Best
from app.config import Config, InputError
from app.history import Point, chart_value, charted
from app.pace import Pace
from app.quality import quality
from app.settings import Settings
from engine import Network, explain, features
from engine.nodes import Link, Neuron


def new_seed() -> str:
    """A seed in TF Playground's style ("0.59704")."""
    return f"0.{secrets.randbelow(100_000):05d}"


class Playground:
    """A browser session's playground, whatever the messages that change it."""

    def __init__(self, settings: Settings, config: Config | None = None) -> None:
        self.settings = settings
        self.token = secrets.token_urlsafe(18)
        # The connection layer holds this while it trains, builds a frame or applies a message,
        # so those never interleave (one connection at a time, and a takeover, share it).
        self.lock = asyncio.Lock()
        self.config = Config.checked(
            config.model_dump() if config else {"seed": new_seed()}, settings
        )
        self.own: tuple[NDArray[Any], NDArray[Any]] | None = None  # the user's points and labels
        # Which of the user's points train, when a file or a snapshot said so (else the ratio).
        self.split: NDArray[np.bool_] | None = None
        self.playing = False
        self.speed: int | str = 1  # epochs per frame, or "max"
        self.diverged = False
        self.frame_number = 0
        self.state_id = 0  # counts the states sent; a frame names the one it was built for
        self.history: list[Point] = []
        self.show_confusion = False  # frames carry the confusion matrices while the page asks
        self.clock: Callable[[], float] = time.perf_counter  # times a "max" slice; tests inject
        self.pace = Pace()  # what its epochs and frames cost, read by its connection
        self.best = Best()  # the lowest test loss, its epoch and weights (app/best.py)
        self.data = session_data.build(self.config, settings, self.own)
        self.net = self._new_network(self.config)
        self._install(self.net)
        self._after_change()

    # -- building ---------------------------------------------------------------------------------
    def _new_network(self, config: Config) -> Network:
        return Network(
            config.layer_sizes,
            activation=config.activation,
            output_activation=config.output_activation,
            loss=config.loss,
            seed=config.seed,
            init_zero=config.init_zero,
            optimizer=config.optimizer,
            input_names=config.features,
        )

    def _install(self, net: Network) -> None:
        self.net = net
        self._grids: dict[int, NDArray[Any]] = {}
        self._links: dict[str, Link] = {link.id: link for link in net.links}
        self._neurons: dict[str, Neuron] = {neuron.id: neuron for neuron in net.neurons}
        self.pace.new_network()

    def _after_change(self) -> None:
        """After anything but training: blame as it stands, over the whole training set."""
        if len(self.data.X_train):
            self.net.forward(self.data.X_train)
            self.net.backward(self.data.Y_train)
        self.sensitivity_kind = "full"
        self.metrics = self._measure()

    def _check_not_diverged(self) -> None:
        if self.diverged:
            raise InputError("type", "the network diverged: reset it first")

    def _check_trainable(self) -> None:
        self._check_not_diverged()
        if len(self.data.X_train) == 0:
            raise InputError("type", "there are no points to train on: add some first")

    def _trace(self, index: int) -> explain.Trace:
        """The scalar reference's trace of point `index` through the network as it is: finite
        numbers, or InputError (a network this far gone has diverged, or is about to)."""
        self._check_not_diverged()
        n = len(self.data.points)
        if index >= n:
            allowed = f"0 to {n - 1}" if n else "none: there are no points"
            raise InputError("index", f"index must be a point's index: {allowed}")
        label = self.data.labels[index]
        y = int(label) if self.config.output_activation == "softmax" else float(label)
        x = self.data.features_of(index, self.config.features)
        trace = explain.trace(self.net, list(x), y, self.config.learning_rate)
        if not jsontext.all_finite(trace.to_dict()):
            raise InputError(
                "index",
                "this point's numbers overflow: the network's weights are too large to explain"
                " (lower the learning rate and reset)",
            )
        return trace

    # -- training ---------------------------------------------------------------------------------
    def train(
        self, epochs: int, seconds: float | None = None, enough: Callable[[], bool] | None = None
    ) -> int:
        """Train `epochs` epochs, or until `seconds` pass or `enough()` says so (at least one),
        stopping at divergence; returns how many ran."""
        c, data = self.config, self.data
        deadline = None if seconds is None else self.clock() + seconds
        done = 0
        start = time.thread_time()
        while done < epochs or (
            deadline is not None
            and self.clock() < deadline
            and not (enough is not None and enough())
        ):
            loss = self.net.train_epoch(
                data.X_train,
                data.Y_train,
                c.batch_size,
                c.learning_rate,
                c.regularization,
                c.regularization_rate,
            )
            done += 1
            if not math.isfinite(loss):
                self.diverged, self.playing = True, False
                break
            # Early stopping counts epochs, so it measures the test loss after each; without
            # it the best is of the frames' measurements (_measure), and "max" pays nothing.
            if c.early_stopping and self.best.after_epoch(self.net, data, c.early_stopping):
                self.playing = False  # early stopping: the test loss has stopped improving
                break
        self.pace.epochs_took(time.thread_time() - start, done)
        self.sensitivity_kind = "epoch"
        return done

    def train_for(self, seconds: float, enough: Callable[[], bool] | None = None) -> int:
        """One frame's training: `speed` epochs, or for "max" as many as fit in `seconds`, ending
        early once `enough()` (checked after each epoch: a frame is wanted)."""
        if isinstance(self.speed, int):
            return self.train(self.speed)
        return self.train(1, seconds, enough)

    def _record(self) -> None:
        """Measure the losses for a frame, and add them to the chart (one point per epoch)."""
        self.metrics = self._measure()
        if self.metrics["train_loss"] is None and len(self.data.X_train):  # not just no points
            self.diverged, self.playing = True, False
        m = self.metrics
        point = (self.net.epoch, chart_value(m["train_loss"]), chart_value(m["test_loss"]))
        self.history = charted(self.history, point)

    def _measure(self) -> dict[str, Any]:
        """Train and test loss, and per problem: accuracy (and, when asked for, the confusion
        matrices) for classification, RMSE and R² for regression. None where there is no data."""
        d = self.data
        out: dict[str, Any] = {}
        for name, X, Y in (("train", d.X_train, d.Y_train), ("test", d.X_test, d.Y_test)):
            if len(X) == 0:
                loss, predicted = math.nan, np.zeros((0, 1))
            else:
                loss, predicted = self.net.score(X, Y)
            out[f"{name}_loss"] = loss if math.isfinite(loss) else None
            c = self.config
            figures = quality(c.problem, c.n_classes, predicted, np.asarray(Y), self.show_confusion)
            for metric, value in figures.items():
                out[f"{name}_{metric}"] = value
        self.best.observe(self.net, d, out["test_loss"])
        return out | self.best.figures()

    # -- what the client is sent (app/wire.py) ---------------------------------------------------
    def record(self) -> None:
        """Measure the losses for the next frame and chart them (the first half of a frame)."""
        with np.errstate(over="ignore", invalid="ignore"):
            self._record()

    def frame(self, record: bool = True, maps: bool = True) -> bytes:
        """The next frame; `record=False` when record() has just been called; `maps=False` for a
        client that computes the maps itself."""
        if record:
            self.record()
        self.frame_number += 1
        frame = wire.frame(self, maps)
        if not self.playing:
            self.rest()
        return frame

    def rest(self) -> None:
        """Let go of what only training and drawing need (the grids' features, the network's
        reusable buffers): a session that is not playing holds its state and little else."""
        self._grids.clear()
        self.net.release()

    def grid(self, density: int) -> NDArray[Any]:
        """The features of the density × density heatmap grid, kept while the session plays."""
        grid = self._grids.get(density)  # rest() may clear it from the event loop meanwhile
        if grid is None:
            grid = features.transform(features.grid(density), self.config.features)
            self._grids[density] = grid
        return grid

    def state_message(self) -> dict[str, Any]:
        return wire.state(self)

    def _weights_message(self) -> dict[str, Any]:
        return {"type": "weights", "values": self.net.parameters.values.tolist()}

    def snapshot_message(self) -> dict[str, Any]:
        return {"type": "snapshot", "snapshot": self.snapshot()}

    def snapshot(self) -> dict[str, Any]:
        return wire.snapshot(self)

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Become the session `snapshot` describes. Raises InputError and changes nothing if it
        does not hold together."""
        r = restore.read_snapshot(snapshot, self.settings)
        data = session_data.build(r.config, self.settings, r.own, empty_ok=True, split=r.split)
        self.split = r.split
        self.config, self.data, self.own, self.speed, self.history = (
            r.config,
            data,
            r.own,
            r.speed,
            r.history,
        )
        self._install(r.net)
        self.diverged = False
        self._after_change()
        self.playing = r.playing
