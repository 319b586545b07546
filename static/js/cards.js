// The cards of the network view: hover a link or a neuron for its value, sensitivity and change;
// click (or, with the network in focus, walk to it with the arrow keys and press Enter) to type
// a new value in place: Enter applies, Escape cancels.

/** What an id names: a link's weight ("x-1:0") or a neuron's bias ("1:0"). */
export function targetOf(id) {
  return { kind: id.includes("-") ? "weight" : "bias", id };
}

export class Cards {
  /** $: getElementById; send(message); network: the NetworkView; get(): {state, frame,
   * previous}; view: the page's view (its `hover` picks the big map); redraw(). */
  constructor($, { send, network, get, view, redraw }) {
    Object.assign(this, { $, send, network, get, view, redraw });
    this.editing = null; // {kind, id} while the card's input is open
    this.chosen = null; // the id the keyboard is on, while the network has focus
    this.bind();
  }

  /** The keyboard's chosen weight or bias, drawn as explain mode draws its focus. */
  focus() {
    const { state } = this.get();
    if (!this.chosen || !state.network.params.includes(this.chosen)) return null;
    const link = targetOf(this.chosen).kind === "weight";
    return { neurons: link ? [] : [this.chosen], links: link ? [this.chosen] : [], labels: {}, values: {} };
  }

  under(event) {
    const box = this.$("net").getBoundingClientRect();
    return this.get().state && this.network.hitTest(event.clientX - box.left, event.clientY - box.top);
  }

  /** Where the keyboard's card goes: beside the target, in CSS pixels. */
  placeOf(target) {
    return target && this.network.placeOf(target.id);
  }

  /** The card of `target` beside a pointer `event`, or (keyboard) beside `at`, in CSS pixels. */
  show(target, event, at = null) {
    const $ = this.$;
    const { state, frame, previous } = this.get();
    const card = $("card");
    if (!target || !frame) {
      card.hidden = true;
      return;
    }
    const i = state.network.params.indexOf(target.id);
    const value = frame.arrays.params[i];
    const change = previous ? value - previous[i] : 0;
    const name = target.kind === "weight" ? "Weight" : "Bias";
    $("card_text").textContent =
      `${name} ${target.id}: ${value.toFixed(3)} · sensitivity ${frame.arrays.sensitivities[i].toExponential(2)}` +
      ` · change ${change >= 0 ? "+" : ""}${change.toExponential(2)}`;
    const box = $("net").getBoundingClientRect();
    const [x, y] = at ?? [event.clientX - box.left, event.clientY - box.top];
    card.hidden = false;
    // Right of the target, or left of it near the stage's right edge: a card never widens the
    // page, and never lands under the pointer.
    const right = x + 12 + card.offsetWidth <= $("net").clientWidth;
    card.style.left = `${Math.max(0, right ? x + 12 : x - 12 - card.offsetWidth)}px`;
    card.style.top = `${y + 12}px`;
  }

  edit(target, event, at = null) {
    const { state, frame } = this.get();
    this.editing = target;
    this.show(target, event, at);
    const input = this.$("card_input");
    input.closest("label").hidden = false;
    input.value = frame.arrays.params[state.network.params.indexOf(target.id)].toFixed(3);
    input.focus();
    input.select();
  }

  // The keyboard's way to the weights: with the network in focus, arrows walk through every
  // weight and bias (in the order of state.network.params), Enter edits, Escape lets go.
  key(event) {
    const { state, frame } = this.get();
    const ids = state?.network.params;
    if (!ids || !frame) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step) {
      const at = ids.indexOf(this.chosen);
      this.chosen = ids[at < 0 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length];
    } else if (event.key === "Enter" && this.chosen) {
      const target = targetOf(this.chosen);
      this.edit(target, null, this.placeOf(target));
    } else if (event.key === "Escape") {
      this.chosen = null;
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // not the page's own keys (→ steps an epoch)
    const target = this.chosen && targetOf(this.chosen);
    if (!this.editing) this.show(target, null, this.placeOf(target));
    this.$("card_input").closest("label").hidden = !this.editing;
    this.redraw();
  }

  bind() {
    const $ = this.$;
    const canvas = $("net");
    canvas.addEventListener("mousemove", (event) => {
      const target = this.under(event);
      const hover = target?.kind === "bias" ? target.id : null;
      if (hover !== this.view.hover) {
        this.view.hover = hover;
        this.redraw();
      }
      if (!this.editing) {
        this.show(target, event);
        $("card_input").closest("label").hidden = true;
      }
    });
    canvas.addEventListener("mouseleave", () => {
      this.view.hover = null;
      this.redraw();
      if (!this.editing) $("card").hidden = true;
    });
    canvas.addEventListener("click", (event) => {
      const target = this.under(event);
      if (target) this.edit(target, event);
    });
    canvas.addEventListener("keydown", (event) => this.key(event));
    canvas.addEventListener("blur", () => {
      if (!this.editing && this.chosen) {
        this.chosen = null;
        $("card").hidden = true;
        this.redraw();
      }
    });
    $("card_input").addEventListener("input", () => ($("card_error").hidden = true));
    $("card_input").addEventListener("keydown", (event) => {
      const editing = this.editing;
      if (event.key === "Enter") {
        const text = $("card_input").value;
        const value = Number(text);
        const limit = this.get().state.limits.weight;
        if (text.trim() === "" || !Number.isFinite(value) || Math.abs(value) > limit) {
          // Said where it was typed; the card stays open for another number.
          $("card_error").textContent = `A ${editing.kind} is a number from −${limit} to ${limit}.`;
          $("card_error").hidden = false;
          event.stopPropagation();
          return;
        }
        this.send(
          editing.kind === "weight"
            ? { type: "set_weight", link: editing.id, value }
            : { type: "set_bias", neuron: editing.id, value },
        );
      }
      if (event.key === "Enter" || event.key === "Escape") {
        $("card_error").hidden = true;
        this.editing = null;
        $("card").hidden = true;
        event.stopPropagation();
        if (this.chosen) $("net").focus(); // back to the keyboard's walk through the weights
      }
    });
  }
}
