// Your own data: draw points on the output view, remove them, undo, clear, upload a CSV (checked
// by POST /api/data, then sent whole in a `set_points`), download the points as CSV.

import { CLASS_COLOURS, css, diverging } from "./colors.js";
import { datasetField } from "./datasets.js";
import { nearestPoint } from "./explain.js";
import { radioGroup } from "./radios.js";

const UNDO_LIMIT = 50;

/** The data as CSV: x, y, label and which set the point is in. */
export function pointsCsv(points) {
  const rows = points.x.map((x, i) => `${x},${points.y[i]},${points.label[i]},${points.train[i] ? "train" : "test"}`);
  return ["x,y,label,set", ...rows].join("\n") + "\n";
}

/** The classes new points can take: [label, name, colour] for ±1 or 0..k−1. */
export function classChoices(classes) {
  if (classes <= 2) return [[1, "+1", diverging(1)], [-1, "−1", diverging(-1)]];
  return CLASS_COLOURS.slice(0, classes).map((colour, k) => [k, String(k), colour]);
}

/** The class a shift-click adds: the other of two, the next of more. */
export function otherClass(label, classes) {
  return classes <= 2 ? -label : (label + 1) % classes;
}

export class Editor {
  /** $: getElementById; send(message); get(): the latest state message. */
  constructor($, { send, get }) {
    Object.assign(this, { $, send, get });
    this.active = false;
    this.label = 1;
    this.undos = [];
    this.bind();
  }

  bind() {
    const $ = this.$;
    $("edit_data").addEventListener("click", () => this.toggle());
    $("edit_undo").addEventListener("click", () => this.undo());
    $("edit_clear").addEventListener("click", () => this.edit({ type: "clear_points" }));
    $("edit_value").addEventListener("input", () => ($("edit_value_out").textContent = $("edit_value").value));
    $("upload").addEventListener("change", () => this.upload($("upload").files[0]));
    $("download").addEventListener("click", () => this.download());
  }

  toggle() {
    this.active = !this.active;
    this.$("editor").hidden = !this.active;
    this.$("edit_data").setAttribute("aria-pressed", String(this.active));
  }

  /** Show the controls for the state's problem and class count. */
  show(state) {
    const c = state.config;
    const regression = c.problem === "regression";
    this.$("edit_value").closest("label").hidden = !regression;
    const choices = regression ? [] : classChoices(c.n_classes);
    if (!choices.some(([label]) => label === this.label)) this.label = choices[0]?.[0] ?? 1;
    const focused = this.$("edit_classes").contains(document.activeElement);
    this.$("edit_classes").replaceChildren(
      ...choices.map(([label, name, colour]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.setAttribute("role", "radio");
        button.setAttribute("aria-checked", String(label === this.label));
        button.setAttribute("aria-label", `New points: class ${name}`);
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = css(colour);
        button.append(swatch, name);
        button.addEventListener("click", () => {
          this.label = label;
          this.show(this.get());
        });
        return button;
      }),
    );
    radioGroup(this.$("edit_classes"), focused);
    this.$("edit_undo").disabled = this.undos.length === 0;
    const { train } = state.points;
    const training = train.filter(Boolean).length;
    this.$("data_count").textContent = `${train.length} points: ${training} train, ${train.length - training} test`;
  }

  /** A click on the output view at (x, y): add a point, or with alt remove the nearest. */
  click(event, x, y) {
    if (event.altKey || event.button === 2) {
      if (nearestPoint(this.get().points, x, y) >= 0) this.edit({ type: "remove_point", near: [x, y] });
      return;
    }
    const c = this.get().config;
    let label = c.problem === "regression" ? Number(this.$("edit_value").value) : this.label;
    if (event.shiftKey && c.problem !== "regression") label = otherClass(label, c.n_classes);
    this.edit({ type: "add_points", points: [[x, y, label]] });
  }

  /** Send an edit, keeping what it replaces for undo. */
  edit(message) {
    const { config, points } = this.get();
    const field = datasetField(config);
    this.undos.push({
      field,
      dataset: config[field],
      n_classes: config.n_classes,
      rows: points.x.map((x, i) => [x, points.y[i], points.label[i]]),
      train: config[field] === "own" ? points.train : null,
    });
    if (this.undos.length > UNDO_LIMIT) this.undos.shift();
    this.send(message);
  }

  undo() {
    const last = this.undos.pop();
    if (!last) return;
    if (last.dataset === "own") {
      this.send({ type: "set_points", points: last.rows, n_classes: last.n_classes, train: last.train });
    } else {
      this.send({ type: "config", changes: { [last.field]: last.dataset, n_classes: last.n_classes } });
    }
  }

  async upload(file) {
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    form.append("problem", this.get().config.problem);
    const errors = this.$("upload_errors");
    errors.replaceChildren();
    const response = await fetch("/api/data", { method: "POST", body: form });
    // A proxy in front may answer a big file with a page of its own: say its status then.
    const body = await response.json().catch(() => ({ detail: `${response.status} ${response.statusText}` }));
    this.$("upload").value = "";
    if (!response.ok) {
      const lines = (body.errors ?? [{ line: null, reason: body.detail }]).map(
        ({ line, reason }) => `${line ? `line ${line}: ` : ""}${reason}`,
      );
      const shown = lines.slice(0, 20);
      if (lines.length > shown.length) shown.push(`and ${lines.length - shown.length} more`);
      const title = document.createElement("p");
      title.textContent = `${file.name} was not read: ${body.detail}`;
      const list = document.createElement("ul");
      list.append(...shown.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
      errors.append(title, list);
      return;
    }
    this.edit({ type: "set_points", points: body.points, n_classes: body.n_classes, train: body.train });
  }

  download() {
    const blob = new Blob([pointsCsv(this.get().points)], { type: "text/csv" });
    const link = Object.assign(document.createElement("a"), {
      href: URL.createObjectURL(blob),
      download: "lernmi-data.csv",
    });
    link.click();
    URL.revokeObjectURL(link.href);
  }
}
