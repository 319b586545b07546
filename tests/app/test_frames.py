"""The frame encoding, and the fixture the JavaScript decoder's test reads."""

from pathlib import Path

import numpy as np

from app import frames

FIXTURE = Path(__file__).resolve().parents[1] / "js" / "fixtures" / "frame.bin"


def fixture_frame() -> bytes:
    """A small frame with known contents: tests/js/frames.test.mjs checks them."""
    return frames.encode(
        {"type": "frame", "frame": 7, "epoch": 42},
        [
            ("params", np.array([0.5, -1.25, 3.0], dtype=np.float32), {}),
            ("neuron_maps", np.arange(18, dtype=np.uint8).reshape(2, 3, 3), {"range": [-1.0, 1.0]}),
        ],
    )


def test_the_javascript_fixture_is_what_the_encoder_makes():
    assert FIXTURE.read_bytes() == fixture_frame()


def test_decode_returns_what_encode_was_given():
    header, arrays = frames.decode(fixture_frame())
    assert header["epoch"] == 42
    assert header["blocks"][1] == {
        "name": "neuron_maps",
        "dtype": "uint8",
        "shape": [2, 3, 3],
        "range": [-1.0, 1.0],
    }
    np.testing.assert_array_equal(arrays["params"], [0.5, -1.25, 3.0])
    np.testing.assert_array_equal(arrays["neuron_maps"].ravel(), np.arange(18))


def test_quantize_maps_the_range_onto_bytes_and_clamps():
    values = np.array([-2.0, -1.0, 0.0, 1.0, 3.0, np.nan])
    with np.errstate(invalid="ignore"):
        quantized = frames.quantize(values, -1.0, 1.0)
    assert quantized[:5].tolist() == [0, 0, 128, 255, 255]
