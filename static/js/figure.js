// What a figure in an essay (or a blog post) may ask of an embed, by hash keys: `chart` (the loss
// chart, the lowest test loss and Restore best), `explain` (the Explain button and panel) and
// `sliders` (a slider for every weight and bias of a small network: drag one, see the output
// change). The sensitivity view has its own key, `sensitivity`.

export const FIGURE_KEYS = ["chart", "explain", "sliders"];
export const MOST_SLIDERS = 12; // weights and biases: past this a network is no slider figure
const RANGE = 4; // a slider's weights run from −RANGE to RANGE
const SEND_MS = 40; // while dragging, at most one change to the server this often

/** Show the parts the hash asks for (body classes that site.css reads). */
export function showFigureParts(ui) {
  for (const key of FIGURE_KEYS) document.body.classList.toggle(`show-${key}`, Boolean(ui[key]));
}

/** A person's name for a weight or a bias of `network` (a state's network), by its id;
 * `label(name)` names an input feature (the registry's label). */
export function paramLabel(network, id, label = (name) => name) {
  const outputs = network.layers.at(-1).neurons;
  const neuron = (nid) => (outputs.length === 1 && outputs[0] === nid ? "the output" : `neuron ${nid}`);
  const link = network.links.find(([linkId]) => linkId === id);
  if (!link) return `bias of ${neuron(id)}`;
  const [, source, dest] = link;
  const from = network.inputs.includes(source) ? label(source) : neuron(source);
  return `weight ${from} → ${neuron(dest)}`;
}

export class Sliders {
  /** box: the element that holds the sliders; send: a message to the session; label: a
   * feature's name for a person. */
  constructor(box, send, label) {
    this.box = box;
    this.send = send;
    this.label = label;
    this.ids = null; // the params the sliders stand for, in the frames' order
    this.links = new Set(); // which of them are weights (the others are biases)
    this.inputs = [];
    this.last = 0; // when the last change went to the server
    this.pending = null;
  }

  /** Build the sliders for a state's network (when on and the network is small enough). */
  state(state, on) {
    const { params } = state.network;
    const wanted = on && params.length <= MOST_SLIDERS;
    this.box.hidden = !wanted;
    if (!wanted) {
      this.ids = null;
      this.box.replaceChildren();
      return;
    }
    if (this.ids && this.ids.join() === params.join()) return;
    this.ids = [...params];
    this.links = new Set(state.network.links.map(([id]) => id));
    this.inputs = params.map((id) => this.slider(state.network, id));
    this.box.replaceChildren(...this.inputs.map((input) => input.closest("label")));
    this.values(state.network.values);
  }

  slider(network, id) {
    const label = document.createElement("label");
    const name = document.createElement("span");
    name.textContent = paramLabel(network, id, this.label);
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: -RANGE, max: RANGE, step: 0.01 });
    input.dataset.param = id;
    const shown = document.createElement("output");
    input.addEventListener("input", () => {
      shown.textContent = Number(input.value).toFixed(2);
      this.change(id, Number(input.value));
    });
    label.append(name, input, shown);
    return input;
  }

  /** Send a slider's value, no more often than SEND_MS while it moves (the last one always). */
  change(id, value) {
    const message = this.links.has(id) ? { type: "set_weight", link: id, value } : { type: "set_bias", neuron: id, value };
    clearTimeout(this.pending);
    const wait = this.last + SEND_MS - performance.now();
    if (wait <= 0) {
      this.last = performance.now();
      this.send(message);
    } else {
      this.pending = setTimeout(() => this.change(id, value), wait);
    }
  }

  /** Every slider at its weight or bias, but the one in the person's hand. */
  values(values) {
    if (!this.ids) return;
    this.inputs.forEach((input, i) => {
      const value = values[i];
      if (input === document.activeElement || value === undefined) return;
      input.value = String(Math.max(-RANGE, Math.min(RANGE, value)));
      input.nextElementSibling.textContent = value.toFixed(2);
    });
  }
}
