import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { gridPoints, MapWorker, quantize } from "../../static/js/maps.js";
import { makeRegistry } from "../../static/js/registry.js";

const REGISTRY = makeRegistry(JSON.parse(readFileSync(new URL("fixtures/registry.json", import.meta.url))));
// x, y → one tanh output: params in the state's order, each neuron's links then its bias.
const NETWORK = {
  inputs: ["x", "y"],
  layers: [{ activation: "tanh", neurons: ["1:0"] }],
  links: [
    ["x-1:0", "x", "1:0"],
    ["y-1:0", "y", "1:0"],
  ],
  params: ["x-1:0", "y-1:0", "1:0"],
};
const frameOf = (number, params = [1, 0, 0]) => ({
  header: { frame: number },
  arrays: { params: Float32Array.from(params) },
  shapes: {},
});

class FakeWorker {
  constructor() {
    this.sent = [];
  }
  postMessage(message) {
    this.sent.push(message);
  }
}

test("the grid runs row by row from the top-left corner, both ends included", () => {
  const { x, y } = gridPoints(3);
  assert.deepEqual(Array.from(x), [-6, 0, 6, -6, 0, 6, -6, 0, 6]);
  assert.deepEqual(Array.from(y), [6, 6, 6, 0, 0, 0, -6, -6, -6]);
});

test("bytes are the server's: clamped to the range, NaN in the middle", () => {
  assert.deepEqual(Array.from(quantize(Float32Array.of(-2, -1, 0, 1, 3, NaN), -1, 1)), [0, 0, 128, 255, 255, 128]);
});

test("without a worker the maps are computed at once: tanh(x) on the 100×100 grid", () => {
  const ready = [];
  const maps = new MapWorker(REGISTRY, (frame) => ready.push(frame), () => {
    throw new Error("no workers here");
  });
  maps.want(frameOf(1), { network: NETWORK });
  const [frame] = ready;
  assert.deepEqual(frame.shapes.output_maps, [1, 100, 100]);
  assert.deepEqual(frame.shapes.neuron_maps, [0, 20, 20]);
  assert.deepEqual(frame.ranges.output_maps, [-1, 1]);
  const leftmost = Math.round((Math.tanh(-6) + 1) * 127.5);
  assert.equal(frame.arrays.output_maps[0], leftmost);
  assert.equal(frame.arrays.output_maps[99], 255 - leftmost);
});

test("a worker gets the registry once, the network when it changes, and only the newest waiting frame", () => {
  const worker = new FakeWorker();
  const ready = [];
  const maps = new MapWorker(REGISTRY, (frame) => ready.push(frame.header.frame), () => worker);
  const state = { network: NETWORK };
  maps.want(frameOf(1), state);
  maps.want(frameOf(2), state);
  maps.want(frameOf(3), state);
  assert.equal(worker.sent.length, 2); // the registry, then frame 1; 3 waits, 2 is dropped
  assert.deepEqual(worker.sent[0].registry, REGISTRY.raw);
  assert.equal(worker.sent[1].network, NETWORK);
  const answer = (id) => ({ id, arrays: { output_maps: new Uint8Array(1), neuron_maps: new Uint8Array(0) }, shapes: {}, ranges: {} });
  maps.done(answer(worker.sent[1].id));
  assert.deepEqual(ready, [1]);
  assert.equal(worker.sent.length, 3);
  assert.equal(worker.sent[2].network, undefined); // the same network: not sent again
  maps.done(answer(worker.sent[2].id));
  assert.deepEqual(ready, [1, 3]);
});

test("a worker that fails hands its frames to the page", () => {
  const worker = new FakeWorker();
  const ready = [];
  const maps = new MapWorker(REGISTRY, (frame) => ready.push(frame), () => worker);
  maps.want(frameOf(1), { network: NETWORK });
  worker.onerror();
  assert.equal(ready.length, 1);
  assert.deepEqual(ready[0].shapes.output_maps, [1, 100, 100]);
});
