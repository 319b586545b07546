// The maps, computed in the page from a frame's weights (docs/protocol.md, "Maps in the page"):
// every hidden neuron's output on a 20×20 grid and each output neuron's on the 100×100 grid,
// as the server's frames would carry them: bytes on the colour scale's range. Pure: no DOM,
// tested against the engine's Network.evaluate (tests/app/test_page_maps.py).

export const NEURON_GRID = 20; // cells per side of each hidden neuron's map
export const OUTPUT_GRID = 100; // cells per side of the output map: TF Playground's heatmap
const DOMAIN = 6; // the grid spans [−6, 6]²

/** The grid's points, row-major from the top-left corner (engine/features.py's `grid`):
 * {x, y}, Float64Arrays of density² values. */
export function gridPoints(density) {
  const n = density * density;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let row = 0; row < density; row++) {
    for (let col = 0; col < density; col++) {
      x[row * density + col] = -DOMAIN + (2 * DOMAIN * col) / (density - 1);
      y[row * density + col] = DOMAIN - (2 * DOMAIN * row) / (density - 1);
    }
  }
  return { x, y };
}

/** The network's inputs at the grid's points: one Float32Array of n values per feature (the
 * engine evaluates in float32 too). */
export function gridInputs(registry, names, density) {
  const { x, y } = gridPoints(density);
  return names.map((name) => Float32Array.from(registry.features[name].overArrays([x, y], x.length)));
}

/** What evaluating `network` (a state's) needs: each layer's size, activation and, for each of
 * its neurons, where its bias and each incoming weight (by source) sit in the frame's params. */
export function planOf(network) {
  const index = new Map(network.params.map((id, i) => [id, i]));
  const position = new Map(network.inputs.map((name, i) => [name, i]));
  const layers = network.layers.map((layer, k) => {
    layer.neurons.forEach((id, j) => position.set(id, j));
    const width = k === 0 ? network.inputs.length : network.layers[k - 1].neurons.length;
    const weights = new Int32Array(layer.neurons.length * width).fill(-1);
    return { activation: layer.activation, size: layer.neurons.length, width, weights, biases: layer.neurons.map((id) => index.get(id)) };
  });
  const layerOf = new Map(network.layers.flatMap((layer, k) => layer.neurons.map((id) => [id, k])));
  for (const [id, source, dest] of network.links) {
    const layer = layers[layerOf.get(dest)];
    layer.weights[position.get(dest) * layer.width + position.get(source)] = index.get(id);
  }
  return layers;
}

/** Each layer's outputs at n points: Float32Arrays of size × n, neuron j's at [j·n, (j+1)·n).
 * `inputs`: one array per input; `values`: the frame's params; `activations`: the registry's.
 * A `normalized` activation (softmax) is formula(z − the layer's largest z) over the sum.
 * `scratch` (an object kept between calls of the same n) holds the buffers for the next call:
 * the arrays returned are overwritten by it. */
export function evaluate(plan, values, inputs, n, activations, scratch = {}) {
  let previous = inputs;
  return plan.map((layer, k) => {
    const activation = activations[layer.activation];
    const z = [];
    for (let j = 0; j < layer.size; j++) {
      z.push(netInput(layer, j, values, previous, n, buffer(scratch, `z${j}`, Float64Array, n)));
    }
    const out = activation.normalized ? normalize(activation, z, n) : z.map((zj) => activation.overArrays([zj], n));
    const flat = buffer(scratch, `layer${k}`, Float32Array, layer.size * n);
    out.forEach((values, j) => flat.set(values, j * n));
    previous = out.map((_, j) => flat.subarray(j * n, (j + 1) * n));
    return flat;
  });
}

function buffer(scratch, key, Type, length) {
  if (scratch[key]?.length !== length) scratch[key] = new Type(length);
  return scratch[key];
}

/** Neuron j's net input at n points into `sum`: its bias plus each input times its weight,
 * four inputs a pass (a quarter of the loads and stores of the sum). */
function netInput(layer, j, values, previous, n, sum) {
  sum.fill(values[layer.biases[j]]);
  const live = [];
  for (let i = 0; i < layer.width; i++) {
    const at = layer.weights[j * layer.width + i];
    // A dead link, or a weight of 0: nothing to add.
    if (at >= 0 && values[at] !== 0) live.push([values[at], previous[i]]);
  }
  const whole = live.length - (live.length % 4);
  for (let k = 0; k < whole; k += 4) {
    const [[w0, s0], [w1, s1], [w2, s2], [w3, s3]] = live.slice(k, k + 4);
    for (let p = 0; p < n; p++) sum[p] += w0 * s0[p] + w1 * s1[p] + w2 * s2[p] + w3 * s3[p];
  }
  for (const [w, source] of live.slice(whole)) for (let p = 0; p < n; p++) sum[p] += w * source[p];
  return sum;
}

function normalize(activation, z, n) {
  const top = new Float64Array(n).fill(-Infinity);
  for (const zj of z) for (let p = 0; p < n; p++) top[p] = Math.max(top[p], zj[p]);
  for (const zj of z) for (let p = 0; p < n; p++) zj[p] -= top[p];
  const e = z.map((zj) => activation.overArrays([zj], n));
  const total = new Float64Array(n);
  for (const ej of e) for (let p = 0; p < n; p++) total[p] += ej[p];
  for (const ej of e) for (let p = 0; p < n; p++) ej[p] /= total[p];
  return e;
}

/** Values as bytes 0..255 on [low, high] (clamped; NaN is the middle), as app/frames.py's
 * `quantize` writes them. */
export function quantize(values, low, high) {
  const bytes = new Uint8Array(values.length);
  const scale = 255 / (high - low);
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] - low) * scale;
    bytes[i] = Number.isNaN(v) ? 128 : Math.max(0, Math.min(255, Math.round(v)));
  }
  return bytes;
}

/** The maps of frames for one page: the plan and the grids' inputs kept while the state stays. */
export class MapMaker {
  constructor(registry) {
    this.registry = registry;
    this.state = null;
    this.scratch = { small: {}, big: {} }; // each grid's buffers, reused frame after frame
  }

  /** Give `frame` (one without maps) the maps its params make, in the server's form:
   * arrays.neuron_maps (hidden neurons × 20 × 20) and arrays.output_maps (outputs × 100 × 100)
   * as bytes, their shapes and ranges. */
  fill(frame, state) {
    if (state !== this.state) {
      const names = state.network.inputs;
      this.plan = planOf(state.network);
      this.small = gridInputs(this.registry, names, NEURON_GRID);
      this.big = gridInputs(this.registry, names, OUTPUT_GRID);
      this.state = state;
    }
    const { activations } = this.registry;
    const values = frame.arrays.params;
    const hidden = this.plan.length - 1;
    const cells = NEURON_GRID * NEURON_GRID;
    const small = hidden > 0 ? evaluate(this.plan.slice(0, hidden), values, this.small, cells, activations, this.scratch.small) : [];
    const maps = new Float32Array(small.reduce((total, layer) => total + layer.length, 0));
    small.reduce((at, layer) => (maps.set(layer, at), at + layer.length), 0);
    const big = OUTPUT_GRID * OUTPUT_GRID;
    const outputs = evaluate(this.plan, values, this.big, big, activations, this.scratch.big).at(-1);
    const low = activations[this.plan.at(-1).activation].normalized ? 0 : -1; // probabilities
    Object.assign(frame.arrays, { neuron_maps: quantize(maps, -1, 1), output_maps: quantize(outputs, low, 1) });
    Object.assign(frame.shapes, {
      neuron_maps: [maps.length / cells, NEURON_GRID, NEURON_GRID],
      output_maps: [this.plan.at(-1).size, OUTPUT_GRID, OUTPUT_GRID],
    });
    frame.ranges = { ...frame.ranges, neuron_maps: [-1, 1], output_maps: [low, 1] };
    return frame;
  }
}

/** The maps of frames computed in a worker (maps-worker.js), so the main thread only draws:
 * `want(frame, state)` asks for a frame's maps (the newest waits while one is computed) and
 * `ready(frame)` is called once the frame has them. Without workers, they are computed at once. */
export class MapWorker {
  constructor(registry, ready, makeWorker = () => new Worker(new URL("./maps-worker.js", import.meta.url), { type: "module" })) {
    Object.assign(this, { registry, ready, busy: null, waiting: null, network: null, id: 0 });
    try {
      this.worker = makeWorker();
      this.worker.postMessage({ registry: registry.raw });
      this.worker.onmessage = ({ data }) => this.done(data);
      this.worker.onerror = () => this.fallBack();
    } catch {
      this.fallBack();
    }
  }

  fallBack() {
    this.worker = null;
    this.maker = new MapMaker(this.registry);
    const pending = [this.busy, this.waiting].filter(Boolean);
    Object.assign(this, { busy: null, waiting: null });
    for (const { frame, state } of pending) this.want(frame, state);
  }

  want(frame, state) {
    if (!this.worker) {
      this.ready(this.maker.fill(frame, state));
      return;
    }
    if (this.busy) {
      this.waiting = { frame, state }; // only the newest: an older one would never be drawn
      return;
    }
    this.id += 1;
    this.busy = { frame, state, id: this.id };
    const message = { id: this.id, params: frame.arrays.params };
    if (state.network !== this.network) message.network = state.network;
    this.network = state.network;
    this.worker.postMessage(message);
  }

  done({ id, arrays, shapes, ranges }) {
    if (!this.busy || id !== this.busy.id) return;
    const { frame } = this.busy;
    Object.assign(frame.arrays, arrays);
    Object.assign(frame.shapes, shapes);
    frame.ranges = { ...frame.ranges, ...ranges };
    this.busy = null;
    this.ready(frame);
    if (this.waiting) {
      const { frame: next, state } = this.waiting;
      this.waiting = null;
      this.want(next, state);
    }
  }
}
