// How the page writes its numbers.

/** The epoch as TF Playground shows it: at least six digits, in groups of three: 000,042. */
export function formatEpoch(epoch) {
  const digits = String(Math.max(0, Math.trunc(epoch))).padStart(6, "0");
  return digits.replace(/\B(?=(\d{3})+$)/g, ",");
}

/** A loss or a value with three decimals, or a dash where there is none. */
export function formatValue(value) {
  return value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(3);
}

/** An accuracy (0..1) as a percentage with one decimal. */
export function formatPercent(value) {
  return `${(value * 100).toFixed(1)} %`;
}
