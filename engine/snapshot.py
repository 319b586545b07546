"""A Network as plain JSON-able data and back, bit for bit: what a client holds to resume."""

from typing import Any

import numpy as np

from engine.network import Network

FORMAT = 1  # bumped when the layout below changes


def network_to_dict(net: Network) -> dict[str, Any]:
    """Config, weights (per neuron, its links' weights in order), biases, dead links, optimizer
    state and the shuffling generator's state. Floats survive JSON exactly (shortest repr);
    the generator's 128-bit integers are strings, which JavaScript cannot mangle."""
    rng = net._rng.bit_generator.state
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
        "optimizer_state": {key: values.tolist() for key, values in net._opt_state.items()},
        "rng": {
            "state": str(rng["state"]["state"]),
            "inc": str(rng["state"]["inc"]),
            "has_uint32": rng["has_uint32"],
            "uinteger": rng["uinteger"],
        },
    }


def network_from_dict(data: dict[str, Any]) -> Network:
    """The Network `network_to_dict` described. Raises ValueError naming what does not fit."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"a network snapshot must be a dict with format {FORMAT}")
    try:
        net = Network(
            data["layer_sizes"],
            activation=data["activation"],
            output_activation=data["output_activation"],
            loss=data["loss"],
            seed=data["seed"],
            init_zero=data["init_zero"],
            optimizer=data["optimizer"],
            input_names=data["input_names"],
        )
        epoch = data["epoch"]
        layers, states, rng = data["layers"], data["optimizer_state"], data["rng"]
    except KeyError as missing:
        raise ValueError(f"the network snapshot lacks the field {missing}") from None
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"snapshot epoch must be a non-negative integer, not {epoch!r}")
    net.epoch = epoch
    if not isinstance(layers, list) or len(layers) != len(net.layers):
        raise ValueError(f"the snapshot must have {len(net.layers)} layers")
    dead = np.zeros_like(net.parameters.dead)
    for index, (layer, saved) in enumerate(zip(net.layers, layers, strict=True)):
        if not isinstance(saved, dict):
            raise ValueError(f"layers[{index}] must be an object with weights, biases and dead")
        layer.weights[:] = _array(
            saved.get("weights"), layer.weights.shape, f"layers[{index}].weights"
        )
        layer.biases[:] = _array(saved.get("biases"), layer.biases.shape, f"layers[{index}].biases")
        for pair in saved.get("dead", []):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ValueError(f"layers[{index}].dead must hold [neuron, source] pairs")
            j, i = pair
            if not (0 <= j < layer.dead.shape[0] and 0 <= i < layer.dead.shape[1]):
                raise ValueError(f"layers[{index}].dead names a link that does not exist: {pair}")
            dead[layer.flat_index(j, i)] = True
    if dead.any():
        net.parameters.kill(dead)
    if not isinstance(states, dict):
        raise ValueError("optimizer_state must be an object holding the optimizer's arrays")
    for key, values in net._opt_state.items():
        values[:] = _array(states.get(key), values.shape, f"optimizer_state.{key}")
    try:
        net._rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int(rng["state"]), "inc": int(rng["inc"])},
            "has_uint32": int(rng["has_uint32"]),
            "uinteger": int(rng["uinteger"]),
        }
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            "the snapshot's rng must be a PCG64 state (state, inc, has_uint32, uinteger)"
        ) from None
    return net


def _array(
    values: Any, shape: tuple[int, ...], field: str
) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{field} must be numbers of shape {shape}") from None
    if array.shape != shape:
        raise ValueError(f"{field} must have shape {shape}, not {array.shape}")
    return array
