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
