"""What the hostile-input tests (tests/app/test_hostile*.py) share: a strict JSON reader, a
seeded session and a trained snapshot."""

import json
from typing import Any

from app import protocol
from app.config import Config
from app.session import Session
from app.settings import Settings


def refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def strict(text: str | bytes) -> Any:
    """JSON as a browser's JSON.parse reads it: no NaN, no Infinity."""
    return json.loads(text, parse_constant=refuse_constant)


def trained_snapshot(**config: Any) -> dict[str, Any]:
    session = Session(Settings(), Config(seed="0.5", **config))
    session.train(3)
    snapshot: dict[str, Any] = json.loads(json.dumps(session.snapshot()))
    return snapshot


def seeded_session() -> Session:
    return Session(Settings(), Config(seed="0.5"))


def send_message(session: Session, text: str) -> Any:
    return session.handle(protocol.parse(text, 1 << 20))


def seen(session: Session) -> str:
    return json.dumps([session.state_message(), session.snapshot(), session.speed], default=str)
