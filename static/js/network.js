// The network view: a column per layer (the inputs first), each neuron drawn as the map of its
// output, each link a line coloured by its weight's sign and as wide as its size, or, in the
// sensitivity view, by its sensitivity: how much of the error it is to blame for.

import { css, diverging, paint } from "./colors.js";

const BOX = [24, 52]; // px, a neuron's map: as big as the tallest column leaves room for
const CELLS = 20; // the neuron maps' grid
const MAX_WIDTH = 10; // px, the widest link (TF: |w| mapped [0, 5] → [1, 10])
const FEATURES = {
  x: (x) => x / 6,
  y: (x, y) => y / 6,
  xSquared: (x) => (x * x) / 18 - 1,
  ySquared: (x, y) => (y * y) / 18 - 1,
  xTimesY: (x, y) => (x * y) / 18,
  sinX: (x) => Math.sin(x),
  sinY: (x, y) => Math.sin(y),
  cosX: (x) => Math.cos(x),
  cosY: (x, y) => Math.cos(y),
};

const tiles = new Map(); // a feature's map, drawn once

function tile(bytes, range = [-1, 1]) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = CELLS;
  canvas.getContext("2d").putImageData(new ImageData(paint(bytes, range), CELLS, CELLS), 0, 0);
  return canvas;
}

// A frame's neuron maps stacked in a tall canvas (one for the hidden layers, one for the
// output): one paint and one putImageData a frame, and each box drawn from its slice.
const atlases = { hidden: document.createElement("canvas"), output: document.createElement("canvas") };

function paintAtlas(atlas, bytes, range) {
  const rows = bytes.length / CELLS;
  if (rows === 0) return atlas; // no hidden layers
  if (atlas.width !== CELLS || atlas.height !== rows) Object.assign(atlas, { width: CELLS, height: rows });
  atlas.getContext("2d").putImageData(new ImageData(paint(bytes, range), CELLS, rows), 0, 0);
  return atlas;
}

/** A feature's map as a small canvas, drawn once (the feature buttons show it too). */
export function featureTile(name) {
  if (!tiles.has(name)) {
    const bytes = new Uint8Array(CELLS * CELLS);
    for (let row = 0; row < CELLS; row++) {
      for (let col = 0; col < CELLS; col++) {
        const x = -6 + (12 * col) / (CELLS - 1);
        const y = 6 - (12 * row) / (CELLS - 1);
        const v = Math.max(-1, Math.min(1, FEATURES[name](x, y)));
        bytes[row * CELLS + col] = Math.round((v + 1) * 127.5);
      }
    }
    tiles.set(name, tile(bytes));
  }
  return tiles.get(name);
}

/** Where each neuron (by id) sits, its box's top-left corner, and the boxes' size. */
function layout(canvas, network) {
  const columns = [network.inputs, ...network.layers.map((layer) => layer.neurons)];
  const tallest = Math.max(...columns.map((ids) => ids.length));
  const box = Math.round(Math.max(BOX[0], Math.min(BOX[1], (canvas.height - 20) / tallest - 10)));
  const places = new Map();
  columns.forEach((ids, c) => {
    const x = 10 + (c * (canvas.width - box - 20)) / Math.max(1, columns.length - 1);
    const gap = Math.min(box + 12, (canvas.height - 20) / ids.length);
    const top = (canvas.height - gap * (ids.length - 1) - box) / 2;
    ids.forEach((id, row) => places.set(id, [x, top + row * gap]));
  });
  return { places, box };
}

/** Where a weight's link (its middle) or a bias's neuron (its box's corner) is drawn, in canvas
 * pixels: where the keyboard's choice puts its card. */
export function placeOf(canvas, network, id) {
  const { places, box } = layout(canvas, network);
  const link = network.links.find(([link]) => link === id);
  if (!link) {
    const [x, y] = places.get(id);
    return [x + box, y + box];
  }
  const [x1, y1] = places.get(link[1]);
  const [x2, y2] = places.get(link[2]);
  return [(x1 + box + x2) / 2, (y1 + y2 + box) / 2];
}

/** What is under canvas point (x, y): {kind: "bias", id} on a neuron's box, {kind: "weight",
 * id} within a few pixels of a link, or null. */
export function hitTest(canvas, network, x, y) {
  const { places, box } = layout(canvas, network);
  for (const layer of network.layers) {
    for (const id of layer.neurons) {
      const [left, top] = places.get(id);
      if (x >= left && x <= left + box && y >= top && y <= top + box) return { kind: "bias", id };
    }
  }
  let best = null;
  for (const [id, source, dest] of network.links) {
    const [x1, y1] = places.get(source);
    const [x2, y2] = places.get(dest);
    const d = distance(x, y, x1 + box, y1 + box / 2, x2, y2 + box / 2);
    if (d < 6 && (!best || d < best.d)) best = { kind: "weight", id, d };
  }
  return best && { kind: best.kind, id: best.id };
}

function distance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

/** The network: links, neuron maps and biases. `focus` (explain mode's current step, or null)
 * dims every link but its own, rings its neurons and writes its numbers beside them. */
export function drawNetwork(canvas, state, frame, sensitivityView, focus = null) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const network = state.network;
  const { places, box } = layout(canvas, network);
  const index = new Map(network.params.map((id, i) => [id, i]));
  const values = sensitivityView ? frame.arrays.sensitivities : frame.arrays.params;
  let scale = 1;
  if (sensitivityView) {
    scale = Math.max(...network.links.map(([id]) => Math.abs(values[index.get(id)])), 1e-12);
  }
  const focused = new Set(focus?.links ?? []);
  for (const [id, source, dest] of network.links) {
    ctx.globalAlpha = focus && !focused.has(id) ? 0.15 : 1;
    const value = values[index.get(id)];
    const size = sensitivityView ? Math.abs(value) / scale : Math.min(Math.abs(value), 5) / 5;
    // In the sensitivity view the colour is the sign of the change the link is getting (−s).
    ctx.strokeStyle = css(diverging(sensitivityView ? -value / scale : value));
    ctx.lineWidth = 1 + (MAX_WIDTH - 1) * size;
    // While training, dashes drift along each link: forwards for weights, backwards (from the
    // output towards the inputs) for sensitivities, the way the blame flows.
    ctx.setLineDash(frame.header.playing ? [6, 3] : []);
    ctx.lineDashOffset = (sensitivityView ? 1 : -1) * (frame.header.frame % 9);
    const [x1, y1] = places.get(source);
    const [x2, y2] = places.get(dest);
    ctx.beginPath();
    ctx.moveTo(x1 + box, y1 + box / 2);
    ctx.lineTo(x2, y2 + box / 2);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  ctx.imageSmoothingEnabled = false;
  network.inputs.forEach((name) => {
    const [x, y] = places.get(name);
    ctx.drawImage(featureTile(name), x, y, box, box);
  });
  // The hidden neurons' maps, then each output neuron's, sampled from its 100×100 map (a
  // class's probability, for softmax), on the output's range.
  const hidden = network.layers.slice(0, -1).flatMap((layer) => layer.neurons);
  const maps = paintAtlas(atlases.hidden, frame.arrays.neuron_maps, [-1, 1]);
  hidden.forEach((id, n) => {
    const [x, y] = places.get(id);
    ctx.drawImage(maps, 0, n * CELLS, CELLS, CELLS, x, y, box, box);
  });
  const output = frame.arrays.output_maps;
  const outputs = network.layers.at(-1).neurons;
  const small = new Uint8Array(outputs.length * CELLS * CELLS);
  outputs.forEach((_, j) => {
    for (let row = 0; row < CELLS; row++) {
      for (let col = 0; col < CELLS; col++) {
        small[(j * CELLS + row) * CELLS + col] = output[j * 10000 + row * 500 + col * 5];
      }
    }
  });
  const outputMaps = paintAtlas(atlases.output, small, frame.header.blocks.at(-1).range);
  outputs.forEach((id, j) => {
    const [x, y] = places.get(id);
    ctx.drawImage(outputMaps, 0, j * CELLS, CELLS, CELLS, x, y, box, box);
  });
  // Each neuron's bias, a small square at its box's bottom-left corner, the output's included.
  for (const layer of network.layers) {
    for (const id of layer.neurons) {
      const [x, y] = places.get(id);
      const value = values[index.get(id)];
      ctx.fillStyle = css(diverging(sensitivityView ? -value / scale : value));
      ctx.strokeStyle = "#555";
      ctx.lineWidth = 1;
      ctx.fillRect(x - 4, y + box - 6, 8, 8);
      ctx.strokeRect(x - 4, y + box - 6, 8, 8);
    }
  }
  if (focus) drawFocus(ctx, network, places, box, focus);
}

/** A number on a white tag centred at (x, y). */
function tag(ctx, text, x, y) {
  ctx.font = "11px system-ui, sans-serif";
  const width = ctx.measureText(text).width + 6;
  ctx.fillStyle = "rgba(255, 255, 255, 0.92)";
  ctx.fillRect(x - width / 2, y - 7, width, 14);
  ctx.fillStyle = "#111";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x, y);
}

function drawFocus(ctx, network, places, box, focus) {
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 2.5;
  for (const id of focus.neurons) {
    const [x, y] = places.get(id);
    ctx.strokeRect(x - 3, y - 3, box + 6, box + 6);
  }
  // A link's number sits 60 % of the way back towards its source: links into one neuron fan out
  // there, so their tags do not overlap.
  const ends = new Map(network.links.map(([id, source, dest]) => [id, [source, dest]]));
  for (const [id, text] of Object.entries(focus.labels)) {
    const [source, dest] = ends.get(id);
    const [x1, y1] = places.get(source);
    const [x2, y2] = places.get(dest);
    tag(ctx, text, x2 + 0.6 * (x1 + box - x2), y2 + box / 2 + 0.6 * (y1 - y2));
  }
  for (const [id, text] of Object.entries(focus.values)) {
    const [x, y] = places.get(id);
    tag(ctx, text, x + box / 2, y + box + 12);
  }
}
