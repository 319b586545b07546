import assert from "node:assert/strict";
import { test } from "node:test";

import { CLASS_COLOURS, diverging } from "../../static/js/colors.js";
import { classChoices, otherClass, pointsCsv } from "../../static/js/editor.js";

test("the data goes out as CSV with the set of each point", () => {
  const points = { x: [1.5, -2], y: [0, 3], label: [1, -1], train: [true, false] };
  assert.equal(pointsCsv(points), "x,y,label,set\n1.5,0,1,train\n-2,3,-1,test\n");
});

test("two classes are +1 and −1 in TF's colours, more are 0..k−1 in Okabe–Ito's", () => {
  assert.deepEqual(classChoices(2), [[1, "+1", diverging(1)], [-1, "−1", diverging(-1)]]);
  const three = classChoices(3);
  assert.deepEqual(three.map(([label]) => label), [0, 1, 2]);
  assert.deepEqual(three[2][2], CLASS_COLOURS[2]);
});

test("shift-click takes the other of two classes, the next of more", () => {
  assert.equal(otherClass(1, 2), -1);
  assert.equal(otherClass(-1, 2), 1);
  assert.equal(otherClass(2, 3), 0);
  assert.equal(otherClass(0, 4), 1);
});
