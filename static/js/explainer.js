// Explain mode: pick a point, then step (or play) through its backpropagation with the real
// numbers, in the panel and on the network; apply that one-sample step, or leave.

import { buildSteps, fmt, nearestPoint, STAGES, stageStart } from "./explain.js";

const STAGE_NAMES = { forward: "Forward", error: "Error", backward: "Backward", update: "Update" };

export class Explainer {
  /** $: the page's getElementById; send(message); redraw(); get(): {state, playing};
   * activations: the registry's (registry.js). */
  constructor($, { send, redraw, get, activations }) {
    Object.assign(this, { $, send, redraw, get, activations });
    this.active = false;
    this.index = null; // the point being explained
    this.trace = null;
    this.steps = [];
    this.at = 0;
    this.timer = null;
    this.applied = null; // the point's loss before "Apply this step", until the new trace comes
    this.bind();
  }

  bind() {
    const $ = this.$;
    $("explain_random").addEventListener("click", () => this.random());
    $("explain_back").addEventListener("click", () => this.go(this.at - 1));
    $("explain_next").addEventListener("click", () => this.go(this.at + 1));
    $("explain_play").addEventListener("click", () => this.togglePlay());
    $("explain_apply").addEventListener("click", () => this.apply());
    $("explain_leave").addEventListener("click", () => this.leave());
    $("explain_stages").replaceChildren(
      ...STAGES.map((stage) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = STAGE_NAMES[stage];
        button.dataset.stage = stage;
        button.addEventListener("click", () => this.go(stageStart(this.steps, stage)));
        return button;
      }),
    );
  }

  toggle() {
    if (this.active) this.leave();
    else this.enter();
  }

  enter() {
    const { playing } = this.get();
    this.active = true;
    this.resume = playing; // Leave plays again if it was playing
    if (playing) this.send({ type: "pause" });
    this.$("explain").hidden = false;
    this.$("explain_button").setAttribute("aria-pressed", "true");
    document.querySelector(".columns").classList.add("explaining");
    this.clear();
    this.$("explain_random").focus();
  }

  leave() {
    this.stop();
    this.active = false;
    this.clear();
    this.$("explain").hidden = true;
    this.$("explain_button").setAttribute("aria-pressed", "false");
    document.querySelector(".columns").classList.remove("explaining");
    if (this.resume) this.send({ type: "play" });
    this.redraw();
  }

  /** Forget the point (a new configuration or new data): ask for a new one. */
  clear() {
    this.stop();
    Object.assign(this, { index: null, trace: null, steps: [], at: 0, applied: null });
    this.$("explain_body").hidden = true;
    this.$("explain_intro").hidden = false;
    this.$("explain_apply").disabled = true;
    this.redraw();
  }

  /** Explain point `index` of the state's points. */
  pick(index) {
    if (index < 0) return;
    this.index = index;
    this.send({ type: "explain", index });
  }

  /** The point nearest to (x, y) in the data's coordinates, among those on show. */
  pickNear(x, y, showTestData) {
    const { points } = this.get().state;
    this.pick(nearestPoint(points, x, y, (i) => points.train[i] || showTestData));
  }

  random() {
    const train = this.get().state.points.train;
    const indices = train.flatMap((on, i) => (on ? [i] : []));
    if (indices.length) this.pick(indices[Math.floor(Math.random() * indices.length)]);
  }

  /** A trace arrived: keep the step the person is on (the same point, newer numbers). */
  load(message) {
    if (!this.active || message.index !== this.index) return;
    const same = this.trace !== null;
    this.trace = message.trace;
    this.steps = buildSteps(message.trace, this.get().state.config.activation, this.activations);
    this.$("explain_intro").hidden = true;
    this.$("explain_body").hidden = false;
    this.$("explain_apply").disabled = false;
    const { points, config } = this.get().state;
    const label = points.label[this.index];
    const what = config.problem === "regression" ? `value ${fmt(label)}` : `class ${label > 0 && config.n_classes === 2 ? "+1" : label}`;
    const where = `x ${fmt(points.x[this.index])}, y ${fmt(points.y[this.index])}`;
    const set = points.train[this.index] ? "a training point" : "a test point";
    this.$("explain_point").textContent = `Point ${this.index} (${where}): ${what}, ${set}. Its loss: ${fmt(message.trace.loss)}.`;
    let note = config.regularization !== "none" ? "This one-sample step leaves the regularization out. " : "";
    if (this.applied !== null) {
      note += `Applied: this point's loss went from ${fmt(this.applied)} to ${fmt(message.trace.loss)}.`;
      this.applied = null;
    }
    this.$("explain_note").textContent = note;
    this.go(same ? this.at : 0);
    // On a phone the panel is far above the output view the point was picked on.
    if (!same && this.$("explain").getBoundingClientRect().bottom < 0) {
      this.$("explain").scrollIntoView({ block: "start" });
    }
  }

  /** The network changed under the trace (a weight edited, the step applied): trace again. */
  refresh() {
    if (this.active && this.index !== null) this.send({ type: "explain", index: this.index });
  }

  apply() {
    if (this.index === null || !this.trace) return;
    this.stop();
    this.applied = this.trace.loss;
    this.send({ type: "apply_step", index: this.index });
  }

  go(at) {
    if (!this.steps.length) return;
    this.at = Math.max(0, Math.min(this.steps.length - 1, at));
    const step = this.steps[this.at];
    const $ = this.$;
    $("explain_count").textContent = `step ${this.at + 1} of ${this.steps.length}`;
    $("explain_title").textContent = step.title;
    $("explain_words").textContent = step.words;
    $("explain_formula").textContent = step.formula;
    $("explain_lines").replaceChildren(
      ...step.lines.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }),
    );
    for (const button of $("explain_stages").children) {
      button.setAttribute("aria-current", String(button.dataset.stage === step.stage));
    }
    $("explain_back").disabled = this.at === 0;
    $("explain_next").disabled = this.at === this.steps.length - 1;
    if (this.at === this.steps.length - 1) this.stop();
    this.redraw();
  }

  togglePlay() {
    if (this.timer) this.stop();
    else if (this.steps.length) {
      if (this.at === this.steps.length - 1) this.go(0);
      this.$("explain_play").textContent = "Pause";
      const tick = () => {
        this.go(this.at + 1);
        if (this.timer) this.timer = setTimeout(tick, Number(this.$("explain_pace").value));
      };
      this.timer = setTimeout(tick, Number(this.$("explain_pace").value));
    }
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.$("explain_play").textContent = "Play";
  }

  /** What the network view highlights: the current step's neurons, links and numbers. */
  focus() {
    return this.active && this.steps.length ? this.steps[this.at] : null;
  }

  /** Keys while explaining; true when the key was taken. */
  key(event) {
    const keys = {
      ArrowRight: () => this.go(this.at + 1),
      ArrowLeft: () => this.go(this.at - 1),
      " ": () => this.togglePlay(),
      Escape: () => this.leave(),
    };
    if (!this.active || !keys[event.key]) return false;
    keys[event.key]();
    return true;
  }
}
