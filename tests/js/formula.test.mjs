import assert from "node:assert/strict";
import { test } from "node:test";

import { compile, compileArrays } from "../../static/js/formula.js";

test("a formula computes as arithmetic does: precedence, unary minus, brackets, calls", () => {
  const f = compile("1 - 2 * x / 4 + -y * (1 + max(x, 0))", ["x", "y"]);
  assert.equal(f([2, 3]), 1 - (2 * 2) / 4 - 3 * (1 + 2));
  assert.equal(compile("sin(x) * cos(x) + exp(0) - abs(-2) + min(x, 1)", ["x"])([0.5]), Math.sin(0.5) * Math.cos(0.5) + 1 - 2 + 0.5);
});

test("a bad formula says what is wrong, as the engine does", () => {
  assert.throws(() => compile("x +", ["x"]), /expected more, found the end/);
  assert.throws(() => compile("w * 2", ["x"]), /unknown name w/);
  assert.throws(() => compile("toString(x)", ["x"]), /unknown name toString/);
  assert.throws(() => compile("max(x)", ["x"]), /max takes 2 argument\(s\), not 1/);
  assert.throws(() => compile("x y", ["x"]), /unexpected y/);
});

test("over arrays a formula gives each point's value, tanh within 4e-7 of Math.tanh", () => {
  const zs = Float64Array.from({ length: 2001 }, (_, i) => (i - 1000) / 40);
  const tanh = compileArrays("0.5 + 0.5 * tanh(0.5 * z)", ["z"])([zs], zs.length);
  zs.forEach((z, i) => assert.ok(Math.abs(tanh[i] - (0.5 + 0.5 * Math.tanh(0.5 * z))) < 4e-7, `z = ${z}`));
  assert.deepEqual(Array.from(compileArrays("2", ["z"])([zs], 3)), [2, 2, 2]);
  assert.ok(Number.isNaN(compileArrays("tanh(z)", ["z"])([Float64Array.of(NaN)], 1)[0]));
});

test("overwrite computes in place only where a variable is used once", () => {
  const once = Float64Array.of(1, -2);
  const result = compileArrays("max(z, 0)", ["z"], { overwrite: true })([once], 2);
  assert.equal(result, once);
  assert.deepEqual(Array.from(once), [1, 0]);
  const twice = Float64Array.of(1, -3);
  const softsign = compileArrays("z / (1 + abs(z))", ["z"], { overwrite: true })([twice], 2);
  assert.deepEqual(Array.from(softsign), [0.5, -0.75]);
  assert.deepEqual(Array.from(twice), [1, -3]);
  const kept = Float64Array.of(4);
  compileArrays("z * 2", ["z"])([kept], 1);
  assert.deepEqual(Array.from(kept), [4]);
});
