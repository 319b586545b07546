// The step-through of one sample's backpropagation (a `trace` message, docs/protocol.md): the
// trace's numbers told as steps, each with words in Lernmi's vocabulary, the formula and the
// arithmetic with the real numbers. Pure: no DOM, tested by `node --test`.

export const STAGES = ["forward", "error", "backward", "update"];

/** A number as the step-through writes it: 3 decimals, or 2 significant digits when smaller,
 * with a true minus sign. */
export function fmt(value) {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const text = abs >= 0.01 && abs < 1e5 ? abs.toFixed(3) : abs.toPrecision(2);
  return value < 0 ? `−${text}` : text;
}

/** A number as a factor in a product: negatives in brackets. */
function factor(value) {
  return value < 0 ? `(${fmt(value)})` : fmt(value);
}

/** A sum of terms: `a + b − c`. */
function sum(values) {
  return values
    .map((v, i) => (i === 0 ? fmt(v) : v < 0 ? ` − ${fmt(-v)}` : ` + ${fmt(v)}`))
    .join("");
}

/** Where a link comes from: its id is `source-destination`. */
export function linkSource(id) {
  return id.slice(0, id.lastIndexOf("-"));
}

/** activation′ as the registry writes it (in terms of the output o or the net input), and
 * that text with the step's numbers in place of o and net, bracketed when it is a sum. */
function derivative(activations, name, step) {
  const formula = activations[name].derivative;
  const numbers = formula.replace(/\b(o|net)\b/g, (v) => factor(v === "o" ? step.output : step.net_input));
  const sum = / [−+] | if /.test(formula.replace(/\([^()]*\)/g, ""));
  return { formula, numbers: sum ? `(${numbers})` : numbers };
}

function forwardStep(step, layer, activation, depth) {
  const live = step.links_in;
  const contributions = live.map((l) => l.contribution);
  const lines = live.map(
    (l) => `${l.id}: ${factor(l.input)} × ${factor(l.weight)} = ${fmt(l.contribution)}${l.dead ? " (dead link)" : ""}`,
  );
  lines.push(`net input = bias + contributions = ${sum([step.bias, ...contributions])} = ${fmt(step.net_input)}`);
  lines.push(
    activation === "softmax"
      ? `output = e^net / Σ e^net over the layer = ${fmt(step.output)}`
      : `output = ${activation}(${fmt(step.net_input)}) = ${fmt(step.output)}`,
  );
  return {
    stage: "forward",
    layer,
    neurons: [step.id],
    links: live.map((l) => l.id),
    labels: Object.fromEntries(live.map((l) => [l.id, fmt(l.contribution)])),
    values: { [step.id]: `out ${fmt(step.output)}` },
    title: `Forward · ${layer === depth ? "output" : `layer ${layer}`} · neuron ${step.id}`,
    words:
      "Each link carries its input times its weight, its contribution, to the neuron. The neuron " +
      "adds the contributions to its bias, its net input (the weighted sum z), and its activation " +
      "of that is its output (a = f(z)), which its links out carry on.",
    formula: `net = bias + Σ input × weight;  output = ${activation}(net)`,
    lines,
  };
}

function errorStep(trace, outputs) {
  const softmax = trace.output_activation === "softmax";
  const square = trace.loss_name === "square";
  const lines = outputs.map((s) =>
    softmax
      ? `${s.id}: probability p ${fmt(s.output)}, target t ${fmt(s.target)} (one-hot), p − t = ${fmt(s.output - s.target)}`
      : `${s.id}: output ${fmt(s.output)}, target ${fmt(s.target)}, error o − t = ${fmt(s.output - s.target)}`,
  );
  let formula;
  if (square) formula = "E = ½ Σ (o − t)²;  sensitivity of the output ∂E/∂o = o − t";
  else if (softmax) formula = "E = −log p(the point's class);  ∂E/∂o = −t / p";
  else formula = "E = −log P(the point's class), P(+1) from the output;  ∂E/∂o from P";
  lines.push(...outputs.map((s) => `${s.id}: sensitivity of the output ∂E/∂o = ${fmt(s.sensitivity_sum)}`));
  lines.push(`loss E = ${fmt(trace.loss)}`);
  return {
    stage: "error",
    layer: null,
    neurons: outputs.map((s) => s.id),
    links: [],
    labels: {},
    values: Object.fromEntries(outputs.map((s) => [s.id, `t ${fmt(s.target)}`])),
    title: "The error at the output",
    words:
      "The output is compared with the point's target. How wrong it is, and which way, is the " +
      "sensitivity of the output (∂E/∂o): the first answer to \"whose fault is this error?\". " +
      (softmax ? "For several classes the target is 1 for the point's class and 0 for the others." : ""),
    formula,
    lines,
  };
}

function backwardStep(trace, step, layer, depth, activation, above, activations) {
  const lines = [];
  const output = layer === depth;
  const softmax = output && trace.output_activation === "softmax";
  if (!output) {
    const sent = above.map((n) => n.links_in.find((l) => linkSource(l.id) === step.id).sent_back);
    lines.push(`sensitivity sum = what its links out send back = ${sum(sent)} = ${fmt(step.sensitivity_sum)}`);
  }
  let formula;
  if (softmax && trace.loss_name === "cross_entropy") {
    formula = "sensitivity δ = p − t (softmax and cross-entropy together)";
    lines.push(`sensitivity δ = ${fmt(step.output)} − ${fmt(step.target)} = ${fmt(step.sensitivity)}`);
  } else if (softmax) {
    formula = "sensitivity δⱼ = pⱼ × (∂E/∂oⱼ − Σₖ pₖ ∂E/∂oₖ)";
    lines.push(`sensitivity δ = ${fmt(step.sensitivity)}`);
  } else if (output && trace.loss_name === "cross_entropy") {
    formula = "sensitivity δ = ∂E/∂o × activation′(net), which cross-entropy makes o − target";
    lines.push(`sensitivity δ = ${fmt(step.sensitivity_sum)} × ${fmt(step.derivative)} = ${fmt(step.sensitivity)}`);
  } else {
    const der = derivative(activations, activation, step);
    formula = `sensitivity δ = sensitivity sum × activation′(net), activation′ = ${der.formula}`;
    lines.push(`sensitivity δ = ${factor(step.sensitivity_sum)} × ${der.numbers} = ${fmt(step.sensitivity)}`);
  }
  for (const l of step.links_in) {
    if (l.dead) {
      lines.push(`${l.id}: dead (L1 froze it at 0): no blame`);
      continue;
    }
    lines.push(`${l.id}: weight's sensitivity = δ × input = ${factor(step.sensitivity)} × ${factor(l.input)} = ${fmt(l.sensitivity)}`);
    if (layer > 1) {
      lines.push(`${l.id}: sends back δ × weight = ${factor(step.sensitivity)} × ${factor(l.weight)} = ${fmt(l.sent_back)}`);
    }
  }
  return {
    stage: "backward",
    layer,
    neurons: [step.id],
    links: step.links_in.map((l) => l.id),
    labels: Object.fromEntries(step.links_in.map((l) => [l.id, fmt(l.sensitivity)])),
    values: { [step.id]: `δ ${fmt(step.sensitivity)}` },
    title: `Backward · ${output ? "output" : `layer ${layer}`} · neuron ${step.id}`,
    words:
      (output
        ? "The blame starts at the output. "
        : "A hidden neuron's blame is its sensitivity sum: what its links out sent back (∂E/∂output). ") +
      "Times how strongly its activation responds at this net input (activation′) it is the " +
      "neuron's sensitivity (δ = ∂E/∂net, also its bias's gradient). Each link in takes its share, " +
      "δ × its input: the weight's sensitivity (∂E/∂w, the gradient), and sends δ × its weight back " +
      "to the neuron it comes from (the weight before any update).",
    formula,
    lines,
  };
}

function updateStep(trace, step, layer, depth) {
  const rate = trace.learning_rate;
  const lines = step.links_in.map((l) =>
    l.dead
      ? `${l.id}: dead, stays 0`
      : `${l.id}: ${fmt(l.weight)} − ${fmt(rate)} × ${factor(l.sensitivity)} = ${fmt(l.weight)} ${l.change < 0 ? "−" : "+"} ${fmt(Math.abs(l.change))} = ${fmt(l.new_weight)}`,
  );
  lines.push(
    `bias: ${fmt(step.bias)} − ${fmt(rate)} × ${factor(step.sensitivity)} = ${fmt(step.new_bias)}`,
  );
  return {
    stage: "update",
    layer,
    neurons: [step.id],
    links: step.links_in.map((l) => l.id),
    labels: Object.fromEntries(step.links_in.map((l) => [l.id, `${l.change < 0 ? "−" : "+"}${fmt(Math.abs(l.change))}`])),
    values: { [step.id]: `bias ${fmt(step.new_bias)}` },
    title: `Update · ${layer === depth ? "output" : `layer ${layer}`} · neuron ${step.id}`,
    words:
      "Each weight moves against its sensitivity, by the learning rate times it: the gradient " +
      "descent step, for this one point (online SGD). The bias moves by the learning rate times " +
      "the neuron's sensitivity.",
    formula: "new weight = weight − learning rate × sensitivity;  new bias = bias − learning rate × δ",
    lines,
  };
}

/** The steps of a trace, in order: the inputs and forward layer by layer, the error, backward
 * from the output, then the update. `activation` is the hidden layers' activation;
 * `activations` the registry's (registry.js), for each one's derivative. */
export function buildSteps(trace, activation, activations) {
  const depth = trace.layers.length;
  const activationOf = (layer) => (layer === depth ? trace.output_activation : activation);
  const inputs = Object.entries(trace.inputs);
  const steps = [
    {
      stage: "forward",
      layer: 0,
      neurons: inputs.map(([name]) => name),
      links: [],
      labels: {},
      values: Object.fromEntries(inputs.map(([name, v]) => [name, fmt(v)])),
      title: "Forward · the inputs",
      words:
        "The point goes in as its features: each input neuron holds one, as it is (inputs have " +
        "no activation).",
      formula: "input = the feature's value at the point",
      lines: inputs.map(([name, v]) => `${name} = ${fmt(v)}`),
    },
  ];
  trace.layers.forEach((layer, i) => {
    for (const step of layer) steps.push(forwardStep(step, i + 1, activationOf(i + 1), depth));
  });
  steps.push(errorStep(trace, trace.layers[depth - 1]));
  for (let i = depth - 1; i >= 0; i--) {
    for (const step of trace.layers[i]) {
      steps.push(backwardStep(trace, step, i + 1, depth, activationOf(i + 1), trace.layers[i + 1], activations));
    }
  }
  trace.layers.forEach((layer, i) => {
    for (const step of layer) steps.push(updateStep(trace, step, i + 1, depth));
  });
  return steps;
}

/** The index of the first step of `stage`. */
export function stageStart(steps, stage) {
  return steps.findIndex((step) => step.stage === stage);
}

/** The index of the point nearest to (x, y) among those `shown(i)` allows, or -1. */
export function nearestPoint(points, x, y, shown = () => true) {
  let best = -1;
  let distance = Infinity;
  for (let i = 0; i < points.x.length; i++) {
    if (!shown(i)) continue;
    const d = (points.x[i] - x) ** 2 + (points.y[i] - y) ** 2;
    if (d < distance) [best, distance] = [i, d];
  }
  return best;
}
