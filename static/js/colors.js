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

/** RGBA pixels (a Uint8ClampedArray, 4 per cell) for a byte map on the diverging scale. One
 * lookup table of 256 colours serves every cell. */
export function paint(bytes, range, out = new Uint8ClampedArray(bytes.length * 4)) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let b = 0; b < 256; b++) {
    const [r, g, bl] = diverging(byteValue(b, range));
    table.set([r, g, bl, 255], b * 4);
  }
  for (let i = 0; i < bytes.length; i++) out.set(table.subarray(bytes[i] * 4, bytes[i] * 4 + 4), i * 4);
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
