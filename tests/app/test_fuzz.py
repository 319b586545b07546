"""Protocol fuzzing (hypothesis, bounded): random and mutated messages of every type, wrong types,
huge and non-finite numbers, deep JSON. Each is applied or refused with an InputError; nothing
else escapes, and a refused message leaves the session exactly as it was."""

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import protocol
from app.config import Config, InputError
from app.session import Session
from app.settings import Settings
from tests.app.test_ws import connected

LIMIT = 512 * 1024
EXAMPLES: list[dict[str, Any]] = [  # one valid message of every type (docs/protocol.md)
    {"type": "config", "changes": {"learning_rate": 0.1, "network_shape": [4, 4]}},
    {"type": "play"},
    {"type": "pause"},
    {"type": "step"},
    {"type": "step_batch"},
    {"type": "reset"},
    {"type": "new_seed", "seed": "0.5"},
    {"type": "regenerate"},
    {"type": "set_weight", "link": "x-1:0", "value": 0.5},
    {"type": "set_bias", "neuron": "2:0", "value": -0.2},
    {"type": "speed", "epochs_per_frame": "max"},
    {"type": "add_points", "points": [[1.5, -2.0, 1], [-3.0, 0.5, -1]]},
    {"type": "remove_point", "near": [1.4, -2.1]},
    {"type": "clear_points"},
    {"type": "set_points", "points": [[0, 0, 1], [1, 1, -1]]},
    {"type": "confusion", "show": True},
    {"type": "explain", "index": 17},
    {"type": "apply_step", "index": 17},
    {"type": "restore_best"},
    {"type": "ack", "frame": 42},
    {"type": "ping", "id": 7},
    {"type": "snapshot"},
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, -1e308, 1e-320, 2**63, 0.5]),
)
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _dumps(message: Any) -> str:
    # JSON as a hostile client may write it: NaN and Infinity included.
    return json.dumps(message, allow_nan=True)


def _state(session: Session) -> str:
    snapshot = session.snapshot()
    return json.dumps(snapshot, sort_keys=True, default=str) + repr(session.data.points.tobytes())


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def assert_strict(message: Any) -> None:
    """`message` is what a browser can parse: no NaN or Infinity, and encodable as UTF-8."""
    text = json.dumps(message, allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")
    json.loads(text, parse_constant=_refuse_constant)


def _apply(session: Session, text: str) -> None:
    """Apply one message as the server does; only InputError may come out, and it leaves the
    session as it was. What an applied one sends back, and the network, hold finite numbers."""
    before = _state(session)
    try:
        message = protocol.parse(text, LIMIT)
        if isinstance(message, protocol.Ack):
            return  # the connection takes acks itself (app/ws.py); they never reach a session
        reply = session.handle(message)
    except InputError as error:
        refused = error
    else:
        for outgoing in [*reply.messages, session.state_message(), session.snapshot_message()]:
            assert_strict(outgoing)
        assert all(math.isfinite(v) for v in session.net.parameters.values)
        return
    assert "Traceback" not in refused.message
    assert_strict({"type": "error", "field": refused.field, "message": refused.message})
    assert _state(session) == before, f"a refused message changed the session: {text[:200]}"


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid message with one thing changed: a value, a key added or removed, the type."""
    message: dict[Any, Any] = dict(draw(st.sampled_from(EXAMPLES)))
    how = draw(st.sampled_from(["value", "add", "remove", "type", "whole"]))
    keys = [k for k in message if k != "type"]
    if how == "value" and keys:
        message[draw(st.sampled_from(keys))] = draw(JSON)
    elif how == "add":
        message[draw(st.text(max_size=8))] = draw(JSON)
    elif how == "remove" and keys:
        del message[draw(st.sampled_from(keys))]
    elif how == "type":
        message["type"] = draw(st.one_of(st.text(max_size=12), JSON))
    elif how == "whole":
        return draw(JSON)
    return message


def _session() -> Session:
    return Session(Settings(), Config(seed="0.5", network_shape=[3, 2]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=6))
def test_mutated_messages_are_applied_or_refused_cleanly(messages):
    session = _session()
    for message in messages:
        _apply(session, _dumps(message))
        assert all(math.isfinite(v) for v in session.net.parameters.values) or session.diverged


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_message_or_a_clear_error(text):
    _apply(_session(), text)


def test_deep_nesting_and_huge_messages_are_refused():
    session = _session()
    for text in [
        "[" * 100_000 + "]" * 100_000,
        '{"type": "config", "changes": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
        '{"type": "ping", "id": "' + "x" * (LIMIT + 1) + '"}',
        '{"type": "set_weight", "link": "x-1:0", "value": NaN}',
        '{"type": "set_weight", "link": "x-1:0", "value": 1e999}',
        '{"type": "add_points", "points": [[Infinity, 0, 1]]}',
        '{"type": "config", "changes": {"batch_size": 1e308}}',
    ]:
        before = _state(session)
        try:
            session.handle(protocol.parse(text, LIMIT))
        except InputError:
            pass
        else:
            raise AssertionError(f"accepted: {text[:80]}")
        assert _state(session) == before


GARBAGE = st.one_of(
    st.text(max_size=60).map(lambda t: ("text", t)),
    st.binary(max_size=60).map(lambda b: ("bytes", b)),
    JSON.filter(lambda v: not isinstance(v, dict)).map(lambda v: ("text", _dumps(v))),
    st.tuples(st.sampled_from(EXAMPLES), st.sampled_from(["", "values", "nope"])).map(
        lambda pair: ("text", _dumps({**pair[0], "type": pair[0]["type"] + pair[1] + "!"}))
    ),
    st.sampled_from(EXAMPLES).map(
        lambda m: ("text", _dumps({**m, "surprise": [1, {"deep": None}]}))
    ),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GARBAGE, min_size=1, max_size=8))
def test_the_socket_answers_garbage_with_errors_and_keeps_the_session(frames):
    with connected() as (c, first):
        c.ack()
        for kind, payload in frames:
            if kind == "bytes":
                c.ws.send_bytes(payload)
            else:
                c.ws.send_text(payload)
            error = c.until("error")
            assert set(error) == {"type", "field", "message"}
            assert "Traceback" not in error["message"]
        c.send(type="snapshot")
        network = c.until("snapshot")["snapshot"]["network"]
        assert network == first["snapshot"]["snapshot"]["network"]
