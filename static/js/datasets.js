// The dataset picker: one button per dataset with a thumbnail of its points, and the class count.

import { CLASS_COLOURS, css, diverging } from "./colors.js";

const THUMB = 48; // CSS pixels; drawn at twice that for sharp dots

/** The colour of a sample's label: TF's orange/blue for ±1 and for values, Okabe–Ito classes. */
export function labelColour(label, classes) {
  return classes > 2 ? CLASS_COLOURS[label % CLASS_COLOURS.length] : diverging(label);
}

/** Draw `rows` ([x, y, label] with x, y in [-6, 6]) as dots on `canvas`. */
export function drawSample(canvas, rows, classes) {
  const ctx = canvas.getContext("2d");
  const size = canvas.width;
  ctx.fillStyle = "#f3f4f5";
  ctx.fillRect(0, 0, size, size);
  for (const [x, y, label] of rows) {
    ctx.fillStyle = css(labelColour(label, classes));
    ctx.beginPath();
    ctx.arc(((x + 6) / 12) * size, ((6 - y) / 12) * size, size / 28, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** The config field that names the problem's dataset: `dataset` or `reg_dataset`. */
export function datasetField(config) {
  return config.problem === "classification" ? "dataset" : "reg_dataset";
}

/** The class count to send with a switch to `spec`: the current one if it allows it, else 2. */
export function classesFor(spec, classes) {
  return spec && classes > spec.max_classes ? 2 : classes;
}

/** Buttons for the datasets of the config's problem, the active one checked; `pick(changes)`
 * gets the config changes a click asks for. `catalog` is /api/datasets (empty until loaded). */
export function datasetButtons(catalog, config, pick) {
  const field = datasetField(config);
  return catalog
    .filter((spec) => spec.problem === config.problem)
    .map((spec) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dataset";
      button.title = spec.description;
      button.setAttribute("role", "radio");
      button.setAttribute("aria-checked", String(spec.name === config[field]));
      const classes = spec.problem === "classification" ? classesFor(spec, config.n_classes) : 2;
      const thumb = document.createElement("canvas");
      thumb.width = thumb.height = THUMB * 2;
      thumb.setAttribute("aria-hidden", "true");
      drawSample(thumb, spec.samples[String(Math.max(2, classes))], classes);
      const name = document.createElement("span");
      name.textContent = spec.name;
      button.append(thumb, name);
      button.addEventListener("click", () => {
        const changes = { [field]: spec.name };
        if (classes !== config.n_classes) changes.n_classes = classes;
        pick(changes);
      });
      return button;
    });
}
