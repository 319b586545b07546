"""One browser session: its config, data and network, and what each client message does to them.

No FastAPI here: a Session turns a message into a state change and the replies to send, and
builds frames; app/ws.py moves bytes. Every method leaves the session unchanged when it raises.
"""

import asyncio
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app import data as session_data
from app import jsontext, protocol, restore, wire
from app.config import DATA_FIELDS, NETWORK_FIELDS, OWN, Config, InputError
from app.quality import quality
from app.settings import Settings
from engine import Network, explain, features
from engine.nodes import Link, Neuron


def new_seed() -> str:
    """A seed in TF Playground's style ("0.59704")."""
    return f"0.{secrets.randbelow(100_000):05d}"


@dataclass
class Reply:
    """What handling one message produced: messages to send now, and whether to send a frame."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    frame: bool = False


class Session:
    """A browser session's playground."""

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
        self.history: list[tuple[int, float | None, float | None]] = []
        self.show_confusion = False  # frames carry the confusion matrices while the page asks
        self.clock: Callable[[], float] = time.perf_counter  # times a "max" slice; tests inject
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
        self.epoch_s = 0.0  # CPU seconds an epoch takes (a running average; 0: not measured yet)

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

    # -- messages ---------------------------------------------------------------------------------
    def handle(self, message: Any) -> Reply:
        """Apply one parsed client message. Raises InputError, leaving the session as it was."""
        handler: Callable[[Any], Reply] = getattr(self, f"_on_{message.type}")
        return handler(message)

    def _on_config(self, message: protocol.ConfigChange) -> Reply:
        return self._become(self._changed(self.config, message.changes))

    def _on_link(self, message: protocol.Link) -> Reply:
        # TF: what a link leaves out is the default, and a link without a seed draws one.
        config = Config(seed=new_seed())
        ignored = []
        for name, value in message.changes.items():
            try:
                candidate = self._changed(config, {name: value})
                if candidate.active_dataset == OWN and self.own is None:
                    raise InputError(
                        name, "a link carries no points: the model file does (Share, Export model)"
                    )
                config = candidate
            except InputError as error:
                ignored.append({"field": name, "message": error.message})
        reply = self._become(config)
        notice = {"type": "link_ignored", "ignored": ignored}
        return Reply([*reply.messages, notice] if ignored else reply.messages, frame=True)

    def _changed(self, config: Config, changes: dict[str, Any]) -> Config:
        """`config` with `changes`, checked whole and against the server's limits."""
        return Config.checked({**config.model_dump(), **changes}, self.settings, "changes")

    def _become(self, config: Config) -> Reply:
        """Take `config`, rebuilding the data and the network only where it changed."""
        changed = {
            name
            for name in Config.model_fields
            if getattr(config, name) != getattr(self.config, name)
        }
        if changed & (DATA_FIELDS | NETWORK_FIELDS | {"seed"}):
            own = self.own
            if config.active_dataset == OWN and own is None:
                field = f"changes.{config.dataset_field}"
                raise InputError(field, f"{field}: dataset 'own' needs points: add some first")
            if config.active_dataset == OWN and own is not None:
                own = (own[0], session_data.check_labels(own[1], config))
            if changed & {"perc_train", "all_train"}:
                self.split = None  # a new ratio splits the points anew
            # New features need new feature columns; the points come out the same for a seed.
            rebuild_data = changed & (DATA_FIELDS | {"seed", "features"})
            data = self._build(config, own) if rebuild_data else self.data
            self._rebuild(config, data, own)
        else:
            self.config = config
            if self.net.optimizer != config.optimizer:
                self.net.optimizer = config.optimizer
        return self._state_reply()

    def _rebuild(self, config: Config, data: session_data.Data, own: Any) -> None:
        """A new network for `config` (TF: a rebuild pauses and clears the chart)."""
        net = self._new_network(config)
        self.config, self.data, self.own = config, data, own
        self._install(net)
        self.playing = self.diverged = False
        self.history = []
        self._after_change()

    def _on_play(self, _: protocol.Play) -> Reply:
        self._check_trainable()
        self.playing = True
        return Reply(frame=True)

    def _on_pause(self, _: protocol.Pause) -> Reply:
        self.playing = False
        return Reply([self.snapshot_message()], frame=True)

    def _on_step(self, _: protocol.Step) -> Reply:
        self._check_trainable()
        self.playing = False
        self.train(1)
        return Reply([self.snapshot_message()], frame=True)

    def _on_step_batch(self, _: protocol.StepBatch) -> Reply:
        self._check_trainable()
        self.playing = False
        c, d = self.config, self.data
        args = (c.batch_size, c.learning_rate, c.regularization, c.regularization_rate)
        if not self.net.train_batch(d.X_train, d.Y_train, *args):
            self.diverged = True  # the step was not taken: the network holds finite numbers
        self.sensitivity_kind = "batch"
        return Reply(frame=True)

    def _on_reset(self, _: protocol.Reset) -> Reply:
        self._rebuild(self.config, self.data, self.own)
        return self._state_reply()

    def _on_new_seed(self, message: protocol.NewSeed) -> Reply:
        config = self.config.model_copy(
            update={"seed": message.seed or new_seed(), "data_seed": None}
        )
        self._rebuild(config, self._build(config, self.own), self.own)
        return self._state_reply()

    def _build(
        self, config: Config, own: tuple[NDArray[Any], NDArray[Any]] | None, empty_ok: bool = False
    ) -> session_data.Data:
        """The data for `config`, own points split as the session's split says."""
        return session_data.build(config, self.settings, own, empty_ok, self.split)

    def _on_regenerate(self, _: protocol.Regenerate) -> Reply:
        if self.config.active_dataset == OWN:
            raise InputError("dataset", "your own points cannot be regenerated")
        config = self.config.model_copy(update={"data_seed": new_seed()})
        self.data = session_data.build(config, self.settings, self.own)
        self.config = config
        self._after_change()
        return self._state_reply()

    def _on_set_weight(self, message: protocol.SetWeight) -> Reply:
        link = self._links.get(message.link)
        if link is None:
            raise InputError("link", f"link {message.link!r} does not exist; ids are like 'x-1:0'")
        link.weight = message.value
        self._after_change()
        return Reply([self._weights_message()], frame=True)

    def _on_set_bias(self, message: protocol.SetBias) -> Reply:
        neuron = self._neurons.get(message.neuron)
        if neuron is None:
            raise InputError(
                "neuron", f"neuron {message.neuron!r} does not exist; ids are like '1:0'"
            )
        neuron.bias = message.value
        self._after_change()
        return Reply([self._weights_message()], frame=True)

    def _on_speed(self, message: protocol.Speed) -> Reply:
        limit = self.settings.max_epochs_per_frame
        if isinstance(message.epochs_per_frame, int) and message.epochs_per_frame > limit:
            raise InputError("epochs_per_frame", f'epochs_per_frame may be 1 to {limit}, or "max"')
        self.speed = message.epochs_per_frame
        return Reply()

    def _on_add_points(self, message: protocol.AddPoints) -> Reply:
        added = np.array(message.points, dtype=np.float64)
        points, labels = self._own_points()
        self._check_room(len(points) + len(added))
        new_labels = session_data.check_labels(added[:, 2], self.config)
        split = self._own_split()
        return self._use_own(
            np.vstack([points, added[:, :2]]),
            np.concatenate([labels, new_labels]),
            None if split is None else np.concatenate([split, np.ones(len(added), bool)]),
        )

    def _on_remove_point(self, message: protocol.RemovePoint) -> Reply:
        points, labels = self._own_points()
        if len(points) == 0:
            raise InputError("near", "there are no points to remove")
        nearest = int(np.argmin(((points - np.array(message.near)) ** 2).sum(axis=1)))
        keep = np.arange(len(points)) != nearest
        split = self._own_split()
        return self._use_own(points[keep], labels[keep], None if split is None else split[keep])

    def _on_clear_points(self, _: protocol.ClearPoints) -> Reply:
        return self._use_own(np.zeros((0, 2)), np.zeros(0))

    def _on_set_points(self, message: protocol.SetPoints) -> Reply:
        """All of the session's points at once (an upload, an undo): all of them or none."""
        self._check_room(len(message.points))
        rows = np.array(message.points, dtype=np.float64).reshape(-1, 3)
        if message.train is not None and len(message.train) != len(rows):
            raise InputError(
                "train", f"train must say for each of the {len(rows)} points whether it trains"
            )
        split = None if message.train is None else np.array(message.train, dtype=bool)
        if message.n_classes in (None, self.config.n_classes):
            return self._use_own(rows[:, :2], rows[:, 2], split)
        # Another class count is another output layer: a new network, as a config change makes.
        update = {self.config.dataset_field: OWN, "n_classes": message.n_classes}
        config = Config.checked({**self.config.model_dump(), **update}, self.settings)
        own = (rows[:, :2], session_data.check_labels(rows[:, 2], config))
        self.split = split
        self._rebuild(config, self._build(config, own, empty_ok=True), own)
        return self._state_reply()

    def _check_room(self, points: int) -> None:
        if points > self.settings.max_points:
            raise InputError("points", f"a session holds at most {self.settings.max_points} points")

    def _on_confusion(self, message: protocol.Confusion) -> Reply:
        self.show_confusion = message.show
        self.metrics = self._measure()
        return Reply(frame=True)

    def _own_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The points a user edits: their own, or a copy of the generated ones to start from."""
        if self.config.active_dataset == OWN and self.own is not None:
            return self.own
        return self.data.points, np.asarray(self.data.labels)

    def _own_split(self) -> NDArray[np.bool_] | None:
        """The split of the points a user edits, when a file or snapshot gave their own."""
        return self.split if self.config.active_dataset == OWN and self.own is not None else None

    def _use_own(
        self, points: np.ndarray, labels: np.ndarray, split: NDArray[np.bool_] | None = None
    ) -> Reply:
        """Make these the session's points (and, if given, which train); the network keeps
        learning on them (no reset)."""
        config = self.config.model_copy(update={self.config.dataset_field: OWN})
        own = (points, session_data.check_labels(labels, config))
        self.split = split
        self.data = self._build(config, own, empty_ok=True)
        self.own, self.config = own, config
        self.playing = self.playing and len(points) > 0
        self._after_change()
        return self._state_reply()

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

    def _on_explain(self, message: protocol.Explain) -> Reply:
        trace = self._trace(message.index)
        self.playing = False  # the network holds still while a person reads its numbers
        reply = {"type": "trace", "index": message.index, "trace": trace.to_dict()}
        return Reply([reply, self.snapshot_message()], frame=True)

    def _on_apply_step(self, message: protocol.ApplyStep) -> Reply:
        self._check_trainable()
        trace = self._trace(message.index)
        self.playing = False
        for steps in trace.layers:
            for step in steps:
                self._neurons[step.id].bias = step.new_bias
                for link_step in step.links_in:
                    if not link_step.dead:  # a hand-set weight revives a dead link; this is not one
                        self._links[link_step.id].weight = link_step.new_weight
        self._after_change()
        return Reply([self._weights_message(), self.snapshot_message()], frame=True)

    def _on_ping(self, message: protocol.Ping) -> Reply:
        return Reply(
            [{"type": "pong", "id": message.id, "epoch": self.net.epoch, "playing": self.playing}]
        )

    def _on_snapshot(self, _: protocol.SnapshotRequest) -> Reply:
        return Reply([self.snapshot_message()])

    def _on_restore(self, message: protocol.Restore) -> Reply:
        self.restore(message.snapshot)
        return self._state_reply()

    def _state_reply(self) -> Reply:
        self.state_id += 1
        return Reply([self.state_message(), self.snapshot_message()], frame=True)

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
        per_epoch = (time.thread_time() - start) / done
        self.epoch_s = per_epoch if self.epoch_s == 0 else 0.7 * self.epoch_s + 0.3 * per_epoch
        self.sensitivity_kind = "epoch"
        return done

    def tick_cost(self) -> float:
        """What train_for will cost, in CPU seconds: infinite while unknown or open-ended."""
        if not isinstance(self.speed, int) or self.epoch_s == 0:
            return math.inf
        return self.speed * self.epoch_s

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
        point = (self.net.epoch, self.metrics["train_loss"], self.metrics["test_loss"])
        if self.history and self.history[-1][0] == point[0]:
            self.history[-1] = point
        else:
            self.history.append(point)
        if len(self.history) > wire.HISTORY_LIMIT:  # thin the chart evenly
            self.history = self.history[::2]

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
        return out

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
        return wire.frame(self, maps)

    def grid(self, density: int) -> NDArray[Any]:
        """The features of the density × density heatmap grid, computed once per network."""
        if density not in self._grids:
            self._grids[density] = features.transform(features.grid(density), self.config.features)
        grid: NDArray[Any] = self._grids[density]
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
