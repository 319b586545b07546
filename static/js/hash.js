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
export const FEATURES = ["x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY"];
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
];
const CONFIG_FIELDS = [...FIELDS, ...AFTER_FEATURES, ...TAIL, ...OURS];
const UI_KEYS = [...UI_FIRST, ...UI_LAST, ...UI_END];

const bool = (text) => text !== "false"; // TF: any value but "false" is true

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

function read(kind, text) {
  switch (kind) {
    case "int":
    case "number": {
      const value = Number(text);
      return text.trim() === "" || !Number.isFinite(value) ? undefined : value;
    }
    case "bool":
      return bool(text);
    case "shape":
      return text.trim() === "" ? [] : text.split(",").map(Number);
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

/** {config, ui, hidden} from a hash ("#k=v&k=v" or "k=v&…"). Unknown keys are ignored;
 * values that are not numbers where numbers belong are dropped (the server checks ranges). */
export function parseHash(hash) {
  const pairs = new Map();
  for (const part of hash.replace(/^#/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = decode(at < 0 ? part : part.slice(0, at));
    pairs.set(key, decode(at < 0 ? "" : part.slice(at + 1)));
  }
  const config = {};
  for (const [key, field, kind] of CONFIG_FIELDS) {
    if (!pairs.has(key)) continue;
    const value = read(kind, pairs.get(key));
    if (value !== undefined && !(Array.isArray(value) && value.some((n) => !Number.isInteger(n)))) {
      config[field] = value;
    }
  }
  const named = FEATURES.filter((name) => pairs.has(name));
  if (named.length) {
    // A feature absent from a link that names others keeps TF's default (x and y on).
    config.features = FEATURES.filter((name) =>
      pairs.has(name) ? bool(pairs.get(name)) : name === "x" || name === "y",
    );
  }
  const ui = {};
  for (const key of UI_KEYS) if (pairs.has(key)) ui[key] = bool(pairs.get(key));
  const hidden = [...pairs.keys()]
    .filter((key) => key.endsWith("_hide") && bool(pairs.get(key)))
    .map((key) => key.slice(0, -"_hide".length));
  return { config, ui, hidden };
}

/** The hash for a config (our field names), display flags and hidden controls, in TF's order. */
export function serializeHash(config, ui = {}, hidden = []) {
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
  const features = new Set(config.features ?? ["x", "y"]);
  FEATURES.forEach((name) => add(name, features.has(name)));
  flags(UI_LAST);
  fields(TAIL);
  flags(UI_END);
  fields(OURS);
  hidden.forEach((name) => add(`${name}_hide`, true));
  return `#${parts.join("&")}`;
}
