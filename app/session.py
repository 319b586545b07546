"""One browser session: what each client message does to its playground (app/playground.py).

No FastAPI here: a Session turns a message into a state change and the replies to send, and
builds frames; app/ws.py moves bytes. Every method leaves the session unchanged when it raises.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app import data as session_data
from app import protocol
from app.config import DATA_FIELDS, NETWORK_FIELDS, OWN, Config, InputError
from app.playground import Playground, new_seed


@dataclass
class Reply:
    """What handling one message produced: messages to send now, and whether to send a frame."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    frame: bool = False


class Session(Playground):
    """A browser session's playground, changed by its client's messages."""

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

    def _build(
        self, config: Config, own: tuple[NDArray[Any], NDArray[Any]] | None, empty_ok: bool = False
    ) -> session_data.Data:
        """The data for `config`, own points split as the session's split says."""
        return session_data.build(config, self.settings, own, empty_ok, self.split)
