// The playground page: controls send messages, the socket stores what arrives (and acks each
// frame as it comes, docs/protocol.md), and one requestAnimationFrame loop draws the latest.

import { Connection, memoryStorage } from "./connection.js";
import { hashCodec, hashKey } from "./hash.js";
import { bindControls } from "./bindings.js";
import { Cards } from "./cards.js";
import { LossChart } from "./chart.js";
import { BestPanel } from "./best.js";
import { startLazily } from "./lazy.js";
import { Sliders, showFigureParts } from "./figure.js";
import { Controls } from "./controls.js";
import { Editor } from "./editor.js";
import { Explainer } from "./explainer.js";
import { installHooks } from "./hooks.js";
import { NetworkView } from "./network.js";
import { MapWorker } from "./maps.js";
import { drawAxes, drawOutput, showNumbers } from "./output.js";
import { pageRegistry } from "./registry.js";
import { Share } from "./share.js";

// TF Playground's NAME_hide keys, and the control each hides (features hide their own button).
const HIDABLE = {
  playButton: "play",
  stepButton: "step",
  resetButton: "reset",
  learningRate: "learning_rate",
  activation: "activation",
  regularization: "regularization",
  regularizationRate: "regularization_rate",
  problem: "problem",
  dataset: "datasets",
  percTrainData: "perc_train",
  noise: "noise",
  batchSize: "batch_size",
  numHiddenLayers: "layer_count",
  showTestData: "show_test",
  discretize: "discretize",
};

const $ = (id) => document.getElementById(id);
const registry = pageRegistry(); // the server's features and activations: the page's only list
const { parse: parseHash, serialize: serializeHash } = hashCodec(registry);
// The session as this connection last heard it: its state, the newest frame and the one drawn,
// and the frame last acked. A welcome starts it anew: another connection numbers its own.
const store = { state: null, frame: null, drawn: null, dirty: false, acked: null };
const network = new NetworkView($("net"), registry, !document.body.classList.contains("embed"));
// The newest frame whose maps are ready (computed in a worker) is the one the loop draws.
const maps = new MapWorker(registry, (frame) => {
  if (frame.header.frame >= (store.ready?.header.frame ?? -1)) store.ready = frame;
  store.dirty = true;
});
const view = {
  ui: { showTestData: false, discretize: false, sensitivity: false },
  hidden: [],
  hover: null, // a hidden neuron's id while the pointer is on it: the big map shows its output
  explained: null, // the index of the point explain mode is explaining: ringed on the output
};

// The hash is the configuration: the page opens it, and opens it again whenever it changes
// (edited in the address bar, an in-page link); the page writes it back after every state.
let link = parseHash(location.hash);
Object.assign(view.ui, link.ui);
view.hidden = link.hidden;
let linkApplied = false;

function openLink() {
  if (Object.keys(link.config).length) connection.send({ type: "link", changes: link.config });
}

window.addEventListener("hashchange", () => {
  link = parseHash(location.hash);
  Object.assign(view.ui, link.ui);
  view.hidden = link.hidden;
  hideControls();
  openLink();
  store.dirty = true;
});

function writeHash() {
  if (store.state) history.replaceState(null, "", serializeHash(store.state.config, view.ui, view.hidden));
  linkHere();
}

/** Say what went wrong, where the person will see it, until it no longer holds. */
function tell(text) {
  $("message").textContent = text;
  $("message").hidden = !text;
}

// maps=local: the page computes the maps from the weights (maps.js); its frames carry none.
const socketUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?maps=local`;
// A tab keeps its session's token and snapshot in sessionStorage: a reload gets the session back
// (or restores it from the snapshot), and every tab has a session of its own. A frame (an embed,
// the share dialog's preview) keeps them in memory, so embeds never share a session.
const framed = window.top !== window || document.body.classList.contains("embed");
const connection = new Connection(socketUrl, framed ? memoryStorage() : sessionStorage, {
  message(message) {
    if (message.type === "welcome") {
      Object.assign(store, { state: null, frame: null, ready: null, drawn: null, acked: null });
      if (!linkApplied) openLink();
      linkApplied = true;
    } else if (message.type === "state") {
      if (explainer.active && store.state) explainer.clear(); // new data or a new network
      store.state = message;
      chart.reset(message.history);
      best.state(message);
      sliders.state(message, view.ui.sliders);
      controls.show(message);
      writeHash();
      tell(""); // a change went through: what was wrong before no longer holds
      if (store.frame) wantMaps(store.frame); // a frame that came just before its state
      store.dirty = true;
    } else if (message.type === "weights" && store.state) {
      store.state.network.values = message.values;
      sliders.values(message.values);
      explainer.refresh(); // the trace was of the weights before
    } else if (message.type === "snapshot") {
      share.received(message.snapshot);
    } else if (message.type === "trace") {
      explainer.load(message);
    } else if (message.type === "link_ignored") {
      const parts = message.ignored.map(({ field, message: why }) => {
        const value = link.config[field];
        const shown = value === undefined ? "" : `=${Array.isArray(value) ? value.join(",") : value}`;
        return `${hashKey(field)}${shown}: ${why.replace(/^changes\.\w+: /, "")}`;
      });
      tell(`Ignored from the link, so the default is used instead: ${parts.join("; ")}.`);
    } else if (message.type === "error") {
      tell(message.message.replace(/^changes(\.|: )/, "")); // the field, as the person knows it
      if (store.state) controls.show(store.state); // every control back to what the session has
    }
  },
  frame(frame) {
    store.previous = store.frame?.arrays.params; // for the change each weight is getting
    store.frame = frame;
    chart.add(frame.header);
    best.show(frame.header);
    sliders.values(frame.arrays.params);
    wantMaps(frame);
    ackLatest();
  },
  status(status, reason) {
    $("status").textContent = reason ? `${status}: ${reason}` : status;
  },
});

const chart = new LossChart($("chart"), $("readout"));
const send = (message) => connection.send(message);
const redraw = () => (store.dirty = true);
const explainer = new Explainer($, {
  send,
  redraw,
  get: () => ({ state: store.state, playing: playing() }),
  activations: registry.activations,
});
const stats = installHooks({ store, connection, network, explainer, registry, maps });
const editor = new Editor($, { send, get: () => store.state });
const share = new Share($, { send, get: () => ({ state: store.state, ui: view.ui }), serialize: serializeHash });
const cards = new Cards($, {
  send,
  network,
  get: () => store,
  view,
  redraw: () => (store.dirty = true),
});
const change = (changes) => send({ type: "config", changes });
const controls = new Controls($, { registry, network, editor, get: () => store, view, change, redraw });
const best = new BestPanel($, { chart, send, change });
const sliders = new Sliders($("sliders"), send, registry.label);

/** Links that carry the configuration: the embed's "open in the playground", and the oEmbed
 * discovery link (for tools that read the live page; the server's copy has no hash). */
function linkHere() {
  if ($("full_link")) $("full_link").href = `${location.origin}/${location.hash}`;
  const discovery = document.querySelector('link[type="application/json+oembed"]');
  const url = new URL(discovery.href);
  url.searchParams.set("url", location.href);
  discovery.href = url.href;
}

function playing() {
  return store.frame ? store.frame.header.playing : Boolean(store.state?.playing);
}

// Training changes the network under an explanation: play, step and reset leave explain mode.
function leaveExplaining() {
  if (explainer.active) {
    explainer.resume = false;
    explainer.leave();
  }
}

function togglePlay() {
  leaveExplaining();
  send({ type: playing() ? "pause" : "play" });
}

function step() {
  leaveExplaining();
  send({ type: "step" });
}

function reset() {
  leaveExplaining();
  send({ type: "reset" });
}

/** Have `frame`'s maps computed (it has none: the page connects with maps=local), unless it
 * belongs to another state than the page holds: a frame built just before a change can arrive
 * just after its state, acked and never drawn. */
function wantMaps(frame) {
  if (!store.state || frame.header.state_id !== store.state.state_id) return;
  if (frame.arrays.output_maps) maps.ready(frame);
  else maps.want(frame, store.state);
}

function loop() {
  requestAnimationFrame(loop);
  const frame = store.ready;
  if (store.dirty && store.state && frame) {
    store.dirty = false;
    if (frame.header.state_id === store.state.state_id) {
      const start = performance.now();
      view.explained = explainer.active ? explainer.index : null;
      drawOutput($("heatmap"), frame, store.state, view);
      controls.place();
      network.draw(store.state, frame, view.ui.sensitivity, explainer.focus() ?? cards.focus());
      chart.draw();
      showNumbers(frame.header, $);
      store.drawn = frame.header;
      stats.drew(performance.now() - start);
    }
  }
}

/** Ask for the next frame as soon as this one is decoded, so the server builds it while this
 * one is drawn; the loop draws whichever is newest. A hidden tab stops asking for frames, and
 * asks again when it is shown. */
function ackLatest() {
  const number = store.frame?.header.frame;
  if (number !== undefined && number !== store.acked && !document.hidden) {
    store.acked = number;
    connection.ack(number);
  }
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) store.dirty = true;
  ackLatest();
});

function hideControls() {
  showFigureParts(view.ui);
  document.body.classList.toggle("hide-text", Boolean(view.ui.hideText));
  // TF: hiding the train/test ratio hides the test loss too.
  document.body.classList.toggle("hide-test", view.hidden.includes("percTrainData"));
  for (const [name, id] of Object.entries(HIDABLE)) {
    const element = $(id);
    if (element) (element.closest("label") ?? element).hidden = view.hidden.includes(name);
  }
}

fetch("/api/datasets")
  .then((response) => response.json())
  .then((datasets) => {
    controls.catalog = datasets;
    if (store.state) controls.showDatasets(store.state.config);
  });
bindControls($, {
  change,
  send,
  get: () => store,
  view,
  commands: { togglePlay, step, reset },
  explainer,
  editor,
  writeHash,
  redraw,
  place: () => controls.place(),
});
drawAxes($);
hideControls();
if (document.body.classList.contains("embed")) {
  startLazily(connection, () => link.config, { shown: () => (link = parseHash(location.hash)) });
} else connection.open();
requestAnimationFrame(loop);
