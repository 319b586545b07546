"""The scalar reference (engine.explain) against the vectorized engine, for a batch of one."""

import json
from pathlib import Path

import numpy as np
import pytest

from engine import Network, explain

TOL = 1e-12
PAIRS = [
    ("square", "tanh", 1),
    ("square", "linear", 1),
    ("square", "sigmoid", 1),
    ("cross_entropy", "tanh", 1),
    ("cross_entropy", "sigmoid", 1),
    ("cross_entropy", "softmax", 3),
    ("square", "softmax", 4),
]


def _case(activation, loss, output, k, seed=2):
    rng = np.random.default_rng(seed)
    net = Network([3, 5, 4, k], activation, output, loss, seed=seed)
    for link in net.links:
        link.weight = float(rng.uniform(-1.2, 1.2))
    x = rng.uniform(-2.0, 2.0, size=3)
    y: float
    if output == "softmax":
        y = int(rng.integers(0, k))
    elif loss == "cross_entropy":
        y = 1.0
    else:
        y = float(rng.uniform(-0.8, 0.8))
    return net, x, y


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize(("loss", "output", "k"), PAIRS)
def test_scalar_trace_equals_vectorized_batch_of_one(activation, loss, output, k):
    net, x, y = _case(activation, loss, output, k)
    trace = explain.trace(net, x, y)
    net.forward(x[None, :])
    net.backward(np.array([y]))
    for layer, steps in zip(net.layers, trace.layers, strict=True):
        for neuron, step in zip(layer.neurons, steps, strict=True):
            assert step.net_input == pytest.approx(neuron.net_input[0], abs=TOL)
            assert step.output == pytest.approx(neuron.output[0], abs=TOL)
            assert step.sensitivity == pytest.approx(neuron.sensitivity, abs=TOL)
            for link, link_step in zip(neuron.links_in, step.links_in, strict=True):
                assert link_step.sensitivity == pytest.approx(link.sensitivity, abs=TOL)
    assert trace.loss == pytest.approx(net.loss(x[None, :], np.array([y])), abs=TOL)


@pytest.mark.parametrize(("loss", "output", "k"), PAIRS)
def test_applying_the_trace_equals_one_online_sgd_step(loss, output, k):
    net, x, y = _case("tanh", loss, output, k, seed=4)
    trace = explain.trace(net, x, y, learning_rate=0.1)
    net.forward(x[None, :])
    net.backward(np.array([y]))
    net.update(0.1)
    for layer, steps in zip(net.layers, trace.layers, strict=True):
        for neuron, step in zip(layer.neurons, steps, strict=True):
            assert step.new_bias == pytest.approx(neuron.bias, abs=TOL)
            for link, link_step in zip(neuron.links_in, step.links_in, strict=True):
                assert link_step.new_weight == pytest.approx(link.weight, abs=TOL)


def test_trace_keeps_lernmis_pieces_for_a_hidden_neuron():
    net = Network([2, 2, 1], seed=1)
    trace = explain.trace(net, [0.5, -1.0], 1.0, learning_rate=0.03)
    hidden, out = trace.layers[0][0], trace.layers[1][0]
    link = out.links_in[0]  # from the hidden neuron to the output
    assert out.sensitivity_sum == pytest.approx(out.output - 1.0)  # the error, o − t
    assert out.derivative == pytest.approx(1 - out.output**2)  # tanh′ from the output
    assert out.sensitivity == pytest.approx(out.sensitivity_sum * out.derivative)
    assert link.contribution == pytest.approx(hidden.output * link.weight)
    assert link.sensitivity == pytest.approx(out.sensitivity * hidden.output)
    assert link.sent_back == pytest.approx(out.sensitivity * link.weight)
    assert hidden.sensitivity_sum == pytest.approx(link.sent_back)
    assert link.change == pytest.approx(-0.03 * link.sensitivity)
    assert trace.inputs == {"x": 0.5, "y": -1.0}


def test_trace_leaves_the_network_unchanged():
    net = Network([2, 3, 1], seed=3)
    before = net.to_dict()
    explain.trace(net, [1.0, 2.0], -1.0)
    assert net.to_dict() == before


def test_trace_to_dict_is_plain_data():
    trace = explain.trace(Network([2, 1], seed=0), [0.1, 0.2], 1.0)
    data = trace.to_dict()
    assert data["layers"][0][0]["links_in"][0]["id"] == "x-1:0"
    assert data["loss_name"] == "square"


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0], 1.0, "x must be 2 finite numbers"),
        ([1.0, float("nan")], 1.0, "x must be 2 finite numbers"),
        ([1.0, 2.0], [1.0, 2.0], r"y must be 1 finite number"),
    ],
)
def test_trace_rejects_bad_samples(x, y, message):
    with pytest.raises(ValueError, match=message):
        explain.trace(Network([2, 1]), x, y)


def test_trace_rejects_a_class_out_of_range():
    net = Network([2, 3], output_activation="softmax", loss="cross_entropy")
    with pytest.raises(ValueError, match="class index 0 to 2"):
        explain.trace(net, [0.0, 0.0], 3)


def test_a_dead_link_carries_nothing_and_gets_no_blame_as_in_the_engine():
    net, x, y = _case("tanh", "square", "tanh", 1, seed=5)
    dead = np.zeros(net.parameters.dead.shape, dtype=bool)
    first = net.links[0]
    first.weight = 0.0
    dead[first.layer.flat_index(first.j, first.i)] = True
    net.parameters.kill(dead)
    trace = explain.trace(net, x, y, learning_rate=0.1)
    net.forward(x[None, :])
    net.backward(np.array([y]))
    net.update(0.1)
    steps = {s.id: s for layer in trace.layers for n in layer for s in n.links_in}
    assert steps[first.id].dead
    assert steps[first.id].sensitivity == 0.0
    assert steps[first.id].new_weight == 0.0
    for link in net.links:
        assert steps[link.id].new_weight == pytest.approx(link.weight, abs=TOL)


FIXTURES = Path(__file__).resolve().parents[1] / "js" / "fixtures"


def fixture_traces() -> dict[str, str]:
    """Traces the step-through's JavaScript test reads (tests/js/explain.test.mjs): tanh with
    squared error, relu with a 3-class softmax and cross-entropy, a sigmoid output with binary
    cross-entropy and no hidden layer, and linear with a 4-class softmax and squared error."""
    out = {}
    for name, activation, output, loss, shape, y in [
        ("trace-tanh.json", "tanh", "tanh", "square", [3, 2, 1], -1.0),
        ("trace-softmax.json", "relu", "softmax", "cross_entropy", [3, 2, 3], 2),
        ("trace-sigmoid.json", "sigmoid", "sigmoid", "cross_entropy", [1], 1.0),
        ("trace-linear.json", "linear", "softmax", "square", [2, 4], 0),
    ]:
        net = Network([2, *shape], activation, output, loss, seed=3, input_names=["x", "y"])
        trace = explain.trace(net, [0.5, -1.5], y, learning_rate=0.1)
        out[name] = json.dumps(trace.to_dict(), indent=1) + "\n"
    return out


def test_the_javascript_fixtures_are_what_the_engine_traces():
    for name, text in fixture_traces().items():
        assert (FIXTURES / name).read_text() == text, f"regenerate {name}: see fixture_traces"
