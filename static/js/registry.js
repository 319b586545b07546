// The server's registries (app/registry.py), sent once with the page as JSON: every input
// feature (name, label, formula, thumbnail range), every activation (formula, derivative text,
// where it may be used) and every configuration field's range and default. The page builds its
// feature buttons, labels, URL hash, thumbnails and Explain's texts from them, and nothing else.

import { compile, compileArrays } from "./formula.js";

/** The registry `raw` (the JSON the server sent) with its formulas compiled: features[name].fn
 * is f(x, y), activations[name].fn is f(z); each one's `overArrays` takes arrays of n values
 * ([xs, ys] or [zs], n) and returns a Float64Array of the n results (an activation's may be
 * its zs, overwritten: they are the caller's scratch). */
export function makeRegistry(raw) {
  const features = Object.fromEntries(
    raw.features.map((f) => {
      const formula = compile(f.formula, ["x", "y"]);
      return [f.name, { ...f, fn: (x, y) => formula([x, y]), overArrays: compileArrays(f.formula, ["x", "y"]) }];
    }),
  );
  const activations = Object.fromEntries(
    raw.activations.map((a) => {
      const formula = compile(a.formula, ["z"]);
      const overArrays = compileArrays(a.formula, ["z"], { overwrite: true });
      return [a.name, { ...a, fn: (z) => formula([z]), overArrays }];
    }),
  );
  return {
    raw,
    features,
    activations,
    featureNames: raw.features.map((f) => f.name), // the engine's input order
    hashFeatures: raw.hash_features, // the order a link writes them in
    fields: raw.fields,
    label: (name) => features[name]?.label ?? name,
  };
}

/** The registry the page was served with (templates/index.html). */
export function pageRegistry(doc = document) {
  return makeRegistry(JSON.parse(doc.getElementById("registry").textContent));
}
