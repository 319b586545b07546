"""Fuzzing for the classes of issue 13 (hypothesis, schemathesis): snapshots that claim sizes up
to the engine's limits or hold non-finite numbers, lone surrogates in any string, CSV files with
any line ending and fields past the csv module's limit. Nothing but a clear refusal may come out;
nothing built may be bigger than the settings allow; everything sent back is strict JSON."""

import json
import math
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import frames, protocol, upload
from app.config import Config, InputError
from app.main import create_app
from app.session import Session
from app.settings import Settings
from engine import Network
from engine.features import FEATURES
from engine.nodes import MAX_LAYER_SIZE
from tests.app.test_fuzz import EXAMPLES, _apply, _refuse_constant, assert_strict

LIMIT = 512 * 1024
SETTINGS = Settings()
BIGGEST = max(len(FEATURES), SETTINGS.max_neurons, 5)  # the widest layer the limits allow


@pytest.fixture(scope="module", autouse=True)
def small_networks_only() -> Iterator[None]:
    """Building a network bigger than the settings allow fails the test where it happens."""
    real = Network.__init__

    def checked(self: Network, layer_sizes: Any, *args: Any, **kwargs: Any) -> None:
        sizes = tuple(layer_sizes)
        assert max(sizes) <= BIGGEST, f"a network of {sizes} was built"
        assert len(sizes) <= SETTINGS.max_hidden_layers + 2, f"a network of {sizes} was built"
        real(self, layer_sizes, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Network, "__init__", checked)
        yield


def _snapshot(**config: Any) -> dict[str, Any]:
    session = Session(SETTINGS, Config(seed="0.5", **config))
    session.handle(protocol.parse('{"type": "add_points", "points": [[1, 1, 1]]}', LIMIT))
    session.train(2)
    snapshot: dict[str, Any] = json.loads(json.dumps(session.snapshot()))
    return snapshot


BASES = [
    _snapshot(optimizer="adam"),
    _snapshot(
        optimizer="momentum",
        features=list(FEATURES),
        network_shape=[SETTINGS.max_neurons] * SETTINGS.max_hidden_layers,
    ),
]
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
HOSTILE = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, None, True, "", "-5", "1e999"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.text(max_size=8).map(lambda t: t + "\ud800"),
    st.lists(SURROGATES, min_size=1, max_size=3).map("".join),
    st.lists(st.integers(min_value=1, max_value=MAX_LAYER_SIZE), min_size=0, max_size=12),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=6),
    st.builds(lambda n: [0.1] * n, st.integers(min_value=0, max_value=MAX_LAYER_SIZE)),
    st.dictionaries(st.text(max_size=4), st.none(), max_size=2),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value: its keys and indices from the top."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):  # the first few of a long list are enough
            yield from _paths(item, (*path, index))


NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf, None])


@st.composite
def hostile_snapshots(draw: st.DrawFn, values: st.SearchStrategy[Any] = HOSTILE) -> dict[str, Any]:
    """A snapshot with one to three places set to something hostile, numbers (weights, biases,
    optimizer state, points, losses) half of the time."""
    snapshot = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = list(_paths(snapshot))[1:]
        numbers = [p for p in paths if isinstance(_at(snapshot, p), float)]
        a_number = draw(st.booleans())
        path = draw(st.sampled_from(numbers if numbers and a_number else paths))
        _at(snapshot, path[:-1])[path[-1]] = draw(values)
    return snapshot  # type: ignore[no-any-return]


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _text(message: Any) -> str:
    # As a hostile client may write it: NaN and Infinity literals, surrogates as \u escapes.
    return json.dumps(message, allow_nan=True)


def _seen(session: Session) -> str:
    return json.dumps([session.state_message(), session.snapshot(), session.speed], default=str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_snapshots())
def test_a_hostile_snapshot_is_restored_or_refused_and_builds_nothing_big(snapshot):
    _apply(Session(SETTINGS, Config(seed="0.1")), _text({"type": "restore", "snapshot": snapshot}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(hostile_snapshots(NON_FINITE), hostile_snapshots()))
def test_a_hostile_model_file_is_a_200_or_a_422_with_strict_json(snapshot):
    with TestClient(create_app(SETTINGS), raise_server_exceptions=False) as client:
        for path in ("/api/model", "/api/model/python"):
            response = client.post(path, content=_text(snapshot))
            assert response.status_code in (200, 422), response.text[:300]
            if response.status_code == 422:
                assert_strict(response.json())
            elif path.endswith("python"):  # a snippet of the network: finite numbers only
                assert not re.search(r"\b(nan|inf)\b", response.text), response.text


@st.composite
def surrogate_messages(draw: st.DrawFn) -> Any:
    """A valid message with a string somewhere in it (a value or a key) holding a surrogate."""
    message = json.loads(json.dumps(draw(st.sampled_from(EXAMPLES))))
    path = draw(st.sampled_from(list(_paths(message))))
    bad = draw(st.text(max_size=6)) + draw(SURROGATES)
    if not path:
        message[bad] = 1
        return message
    parent = _at(message, path[:-1])
    if draw(st.booleans()) and isinstance(parent, dict):
        parent[bad] = parent.pop(path[-1])
    else:
        parent[path[-1]] = bad
    return message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surrogate_messages())
def test_a_lone_surrogate_anywhere_in_a_message_is_refused(message):
    session = Session(SETTINGS, Config(seed="0.5", network_shape=[3, 2]))
    before = _seen(session)
    with pytest.raises(InputError) as refused:
        protocol.parse(_text(message), LIMIT)
    assert "lone surrogate" in refused.value.message or refused.value.field == "type"
    assert _seen(session) == before


DIVERGING = [
    {"type": "config", "changes": {"problem": "regression", "learning_rate": 10}},
    {"type": "config", "changes": {"activation": "relu", "learning_rate": 10}},
    {"type": "config", "changes": {"activation": "linear", "optimizer": "momentum"}},
    {"type": "step"},
    {"type": "step_batch"},
    {"type": "explain", "index": 3},
    {"type": "apply_step", "index": 3},
    {"type": "set_weight", "link": "x-1:0", "value": 100},
    {"type": "set_bias", "neuron": "1:0", "value": -100},
    {"type": "confusion", "show": True},
    {"type": "snapshot"},
    {"type": "reset"},
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(DIVERGING), min_size=1, max_size=12))
def test_whatever_a_network_goes_through_every_message_and_frame_header_is_strict(messages):
    session = Session(SETTINGS, Config(seed="0.5"))
    for message in messages:
        _apply(session, json.dumps(message))
        session.train(5)
        header, arrays = frames.decode(session.frame())
        assert_strict(header)
        assert all(math.isfinite(v) for v in arrays["params"].tolist())


CELLS = st.one_of(
    st.integers(min_value=-8, max_value=8).map(str),
    st.floats(min_value=-7, max_value=7).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "NaN", "", " ", '"1"', '"', "x", "label"]),
    st.integers(min_value=131_000, max_value=131_200).map(lambda n: "9" * n),
    st.text(max_size=5),
)
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\x0b", "\u2028"])


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.lists(CELLS, min_size=0, max_size=4), min_size=0, max_size=12))
    end = draw(LINE_ENDS)
    text = end.join(",".join(cells) for cells in lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding, "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files(), st.sampled_from(["classification", "regression"]))
def test_any_csv_file_is_points_or_its_problems_by_line(data, problem):
    try:
        points = upload.parse(data, problem, 2000)
    except upload.CsvError as error:
        problems = error.errors
    else:
        problems = []
        for x, y, label in points.rows:
            assert abs(x) <= 6
            assert abs(y) <= 6
            assert math.isfinite(label)
    for found in problems:
        assert found["line"] is None or (isinstance(found["line"], int) and found["line"] >= 1)
        assert_strict(found)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_an_uploaded_csv_is_a_200_or_a_4xx_with_strict_json(data):
    with TestClient(create_app(SETTINGS), raise_server_exceptions=False) as client:
        response = client.post("/api/data", files={"file": ("p.csv", data)})
    assert response.status_code in (200, 413, 422)
    assert_strict(response.json())


# Schemathesis with strings of any code point (lone surrogates too), and a check that every
# answer is strict JSON.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
schema.config.generation.codec = None


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_of_any_text_fails_or_answers_non_strict_json(case):
    response = case.call()
    promised = case.path == "/oembed" and response.status_code == 501
    assert response.status_code < 500 or promised, f"{case.method} {case.path}: {response.text}"
    kinds = response.headers.get("content-type", [])
    if any(kind.startswith("application/json") for kind in kinds):
        json.loads(response.text, parse_constant=_refuse_constant)
