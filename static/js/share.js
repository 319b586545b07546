// Share, embed, export and import: the dialog behind the top bar's "Share" button.

import { datasetField } from "./datasets.js";

// TF Playground's NAME_hide keys the embed dialog offers, with what each hides.
export const HIDE_CHOICES = [
  ["playButton", "Play button"],
  ["stepButton", "Step button"],
  ["resetButton", "Reset button"],
  ["hideText", "Explanations and legends"],
  ["learningRate", "Learning rate"],
  ["activation", "Activation"],
  ["regularization", "Regularization"],
  ["regularizationRate", "Regularization rate"],
  ["problem", "Problem type"],
  ["dataset", "Datasets"],
  ["percTrainData", "Ratio of training data"],
  ["noise", "Noise"],
  ["batchSize", "Batch size"],
  ["numHiddenLayers", "Hidden layers"],
  ["showTestData", "Show test data"],
  ["discretize", "Discretize output"],
];

/** The `<iframe>` that embeds `page` ("/embed" or "/") of `origin` with `hash`. */
export function embedCode(origin, page, hash, width, height) {
  const src = `${origin}${page}${hash}`.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return `<iframe src="${src}" width="${width}" height="${height}" title="Lernmi Playground" style="border:0" loading="lazy"></iframe>`;
}

/** The hash of an embed: the configuration, the display choices, and what it hides, written
 * by `serializeHash` (hash.js's codec). */
export function embedHash(serializeHash, config, ui, hide) {
  const hidden = hide.filter((name) => name !== "hideText");
  return serializeHash(config, { ...ui, hideText: hide.includes("hideText") }, hidden);
}

function download(blob, name) {
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// Our keys that ask the embed to show more (static/js/figure.js), with what each shows.
export const SHOW_CHOICES = [
  ["chart", "The loss chart and Restore best"],
  ["explain", "Explain"],
  ["sliders", "A slider per weight and bias (networks of up to 12)"],
];

/** Checkboxes named `value`, each labelled. */
function checkboxes(choices) {
  return choices.map(([key, text]) => {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: key });
    label.append(box, ` ${text}`);
    return label;
  });
}

export class Share {
  /** $: getElementById; send(message); get(): {state, ui}; serialize: hash.js's writer. */
  constructor($, { send, get, serialize }) {
    Object.assign(this, { $, send, get, serialize });
    this.waiting = []; // resolves for the next snapshot
    this.previewTimer = null;
    this.bind();
  }

  bind() {
    const $ = this.$;
    $("share_button").addEventListener("click", () => this.open());
    $("share_close").addEventListener("click", () => $("share").close());
    $("copy_link").addEventListener("click", () => this.copy($("share_url"), "copy_link_status"));
    $("copy_embed").addEventListener("click", () => this.copy($("embed_code"), "copy_embed_status"));
    $("embed_hide").replaceChildren(...checkboxes(HIDE_CHOICES));
    $("embed_show").replaceChildren(...checkboxes(SHOW_CHOICES));
    for (const id of ["embed_show", "embed_hide", "embed_width", "embed_height", "embed_page"]) {
      $(id).addEventListener("change", () => this.showEmbed());
    }
    $("export_model").addEventListener("click", () => this.exportModel());
    $("export_python").addEventListener("click", () => this.exportPython());
    $("export_png").addEventListener("click", () => $("heatmap").toBlob((blob) => download(blob, "lernmi-output.png")));
    $("import_model").addEventListener("change", () => this.importModel($("import_model").files[0]));
  }

  open() {
    const { state } = this.get();
    if (!state) return;
    this.$("share_url").value = location.href;
    this.$("own_note").hidden = state.config[datasetField(state.config)] !== "own";
    this.$("import_errors").replaceChildren();
    this.showEmbed();
    this.$("share").showModal();
  }

  showEmbed() {
    const { state, ui } = this.get();
    const $ = this.$;
    const hide = [...$("embed_hide").querySelectorAll("input:checked")].map((box) => box.value);
    const show = [...$("embed_show").querySelectorAll("input:checked")].map((box) => box.value);
    const width = Math.max(300, Math.min(1600, Number($("embed_width").value) || 700));
    const height = Math.max(200, Math.min(1200, Number($("embed_height").value) || 450));
    const page = $("embed_page").value;
    const shown = { ...ui, ...Object.fromEntries(show.map((key) => [key, true])) };
    const hash = embedHash(this.serialize, state.config, shown, hide);
    $("embed_code").value = embedCode(location.origin, page, hash, width, height);
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => {
      const preview = $("embed_preview");
      Object.assign(preview, { width, height });
      preview.src = `${location.origin}${page}${hash}`;
    }, 300);
  }

  async copy(field, statusId) {
    field.select();
    let done;
    try {
      await navigator.clipboard.writeText(field.value);
      done = "Copied.";
    } catch {
      done = "Selected: press Ctrl+C (⌘C) to copy.";
    }
    this.$(statusId).textContent = done;
  }

  /** A fresh snapshot of the session: the model file. */
  snapshot() {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.send({ type: "snapshot" });
    });
  }

  /** Every snapshot message passes here. */
  received(snapshot) {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(snapshot);
  }

  async exportModel() {
    const snapshot = await this.snapshot();
    download(new Blob([JSON.stringify(snapshot)], { type: "application/json" }), "lernmi-model.json");
  }

  async exportPython() {
    const snapshot = await this.snapshot();
    const response = await fetch("/api/model/python", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(snapshot),
    });
    download(await response.blob(), "lernmi_model.py");
  }

  async importModel(file) {
    if (!file) return;
    const errors = this.$("import_errors");
    errors.replaceChildren();
    const text = await file.text();
    this.$("import_model").value = "";
    const response = await fetch("/api/model", { method: "POST", headers: { "Content-Type": "application/json" }, body: text });
    if (!response.ok) {
      const body = await response.json().catch(() => ({ detail: response.statusText }));
      const detail = typeof body.detail === "string" ? body.detail : body.detail?.message;
      errors.textContent = `${file.name} was not imported: ${detail}`;
      return;
    }
    this.send({ type: "restore", snapshot: JSON.parse(text) });
    this.$("share").close();
  }
}
