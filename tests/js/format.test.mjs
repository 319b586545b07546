import assert from "node:assert/strict";
import { test } from "node:test";

import { formatEpoch, formatPercent, formatValue } from "../../static/js/format.js";

test("epochs are padded to six digits and grouped by three, as TF Playground shows them", () => {
  assert.equal(formatEpoch(0), "000,000");
  assert.equal(formatEpoch(42), "000,042");
  assert.equal(formatEpoch(123456), "123,456");
  assert.equal(formatEpoch(1234567), "1,234,567");
});

test("values have three decimals, and a dash when missing", () => {
  assert.equal(formatValue(0.12345), "0.123");
  assert.equal(formatValue(null), "–");
  assert.equal(formatValue(undefined), "–");
  assert.equal(formatValue(Number.NaN), "–");
  assert.equal(formatPercent(0.9876), "98.8 %");
});
