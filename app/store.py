"""The sessions of one process: connected ones, and dropped ones waiting to be resumed."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.session import Session
from app.settings import Settings


class BusyError(Exception):
    """Every session slot of this process is held by a connected client."""


@dataclass
class Holder:
    """Who holds a connected session; `taken` is set when another connection takes it over."""

    session: Session
    taken: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class SessionStore:
    """Sessions by token. A dropped session is parked for resume_grace_s, then forgotten."""

    settings: Settings
    active: dict[str, Holder] = field(default_factory=dict)
    parked: dict[str, tuple[Session, float]] = field(default_factory=dict)  # token → (_, expiry)
    clock: Callable[[], float] = time.monotonic  # what graces are timed by; tests set their own

    def open(self, token: str | None) -> tuple[Holder, bool]:
        """The session for `token` if it can be resumed (parked, or held by a connection this
        one replaces), else a new one; and whether it was resumed. Raises BusyError when full."""
        self.expire()
        if token in self.parked:
            session, _ = self.parked.pop(token)
            return self._hold(session), True
        if token in self.active:
            self.active[token].taken.set()
            return self._hold(self.active[token].session), True
        if len(self.active) + len(self.parked) >= self.settings.max_sessions:
            if not self.parked:
                raise BusyError
            oldest = min(self.parked, key=lambda t: self.parked[t][1])
            del self.parked[oldest]
        return self._hold(Session(self.settings)), False

    def _hold(self, session: Session) -> Holder:
        holder = Holder(session)
        self.active[session.token] = holder
        return holder

    def release(self, holder: Holder) -> None:
        """A connection ended: park its session for a resume, unless another took it over."""
        token = holder.session.token
        if self.active.get(token) is not holder:
            return
        del self.active[token]
        if self.settings.resume_grace_s > 0:
            holder.session.rest()  # parked, it waits for a reconnect holding only its state
            self.parked[token] = (holder.session, self.clock() + self.settings.resume_grace_s)

    def expire(self) -> None:
        """Forget the parked sessions whose grace has run out."""
        now = self.clock()
        for token in [t for t, (_, expiry) in self.parked.items() if expiry <= now]:
            del self.parked[token]
