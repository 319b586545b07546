// Where the network view puts things: one pure function from the canvas's size (CSS pixels) and
// the column sizes to every box, input label and column. docs/design.md explains the rules;
// tests/js/layout.test.mjs holds them for every network from 0 to 6 layers of 1 to 8 neurons.

export const BOX_MAX = 32; // px, a neuron's box when there is room (TF Playground's is ~30)
export const GAP_RATIO = 2.25; // the gap between two columns, in boxes (at least 2: room for links)
export const ROW_RATIO = 0.4; // the gap between two boxes of a column, in boxes
export const PITCH_MAX = 7; // columns stand at most this many boxes apart; a narrow net is centred
export const PAD = 6; // px around the picture: a bias square sticks out 4 px left of its box
const LABEL_EM = 4.2; // an input label's width in ems: "cos(X₁)" at the label's font
const LABEL_GAP = 4; // px between a label and its box
const RIGHT = [62, 0.125]; // px right of the outputs, at most this or this much of the width:
// room for explain mode's numbers ("δ −0.123")

/** The room right of the outputs, in px, on a canvas `width` px wide. */
export function rightRoom(width) {
  return Math.min(RIGHT[0], Math.round(width * RIGHT[1]));
}

/** The label's font size (px) for a box of `box` px: 12 for large boxes, never under 9. */
export function labelFont(box) {
  return Math.max(9, Math.min(12, Math.round(box * 0.42)));
}

/** The network view's layout. `columns`: how many boxes each column holds, the inputs first (off
 * features included: they stay in place), the output last; `right`: the room (px) right of the
 * outputs, where explain mode writes their numbers (none where there is no explain mode).
 * Returns the box size, the label font, each column's left x and its boxes' top ys, and each
 * input's label rectangle. */
export function layoutNetwork(width, height, columns, right = rightRoom(width)) {
  const count = columns.length;
  const tallest = Math.max(1, ...columns);
  const fit = (labelWidth) => {
    const across = (width - 2 * PAD - labelWidth - LABEL_GAP - right) / (count + GAP_RATIO * (count - 1));
    const down = (height - 2 * PAD) / (tallest + ROW_RATIO * (tallest - 1));
    return Math.max(1, Math.floor(Math.min(BOX_MAX, across, down)));
  };
  // The label's width depends on the box (through its font), the box on the label's width: the
  // widest label's box, then the label that box gives.
  let box = fit(LABEL_EM * 12);
  const font = labelFont(box);
  const labelWidth = Math.ceil(LABEL_EM * font);
  box = Math.min(fit(labelWidth), Math.max(box, 1));
  const first = PAD + labelWidth + LABEL_GAP;
  const room = width - first - box - right - PAD;
  const pitch = count > 1 ? Math.min(room / (count - 1), PITCH_MAX * box) : 0;
  const shift = (room - pitch * (count - 1)) / 2; // centre a network narrower than its canvas
  const row = box * (1 + ROW_RATIO);
  const xs = columns.map((_, c) => Math.round(first + shift + c * pitch));
  const tops = columns.map((n) => {
    const top = (height - (n * box + (n - 1) * ROW_RATIO * box)) / 2;
    return Array.from({ length: n }, (_, r) => Math.round(top + r * row));
  });
  const labelHeight = Math.min(Math.round(font * 1.5), Math.floor(row) - 1);
  const labels = tops[0].map((y) => ({
    x: xs[0] - LABEL_GAP - labelWidth,
    y: Math.round(y + box / 2 - labelHeight / 2),
    width: labelWidth,
    height: labelHeight,
  }));
  return { width, height, right, box, font, xs, tops, labels };
}
