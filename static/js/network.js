// The network view: each neuron drawn as the smoothed map of its output, each link a curve
// coloured by its weight's sign and as wide as its size, or, in the sensitivity view, by its
// sensitivity: how much of the error it is to blame for. Where everything goes is layout.js's
// job; docs/design.md says what every stroke and colour means.

import { css, diverging, paint } from "./colors.js";
import { layoutNetwork } from "./layout.js";

const CELLS = 20; // the neuron maps' grid
const PADDED = CELLS + 2; // a map in its atlas, its edge repeated: smoothing never bleeds across
const LINK_WIDTH = 0.3; // the widest link, in boxes (TF: |w| mapped [0, 5] → [1, 10] px)
const OFF_ALPHA = 0.28; // an input feature that is off: drawn faintly, in its place
const DIM_ALPHA = 0.12; // links outside explain mode's step
const FRAME = "rgba(0, 0, 0, 0.35)"; // a box's outline
const TAG_FONT = "11px system-ui, sans-serif";
/** `count` maps of CELLS × CELLS bytes, each cell `at(k, row, col)`, painted into one tall
 * canvas of PADDED × PADDED cells with each map's edge repeated around it: one paint and one
 * putImageData a frame, and each box drawn smoothly from its cell. */
function paintAtlas(atlas, count, at, range) {
  if (count === 0) return atlas; // no hidden layers
  const bytes = new Uint8Array(count * PADDED * PADDED);
  const clamp = (i) => Math.max(0, Math.min(CELLS - 1, i - 1));
  for (let k = 0; k < count; k++) {
    for (let row = 0; row < PADDED; row++) {
      const offset = (k * PADDED + row) * PADDED;
      for (let col = 0; col < PADDED; col++) bytes[offset + col] = at(k, clamp(row), clamp(col));
    }
  }
  if (atlas.width !== PADDED || atlas.height !== count * PADDED) {
    Object.assign(atlas, { width: PADDED, height: count * PADDED });
  }
  atlas.getContext("2d").putImageData(new ImageData(paint(bytes, range), PADDED, count * PADDED), 0, 0);
  return atlas;
}

/** A feature's thumbnail: its formula over the grid, its thumbnail range spread over the
 * colour scale's [-1, 1] (the registry's, registry.js). */
function featureTile(feature) {
  const [low, high] = feature.thumbnail;
  const value = (row, col) => {
    const x = -6 + (12 * col) / (CELLS - 1);
    const y = 6 - (12 * row) / (CELLS - 1);
    const scaled = ((feature.fn(x, y) - low) / (high - low)) * 2 - 1;
    return Math.round((Math.max(-1, Math.min(1, scaled)) + 1) * 127.5);
  };
  return paintAtlas(document.createElement("canvas"), 1, (_, r, c) => value(r, c), [-1, 1]);
}

/** The point at t ∈ [0, 1] on a link's curve: a cubic Bézier leaving its source and arriving at
 * its destination horizontally, so the links of one neuron fan out smoothly. */
function curvePoint([x1, y1, x2, y2], t) {
  const mx = (x1 + x2) / 2;
  const u = 1 - t;
  const x = u * u * u * x1 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * x2;
  const y = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
  return [x, y];
}

function segmentDistance(px, py, [x1, y1], [x2, y2]) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

export class NetworkView {
  /** The view of `canvas`: sized by devicePixelRatio, laid out in CSS pixels; `registry`: the
   * server's (registry.js), for the inputs' thumbnails; `explains`: whether explain mode may
   * write numbers right of the outputs (not in the embed). */
  constructor(canvas, registry, explains = true) {
    this.canvas = canvas;
    this.registry = registry;
    this.explains = explains;
    this.thumbnails = new Map(); // a feature's map never changes: drawn once
    this.ctx = canvas.getContext("2d");
    this.width = 0;
    this.height = 0;
    this.key = null; // what the layout was made for
    this.layout = null;
    this.drawn = null; // the layout of the last drawing
    this.places = new Map(); // neuron id or feature name → its box's top-left corner
    this.tags = []; // the rectangles of the numbers explain mode wrote, last drawn
    this.atlases = { hidden: document.createElement("canvas"), output: document.createElement("canvas") };
  }

  /** Fit the canvas to `width` × `height` CSS pixels; true when that changed its size. */
  resize(width, height) {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.round(width * ratio);
    const h = Math.round(height * ratio);
    if (w === this.canvas.width && h === this.canvas.height && width === this.width) return false;
    Object.assign(this.canvas, { width: w, height: h });
    Object.assign(this, { width, height, ratio, key: null });
    return true;
  }

  /** Lay out `network` with the input features `inputs` (on and off, in their order). */
  arrange(network, inputs) {
    const key = `${this.width}×${this.height}:${inputs}:${network.layers.map((l) => l.neurons.length)}`;
    if (key === this.key) return this.layout;
    const columns = [inputs, ...network.layers.map((layer) => layer.neurons)];
    const sizes = columns.map((ids) => ids.length);
    this.layout = layoutNetwork(this.width, this.height, sizes, this.explains ? undefined : 0);
    this.places = new Map();
    columns.forEach((ids, c) => ids.forEach((id, r) => this.places.set(id, [this.layout.xs[c], this.layout.tops[c][r]])));
    Object.assign(this, { key, inputs, network });
    return this.layout;
  }

  /** A link's curve: from its source's right edge to its destination's left edge, mid-height. */
  ends(source, dest) {
    const { box } = this.layout;
    const [x1, y1] = this.places.get(source);
    const [x2, y2] = this.places.get(dest);
    return [x1 + box, y1 + box / 2, x2, y2 + box / 2];
  }

  /** Where a weight's link (its middle) or a bias's neuron (its box's corner) is, in CSS
   * pixels: where the keyboard's choice puts its card. */
  placeOf(id) {
    const link = this.network.links.find(([link]) => link === id);
    if (!link) {
      const [x, y] = this.places.get(id);
      return [x + this.layout.box, y + this.layout.box];
    }
    return curvePoint(this.ends(link[1], link[2]), 0.5);
  }

  /** What is under (x, y), in CSS pixels: {kind: "bias", id} on a neuron's box, {kind:
   * "weight", id} within a few pixels of a link, or null. */
  hitTest(x, y) {
    if (!this.layout) return null;
    const { box } = this.layout;
    for (const layer of this.network.layers) {
      for (const id of layer.neurons) {
        const [left, top] = this.places.get(id);
        if (x >= left && x <= left + box && y >= top && y <= top + box) return { kind: "bias", id };
      }
    }
    let best = null;
    for (const [id, source, dest] of this.network.links) {
      const ends = this.ends(source, dest);
      if (x < ends[0] - 6 || x > ends[2] + 6) continue;
      let previous = curvePoint(ends, 0);
      for (let i = 1; i <= 16; i++) {
        const point = curvePoint(ends, i / 16);
        const d = segmentDistance(x, y, previous, point);
        if (d < 5 && (!best || d < best.d)) best = { id, d };
        previous = point;
      }
    }
    return best && { kind: "weight", id: best.id };
  }

  /** The network: links, neuron maps, biases, and the input features that are off, faintly.
   * `focus` (explain mode's step, or the keyboard's choice, or null) dims every link but its
   * own, rings its neurons and writes its numbers beside them. */
  draw(state, frame, sensitivityView, focus = null) {
    const { ctx } = this;
    const network = state.network;
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    const index = new Map(network.params.map((id, i) => [id, i]));
    const values = sensitivityView ? frame.arrays.sensitivities : frame.arrays.params;
    let scale = 1;
    if (sensitivityView) {
      scale = Math.max(...network.links.map(([id]) => Math.abs(values[index.get(id)])), 1e-12);
    }
    const paint = { value: (id) => values[index.get(id)], scale, sensitivityView };
    paint.colour = (value) => css(diverging(sensitivityView ? -value / scale : value));
    this.drawLinks(network, frame.header, paint, focus);
    this.drawInputs(network);
    this.drawMaps(network, frame);
    this.drawBiases(network, paint);
    this.tags = [];
    if (focus) this.drawFocus(focus);
    this.drawn = { ...this.layout, inputs: this.inputs };
  }

  /** Each link a curve, coloured by its weight (or, in the sensitivity view, by the sign of the
   * change it is getting, −s) and as wide as its size. */
  drawLinks(network, header, { value, scale, sensitivityView, colour }, focus) {
    const { ctx } = this;
    const { box } = this.layout;
    const focused = new Set(focus?.links ?? []);
    // While training, dashes drift along each link: forwards for weights, backwards (from the
    // output towards the inputs) for sensitivities, the way the blame flows.
    ctx.setLineDash(header.playing ? [6, 3] : []);
    ctx.lineDashOffset = (sensitivityView ? 1 : -1) * (header.frame % 9);
    for (const [id, source, dest] of network.links) {
      ctx.globalAlpha = focus && !focused.has(id) ? DIM_ALPHA : 1;
      const v = value(id);
      const size = sensitivityView ? Math.abs(v) / scale : Math.min(Math.abs(v), 5) / 5;
      ctx.strokeStyle = colour(v);
      ctx.lineWidth = 1 + (LINK_WIDTH * box - 1) * size;
      const [x1, y1, x2, y2] = this.ends(source, dest);
      const mx = (x1 + x2) / 2;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.bezierCurveTo(mx, y1, mx, y2, x2, y2);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }

  /** The input features' thumbnails, those that are off faintly. */
  drawInputs(network) {
    const { ctx } = this;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "medium";
    const on = new Set(network.inputs);
    for (const name of this.inputs) {
      if (!this.thumbnails.has(name)) this.thumbnails.set(name, featureTile(this.registry.features[name]));
      ctx.globalAlpha = on.has(name) ? 1 : OFF_ALPHA;
      this.drawBox(this.thumbnails.get(name), 0, name);
    }
    ctx.globalAlpha = 1;
  }

  /** The hidden neurons' maps, then each output neuron's, sampled from its map (a class's
   * probability, for softmax) on the output's range. */
  drawMaps(network, frame) {
    const hidden = network.layers.slice(0, -1).flatMap((layer) => layer.neurons);
    // Each map sampled every `step` cells of its grid (the frame's shapes say the grid).
    const sampler = (maps, [, cells]) => {
      const step = cells / CELLS;
      return (k, r, c) => maps[(k * cells + r * step) * cells + c * step];
    };
    const maps = sampler(frame.arrays.neuron_maps, frame.shapes.neuron_maps);
    const atlas = paintAtlas(this.atlases.hidden, hidden.length, maps, [-1, 1]);
    hidden.forEach((id, k) => this.drawBox(atlas, k, id));
    const outputs = network.layers.at(-1).neurons;
    const sample = sampler(frame.arrays.output_maps, frame.shapes.output_maps);
    const outAtlas = paintAtlas(this.atlases.output, outputs.length, sample, frame.ranges.output_maps);
    outputs.forEach((id, k) => this.drawBox(outAtlas, k, id));
  }

  /** Each neuron's bias, a small square at its box's bottom-left corner, the output's included:
   * 8 px, or a quarter of a small box. */
  drawBiases(network, { value, colour }) {
    const { ctx } = this;
    const { box } = this.layout;
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1;
    const bias = Math.max(4, Math.min(8, Math.round(box / 4)));
    for (const layer of network.layers) {
      for (const id of layer.neurons) {
        const [x, y] = this.places.get(id);
        ctx.fillStyle = colour(value(id));
        ctx.fillRect(x - bias / 2, y + box - bias + 2, bias, bias);
        ctx.strokeRect(x - bias / 2, y + box - bias + 2, bias, bias);
      }
    }
  }

  /** Cell `k` of an atlas, smoothed into the box of `id`, with a thin frame. */
  drawBox(atlas, k, id) {
    const { ctx } = this;
    const { box } = this.layout;
    const [x, y] = this.places.get(id);
    ctx.drawImage(atlas, 1, k * PADDED + 1, CELLS, CELLS, x, y, box, box);
    ctx.strokeStyle = FRAME;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, box - 1, box - 1);
  }

  /** A number on a white tag centred on the first of `spots(width)` where it overlaps no
   * other tag and no box (or, when every spot is taken, where it overlaps least). */
  tag(text, spots) {
    const { ctx } = this;
    const { box } = this.layout;
    ctx.font = TAG_FONT;
    const width = Math.ceil(ctx.measureText(text).width) + 6;
    const height = 14;
    const boxes = [...this.places.values()].map(([x, y]) => ({ x: x - 4, y, width: box + 4, height: box + 2 }));
    const rect = ([x, y]) => ({
      x: Math.max(0, Math.min(this.width - width, x - width / 2)),
      y: Math.max(0, Math.min(this.height - height, y - height / 2)),
      width,
      height,
    });
    // Covering a box hides a little of a map; covering a number hides the number.
    const cost = (r) => this.tags.filter((t) => overlaps(r, t)).length * 10 + boxes.filter((b) => overlaps(r, b)).length;
    let best = null;
    for (const spot of spots(width)) {
      const r = rect(spot);
      const c = cost(r);
      if (!best || c < best.c) best = { r, c };
      if (c === 0) break;
    }
    const { r } = best;
    this.tags.push(r);
    ctx.fillStyle = "rgba(255, 255, 255, 0.94)";
    ctx.fillRect(r.x, r.y, r.width, r.height);
    ctx.fillStyle = "#111";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, r.x + r.width / 2, r.y + r.height / 2 + 0.5);
  }

  drawFocus(focus) {
    const { ctx } = this;
    const { box } = this.layout;
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 2.5;
    for (const id of focus.neurons) {
      const [x, y] = this.places.get(id);
      ctx.strokeRect(x - 3, y - 3, box + 6, box + 6);
    }
    // A link's number on its curve, where the links of one neuron fan apart: 40 % of the way
    // from its source, or nearer one end or the other when that spot is taken; when the gap
    // between the columns is too narrow for that, just right of its source's box, on the
    // source's row (each link into one neuron has a row of its own).
    const ends = new Map(this.network.links.map(([id, source, dest]) => [id, this.ends(source, dest)]));
    const along = [0.4, 0.3, 0.5, 0.22, 0.6, 0.15, 0.7, 0.78];
    for (const [id, text] of Object.entries(focus.labels)) {
      const curve = ends.get(id);
      const points = along.map((t) => curvePoint(curve, t));
      this.tag(text, (width) => {
        const anchored = [curve[0] + 2 + width / 2, curve[1]];
        return width + 8 > curve[2] - curve[0] ? [anchored, ...points] : [...points, anchored];
      });
    }
    // A neuron's number just right of its box (where its links leave: the step's links come
    // in from the left), else below, above or left of it.
    for (const [id, text] of Object.entries(focus.values)) {
      const [x, y] = this.places.get(id);
      const [cx, cy] = [x + box / 2, y + box / 2];
      const out = box / 2 + 9;
      this.tag(text, (width) => [[x + box + 6 + width / 2, cy], [cx, cy + out], [cx, cy - out], [x - 6 - width / 2, cy]]);
    }
  }
}
