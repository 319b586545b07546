import assert from "node:assert/strict";
import { test } from "node:test";

import { Connection, memoryStorage } from "../../static/js/connection.js";
import { fakeSocketClass } from "./fake_socket.mjs";
import { bytesOf, startLazily } from "../../static/js/lazy.js";

const FakeSocket = fakeSocketClass(0); // connecting

const STATE = { type: "state", state_id: 1, config: { seed: "0.5" } };

function lazy({ preview = true, fakeReceive = true } = {}) {
  FakeSocket.made = [];
  const seen = { messages: [], statuses: [], shown: 0, frames: 0, asked: [] };
  const connection = new Connection(
    "ws://host/ws",
    memoryStorage(),
    {
      message: (m) => seen.messages.push(m.type),
      frame: () => (seen.frames += 1),
      status: (s) => seen.statuses.push(s),
    },
    { WebSocketImpl: FakeSocket },
  );
  const inView = [];
  if (fakeReceive) {
    // The preview's frame is no real frame here: hand the page what arrives, undecoded.
    connection.receive = async (data) => {
      if (typeof data === "string") connection.on.message(JSON.parse(data));
      else connection.on.frame(data);
    };
  }
  const fetchImpl = async (url, options) => {
    seen.asked.push([url, JSON.parse(options.body)]);
    return { ok: preview, json: async () => ({ state: STATE, frame: "AAEC", ignored: [] }) };
  };
  startLazily(connection, () => ({ dataset: "xor" }), {
    shown: () => (seen.shown += 1),
    observe: (callback) => inView.push(callback),
    fetchImpl,
  });
  return { connection, seen, scrolledIn: () => inView[0]() };
}

test("an embed asks for nothing until it is in view, then for its link's preview, no socket", async () => {
  const { seen, scrolledIn } = lazy();
  assert.deepEqual(seen.asked, []);
  assert.deepEqual(seen.statuses, ["ready"]);
  await scrolledIn();
  assert.deepEqual(seen.asked, [["/api/preview", { type: "link", changes: { dataset: "xor" } }]]);
  assert.deepEqual(seen.messages, ["state"]);
  assert.equal(seen.frames, 1);
  assert.equal(seen.shown, 1);
  assert.equal(FakeSocket.made.length, 0);
});

test("the first message the reader sends opens the socket, and goes once the session is there", async () => {
  const { connection } = lazy({ fakeReceive: false });
  assert.equal(FakeSocket.made.length, 0);
  assert.equal(connection.send({ type: "play" }), false);
  assert.equal(FakeSocket.made.length, 1);
  const socket = FakeSocket.made[0];
  assert.deepEqual(socket.sent, []);
  socket.readyState = 1;
  await socket.serverSays({ type: "welcome", token: "t", resumed: false });
  assert.deepEqual(socket.sent, [{ type: "play" }]);
  connection.send({ type: "pause" });
  assert.equal(FakeSocket.made.length, 1); // one socket, opened once
});

test("a refused preview leaves the embed ready to play", async () => {
  const { seen, scrolledIn } = lazy({ preview: false });
  await scrolledIn();
  assert.deepEqual(seen.messages, []);
  assert.equal(seen.shown, 0);
  assert.deepEqual(seen.statuses, ["ready"]);
});

test("the new session's default state is skipped: the link's state follows it", () => {
  const { connection, seen } = lazy();
  connection.welcomes = 1;
  connection.on.message({ type: "welcome" });
  connection.on.message({ type: "state", state_id: 1 });
  connection.on.message({ type: "state", state_id: 2 });
  assert.deepEqual(seen.messages, ["welcome", "state"]);
});

test("base64 becomes the bytes it encodes", () => {
  assert.deepEqual([...new Uint8Array(bytesOf("AAEC/w=="))], [0, 1, 2, 255]);
});
