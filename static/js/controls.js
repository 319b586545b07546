// The controls, shown as the session's state says: the menus and sliders, the dataset buttons,
// the input features' buttons over the network's first column and each hidden layer's neuron
// controls above its column. What a control sends is bindings.js's job.

import { radioGroup } from "./radios.js";
import { CLASS_COLOURS, css } from "./colors.js";
import { datasetButtons, datasetField } from "./datasets.js";

const CONTROL_WIDTH = 88; // px, the widest of a column's neuron controls
const NARROW_CONTROL = 64; // px: narrower, a column's controls drop the slider and the word
const MENUS = ["activation", "regularization", "problem", "optimizer", "loss"];
const SLIDERS = ["perc_train", "noise", "batch_size"];

/** A selector that finds the focused control again once the controls are rebuilt. */
function focusKey(element) {
  if (!element || element === document.body) return null;
  if (element.id) return `#${CSS.escape(element.id)}`;
  for (const name of ["data-feature", "aria-label"]) {
    const value = element.getAttribute(name);
    if (value) return `[${name}="${CSS.escape(value)}"]`;
  }
  return null;
}

function element(tag, properties = {}, attributes = {}) {
  const made = Object.assign(document.createElement(tag), properties);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  return made;
}

export class Controls {
  /** $: getElementById; registry: registry.js's; network: the NetworkView; editor: the
   * Editor; get(): the page's store; view: its display flags and hidden controls;
   * change(changes): sends a config change; redraw(). */
  constructor($, { registry, network, editor, get, view, change, redraw }) {
    Object.assign(this, { $, registry, network, editor, get, view, change, redraw });
    this.catalog = []; // /api/datasets: every dataset with a sample for its thumbnail
  }

  /** Every control as `state` has it, the focus kept on the control it was on. */
  show(state) {
    const focused = focusKey(document.activeElement);
    this.showMenus(state);
    this.showNetwork(state.config, state);
    this.showDatasets(state.config);
    // A rebuilt button takes the focus of the one it replaces: the next key goes where it went.
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && lost) document.querySelector(focused)?.focus();
  }

  showMenus(state) {
    const { $ } = this;
    const c = state.config;
    for (const id of MENUS) $(id).value = c[id];
    $("learning_rate").value = String(c.learning_rate);
    $("regularization_rate").value = String(c.regularization_rate);
    if (![...$("speed").options].some((option) => option.value === String(state.speed))) {
      $("speed").add(new Option(String(state.speed), String(state.speed))); // set by another client
    }
    $("speed").value = String(state.speed);
    for (const id of SLIDERS) {
      $(id).value = c[id];
      $(`${id}_out`).textContent = c[id];
    }
    $("all_train").checked = c.all_train;
    this.editor.show(state);
    this.showClassLegend(c.n_classes);
  }

  showNetwork(c, state) {
    const { $ } = this;
    $("layers").value = c.network_shape.length;
    $("layers_out").textContent = c.network_shape.length;
    $("layers").max = state.limits.max_hidden_layers;
    $("layer_less").disabled = c.network_shape.length === 0;
    $("layer_more").disabled = c.network_shape.length >= state.limits.max_hidden_layers;
    this.showFeatures(c);
    this.showNeurons(c, state.limits.max_neurons);
    const layers = c.network_shape.length
      ? `hidden layers of ${c.network_shape.join(", ")} neurons`
      : "no hidden layer";
    const outputs = state.network.layers.at(-1).neurons.length;
    $("net").setAttribute(
      "aria-label",
      `The network: inputs ${c.features.join(", ")}; ${layers}; ${outputs} output neuron${outputs > 1 ? "s" : ""}`,
    );
  }

  showDatasets(c) {
    const { $ } = this;
    const focused = $("datasets").contains(document.activeElement);
    $("datasets").replaceChildren(...datasetButtons(this.catalog, c, this.change));
    radioGroup($("datasets"), focused);
    const active = c[datasetField(c)];
    const most = this.catalog.find((d) => d.name === active)?.max_classes ?? (active === "own" ? 5 : 2);
    $("n_classes").closest("label").hidden = c.problem !== "classification" || most < 3;
    $("n_classes").replaceChildren(
      ...Array.from({ length: most - 1 }, (_, i) => new Option(String(i + 2), String(i + 2))),
    );
    $("n_classes").value = String(c.n_classes);
  }

  showClassLegend(classes) {
    this.$("class_legend").hidden = classes < 3;
    this.$("class_swatches").replaceChildren(
      ...CLASS_COLOURS.slice(0, classes).map((colour) => {
        const swatch = element("span");
        swatch.style.background = css(colour); // the CSSOM: the page's policy forbids style attributes
        return swatch;
      }),
    );
  }

  /** The input features in the network's first column: every one that is on, and those that
   * are off unless a link hides them (TF's NAME_hide), in the registry's order. */
  shownInputs(c) {
    return this.registry.featureNames.filter((name) => c.features.includes(name) || !this.view.hidden.includes(name));
  }

  // Each input's label is a button over its place in the first column: a click turns the
  // feature on or off; one that is off stays in its place, drawn faintly.
  showFeatures(c) {
    const { registry } = this;
    this.$("features").replaceChildren(
      ...this.shownInputs(c).map((name) => {
        const on = c.features.includes(name);
        const label = registry.label(name);
        const button = element(
          "button",
          { type: "button", className: "feature", textContent: label },
          { "data-feature": name, "aria-pressed": String(on) },
        );
        button.title = `${label}: ${on ? "on; a click turns it off" : "off; a click turns it on"}`;
        button.addEventListener("click", () => {
          const features = on ? c.features.filter((f) => f !== name) : [...c.features, name];
          if (features.length) this.change({ features: registry.featureNames.filter((f) => features.includes(f)) });
        });
        return button;
      }),
    );
  }

  // Above each hidden layer's column: − and + and a slider for its neurons, and their count.
  showNeurons(c, most) {
    this.$("neurons").replaceChildren(...c.network_shape.map((size, index) => this.neuronControl(c, size, index, most)));
    this.place();
  }

  neuronControl(c, size, index, most) {
    const resize = (size) => {
      const shape = [...c.network_shape];
      shape[index] = Math.max(1, Math.min(most, size));
      this.change({ network_shape: shape });
    };
    const buttons = [["−", -1, "Remove a neuron"], ["+", 1, "Add a neuron"]].map(([text, step, name]) => {
      const button = element("button", { type: "button", textContent: text, disabled: size + step < 1 || size + step > most });
      button.setAttribute("aria-label", `${name} in hidden layer ${index + 1}`);
      button.addEventListener("click", () => resize(size + step));
      return button;
    });
    const slider = element("input", { type: "range", min: 1, max: most, step: 1, value: size });
    slider.setAttribute("aria-label", `Neurons in hidden layer ${index + 1}`);
    slider.addEventListener("change", () => resize(Number(slider.value)));
    const number = element("span");
    const word = element("span");
    const say = (n) => {
      number.textContent = n;
      word.textContent = n > 1 ? " neurons" : " neuron";
    };
    say(size);
    slider.addEventListener("input", () => say(Number(slider.value)));
    const count = element("output");
    count.append(number, word);
    const row = element("div");
    row.append(...buttons);
    const control = element("div", { className: "column-control" });
    control.append(row, slider, count);
    return control;
  }

  /** Fit the network view to its stage, lay the network out, and put the input labels and the
   * columns' controls where the layout says. */
  place() {
    const { $, network } = this;
    const resized = network.resize($("stage").clientWidth, $("stage").clientHeight);
    const { state } = this.get();
    if (resized) this.redraw();
    if (!state) return;
    const { box, xs, tops, labels, font } = network.arrange(state.network, this.shownInputs(state.config));
    [...$("features").children].forEach((button, r) => {
      const label = labels[r];
      Object.assign(button.style, {
        left: `${label.x}px`,
        top: `${Math.min(label.y, tops[0][r])}px`,
        width: `${xs[0] + box - label.x}px`,
        height: `${Math.max(label.height, box)}px`,
        paddingRight: `${xs[0] + box - label.x - label.width}px`,
        fontSize: `${font}px`,
      });
    });
    const pitch = xs.length > 1 ? xs[1] - xs[0] : CONTROL_WIDTH;
    const width = Math.min(CONTROL_WIDTH, pitch - 6);
    // Where the columns stand close (a phone, a deep network), − and + and the count only.
    $("neurons").classList.toggle("narrow", width < NARROW_CONTROL);
    [...$("neurons").children].forEach((control, i) => {
      const left = Math.max(0, Math.min(network.width - width, xs[i + 1] + box / 2 - width / 2));
      Object.assign(control.style, { left: `${left}px`, width: `${width}px` });
    });
  }
}
