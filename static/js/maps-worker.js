// The maps of a frame, computed off the page's main thread (maps.js's MapMaker in a module
// worker): messages {registry} once, then {id, network, params}; each answer is {id, arrays,
// shapes, ranges}, the maps' buffers transferred.

import { MapMaker } from "./maps.js";
import { makeRegistry } from "./registry.js";

let maker = null; // this worker's own: a worker serves one page
let state = null; // the network the last frame came with, kept while it stays the same

self.onmessage = ({ data }) => {
  if (data.registry) {
    maker = new MapMaker(makeRegistry(data.registry));
    return;
  }
  if (data.network) state = { network: data.network };
  const frame = maker.fill({ arrays: { params: data.params }, shapes: {} }, state);
  const { neuron_maps, output_maps } = frame.arrays;
  self.postMessage(
    { id: data.id, arrays: { neuron_maps, output_maps }, shapes: frame.shapes, ranges: frame.ranges },
    [neuron_maps.buffer, output_maps.buffer],
  );
};
