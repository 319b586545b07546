"""A frame, the binary message the page draws from: a JSON header and deflated arrays.

Layout: uint32 (little-endian) header length, the UTF-8 JSON header, then zlib-deflated bytes:
the arrays its "blocks" list, one after another (docs/protocol.md, "Frames").
"""

import json
import struct
import zlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app import jsontext

NEURON_GRID = 20  # cells per side of each hidden neuron's map: the page's thumbnails
OUTPUT_GRID = 100  # cells per side of the output map: TF Playground's heatmap
COMPRESSION = 1  # zlib level: maps are smooth, so the fastest level already shrinks them ~3×
STORED = 0  # zlib level for float32 weights and sensitivities alone: deflate cannot shrink them
# The names of the dtypes frames carry, looked up: numpy builds a dtype's name anew each time.
DTYPE_NAMES = {np.dtype(t): np.dtype(t).name for t in (np.float32, np.uint8)}


def quantize(values: NDArray[Any], low: float, high: float) -> NDArray[np.uint8]:
    """Values in [low, high] as bytes 0..255 (clamped; NaN, which has no place on the scale, is
    the middle): the page's colour scale needs no more."""
    scaled = (np.asarray(values, dtype=np.float32) - low) * (255.0 / (high - low))
    scaled = np.nan_to_num(scaled, nan=127.5, posinf=255.0, neginf=0.0)
    quantized: NDArray[np.uint8] = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return quantized


def finite32(values: NDArray[Any]) -> NDArray[np.float32]:
    """float32 numbers for a block, every one finite: beyond float32's range is its largest
    (±3.4e38), NaN is 0. Only a diverged network has such numbers, and its frame says so."""
    top = float(np.finfo(np.float32).max)
    if np.abs(values).max(initial=0.0) <= top:  # every frame but a diverged network's (NaN fails)
        return np.asarray(values, dtype=np.float32)
    with np.errstate(over="ignore"):
        wide = np.asarray(values, dtype=np.float32)
    finite: NDArray[np.float32] = np.nan_to_num(wide, nan=0.0, posinf=top, neginf=-top)
    return finite


def encode(
    header: dict[str, Any],
    blocks: list[tuple[str, NDArray[Any], dict[str, Any]]],
    level: int = COMPRESSION,
) -> bytes:
    """A frame: `header` (strict JSON) plus each (name, array, extra description) block, deflated
    together at zlib `level` (STORED: a zlib stream all the same, in a sixth of the time)."""
    described = [
        {"name": name, "dtype": DTYPE_NAMES.get(array.dtype) or array.dtype.name}
        | {"shape": list(array.shape), **extra}
        for name, array, extra in blocks
    ]
    head = jsontext.dumps({**header, "blocks": described}).encode("ascii")
    body = zlib.compress(b"".join(np.ascontiguousarray(a).tobytes() for _, a, _ in blocks), level)
    return struct.pack("<I", len(head)) + head + body


def header(frame: bytes) -> dict[str, Any]:
    """A frame's header alone, its blocks left deflated."""
    (length,) = struct.unpack_from("<I", frame)
    head: dict[str, Any] = json.loads(frame[4 : 4 + length])
    return head


def decode(frame: bytes) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The header and the named arrays of a frame (what a Python client does; tests use it)."""
    (length,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4 : 4 + length])
    body = zlib.decompress(frame[4 + length :])
    arrays, offset = {}, 0
    for block in header["blocks"]:
        dtype = np.dtype(block["dtype"])
        count = int(np.prod(block["shape"]))
        arrays[block["name"]] = np.frombuffer(body, dtype, count, offset).reshape(block["shape"])
        offset += count * dtype.itemsize
    return header, arrays
