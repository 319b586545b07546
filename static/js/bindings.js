// What each control sends: menus and sliders send config changes, the transport its commands,
// the output view's clicks go to explain mode or the point editor, and the keys of the page.

const NEW_LAYER_NEURONS = 2; // TF: a new layer starts with 2 neurons
const MENUS = ["activation", "regularization", "problem", "optimizer", "loss"];
const SLIDERS = ["perc_train", "noise", "batch_size"];
// [checkbox, the hash's display flag]
const FLAGS = [
  ["show_test", "showTestData"],
  ["discretize", "discretize"],
  ["sensitivity", "sensitivity"],
];

function bindMenus($, { change, get }) {
  for (const id of MENUS) $(id).addEventListener("change", () => change({ [id]: $(id).value }));
  // Several classes learn with a softmax output and cross-entropy (the loss can be set back).
  $("n_classes").addEventListener("change", () => {
    const k = Number($("n_classes").value);
    const loss = k > 2 && get().state.config.loss === "square" ? { loss: "cross_entropy" } : {};
    change({ n_classes: k, ...loss });
  });
  for (const id of ["learning_rate", "regularization_rate"]) {
    $(id).addEventListener("change", () => change({ [id]: Number($(id).value) }));
  }
  for (const id of SLIDERS) {
    $(id).addEventListener("input", () => ($(`${id}_out`).textContent = $(id).value));
    $(id).addEventListener("change", () => change({ [id]: Number($(id).value) }));
  }
  $("all_train").addEventListener("change", () => change({ all_train: $("all_train").checked }));
}

function bindLayers($, { change, get }) {
  $("layers").addEventListener("input", () => ($("layers_out").textContent = $("layers").value));
  const layers = (count) => {
    const { state } = get();
    const shape = [...state.config.network_shape];
    while (shape.length < count) shape.push(NEW_LAYER_NEURONS);
    change({ network_shape: shape.slice(0, Math.max(0, Math.min(state.limits.max_hidden_layers, count))) });
  };
  const depth = () => get().state.config.network_shape.length;
  $("layers").addEventListener("change", () => layers(Number($("layers").value)));
  $("layer_less").addEventListener("click", () => layers(depth() - 1));
  $("layer_more").addEventListener("click", () => layers(depth() + 1));
}

function bindTransport($, { send, commands, explainer }) {
  $("speed").addEventListener("change", () => {
    const value = $("speed").value;
    send({ type: "speed", epochs_per_frame: value === "max" ? "max" : Number(value) });
  });
  $("play").addEventListener("click", commands.togglePlay);
  $("step").addEventListener("click", commands.step);
  $("reset").addEventListener("click", commands.reset);
  $("explain_button").addEventListener("click", () => explainer.toggle());
  $("confusion_box").addEventListener("toggle", () => send({ type: "confusion", show: $("confusion_box").open }));
  $("regenerate").addEventListener("click", () => send({ type: "regenerate" }));
}

// A click on the output view picks a point to explain, or draws (right-click removes).
function bindMap($, { get, explainer, editor, view }) {
  const onMap = (event) => {
    if (!get().state || !(explainer.active || editor.active)) return;
    event.preventDefault();
    const box = $("heatmap").getBoundingClientRect();
    const x = Math.max(-6, Math.min(6, ((event.clientX - box.left) / box.width) * 12 - 6));
    const y = Math.max(-6, Math.min(6, 6 - ((event.clientY - box.top) / box.height) * 12));
    if (explainer.active) explainer.pickNear(x, y, view.ui.showTestData);
    else editor.click(event, x, y);
  };
  $("heatmap").addEventListener("click", onMap);
  $("heatmap").addEventListener("contextmenu", onMap);
}

function bindFlags($, { view, writeHash, redraw }) {
  for (const [id, key] of FLAGS) {
    $(id).checked = Boolean(view.ui[key]);
    $(id).addEventListener("change", () => {
      view.ui[key] = $(id).checked;
      writeHash();
      redraw();
    });
  }
}

function bindKeys($, { commands, explainer }) {
  const keys = {
    " ": commands.togglePlay,
    ArrowRight: commands.step,
    r: commands.reset,
    e: () => explainer.toggle(),
    s: () => $("sensitivity").click(),
  };
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return; // the browser's own shortcuts
    // Space on a focused button presses that button, as everywhere else.
    if (event.key === " " && event.target instanceof HTMLButtonElement) return;
    if (explainer.key(event)) {
      event.preventDefault();
      return;
    }
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
}

/** Wire every control: `page` holds change, send, get() (the store), view, commands
 * ({togglePlay, step, reset}), explainer, editor, writeHash(), redraw() and place(). */
export function bindControls($, page) {
  bindMenus($, page);
  bindLayers($, page);
  new ResizeObserver(page.place).observe($("stage"));
  bindTransport($, page);
  bindMap($, page);
  bindFlags($, page);
  bindKeys($, page);
}
