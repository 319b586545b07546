// The playground page: controls send messages, the socket stores what arrives (and acks each
// frame as it comes, docs/protocol.md), and one requestAnimationFrame loop draws the latest.

import { Connection, memoryStorage } from "./connection.js";
import { hashKey, parseHash, serializeHash } from "./hash.js";
import { radioGroup } from "./radios.js";
import { Cards } from "./cards.js";
import { LossChart } from "./chart.js";
import { BestPanel } from "./best.js";
import { startLazily } from "./lazy.js";
import { Sliders, showFigureParts } from "./figure.js";
import { CLASS_COLOURS, css } from "./colors.js";
import { datasetButtons, datasetField } from "./datasets.js";
import { Editor } from "./editor.js";
import { Explainer } from "./explainer.js";
import { Share } from "./share.js";
import { INPUT_LABELS, NetworkView } from "./network.js";
import { drawAxes, drawOutput, showNumbers } from "./output.js";

const ALL_FEATURES = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY"];
const NEW_LAYER_NEURONS = 2; // TF: a new layer starts with 2 neurons
const CONTROL_WIDTH = 88; // px, the widest of a column's neuron controls
const NARROW_CONTROL = 64; // px: narrower, a column's controls drop the slider and the word
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
let catalog = []; // /api/datasets: every dataset with a sample for its thumbnail
// The session as this connection last heard it: its state, the newest frame and the one drawn,
// and the frame last acked. A welcome starts it anew: another connection numbers its own.
const store = { state: null, frame: null, drawn: null, dirty: false, acked: null };
// Frames drawn since the page loaded, and the milliseconds spent drawing them:
// benchmarks/browser.py reads them. The browser tests read whether the newest frame is unacked,
// how many times the page has joined a session, whether a restore is on its way, and whether
// the picture is of the session's current state.
const stats = {
  framesDrawn: 0,
  drawMs: 0,
  get holding() {
    return store.frame !== null && store.frame.header.frame !== store.acked;
  },
  get restoring() {
    return connection.restoring !== null;
  },
  get welcomes() {
    return connection.welcomes;
  },
  get current() {
    return store.drawn !== null && store.drawn.state_id === store.state?.state_id;
  },
};
window.lernmi = stats;
const network = new NetworkView($("net"), !document.body.classList.contains("embed"));
// The layout the network view last drew with, in CSS pixels, with the input features in its
// first column, and the numbers explain mode last wrote on it (the browser tests check the
// drawing against them).
Object.defineProperties(stats, {
  layout: { get: () => network.drawn },
  tags: { get: () => network.tags },
});
stats.placeOf = (id) => network.placeOf(id);
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

const socketUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
// A tab keeps its session's token and snapshot in sessionStorage: a reload gets the session back
// (or restores it from the snapshot), and every tab has a session of its own. A frame (an embed,
// the share dialog's preview) keeps them in memory, so embeds never share a session.
const framed = window.top !== window || document.body.classList.contains("embed");
const connection = new Connection(socketUrl, framed ? memoryStorage() : sessionStorage, {
  message(message) {
    if (message.type === "welcome") {
      Object.assign(store, { state: null, frame: null, drawn: null, acked: null });
      if (!linkApplied) openLink();
      linkApplied = true;
    } else if (message.type === "state") {
      if (explainer.active && store.state) explainer.clear(); // new data or a new network
      store.state = message;
      chart.reset(message.history);
      best.state(message);
      sliders.state(message, view.ui.sliders);
      showControls(message);
      writeHash();
      tell(""); // a change went through: what was wrong before no longer holds
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
      if (store.state) showControls(store.state); // every control back to what the session has
    }
  },
  frame(frame) {
    store.previous = store.frame?.arrays.params; // for the change each weight is getting
    store.frame = frame;
    chart.add(frame.header);
    best.show(frame.header);
    sliders.values(frame.arrays.params);
    store.dirty = true;
    ackLatest();
  },
  status(status, reason) {
    $("status").textContent = reason ? `${status}: ${reason}` : status;
  },
});

const chart = new LossChart($("chart"), $("readout"));
const send = (message) => connection.send(message);
const explainer = new Explainer($, {
  send,
  redraw: () => (store.dirty = true),
  get: () => ({ state: store.state, playing: playing() }),
});
stats.explainer = explainer; // the browser tests read its trace
const editor = new Editor($, { send, get: () => store.state });
const share = new Share($, { send, get: () => ({ state: store.state, ui: view.ui }) });
const cards = new Cards($, {
  send,
  network,
  get: () => store,
  view,
  redraw: () => (store.dirty = true),
});
const change = (changes) => send({ type: "config", changes });
const best = new BestPanel($, { chart, send, change });
const sliders = new Sliders($("sliders"), send);

/** Links that carry the configuration: the embed's "open in the playground", and the oEmbed
 * discovery link (for tools that read the live page; the server's copy has no hash). */
function linkHere() {
  if ($("full_link")) $("full_link").href = `${location.origin}/${location.hash}`;
  const discovery = document.querySelector('link[type="application/json+oembed"]');
  const url = new URL(discovery.href);
  url.searchParams.set("url", location.href);
  discovery.href = url.href;
}

// -- controls ----------------------------------------------------------------------------------
/** A selector that finds the focused control again once the controls are rebuilt. */
function focusKey(element) {
  if (!element || element === document.body) return null;
  if (element.id) return `#${CSS.escape(element.id)}`;
  for (const name of ["data-feature", "aria-label"]) {
    const value = element.getAttribute(name);
    if (value) return `[${name}="${CSS.escape(value)}"]`;
  }
  return null;
}

function showControls(state) {
  const focused = focusKey(document.activeElement);
  showEachControl(state);
  // A rebuilt button takes the focus of the one it replaces: the next key goes where it went.
  const lost = !document.activeElement || document.activeElement === document.body;
  if (focused && lost) document.querySelector(focused)?.focus();
}

function showEachControl(state) {
  const c = state.config;
  for (const id of ["activation", "regularization", "problem", "optimizer", "loss"]) $(id).value = c[id];
  $("learning_rate").value = String(c.learning_rate);
  $("regularization_rate").value = String(c.regularization_rate);
  if (![...$("speed").options].some((option) => option.value === String(state.speed))) {
    $("speed").add(new Option(String(state.speed), String(state.speed))); // set by another client
  }
  $("speed").value = String(state.speed);
  for (const id of ["perc_train", "noise", "batch_size"]) {
    $(id).value = c[id];
    $(`${id}_out`).textContent = c[id];
  }
  $("all_train").checked = c.all_train;
  editor.show(state);
  $("layers").value = c.network_shape.length;
  $("layers_out").textContent = c.network_shape.length;
  $("layers").max = state.limits.max_hidden_layers;
  $("layer_less").disabled = c.network_shape.length === 0;
  $("layer_more").disabled = c.network_shape.length >= state.limits.max_hidden_layers;
  showDatasets(c);
  showFeatures(c);
  showNeurons(c);
  showClassLegend(c.n_classes);
  const layers = c.network_shape.length
    ? `hidden layers of ${c.network_shape.join(", ")} neurons`
    : "no hidden layer";
  const outputs = state.network.layers.at(-1).neurons.length;
  $("net").setAttribute(
    "aria-label",
    `The network: inputs ${c.features.join(", ")}; ${layers}; ${outputs} output neuron${outputs > 1 ? "s" : ""}`,
  );
}

function showDatasets(c) {
  const focused = $("datasets").contains(document.activeElement);
  $("datasets").replaceChildren(...datasetButtons(catalog, c, change));
  radioGroup($("datasets"), focused);
  const active = c[datasetField(c)];
  const most = catalog.find((d) => d.name === active)?.max_classes ?? (active === "own" ? 5 : 2);
  $("n_classes").closest("label").hidden = c.problem !== "classification" || most < 3;
  $("n_classes").replaceChildren(
    ...Array.from({ length: most - 1 }, (_, i) => new Option(String(i + 2), String(i + 2))),
  );
  $("n_classes").value = String(c.n_classes);
}

function showClassLegend(classes) {
  $("class_legend").hidden = classes < 3;
  $("class_swatches").replaceChildren(
    ...CLASS_COLOURS.slice(0, classes).map((colour) => {
      const swatch = document.createElement("span");
      swatch.style.background = css(colour);
      return swatch;
    }),
  );
}

/** The input features in the network's first column: every one that is on, and those that are
 * off unless a link hides them (TF's NAME_hide). */
function shownInputs(c) {
  return ALL_FEATURES.filter((name) => c.features.includes(name) || !view.hidden.includes(name));
}

// Each input's label is a button over its place in the first column: a click turns the
// feature on or off; one that is off stays in its place, drawn faintly.
function showFeatures(c) {
  $("features").replaceChildren(
    ...shownInputs(c).map((name) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "feature";
      button.textContent = INPUT_LABELS[name];
      button.dataset.feature = name;
      const on = c.features.includes(name);
      button.title = `${INPUT_LABELS[name]}: ${on ? "on; a click turns it off" : "off; a click turns it on"}`;
      button.setAttribute("aria-pressed", String(on));
      button.addEventListener("click", () => {
        const features = on ? c.features.filter((f) => f !== name) : [...c.features, name];
        if (features.length) change({ features: ALL_FEATURES.filter((f) => features.includes(f)) });
      });
      return button;
    }),
  );
}

// Above each hidden layer's column: − and + and a slider for its neurons, and their count.
function showNeurons(c) {
  const most = store.state?.limits.max_neurons ?? 8;
  $("neurons").replaceChildren(
    ...c.network_shape.map((size, index) => {
      const control = document.createElement("div");
      control.className = "column-control";
      const resize = (size) => {
        const shape = [...c.network_shape];
        shape[index] = Math.max(1, Math.min(most, size));
        change({ network_shape: shape });
      };
      const buttons = [["−", -1, "Remove a neuron"], ["+", 1, "Add a neuron"]].map(([text, step, name]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = text;
        button.setAttribute("aria-label", `${name} in hidden layer ${index + 1}`);
        button.disabled = size + step < 1 || size + step > most;
        button.addEventListener("click", () => resize(size + step));
        return button;
      });
      const slider = document.createElement("input");
      Object.assign(slider, { type: "range", min: 1, max: most, step: 1, value: size });
      slider.setAttribute("aria-label", `Neurons in hidden layer ${index + 1}`);
      slider.addEventListener("change", () => resize(Number(slider.value)));
      const count = document.createElement("output");
      const number = document.createElement("span");
      const word = document.createElement("span");
      const say = (n) => {
        number.textContent = n;
        word.textContent = n > 1 ? " neurons" : " neuron";
      };
      say(size);
      count.append(number, word);
      slider.addEventListener("input", () => say(Number(slider.value)));
      const row = document.createElement("div");
      row.append(...buttons);
      control.append(row, slider, count);
      return control;
    }),
  );
  placeControls();
}

/** Fit the network view to its stage, lay the network out, and put the input labels and the
 * columns' controls where the layout says. */
function placeControls() {
  const stage = $("stage");
  const resized = network.resize(stage.clientWidth, stage.clientHeight);
  if (!store.state) return;
  const c = store.state.config;
  const { box, xs, tops, labels, font } = network.arrange(store.state.network, shownInputs(c));
  [...$("features").children].forEach((button, r) => {
    const label = labels[r];
    Object.assign(button.style, {
      left: `${label.x}px`,
      top: `${Math.min(label.y, tops[0][r])}px`,
      width: `${xs[0] + box - label.x}px`,
      height: `${Math.max(label.height, box)}px`,
      paddingRight: `${xs[0] + box - label.x - label.width}px`,
      fontSize: `${font}px`,
    });
  });
  const pitch = xs.length > 1 ? xs[1] - xs[0] : CONTROL_WIDTH;
  const width = Math.min(CONTROL_WIDTH, pitch - 6);
  // Where the columns stand close (a phone, a deep network), − and + and the count only.
  $("neurons").classList.toggle("narrow", width < NARROW_CONTROL);
  [...$("neurons").children].forEach((control, i) => {
    const left = Math.max(0, Math.min(network.width - width, xs[i + 1] + box / 2 - width / 2));
    Object.assign(control.style, { left: `${left}px`, width: `${width}px` });
  });
  if (resized) store.dirty = true;
}

function bind() {
  for (const id of ["activation", "regularization", "problem", "optimizer", "loss"]) {
    $(id).addEventListener("change", () => change({ [id]: $(id).value }));
  }
  // Several classes learn with a softmax output and cross-entropy (the loss can be set back).
  $("n_classes").addEventListener("change", () => {
    const k = Number($("n_classes").value);
    const loss = k > 2 && store.state.config.loss === "square" ? { loss: "cross_entropy" } : {};
    change({ n_classes: k, ...loss });
  });
  for (const id of ["learning_rate", "regularization_rate"]) {
    $(id).addEventListener("change", () => change({ [id]: Number($(id).value) }));
  }
  for (const id of ["perc_train", "noise", "batch_size"]) {
    $(id).addEventListener("input", () => ($(`${id}_out`).textContent = $(id).value));
    $(id).addEventListener("change", () => change({ [id]: Number($(id).value) }));
  }
  $("layers").addEventListener("input", () => ($("layers_out").textContent = $("layers").value));
  const layers = (count) => {
    const shape = [...store.state.config.network_shape];
    while (shape.length < count) shape.push(NEW_LAYER_NEURONS);
    change({ network_shape: shape.slice(0, Math.max(0, Math.min(store.state.limits.max_hidden_layers, count))) });
  };
  $("layers").addEventListener("change", () => layers(Number($("layers").value)));
  $("layer_less").addEventListener("click", () => layers(store.state.config.network_shape.length - 1));
  $("layer_more").addEventListener("click", () => layers(store.state.config.network_shape.length + 1));
  new ResizeObserver(placeControls).observe($("stage"));
  $("speed").addEventListener("change", () => {
    const value = $("speed").value;
    send({ type: "speed", epochs_per_frame: value === "max" ? "max" : Number(value) });
  });
  $("play").addEventListener("click", togglePlay);
  $("step").addEventListener("click", step);
  $("reset").addEventListener("click", reset);
  $("explain_button").addEventListener("click", () => explainer.toggle());
  // A click on the output view picks a point to explain, or draws (right-click removes).
  const onMap = (event) => {
    if (!store.state || !(explainer.active || editor.active)) return;
    event.preventDefault();
    const box = $("heatmap").getBoundingClientRect();
    const x = Math.max(-6, Math.min(6, ((event.clientX - box.left) / box.width) * 12 - 6));
    const y = Math.max(-6, Math.min(6, 6 - ((event.clientY - box.top) / box.height) * 12));
    if (explainer.active) explainer.pickNear(x, y, view.ui.showTestData);
    else editor.click(event, x, y);
  };
  $("heatmap").addEventListener("click", onMap);
  $("heatmap").addEventListener("contextmenu", onMap);
  $("all_train").addEventListener("change", () => change({ all_train: $("all_train").checked }));
  $("confusion_box").addEventListener("toggle", () =>
    send({ type: "confusion", show: $("confusion_box").open }),
  );
  $("regenerate").addEventListener("click", () => send({ type: "regenerate" }));
  const flags = [
    ["show_test", "showTestData"],
    ["discretize", "discretize"],
    ["sensitivity", "sensitivity"],
  ];
  for (const [id, key] of flags) {
    $(id).checked = Boolean(view.ui[key]);
    $(id).addEventListener("change", () => {
      view.ui[key] = $(id).checked;
      writeHash();
      store.dirty = true;
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return; // the browser's own shortcuts
    // Space on a focused button presses that button, as everywhere else.
    if (event.key === " " && event.target instanceof HTMLButtonElement) return;
    if (explainer.key(event)) {
      event.preventDefault();
      return;
    }
    const keys = {
      " ": togglePlay,
      ArrowRight: step,
      r: reset,
      e: () => explainer.toggle(),
      s: () => $("sensitivity").click(),
    };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
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

function loop() {
  requestAnimationFrame(loop);
  if (store.dirty && store.state && store.frame) {
    store.dirty = false;
    // A frame built just before a change can arrive just after its state: acked, never drawn.
    if (store.frame.header.state_id === store.state.state_id) {
      const start = performance.now();
      view.explained = explainer.active ? explainer.index : null;
      drawOutput($("heatmap"), store.frame, store.state, view);
      placeControls();
      network.draw(store.state, store.frame, view.ui.sensitivity, explainer.focus() ?? cards.focus());
      chart.draw();
      showNumbers(store.frame.header, $);
      store.drawn = store.frame.header;
      stats.framesDrawn += 1;
      stats.drawMs += performance.now() - start;
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
    catalog = datasets;
    if (store.state) showDatasets(store.state.config);
  });
bind();
drawAxes($);
hideControls();
if (document.body.classList.contains("embed")) {
  startLazily(connection, () => link.config, { shown: () => (link = parseHash(location.hash)) });
} else connection.open();
requestAnimationFrame(loop);
