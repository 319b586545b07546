import assert from "node:assert/strict";
import { test } from "node:test";

import { CLASS_COLOURS, diverging } from "../../static/js/colors.js";
import { classesFor, datasetField, labelColour } from "../../static/js/datasets.js";

test("two classes and values take TF's colours, more classes Okabe–Ito's", () => {
  assert.deepEqual(labelColour(1, 2), diverging(1));
  assert.deepEqual(labelColour(-1, 2), diverging(-1));
  assert.deepEqual(labelColour(0.25, 2), diverging(0.25));
  assert.deepEqual(labelColour(2, 3), CLASS_COLOURS[2]);
});

test("a switch keeps the class count the dataset allows, and falls back to 2", () => {
  assert.equal(classesFor({ max_classes: 5 }, 4), 4);
  assert.equal(classesFor({ max_classes: 2 }, 4), 2);
  assert.equal(classesFor({ max_classes: 2 }, 2), 2);
  assert.equal(classesFor(undefined, 3), 3);
});

test("the dataset field follows the problem", () => {
  assert.equal(datasetField({ problem: "classification" }), "dataset");
  assert.equal(datasetField({ problem: "regression" }), "reg_dataset");
});
