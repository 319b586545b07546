"""What the Session tests share: a seeded session, a message sent as a client sends it, and
what a client sees of it."""

import json
from typing import Any

from app import protocol
from app.config import Config
from app.session import Session
from app.settings import Settings


def new_session(**config: Any) -> Session:
    return Session(Settings(), Config(seed="0.12345", **config))


def send(session: Session, **message: Any) -> Any:
    return session.handle(protocol.parse(json.dumps(message), 1 << 20))


def param_bytes(session: Session) -> bytes:
    return session.net.parameters.values.tobytes()


def visible(session: Session) -> str:
    """Everything a client can see of the session, to compare before and after."""
    state = session.state_message()
    return json.dumps([state, session.snapshot(), session.speed], sort_keys=True, default=str)
