"""Learning versus memorizing: the lowest test loss a session's network has reached, when, and
its weights then, to go back to (Restore best) and to stop by (early stopping).

The best belongs to one network on one data set: a new network (reset, a rebuild, a restore) or
new points (regenerate, drawing, an upload) start it afresh, since a test loss on other points
or of another network is no record to beat.
"""

import math
from typing import Any

from app.config import InputError
from app.data import Data
from engine import Network
from engine.checkpoint import Checkpoint, put_back, take


class Best:
    """The lowest test loss seen, its epoch and a checkpoint of the network then."""

    def __init__(self) -> None:
        self.test_loss: float | None = None
        self.checkpoint: Checkpoint | None = None
        self._of: tuple[Network, Data] | None = None  # the network and data it is the best of

    @property
    def epoch(self) -> int | None:
        if self.test_loss is None or self.checkpoint is None:
            return None
        return self.checkpoint.epoch

    def _follow(self, net: Network, data: Data) -> None:
        """Start afresh when the network or the data is another than the best's."""
        if self._of is None or self._of[0] is not net:
            self.checkpoint = None  # another network: its arrays have other shapes
        if self._of is None or self._of[0] is not net or self._of[1] is not data:
            self.test_loss, self._of = None, (net, data)

    def observe(self, net: Network, data: Data, test_loss: float | None) -> None:
        """The network as it is has this test loss: keep it if it is the lowest yet (a copy of
        the parameter arrays, only then)."""
        self._follow(net, data)
        if test_loss is None or not math.isfinite(test_loss):
            return
        if self.test_loss is None or test_loss < self.test_loss:
            self.test_loss = test_loss
            self.checkpoint = take(net, self.checkpoint)

    def after_epoch(self, net: Network, data: Data, patience: int) -> bool:
        """Measure the test loss of the epoch just trained and keep it if it is the best; True
        when early stopping says stop: `patience` (≥ 1) epochs have now passed without a lower
        test loss. Without test points nothing is measured and nothing stops."""
        if len(data.X_test) == 0:
            return False
        loss, _ = net.score(data.X_test, data.Y_test)
        self.observe(net, data, loss)
        return patience > 0 and self.epoch is not None and net.epoch - self.epoch == patience

    def figures(self) -> dict[str, Any]:
        """What a frame and the state say of it: the best test loss and its epoch (or None)."""
        return {"best_test_loss": self.test_loss, "best_epoch": self.epoch}

    def restore(
        self, net: Network, data: Data, history: list[tuple[int, float | None, float | None]]
    ) -> list[tuple[int, float | None, float | None]]:
        """Put the best weights back into `net`, and return the loss history up to that epoch.
        InputError when there is no best of this network on these points."""
        self._follow(net, data)
        if self.test_loss is None or self.checkpoint is None:
            why = "there are no test points" if len(data.X_test) == 0 else "it has no test loss yet"
            raise InputError("type", f"there is no best network to restore: {why}")
        put_back(net, self.checkpoint)
        return [point for point in history if point[0] <= self.checkpoint.epoch]
