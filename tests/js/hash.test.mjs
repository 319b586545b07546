import assert from "node:assert/strict";
import { test } from "node:test";

import { readFileSync } from "node:fs";

import { hashCodec, hashKey } from "../../static/js/hash.js";
import { makeRegistry } from "../../static/js/registry.js";

const REGISTRY = makeRegistry(JSON.parse(readFileSync(new URL("fixtures/registry.json", import.meta.url))));
const { parse: parseHash, serialize: serializeHash } = hashCodec(REGISTRY);

// A real TF Playground link, from its issue tracker (shared/reference/tf-playground.md).
const TF_LINK =
  "#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03" +
  "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.59704&showTestData=false" +
  "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false" +
  "&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false" +
  "&problem=classification&initZero=false&hideText=false";

test("TF Playground's link opens with its configuration", () => {
  const { config, ui, hidden } = parseHash(TF_LINK);
  assert.deepEqual(config, {
    activation: "tanh",
    batch_size: 10,
    dataset: "circle",
    reg_dataset: "reg-plane",
    learning_rate: 0.03,
    regularization_rate: 0,
    noise: 0,
    network_shape: [4, 2],
    seed: "0.59704",
    perc_train: 50,
    features: ["x", "y"],
    problem: "classification",
    init_zero: false,
  });
  assert.deepEqual(ui, { showTestData: false, discretize: false, collectStats: false, hideText: false });
  assert.deepEqual(hidden, []);
});

test("writing that configuration back gives TF's link, key for key", () => {
  const { config, ui } = parseHash(TF_LINK);
  assert.equal(serializeHash(config, ui), TF_LINK);
});

test("a short link sets only what it names; absent features keep TF's defaults", () => {
  const { config } = parseHash("#networkShape=8,8,8&dataset=spiral&xSquared=true");
  assert.deepEqual(config, {
    network_shape: [8, 8, 8],
    dataset: "spiral",
    features: ["x", "y", "xSquared"],
  });
});

test("any value but false is true, as in TF", () => {
  assert.deepEqual(parseHash("#x=false&sinY=1").config.features, ["y", "sinY"]);
  assert.equal(parseHash("#initZero=yes").config.init_zero, true);
});

test("an empty networkShape means no hidden layer", () => {
  assert.deepEqual(parseHash("#networkShape=").config.network_shape, []);
  assert.equal(serializeHash({ network_shape: [] }).includes("networkShape=&"), true);
});

test("regularization is absent for none and named otherwise", () => {
  assert.equal(parseHash("#activation=relu").config.regularization, undefined);
  assert.equal(parseHash("#regularization=L1").config.regularization, "L1");
  assert.ok(!serializeHash({ regularization: "none" }).includes("regularization="));
  assert.ok(serializeHash({ regularization: "L2" }).startsWith("#regularization=L2&"));
});

test("our keys follow TF's style after its own", () => {
  const hash = serializeHash({ loss: "cross_entropy", optimizer: "adam", n_classes: 3 });
  assert.ok(hash.endsWith("&loss=cross_entropy&optimizer=adam&nClasses=3"));
  assert.deepEqual(parseHash(hash).config, {
    features: ["x", "y"],
    loss: "cross_entropy",
    optimizer: "adam",
    n_classes: 3,
  });
});

test("NAME_hide keys list the controls an embed hides", () => {
  assert.deepEqual(parseHash("#playButton_hide=true&sinX_hide=true&noise_hide=false").hidden, [
    "playButton",
    "sinX",
  ]);
  assert.ok(serializeHash({}, {}, ["playButton"]).endsWith("&playButton_hide=true"));
});

test("unknown keys are ignored; a value that does not parse goes to the server as written", () => {
  assert.deepEqual(parseHash("#colour=red&batchSize=ten&learningRate=&networkShape=4,x").config, {
    batch_size: "ten",
    network_shape: "4,x",
  });
});

test("a malformed escape is kept as written instead of breaking the page", () => {
  assert.equal(parseHash("#seed=100%").config.seed, "100%");
  assert.equal(parseHash("#seed=a%2Cb").config.seed, "a,b");
});

test("TF hides a control only for exactly true, and a hidden feature is no input", () => {
  const { config, hidden } = parseHash(
    "#x=true&y=true&xTimesY=true&xSquared=true&xTimesY_hide=true&xSquared_hide=true&noise_hide=1",
  );
  assert.deepEqual(hidden, ["xTimesY", "xSquared"]);
  assert.deepEqual(config.features, ["x", "y"]);
  assert.deepEqual(parseHash("#x_hide=true").config.features, ["y"]);
});

test("the data seed after Regenerate and the sensitivity view travel in the link", () => {
  const hash = serializeHash({ seed: "0.5", data_seed: "0.77" }, { sensitivity: true });
  assert.ok(hash.includes("&dataSeed=0.77"));
  assert.ok(hash.endsWith("&sensitivity=true"));
  const { config, ui } = parseHash(hash);
  assert.equal(config.data_seed, "0.77");
  assert.equal(ui.sensitivity, true);
  assert.ok(!serializeHash({ seed: "0.5" }, {}).includes("sensitivity"));
});

test("each config field has the key a link spells it with", () => {
  assert.equal(hashKey("learning_rate"), "learningRate");
  assert.equal(hashKey("network_shape"), "networkShape");
  assert.equal(hashKey("data_seed"), "dataSeed");
});

test("malformed percent-encoding is read as it is, not thrown (#seed=100%)", () => {
  assert.equal(parseHash("#seed=100%").config.seed, "100%");
  assert.equal(parseHash("#seed=a%ZZb%20c").config.seed, "a%ZZb c");
  assert.equal(parseHash("#seed=%ED%A0%80x").config.seed, "%ED%A0%80x"); // a lone surrogate's bytes
  assert.equal(parseHash("#%E0%A4%A=1&dataset=xor").config.dataset, "xor");
  assert.equal(parseHash("#seed=%F0%9F%98%80").config.seed, "😀");
});

test("a feature the registry adds is read from and written into the hash, after TF's", () => {
  const raw = structuredClone(REGISTRY.raw);
  raw.features.push({ name: "xCubed", label: "X₁³", formula: "x * x * x", thumbnail: [-216, 216] });
  raw.hash_features.push("xCubed");
  const codec = hashCodec(makeRegistry(raw));
  assert.deepEqual(codec.parse("#xCubed=true&x=false").config.features, ["y", "xCubed"]);
  const hash = codec.serialize({ features: ["x", "xCubed"] });
  assert.ok(hash.includes("&sinY=false&xCubed=true&"), hash);
});
