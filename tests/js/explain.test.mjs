import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { makeRegistry } from "../../static/js/registry.js";
import { buildSteps, fmt, linkSource, nearestPoint, stageStart, STAGES } from "../../static/js/explain.js";

const load = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const { activations: ACTIVATIONS } = makeRegistry(load("registry.json"));
const tanh = load("trace-tanh.json");
const softmax = load("trace-softmax.json");
const neurons = (trace) => trace.layers.reduce((n, layer) => n + layer.length, 0);
// The last number of a line: what its arithmetic comes to.
const result = (line) => Number(line.slice(line.lastIndexOf("=") + 1).trim().replace("−", "-"));

test("numbers have 3 decimals, small ones 2 significant digits, and a true minus", () => {
  assert.equal(fmt(0.41234), "0.412");
  assert.equal(fmt(-0.41234), "−0.412");
  assert.equal(fmt(0.00012345), "0.00012");
  assert.equal(fmt(0), "0");
  assert.equal(linkSource("x-1:0"), "x");
  assert.equal(linkSource("1:2-2:0"), "1:2");
});

test("the steps go inputs, forward per neuron, error, backward from the output, update", () => {
  for (const trace of [tanh, softmax]) {
    const steps = buildSteps(trace, trace === tanh ? "tanh" : "relu", ACTIVATIONS);
    assert.equal(steps.length, 1 + neurons(trace) + 1 + neurons(trace) + neurons(trace));
    assert.deepEqual([...new Set(steps.map((s) => s.stage))], STAGES);
    const backward = steps.slice(stageStart(steps, "backward"), stageStart(steps, "update"));
    assert.deepEqual(
      backward.map((s) => s.neurons[0]),
      trace.layers.toReversed().flatMap((layer) => layer.map((n) => n.id)),
    );
  }
});

test("each forward step's arithmetic comes to the trace's net input and output", () => {
  const steps = buildSteps(tanh, "tanh", ACTIVATIONS);
  const all = tanh.layers.flat();
  for (const step of steps.filter((s) => s.stage === "forward" && s.layer > 0)) {
    const neuron = all.find((n) => n.id === step.neurons[0]);
    const net = step.lines.find((l) => l.startsWith("net input"));
    assert.ok(Math.abs(result(net) - neuron.net_input) < 5e-4, net);
    assert.match(step.lines.at(-1), /^output = tanh\(/);
    assert.ok(Math.abs(result(step.lines.at(-1)) - neuron.output) < 5e-4);
    assert.equal(step.links.length, neuron.links_in.length);
  }
});

test("backward: the output's δ is (o − t) × (1 − o²), a hidden one's sum is what its links out send back", () => {
  const steps = buildSteps(tanh, "tanh", ACTIVATIONS);
  const output = steps.find((s) => s.title.startsWith("Backward · output"));
  const o = tanh.layers.at(-1)[0];
  assert.match(output.lines[0], /^sensitivity δ = .+ × \(1 − .+²\) = /);
  assert.ok(Math.abs((o.output - o.target) * (1 - o.output ** 2) - o.sensitivity) < 1e-12);
  const hidden = steps.find((s) => s.stage === "backward" && s.neurons[0] === "2:1");
  const sent = tanh.layers[2].flatMap((n) => n.links_in.filter((l) => linkSource(l.id) === "2:1"));
  assert.match(hidden.lines[0], /^sensitivity sum = what its links out send back/);
  assert.ok(Math.abs(result(hidden.lines[0]) - sent.reduce((a, l) => a + l.sent_back, 0)) < 5e-4);
  assert.equal(hidden.labels["1:0-2:1"], fmt(tanh.layers[1][1].links_in[0].sensitivity));
});

test("softmax with cross-entropy: δ = p − t, with a one-hot target, and the update moves each weight", () => {
  const steps = buildSteps(softmax, "relu", ACTIVATIONS);
  const error = steps[stageStart(steps, "error")];
  assert.equal(error.neurons.length, 3);
  assert.ok(error.lines.some((l) => l.startsWith("3:2: probability")));
  const out = steps.find((s) => s.stage === "backward" && s.neurons[0] === "3:2");
  assert.match(out.lines[0], /^sensitivity δ = .+ − 1\.000 = /);
  for (const step of steps.filter((s) => s.stage === "update")) {
    const neuron = softmax.layers.flat().find((n) => n.id === step.neurons[0]);
    assert.ok(Math.abs(result(step.lines.at(-1)) - neuron.new_bias) < 5e-4);
  }
});

test("the nearest shown point is picked", () => {
  const points = { x: [0, 3, -2], y: [0, 3, 1] };
  assert.equal(nearestPoint(points, 2.5, 2), 1);
  assert.equal(nearestPoint(points, 2.5, 2, (i) => i !== 1), 0);
  assert.equal(nearestPoint(points, 0, 0, () => false), -1);
});

test("every activation, loss and shape gives steps whose numbers are all numbers", () => {
  const cases = [
    ["trace-tanh.json", "tanh"],
    ["trace-softmax.json", "relu"],
    ["trace-sigmoid.json", "sigmoid"],
    ["trace-linear.json", "linear"],
  ];
  for (const [name, activation] of cases) {
    const trace = load(name);
    const steps = buildSteps(trace, activation, ACTIVATIONS);
    assert.equal(steps.length, 2 + 3 * neurons(trace), name);
    for (const step of steps) {
      const text = [step.title, step.words, step.formula, ...step.lines, ...Object.values(step.labels)].join(" ");
      assert.doesNotMatch(text, /NaN|undefined|null|Infinity/, `${name}: ${step.title}`);
      assert.ok(step.lines.length > 0, `${name}: ${step.title}`);
    }
  }
});

test("a sigmoid output with cross-entropy and no hidden layer: no hidden steps, no sent-back lines", () => {
  const trace = load("trace-sigmoid.json");
  const steps = buildSteps(trace, "sigmoid", ACTIVATIONS);
  const backward = steps.filter((s) => s.stage === "backward");
  assert.equal(backward.length, 1);
  assert.ok(!backward[0].lines.some((l) => l.includes("sends back")));
  assert.match(backward[0].formula, /cross-entropy/);
});
