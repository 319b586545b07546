import assert from "node:assert/strict";
import { test } from "node:test";

import { byteValue, css, diverging, paint } from "../../static/js/colors.js";

test("the scale runs from TF's orange through grey to blue", () => {
  assert.deepEqual(diverging(-1), [0xf5, 0x93, 0x22]);
  assert.deepEqual(diverging(0), [0xe8, 0xea, 0xeb]);
  assert.deepEqual(diverging(1), [0x08, 0x77, 0xbd]);
});

test("values beyond ±1 are clamped and a non-number is grey", () => {
  assert.deepEqual(diverging(-7), diverging(-1));
  assert.deepEqual(diverging(42), diverging(1));
  assert.deepEqual(diverging(Number.NaN), diverging(0));
});

test("there are 31 shades: nearby values share one", () => {
  assert.deepEqual(diverging(0.01), diverging(0.02));
  assert.notDeepEqual(diverging(0.0), diverging(0.07));
  const shades = new Set();
  for (let v = -1; v <= 1; v += 0.001) shades.add(css(diverging(v)));
  assert.equal(shades.size, 31);
});

test("a byte stands for a value in its map's range", () => {
  assert.equal(byteValue(0, [-1, 1]), -1);
  assert.equal(byteValue(255, [-1, 1]), 1);
  assert.equal(byteValue(255, [0, 1]), 1);
});

test("paint turns a byte map into opaque pixels", () => {
  const pixels = paint(new Uint8Array([0, 255]), [-1, 1]);
  assert.deepEqual([...pixels], [0xf5, 0x93, 0x22, 255, 0x08, 0x77, 0xbd, 255]);
});

test("class maps take the likeliest class's colour, faded by doubt", async () => {
  const { CLASS_COLOURS, paintClasses } = await import("../../static/js/colors.js");
  // Two cells, three classes: sure of class 2, then a toss-up that leans to class 0.
  const bytes = new Uint8Array([0, 90, 0, 90, 255, 85]);
  const pixels = paintClasses(bytes, 3);
  assert.deepEqual([...pixels.slice(0, 4)], [...CLASS_COLOURS[2], 255]);
  const faded = [...pixels.slice(4, 8)];
  assert.ok(faded[0] > CLASS_COLOURS[0][0] - 1 && faded[2] > CLASS_COLOURS[0][2] + 100);
});
