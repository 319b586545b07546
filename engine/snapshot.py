"""A Network as plain JSON-able data and back, bit for bit: what a client holds to resume."""

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from engine.nodes import check_layer_sizes

FORMAT = 1  # bumped when the layout below changes
# A Network: engine/network.py uses these functions for its to_dict and from_dict, so this
# module names the class only as what it builds.
Net = TypeVar("Net")


def network_to_dict(net: Any) -> dict[str, Any]:
    """Config, weights (per neuron, its links' weights in order), biases, dead links, optimizer
    state and the shuffling generator's state. Floats survive JSON exactly (shortest repr);
    the generator's 128-bit integers are strings, which JavaScript cannot mangle."""
    rng = net.rng.bit_generator.state
    return {
        "format": FORMAT,
        "layer_sizes": list(net.layer_sizes),
        "activation": net.activation,
        "output_activation": net.output_activation,
        "loss": net.loss_name,
        "optimizer": net.optimizer,
        "seed": net.seed,
        "init_zero": net.init_zero,
        "input_names": [node.name for node in net.inputs],
        "epoch": net.epoch,
        "layers": [
            {
                "weights": layer.weights.tolist(),
                "biases": layer.biases.tolist(),
                "dead": np.argwhere(layer.dead).tolist(),  # [neuron, source] pairs
            }
            for layer in net.layers
        ],
        "optimizer_state": {key: values.tolist() for key, values in net.optimizer_state.items()},
        "rng": {
            "state": str(rng["state"]["state"]),
            "inc": str(rng["state"]["inc"]),
            "has_uint32": rng["has_uint32"],
            "uinteger": rng["uinteger"],
        },
    }


def network_from_dict(data: dict[str, Any], build: Callable[..., Net]) -> Net:
    """The network (of class `build`) `network_to_dict` described. Raises ValueError naming what
    does not fit.

    Every array is checked against `layer_sizes` before the network is built: a snapshot that
    claims a big network but holds no weights costs nothing."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"a network snapshot must be a dict with format {FORMAT}")
    try:
        sizes = check_layer_sizes(data["layer_sizes"])
        layers, states, rng, epoch = (
            data["layers"],
            data["optimizer_state"],
            data["rng"],
            data["epoch"],
        )
        settings = {key: data[key] for key in _SETTINGS}
    except KeyError as missing:
        raise ValueError(f"the network snapshot lacks the field {missing}") from None
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"snapshot epoch must be a non-negative integer, not {epoch!r}")
    if not isinstance(layers, list) or len(layers) != len(sizes) - 1:
        raise ValueError(f"the snapshot must have {len(sizes) - 1} layers")
    arrays = []
    for index, (saved, n_in, n_out) in enumerate(zip(layers, sizes, sizes[1:], strict=False)):
        if not isinstance(saved, dict):
            raise ValueError(f"layers[{index}] must be an object with weights, biases and dead")
        weights = _array(saved.get("weights"), (n_out, n_in), f"layers[{index}].weights")
        biases = _array(saved.get("biases"), (n_out,), f"layers[{index}].biases")
        arrays.append((weights, biases, _dead(saved.get("dead", []), n_out, n_in, index)))
    if not isinstance(states, dict):
        raise ValueError("optimizer_state must be an object holding the optimizer's arrays")
    generator = _generator_state(rng)
    try:
        net: Any = build(sizes, **settings)
    except TypeError as error:  # a setting of the wrong type (a list for a name, …)
        raise ValueError(f"the network snapshot's settings do not fit: {error}") from None
    net.epoch = epoch
    dead = np.zeros_like(net.parameters.dead)
    for layer, (weights, biases, pairs) in zip(net.layers, arrays, strict=True):
        layer.weights[:] = weights
        layer.biases[:] = biases
        for j, i in pairs:
            dead[layer.flat_index(j, i)] = True
    if dead.any():
        net.parameters.kill(dead)
    for key, values in net.optimizer_state.items():
        values[:] = _array(states.get(key), values.shape, f"optimizer_state.{key}")
    net.rng.bit_generator.state = generator
    built: Net = net
    return built


_SETTINGS = (
    "activation",
    "output_activation",
    "loss",
    "seed",
    "init_zero",
    "optimizer",
    "input_names",
)


def _dead(pairs: Any, n_out: int, n_in: int, index: int) -> list[tuple[int, int]]:
    """A layer's dead links, [neuron, source] pairs within its shape."""
    if not isinstance(pairs, list):
        raise ValueError(f"layers[{index}].dead must hold [neuron, source] pairs")
    checked = []
    for pair in pairs:
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(k, int) and not isinstance(k, bool) for k in pair)
        ):
            raise ValueError(f"layers[{index}].dead must hold [neuron, source] pairs")
        j, i = pair
        if not (0 <= j < n_out and 0 <= i < n_in):
            raise ValueError(f"layers[{index}].dead names a link that does not exist: {pair}")
        checked.append((j, i))
    return checked


def _generator_state(rng: Any) -> dict[str, Any]:
    """numpy's PCG64 state from a snapshot's: 128-bit state and increment (as strings), the
    buffered 32-bit half and whether there is one."""
    message = (
        "the snapshot's rng must be a PCG64 state: state and inc whole numbers 0 to 2^128 - 1,"
        " has_uint32 0 or 1, uinteger 0 to 2^32 - 1"
    )
    try:
        state, inc = int(rng["state"]), int(rng["inc"])
        has_uint32, uinteger = int(rng["has_uint32"]), int(rng["uinteger"])
    except (KeyError, TypeError, ValueError, OverflowError):
        raise ValueError(message) from None
    if not (0 <= state < 2**128 and 0 <= inc < 2**128 and has_uint32 in (0, 1)):
        raise ValueError(message)
    if not 0 <= uinteger < 2**32:
        raise ValueError(message)
    return {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": inc},
        "has_uint32": has_uint32,
        "uinteger": uinteger,
    }


def _array(
    values: Any, shape: tuple[int, ...], field: str
) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{field} must be numbers of shape {shape}") from None
    if array.shape != shape:
        raise ValueError(f"{field} must have shape {shape}, not {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{field} must hold finite numbers only")
    return array
