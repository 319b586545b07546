// The output view: the 100×100 map (or the hovered neuron's) with the data points, and the
// numbers: epoch, losses, accuracy.

import { CLASS_COLOURS, diverging, paint, paintClasses } from "./colors.js";
import { formatEpoch, formatPercent, formatValue } from "./format.js";

const mapCanvas = document.createElement("canvas");
const neuronCanvas = document.createElement("canvas");
const TICKS = [-6, -4, -2, 0, 2, 4, 6]; // the output's axes, x and y from −6 to 6
const POINT_RADIUS = 3; // px, a data point

/** The output's axes: ticks −6 to 6 under the map (x) and beside it (y). */
export function drawAxes($) {
  const tick = (value, side, at) => {
    const span = document.createElement("span");
    span.textContent = value < 0 ? `−${-value}` : String(value);
    span.style[side] = `${at * 100}%`;
    return span;
  };
  $("ticks_x").replaceChildren(...TICKS.map((v) => tick(v, "left", (v + 6) / 12)));
  $("ticks_y").replaceChildren(...TICKS.map((v) => tick(v, "top", (6 - v) / 12)));
}

/** The canvas of the map to show big: the output's, or the hovered hidden neuron's. */
function bigMap(frame, state, view) {
  const hidden = state.network.layers.slice(0, -1).flatMap((layer) => layer.neurons);
  const k = hidden.indexOf(view.hover);
  // Sizes from the frame's own shapes: [maps, rows, columns].
  const [classes, size] = frame.shapes.output_maps;
  const cells = frame.shapes.neuron_maps[1];
  if (k < 0 && classes > 1) {
    const pixels = paintClasses(frame.arrays.output_maps, classes);
    return put(mapCanvas, pixels, size);
  }
  const [canvas, side, bytes, range] =
    k >= 0
      ? [neuronCanvas, cells, frame.arrays.neuron_maps.subarray(k * cells * cells, (k + 1) * cells * cells), [-1, 1]]
      : [mapCanvas, size, frame.arrays.output_maps.subarray(0, size * size), frame.ranges.output_maps];
  const shown = view.ui.discretize ? bytes.map((b) => (b >= 128 ? 255 : 0)) : bytes;
  return put(canvas, paint(shown, range), side);
}

/** `pixels` (RGBA) as a side × side canvas. */
function put(canvas, pixels, side) {
  if (canvas.width !== side) canvas.width = canvas.height = side;
  canvas.getContext("2d").putImageData(new ImageData(pixels, side, side), 0, 0);
  return canvas;
}

// The data points, drawn once per set of points and kept: a frame only redraws the map.
const dots = { canvas: document.createElement("canvas"), points: null, showTest: null, width: 0 };

function pointsLayer(width, state, showTest, ratio) {
  if (dots.points === state.points && dots.showTest === showTest && dots.width === width) {
    return dots.canvas;
  }
  Object.assign(dots, { points: state.points, showTest, width });
  dots.canvas.width = dots.canvas.height = width;
  const ctx = dots.canvas.getContext("2d");
  const { x, y, label, train } = state.points;
  const scale = width / 12;
  const multi = state.config.output_activation === "softmax" || state.config.n_classes > 2;
  for (let i = 0; i < x.length; i++) {
    if (!train[i] && !showTest) continue;
    const [r, g, b] = multi ? CLASS_COLOURS[label[i] % CLASS_COLOURS.length] : diverging(label[i]);
    ctx.beginPath();
    ctx.arc((x[i] + 6) * scale, (6 - y[i]) * scale, POINT_RADIUS * ratio, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
    ctx.lineWidth = ratio;
    ctx.strokeStyle = train[i] ? "white" : "black";
    ctx.fill();
    ctx.stroke();
  }
  return dots.canvas;
}

/** The big map, smoothed, and the data: train points white-stroked, test points black-stroked.
 * The canvas is as wide as its box, in device pixels. */
export function drawOutput(canvas, frame, state, view) {
  const ratio = window.devicePixelRatio || 1;
  const size = Math.round(canvas.clientWidth * ratio);
  if (size > 0 && (canvas.width !== size || canvas.height !== size)) Object.assign(canvas, { width: size, height: size });
  const map = bigMap(frame, state, view);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(map, 0, 0, canvas.width, canvas.height);
  ctx.drawImage(pointsLayer(canvas.width, state, view.ui.showTestData, ratio), 0, 0);
  if (view.explained !== null && view.explained < state.points.x.length) {
    const scale = canvas.width / 12;
    ctx.beginPath();
    ctx.arc((state.points.x[view.explained] + 6) * scale, (6 - state.points.y[view.explained]) * scale, 8 * ratio, 0, 2 * Math.PI);
    ctx.lineWidth = 3 * ratio;
    ctx.strokeStyle = "#111";
    ctx.stroke();
    ctx.lineWidth = 1;
  }
}

const DIVERGED =
  "The network diverged: a training step made its loss infinite, so training stopped at the " +
  "last weights that were still numbers. Lower the learning rate and press Reset.";

/** Epoch, losses, accuracy or RMSE and R², the confusion matrices when asked for, the play
 * button's label, and whether the network diverged. A row shows when the frame carries its
 * metric. */
export function showNumbers(header, $) {
  const diverged = header.diverged ? DIVERGED : "";
  if ($("diverged").textContent !== diverged) $("diverged").textContent = diverged; // once: an alert
  $("epoch").textContent = formatEpoch(header.epoch);
  for (const name of ["test_loss", "train_loss"]) $(name).textContent = formatValue(header[name]);
  for (const [row, format] of [["accuracy", formatPercent], ["rmse", formatValue], ["r2", formatValue]]) {
    const values = [header[`test_${row}`], header[`train_${row}`]];
    $(row).hidden = values.every((v) => v === null || v === undefined);
    for (const [set, value] of [["test", values[0]], ["train", values[1]]]) {
      $(`${set}_${row}`).textContent = value === null || value === undefined ? "–" : format(value);
    }
  }
  $("confusion_box").hidden = $("accuracy").hidden;
  if (header.train_confusion) {
    $("confusion").replaceChildren(
      ...[["Test", header.test_confusion], ["Training", header.train_confusion]].map(([name, matrix]) =>
        confusionTable(name, matrix),
      ),
    );
  }
  $("play").textContent = header.playing ? "Pause" : "Play";
}

/** A confusion matrix as a table: a row per true class, a column per predicted class. For two
 * classes, class 0 is +1 and class 1 is −1. */
function confusionTable(name, matrix) {
  const table = document.createElement("table");
  const k = matrix.length;
  const names = k === 2 ? ["+1", "−1"] : matrix.map((_, i) => String(i));
  const caption = table.createCaption();
  caption.textContent = name;
  const head = table.createTHead().insertRow();
  head.append(document.createElement("td"));
  for (const label of names) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    head.append(th);
  }
  const body = table.createTBody();
  matrix.forEach((row, i) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = names[i];
    tr.append(th);
    for (const count of row) tr.insertCell().textContent = count;
  });
  return table;
}
