// Learning versus memorizing on the page: the lowest test loss and its epoch under the numbers
// (and marked on the loss chart), "Restore best", and the early-stopping menu. The server keeps
// the best network (docs/protocol.md, restore_best); this module only shows it and asks for it.

import { formatValue } from "./format.js";

/** The sentence under the numbers when early stopping has just paused the session. */
export function stoppedNote(header, patience) {
  const { best_epoch: best, epoch, playing } = header;
  if (playing || !patience || best === null || best === undefined || epoch - best !== patience) return "";
  return (
    `Paused: the test loss has not improved for ${patience} epochs (lowest ${formatValue(header.best_test_loss)} ` +
    `at epoch ${best}). Restore best goes back to it; Play goes on.`
  );
}

export class BestPanel {
  /** $: the page's getElementById; chart: the LossChart to mark; send and change: a message,
   * and a config change, to the session. */
  constructor($, { chart, send, change }) {
    this.$ = $;
    this.chart = chart;
    this.patience = 0;
    $("restore_best").addEventListener("click", () => send({ type: "restore_best" }));
    $("early_stopping").addEventListener("change", () => change({ early_stopping: Number($("early_stopping").value) }));
  }

  /** A state: the session's early stopping, and its best so far. */
  state(state) {
    const { $ } = this;
    this.patience = state.config.early_stopping ?? 0;
    const value = String(this.patience);
    if (![...$("early_stopping").options].some((option) => option.value === value)) {
      $("early_stopping").add(new Option(`${value} epochs`, value)); // from a link
    }
    $("early_stopping").value = value;
    this.show(state);
  }

  /** A frame's (or a state's) best test loss and epoch, and why training paused, if it was
   * early stopping. */
  show(header) {
    const { $ } = this;
    const known = header.best_test_loss !== null && header.best_test_loss !== undefined;
    $("best").hidden = !known;
    $("restore_best").disabled = !known || header.best_epoch === header.epoch;
    if (known) {
      $("best_loss").textContent = formatValue(header.best_test_loss);
      $("best_epoch").textContent = String(header.best_epoch);
    }
    this.chart.mark(known ? [header.best_epoch, header.best_test_loss] : null);
    const note = stoppedNote(header, this.patience);
    if ($("stopped").textContent !== note) $("stopped").textContent = note;
    $("stopped").hidden = !note;
  }
}
