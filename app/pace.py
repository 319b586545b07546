"""What a session's work costs and how late its ticks wake: the running averages that decide
whether work runs on the event loop or in a worker thread, and how long a tick waits for an ack.
One Pace per session (app/session.py), read and fed by its connection (app/ws.py)."""

import math
import time
from collections.abc import Callable
from typing import Any

NEW_WEIGHT = 0.3  # how much the latest cost counts in the running averages of CPU seconds
LAG_WEIGHT = 0.2  # how much the latest wake-up counts in the lag's running average


class Pace:
    """A session's costs in CPU seconds (not GIL waits) and its event loop's lateness."""

    def __init__(self) -> None:
        self.epoch_s = 0.0  # an epoch (a running average; 0: not measured yet)
        self.frame_s = 0.0  # a frame, lately (a running average)
        self.lag = 0.0  # how late the event loop wakes the connection's ticks (running average)

    def new_network(self) -> None:
        """Forget the epoch's cost: another network costs another time."""
        self.epoch_s = 0.0

    def new_connection(self) -> None:
        """Forget what frames cost and how late ticks woke: a new connection measures anew."""
        self.frame_s = self.lag = 0.0

    def epochs_took(self, cpu_s: float, epochs: int) -> None:
        per_epoch = cpu_s / epochs
        self.epoch_s = per_epoch if self.epoch_s == 0 else _average(self.epoch_s, per_epoch)

    def tick_cost(self, speed: int | str) -> float:
        """What a tick's training at `speed` will cost: infinite while unknown or open-ended."""
        if not isinstance(speed, int) or self.epoch_s == 0:
            return math.inf
        return speed * self.epoch_s

    def timed_frame(self, frame: Callable[..., bytes], *args: Any) -> bytes:
        """Build a frame and keep track of what frames cost."""
        start = time.thread_time()
        result = frame(*args)
        self.frame_s = _average(self.frame_s, time.thread_time() - start)
        return result

    def woke(self, late_s: float) -> None:
        """A tick woke `late_s` seconds after it was due."""
        self.lag = (1 - LAG_WEIGHT) * self.lag + LAG_WEIGHT * late_s

    def patience(self, interval: float, since_frame_s: float) -> float:
        """How much longer a tick may wait for the last frame's ack: two intervals since it went,
        and four times the lag (a busy event loop is not a slow client)."""
        return 2 * interval + 4 * self.lag - since_frame_s


def _average(mean: float, latest: float) -> float:
    return (1 - NEW_WEIGHT) * mean + NEW_WEIGHT * latest
