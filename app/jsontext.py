"""JSON at the boundary, both ways. What a client sends is read strictly: no NaN or Infinity, no
lone surrogates, nothing nested deeper than Python's parser takes. What the server sends is
strict JSON that any browser's JSON.parse reads: a number that is not finite goes out as null,
and the text is ASCII, so no string can fail to encode."""

import json
import math
import re
from typing import Any

import orjson
from starlette.responses import JSONResponse

from app.config import InputError

# A surrogate code point: json.loads keeps one that is not half of a pair (from an escape like
# \ud800, or a str that holds one), and such a string cannot be encoded as UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def loads(text: str | bytes, invalid: str) -> Any:
    """JSON from a client (a message, a model file). InputError, starting with the sentence
    `invalid`, when it is not UTF-8 JSON, holds NaN or Infinity, or is nested too deeply; and
    naming the field when a string holds a lone surrogate."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(None, f"{invalid}: it is not UTF-8 text") from None
    try:
        value = _DECODER.decode(text)
    except ValueError as error:
        raise InputError(None, f"{invalid}: {error}") from None
    except RecursionError:
        raise InputError(None, f"{invalid}: it is nested too deeply") from None
    if _may_hold_surrogates(text):
        field = _lone_surrogate(value)
        if field is not None:
            where = field or "the message"
            raise InputError(
                field or None,
                f"{where}: text must be Unicode characters; a lone surrogate (half of a UTF-16"
                " pair, like \\ud800) is not one",
            )
    return value


def _not_json(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number; numbers must be finite")


# One decoder for every message: json.loads with an argument would build a new one each time.
_DECODER = json.JSONDecoder(parse_constant=_not_json)


def _may_hold_surrogates(text: str) -> bool:
    """Whether the text has an escape of a surrogate, or a surrogate itself (quick: a socket's
    text is ASCII JSON with no \\uD… escape almost always)."""
    escaped = "\\ud" in text or "\\uD" in text
    return escaped or (not text.isascii() and _SURROGATE.search(text) is not None)


def _lone_surrogate(value: Any) -> str | None:
    """The path ("changes.seed", "points.3") of a string or key holding a lone surrogate ("" for
    the value itself), or None. Iterative: the value may be nested as deep as the parser allows."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else key
                if _SURROGATE.search(key):
                    return path
                stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{k}" if path else str(k)) for k, child in enumerate(item))
    return None


def dumps(value: Any) -> str:
    """Strict JSON text for a client: ASCII, and null where a number is not finite. orjson
    writes it (a frame's header in a tenth of json's time, and a state's points in a quarter;
    it writes null for what is not finite); json where orjson cannot, or writes other than ASCII."""
    try:
        text = orjson.dumps(value)
    except TypeError:  # a key that is not a string, an integer over 64 bits, a lone surrogate
        text = b""
    if text and text.isascii():
        return text.decode("ascii")
    return json.dumps(_finite(value), allow_nan=False, separators=(",", ":"))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def all_finite(value: Any) -> bool:
    """Whether every number in `value` (dicts, lists and tuples of them) is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(all_finite(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(all_finite(item) for item in value)
    return True


class StrictJSONResponse(JSONResponse):
    """Every JSON answer of the HTTP API, written by `dumps`."""

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("ascii")
