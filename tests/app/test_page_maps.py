"""The page computes the maps from a frame's params (static/js/maps.js): they must be the
engine's `Network.evaluate` on the same grid, within float32's precision, for networks of every
kind; and its bytes the server's frame's, within one step of the scale."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app import frames, wire
from app.registry import registry
from app.settings import Settings
from engine import Network
from engine.features import FEATURES, grid, transform

ROOT = Path(__file__).parents[2]
NODE = Path(sys.executable).parent / "node"
HIDDEN = ["relu", "tanh", "sigmoid", "linear"]


def _random_network(rng: np.random.Generator) -> Network:
    names = list(
        rng.choice(list(FEATURES), size=int(rng.integers(1, len(FEATURES) + 1)), replace=False)
    )
    shape = [int(n) for n in rng.integers(1, 9, size=int(rng.integers(0, 7)))]
    output, outputs = [
        ("tanh", 1),
        ("linear", 1),
        ("sigmoid", 1),
        ("softmax", int(rng.integers(3, 6))),
    ][int(rng.integers(0, 4))]
    net = Network(
        [len(names), *shape, outputs],
        activation=str(rng.choice(HIDDEN)),
        output_activation=output,
        seed=int(rng.integers(0, 2**31)),
        input_names=names,
    )
    # Weights of every size a person can set (±100 by hand), mostly the size training gives.
    net.parameters.values[:] = rng.normal(
        scale=float(rng.choice([0.3, 1.0, 3.0])), size=net.parameters.values.size
    )
    return net


def _page_maps(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not NODE.exists():
        pytest.skip("node is not installed in the virtualenv (make test installs it)")
    request = json.dumps({"registry": registry(Settings()), "cases": cases})
    done = subprocess.run(
        [str(NODE), str(ROOT / "tests/js/page_maps.mjs")],
        input=request.encode(),
        capture_output=True,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


NETWORKS = [_random_network(np.random.default_rng(seed)) for seed in range(24)]


def test_the_random_networks_cover_every_kind():
    kinds = {(net.activation, net.output_activation) for net in NETWORKS}
    assert {hidden for hidden, _ in kinds} == set(HIDDEN)
    assert {output for _, output in kinds} == {"tanh", "linear", "sigmoid", "softmax"}
    assert {len(net.layer_sizes) - 2 for net in NETWORKS} >= {0, 6}


def test_the_pages_maps_are_the_engines_evaluate_within_float32():
    density = 20
    cases = [
        {"network": wire.network(net), "values": net.parameters.values.tolist(), "density": density}
        for net in NETWORKS
    ]
    for net, result in zip(NETWORKS, _page_maps(cases), strict=True):
        names = [node.name for node in net.inputs]
        expected = net.evaluate(transform(grid(density), names))
        assert len(result["layers"]) == len(expected)
        for page, engine in zip(result["layers"], expected, strict=True):
            engine = engine.reshape(-1).astype(np.float64)
            np.testing.assert_allclose(
                np.array(page), engine, rtol=1e-4, atol=1e-4 * (1 + np.abs(engine).max())
            )


def test_the_pages_map_bytes_are_the_servers_frame_within_one_step():
    cases = [
        {"network": wire.network(net), "values": net.parameters.values.tolist(), "density": 2}
        for net in NETWORKS
    ]
    for net, result in zip(NETWORKS, _page_maps(cases), strict=True):
        names = [node.name for node in net.inputs]
        small = net.evaluate(transform(grid(frames.NEURON_GRID), names))
        hidden = (
            np.concatenate([m.reshape(-1) for m in small[:-1]]) if len(small) > 1 else np.zeros(0)
        )
        big = net.evaluate(transform(grid(frames.OUTPUT_GRID), names))[-1].reshape(-1)
        low = 0.0 if net.output_activation == "softmax" else -1.0
        page_hidden = np.array(result["neuron_maps"], dtype=int)
        page_output = np.array(result["output_maps"], dtype=int)
        assert np.abs(page_hidden - frames.quantize(hidden, -1, 1).astype(int)).max(initial=0) <= 1
        assert np.abs(page_output - frames.quantize(big, low, 1).astype(int)).max() <= 1
        assert result["shapes"]["output_maps"] == [net.layer_sizes[-1], 100, 100]
        assert result["ranges"]["output_maps"] == [low, 1]
