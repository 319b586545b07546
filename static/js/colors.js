// Colour scales: TF Playground's diverging scale for values in [-1, 1], and byte maps to pixels.

const ORANGE = [0xf5, 0x93, 0x22]; // -1
const GREY = [0xe8, 0xea, 0xeb]; // 0
const BLUE = [0x08, 0x77, 0xbd]; // +1
export const SHADES = 31; // TF Playground's heatmaps use 31 shades

/** The colour [r, g, b] of `value` on TF's scale, clamped to [-1, 1] and snapped to `shades`. */
export function diverging(value, shades = SHADES) {
  const v = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const step = Math.round(((v + 1) / 2) * (shades - 1)) / (shades - 1) * 2 - 1;
  const [from, to, t] = step < 0 ? [GREY, ORANGE, -step] : [GREY, BLUE, step];
  return from.map((c, i) => Math.round(c + (to[i] - c) * t));
}

/** The value a map's byte stands for: range[0] + b / 255 · (range[1] − range[0]). */
export function byteValue(byte, range) {
  return range[0] + (byte / 255) * (range[1] - range[0]);
}

const tables = new Map(); // range → its 256 colours, each an RGBA word

/** RGBA pixels (a Uint8ClampedArray, 4 per cell) for a byte map on the diverging scale. Each
 * cell is one lookup in a table of 256 colours, made once per range. */
export function paint(bytes, range, out = new Uint8ClampedArray(bytes.length * 4)) {
  const key = `${range[0]},${range[1]}`;
  let table = tables.get(key);
  if (!table) {
    const rgba = new Uint8ClampedArray(256 * 4);
    for (let b = 0; b < 256; b++) rgba.set([...diverging(byteValue(b, range)), 255], b * 4);
    table = new Uint32Array(rgba.buffer);
    if (tables.size > 64) tables.clear();
    tables.set(key, table);
  }
  const words = new Uint32Array(out.buffer, out.byteOffset, bytes.length);
  for (let i = 0; i < bytes.length; i++) words[i] = table[bytes[i]];
  return out;
}

/** CSS for a colour [r, g, b]. */
export function css([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

// Okabe & Ito's palette: classes stay distinguishable for colour-blind eyes.
export const CLASS_COLOURS = [
  [0xe6, 0x9f, 0x00],
  [0x00, 0x72, 0xb2],
  [0x00, 0x9e, 0x73],
  [0xcc, 0x79, 0xa7],
  [0x56, 0xb4, 0xe9],
];

/** RGBA pixels for k probability maps (k × n bytes, 0..255 = 0..1): each cell in its likeliest
 * class's colour, faded towards white as the network grows less sure. */
export function paintClasses(bytes, k, out = new Uint8ClampedArray((bytes.length / k) * 4)) {
  const n = bytes.length / k;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (bytes[c * n + i] > bytes[best * n + i]) best = c;
    // Confidence: 1/k (a guess) → faded out, 1 (sure) → full colour.
    const sure = Math.max(0, (bytes[best * n + i] / 255 - 1 / k) / (1 - 1 / k));
    const weight = 0.25 + 0.75 * sure;
    const colour = CLASS_COLOURS[best % CLASS_COLOURS.length];
    out.set([...colour.map((v) => Math.round(255 + (v - 255) * weight)), 255], i * 4);
  }
  return out;
}
