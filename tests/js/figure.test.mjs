import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { paramLabel } from "../../static/js/figure.js";

// One input, one output neuron: chapter 1's network, as a state describes it.
const ONE = {
  inputs: ["x"],
  layers: [{ activation: "tanh", neurons: ["1:0"] }],
  links: [["x-1:0", "x", "1:0"]],
  params: ["x-1:0", "1:0"],
};
const TWO = {
  inputs: ["x", "y"],
  layers: [{ activation: "tanh", neurons: ["1:0", "1:1"] }, { activation: "tanh", neurons: ["2:0"] }],
  links: [["x-1:0", "x", "1:0"], ["1:1-2:0", "1:1", "2:0"]],
  params: [],
};

const label = (name) => ({ x: "X₁" })[name] ?? name;

test("a slider is named by the link's input and output, or the neuron whose bias it is", () => {
  assert.equal(paramLabel(ONE, "x-1:0", label), "weight X₁ → the output");
  assert.equal(paramLabel(ONE, "1:0"), "bias of the output");
  assert.equal(paramLabel(TWO, "1:1-2:0", label), "weight neuron 1:1 → the output");
  assert.equal(paramLabel(TWO, "1:0"), "bias of neuron 1:0");
});

test("the share dialog's Show choices are figure keys, written into the embed's hash", async () => {
  const { SHOW_CHOICES, embedHash } = await import("../../static/js/share.js");
  assert.deepEqual(
    SHOW_CHOICES.map(([key]) => key),
    ["chart", "explain", "sliders"],
  );
  const { hashCodec } = await import("../../static/js/hash.js");
  const { makeRegistry } = await import("../../static/js/registry.js");
  const raw = JSON.parse(readFileSync(new URL("./fixtures/registry.json", import.meta.url)));
  const { serialize } = hashCodec(makeRegistry(raw));
  const hash = embedHash(serialize, { network_shape: [], seed: "0.1" }, { chart: true, sliders: true }, []);
  assert.match(hash, /&chart=true&sliders=true/);
  assert.doesNotMatch(hash, /explain=/);
});
