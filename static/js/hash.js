// The URL hash, in TensorFlow Playground's keys (#activation=tanh&batchSize=10&…), so a TF
// Playground link opens here with the same configuration. Our extra keys follow its style.

// [TF key, config field, kind], in the order TF writes them; our keys after TF's.
const FIELDS = [
  ["activation", "activation", "string"],
  ["regularization", "regularization", "regularization"],
  ["batchSize", "batch_size", "int"],
  ["dataset", "dataset", "string"],
  ["regDataset", "reg_dataset", "string"],
  ["learningRate", "learning_rate", "number"],
  ["regularizationRate", "regularization_rate", "number"],
  ["noise", "noise", "int"],
  ["networkShape", "network_shape", "shape"],
  ["seed", "seed", "string"],
];
const UI_FIRST = ["showTestData", "discretize"]; // display-only booleans, in TF's order
const AFTER_FEATURES = [["percTrainData", "perc_train", "int"]];
// The features' keys (each `name=true|false`) come here, in the registry's hash order.
const UI_LAST = ["collectStats"];
const TAIL = [
  ["problem", "problem", "string"],
  ["initZero", "init_zero", "bool"],
];
const UI_END = ["hideText"];
const OURS = [
  ["loss", "loss", "string"],
  ["optimizer", "optimizer", "string"],
  ["nClasses", "n_classes", "int"],
  ["allTrain", "all_train", "bool"],
  ["dataSeed", "data_seed", "string"], // after Regenerate: the same points
  ["earlyStopping", "early_stopping", "int"], // epochs without a lower test loss; 0: off
];
// The sensitivity view, and what a figure asks of an embed (static/js/figure.js).
const UI_OURS = ["sensitivity", "chart", "explain", "sliders"];
const CONFIG_FIELDS = [...FIELDS, ...AFTER_FEATURES, ...TAIL, ...OURS];
const UI_KEYS = [...UI_FIRST, ...UI_LAST, ...UI_END, ...UI_OURS];

const bool = (text) => text !== "false"; // TF: any value but "false" is true
const HIDE = "_hide"; // TF hides a control when NAME_hide is exactly "true"

/** The hash key for a config field ("learning_rate" → "learningRate"), for telling a person
 * which part of their link was ignored. */
export function hashKey(field) {
  return CONFIG_FIELDS.find(([, name]) => name === field)?.[0] ?? field;
}

/** Percent-decoding that never throws: each run of %XX escapes that is UTF-8 is decoded, and
 * what is not ("100%", "%ZZ", the bytes of a lone surrogate) stays as it was written. */
function decode(text) {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

// A value that does not parse goes to the server as written, which names it and says what is
// allowed; only an empty number is absent (as in TF).
function read(kind, text) {
  switch (kind) {
    case "int":
    case "number": {
      const value = Number(text);
      if (text.trim() === "") return undefined;
      return Number.isFinite(value) ? value : text;
    }
    case "bool":
      return bool(text);
    case "shape": {
      const sizes = text.trim() === "" ? [] : text.split(",").map(Number);
      return sizes.every(Number.isInteger) ? sizes : text;
    }
    case "regularization":
      return text === "" ? "none" : text;
    default:
      return text;
  }
}

function write(kind, value) {
  if (kind === "shape") return value.join(",");
  return String(value);
}

/** The hash's reader and writer for the registry's features (registry.js). */
export function hashCodec(registry) {
  const features = registry.hashFeatures;
  const defaults = registry.fields.features.default; // TF: x and y
  return {
    parse: (hash) => parseHash(hash, features, defaults),
    serialize: (config, ui = {}, hidden = []) => serializeHash(config, ui, hidden, features, defaults),
  };
}

/** {config, ui, hidden} from a hash ("#k=v&k=v" or "k=v&…"): the config fields the link
 * names (the rest are the defaults: the server's `link` message), display flags, and the
 * controls it hides. Unknown keys are ignored, as in TF. */
function parseHash(hash, names, defaults) {
  const pairs = new Map();
  for (const part of hash.replace(/^#/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    pairs.set(decode(at < 0 ? part : part.slice(0, at)), decode(at < 0 ? "" : part.slice(at + 1)));
  }
  const config = {};
  for (const [key, field, kind] of CONFIG_FIELDS) {
    if (!pairs.has(key)) continue;
    const value = read(kind, pairs.get(key));
    if (value !== undefined) config[field] = value;
  }
  const hidden = [...pairs.keys()]
    .filter((key) => key.endsWith(HIDE) && pairs.get(key) === "true")
    .map((key) => key.slice(0, -HIDE.length));
  // A feature absent from a link that names others keeps TF's default (x and y on); a hidden
  // feature is no input at all (TF removes it).
  const on = (name) => (pairs.has(name) ? bool(pairs.get(name)) : defaults.includes(name));
  if (names.some((name) => pairs.has(name) || hidden.includes(name))) {
    config.features = names.filter((name) => on(name) && !hidden.includes(name));
  }
  const ui = {};
  for (const key of UI_KEYS) if (pairs.has(key)) ui[key] = bool(pairs.get(key));
  return { config, ui, hidden };
}

/** The hash for a config (our field names), display flags and hidden controls, in TF's order. */
function serializeHash(config, ui, hidden, names, defaults) {
  const parts = [];
  // Escape only what would break the hash apart, so "4,2" stays as TF writes it.
  const add = (key, value) => parts.push(`${key}=${String(value).replace(/[%&=#\s]/g, encodeURIComponent)}`);
  const fields = (list) => {
    for (const [key, field, kind] of list) {
      const value = config[field];
      if (value === undefined || value === null) continue;
      if (kind === "regularization" && value === "none") continue; // TF: absent means none
      add(key, write(kind, value));
    }
  };
  const flags = (keys) => keys.forEach((key) => add(key, Boolean(ui[key])));
  fields(FIELDS);
  flags(UI_FIRST);
  fields(AFTER_FEATURES);
  const features = new Set(config.features ?? defaults);
  names.forEach((name) => add(name, features.has(name)));
  flags(UI_LAST);
  fields(TAIL);
  flags(UI_END);
  fields(OURS);
  UI_OURS.filter((key) => ui[key]).forEach((key) => add(key, true));
  hidden.forEach((name) => add(`${name}${HIDE}`, true));
  return `#${parts.join("&")}`;
}
