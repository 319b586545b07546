import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";

import { decodeFrame } from "../../static/js/frames.js";

// Written by the server's encoder: tests/app/test_frames.py keeps it in step.
const fixture = new URL("./fixtures/frame.bin", import.meta.url);

async function load() {
  const bytes = await readFile(fixture);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

test("a frame decodes into its header, typed arrays and their shapes", async () => {
  const { header, arrays, shapes } = await decodeFrame(await load());
  assert.deepEqual(shapes.params, [3]);
  assert.deepEqual(shapes.neuron_maps, header.blocks.find((b) => b.name === "neuron_maps").shape);
  assert.equal(header.type, "frame");
  assert.equal(header.frame, 7);
  assert.equal(header.epoch, 42);
  assert.deepEqual([...arrays.params], [0.5, -1.25, 3]);
  assert.ok(arrays.neuron_maps instanceof Uint8Array);
  assert.deepEqual([...arrays.neuron_maps], [...Array(18).keys()]);
});

test("a frame whose body does not match its blocks is refused", async () => {
  const buffer = await load();
  const view = new DataView(buffer);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  header.blocks[0].shape = [4];
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + buffer.byteLength - 4 - length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(new Uint8Array(buffer, 4 + length), 4 + head.length);
  await assert.rejects(decodeFrame(out.buffer), /body has 30 bytes/);
});
