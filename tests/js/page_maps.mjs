// The page's maps for networks a Python test sends (tests/app/test_page_maps.py): reads
// {registry, cases: [{network, values, density}]} as JSON on stdin and writes, for each case,
// every layer's outputs on the density × density grid (evaluate) and the maps a frame without
// maps gets (MapMaker.fill), as JSON on stdout.

import { evaluate, gridInputs, MapMaker, planOf } from "../../static/js/maps.js";
import { makeRegistry } from "../../static/js/registry.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { registry: raw, cases } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const registry = makeRegistry(raw);
const results = cases.map(({ network, values, density }) => {
  const params = Float32Array.from(values);
  const inputs = gridInputs(registry, network.inputs, density);
  const layers = evaluate(planOf(network), params, inputs, density * density, registry.activations);
  const frame = new MapMaker(registry).fill({ arrays: { params }, shapes: {} }, { network });
  return {
    layers: layers.map((layer) => Array.from(layer)),
    neuron_maps: Array.from(frame.arrays.neuron_maps),
    output_maps: Array.from(frame.arrays.output_maps),
    shapes: frame.shapes,
    ranges: frame.ranges,
  };
});
process.stdout.write(JSON.stringify(results));
