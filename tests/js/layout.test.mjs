import assert from "node:assert/strict";
import { test } from "node:test";

import { BOX_MAX, layoutNetwork, PAD, rightRoom } from "../../static/js/layout.js";

// The network view's canvas at 1280 × 800 and in the 700 × 450 embed (CSS pixels, as the page
// measures them, tests/browser checks the rules at its own sizes), and on a 390 px phone.
// The embed has no explain mode: no room right of the outputs for its numbers.
const SIZES = {
  "1280 × 800": [678, 432, undefined],
  "embed 700 × 450": [451, 407, 0],
  "embed 400 × 450": [384, 211, 0],
  "phone 390 × 844": [348, 240, undefined],
};

/** Every network the server allows: inputs 2 to 9 (off features included), 0 to 6 hidden layers
 * of 1 to 8 neurons (each layer the same size, and mixed sizes), 1 to 5 outputs. */
function* networks() {
  for (const inputs of [2, 7, 9]) {
    for (let layers = 0; layers <= 6; layers++) {
      for (let neurons = 1; neurons <= 8; neurons++) {
        for (const outputs of [1, 5]) {
          yield [inputs, ...Array(layers).fill(neurons), outputs];
          yield [inputs, ...Array.from({ length: layers }, (_, i) => 1 + ((i + neurons) % 8)), outputs];
        }
      }
    }
  }
}

function rectangles(layout) {
  return layout.xs.flatMap((x, c) => layout.tops[c].map((y) => ({ x, y, width: layout.box, height: layout.box })));
}

const overlap = (a, b) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const inside = (r, width, height) => r.x >= 0 && r.y >= 0 && r.x + r.width <= width && r.y + r.height <= height;

for (const [name, [width, height, right]] of Object.entries(SIZES)) {
  test(`at ${name}, no two boxes or labels overlap and all lie inside the canvas`, () => {
    for (const columns of networks()) {
      const layout = layoutNetwork(width, height, columns, right);
      // A bias square sticks out 4 px left of its box and 2 px below it.
      const boxes = rectangles(layout).map((r) => ({ ...r, x: r.x - 4, width: r.width + 4, height: r.height + 2 }));
      const all = [...boxes, ...layout.labels];
      for (const r of all) assert.ok(inside(r, width, height), `${columns}: ${JSON.stringify(r)} is outside`);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
          assert.ok(!overlap(all[i], all[j]), `${columns}: ${JSON.stringify([all[i], all[j]])} overlap`);
        }
      }
    }
  });

  test(`at ${name}, the gap between two columns is at least twice a box`, () => {
    for (const columns of networks()) {
      const { xs, box } = layoutNetwork(width, height, columns, right);
      for (let c = 1; c < xs.length; c++) {
        assert.ok(xs[c] - (xs[c - 1] + box) >= 2 * box, `${columns}: columns ${c - 1}, ${c}`);
      }
    }
  });

  test(`at ${name}, every input has a label beside its box, on the box's row`, () => {
    const layout = layoutNetwork(width, height, [9, 8, 8, 8, 8, 8, 8, 1], right);
    assert.equal(layout.labels.length, 9);
    layout.labels.forEach((label, r) => {
      assert.ok(label.x + label.width <= layout.xs[0]);
      const middle = label.y + label.height / 2;
      assert.ok(Math.abs(middle - (layout.tops[0][r] + layout.box / 2)) <= 1);
    });
  });
}

test("boxes are at most BOX_MAX and never smaller than 10 px on these canvases", () => {
  for (const [width, height, right] of Object.values(SIZES)) {
    for (const columns of networks()) {
      const { box } = layoutNetwork(width, height, columns, right);
      assert.ok(box <= BOX_MAX && box >= 10, `${width} × ${height}, ${columns}: ${box}`);
    }
  }
});

test("the largest network at 1280 × 800 has TF Playground's ~30 px boxes", () => {
  assert.ok(layoutNetwork(700, 430, [9, 8, 8, 8, 8, 8, 8, 1]).box >= 24);
});

test("a narrow network is centred, its columns at most seven boxes apart", () => {
  const { xs, box, labels } = layoutNetwork(700, 430, [2, 1]);
  assert.ok(xs[1] - xs[0] <= 7 * box);
  const left = labels[0].x - PAD;
  const right = 700 - PAD - rightRoom(700) - (xs[1] + box);
  assert.ok(left > 0 && Math.abs(left - right) <= 2, `${left}, ${right}`);
});
