import assert from "node:assert/strict";
import { test } from "node:test";

import { stoppedNote } from "../../static/js/best.js";

const header = { epoch: 44, best_epoch: 24, best_test_loss: 0.27598, playing: false };

test("the note says early stopping paused, with the lowest test loss and its epoch", () => {
  const note = stoppedNote(header, 20);
  assert.match(note, /not improved for 20 epochs/);
  assert.match(note, /lowest 0\.276 at epoch 24/);
});

test("no note while playing, without early stopping, or before the wait is over", () => {
  assert.equal(stoppedNote({ ...header, playing: true }, 20), "");
  assert.equal(stoppedNote(header, 0), "");
  assert.equal(stoppedNote({ ...header, epoch: 43 }, 20), "");
  assert.equal(stoppedNote({ ...header, best_epoch: null, best_test_loss: null }, 20), "");
});
