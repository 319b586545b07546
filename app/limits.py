"""Rate limits: how many events a key (a client address) may have in a sliding window, and a
token bucket for the messages of one connection."""

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class WindowLimit:
    """At most `limit` events per key within `window_s` seconds."""

    limit: int
    window_s: float
    events: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count an event for `key` if the limit allows it; False (not counted) if not."""
        now = time.monotonic() if now is None else now
        times = self.events.setdefault(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self.events) > 4 * self.limit:  # keep the table small: drop quiet keys
            for quiet in [
                k for k, t in self.events.items() if not t or t[-1] <= now - self.window_s
            ]:
                del self.events[quiet]
        return True


@dataclass
class TokenBucket:
    """`rate` events a second on average, `burst` at once."""

    rate: float
    burst: float
    tokens: float = -1.0
    last: float = 0.0

    def allow(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens, self.last = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
