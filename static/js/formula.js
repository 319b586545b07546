// Formulas sent as text by the server (engine/formulas.py: `x * y`, `sin(x)`, `max(z, 0)`),
// compiled to closures with a small parser: the page's Content-Security-Policy forbids eval and
// new Function. Same grammar as the engine's: sums of products of unary minus, numbers,
// variables, calls and brackets.

// tanh from a table, linearly interpolated: within 4e-7 of Math.tanh (the colour scale's step is
// 1/128; tests/app/test_page_maps.py holds the maps to 1e-4) and several times faster, for the
// maps' half a million a frame.
const TANH_STEP = 1 / 512;
const TANH_END = 10; // |z| beyond: ±1 within 5e-9
const TANH_TABLE = Float64Array.from({ length: 2 * TANH_END * 512 + 2 }, (_, i) => Math.tanh(i * TANH_STEP - TANH_END));

function tableTanh(z) {
  if (!(z > -TANH_END && z < TANH_END)) return Number.isNaN(z) ? z : Math.sign(z);
  const at = (z + TANH_END) / TANH_STEP;
  const i = Math.floor(at);
  return TANH_TABLE[i] + (at - i) * (TANH_TABLE[i + 1] - TANH_TABLE[i]);
}

/** tableTanh over the first n values of x, in place: one loop the engine can keep hot. */
function tanhInPlace(x, n) {
  for (let p = 0; p < n; p++) {
    const z = x[p];
    if (z > -TANH_END && z < TANH_END) {
      const at = (z + TANH_END) * (1 / TANH_STEP);
      const i = at | 0;
      x[p] = TANH_TABLE[i] + (at - i) * (TANH_TABLE[i + 1] - TANH_TABLE[i]);
    } else if (z === z) x[p] = z > 0 ? 1 : -1; // NaN stays NaN
  }
  return x;
}

const FUNCTIONS = {
  sin: [Math.sin, 1],
  cos: [Math.cos, 1],
  tanh: [Math.tanh, 1],
  exp: [Math.exp, 1],
  abs: [Math.abs, 1],
  max: [Math.max, 2],
  min: [Math.min, 2],
};
const FAST = { ...FUNCTIONS, tanh: [tableTanh, 1] }; // for arrays: the maps
const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|(\S))/g;
const ARITHMETIC = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
};

// What a parsed formula becomes: one closure per node, over a scalar per variable (`v[i]`), or
// over arrays of n values. An array node returns a number (a constant) or a Float64Array of its
// own, which the node above overwrites in place: one loop per node, few allocations.
const SCALAR = {
  functions: FUNCTIONS,
  number: (value) => () => value,
  variable: (i) => (v) => v[i],
  unary: (fn, a) => (v) => fn(a(v)),
  binary: (fn, a, b) => (v) => fn(a(v), b(v)),
};
const ARRAY = {
  functions: FAST,
  number: (value) => () => value,
  variable: (i) => (v, n) => Float64Array.from(v[i].subarray(0, n)),
  unary: (fn, a) => (v, n) => {
    const x = a(v, n);
    if (typeof x === "number") return fn(x);
    if (fn === tableTanh) return tanhInPlace(x, n);
    for (let p = 0; p < n; p++) x[p] = fn(x[p]);
    return x;
  },
  binary: (fn, a, b) => (v, n) => {
    const x = a(v, n);
    const y = b(v, n);
    if (typeof x === "number" && typeof y === "number") return fn(x, y);
    if (typeof y === "number") {
      for (let p = 0; p < n; p++) x[p] = fn(x[p], y);
      return x;
    }
    if (typeof x === "number") {
      for (let p = 0; p < n; p++) y[p] = fn(x, y[p]);
      return y;
    }
    for (let p = 0; p < n; p++) x[p] = fn(x[p], y[p]);
    return x;
  },
};

function tokens(text) {
  return [...text.matchAll(TOKEN)].map((m) => ({ number: m[1], name: m[2], text: m[1] ?? m[2] ?? m[3] }));
}

/** The formula `text` over `variables` (["x", "y"]) as a function of an array of their values in
 * that order; throws an Error naming what is wrong. */
export function compile(text, variables) {
  return build(text, variables, SCALAR);
}

/** The formula as a function of (arrays, n): one array of at least n values per variable, in
 * order; it returns a Float64Array of the n results. With `overwrite`, the arrays are the
 * caller's scratch (Float64Arrays): a variable the formula uses once is computed on in place,
 * and may be what it returns, so a map's net inputs become its outputs without a copy. */
export function compileArrays(text, variables, { overwrite = false } = {}) {
  const uses = (name) => tokens(text).filter((token) => token.text === name).length;
  const inPlace = overwrite && variables.every((name) => uses(name) <= 1);
  const formula = build(text, variables, inPlace ? { ...ARRAY, variable: (i) => (v) => v[i] } : ARRAY);
  return (arrays, n) => {
    const result = formula(arrays, n);
    return typeof result === "number" ? new Float64Array(n).fill(result) : result;
  };
}

function build(text, variables, make) {
  const list = tokens(text);
  let at = 0;
  const fail = (what) => new Error(`formula ${JSON.stringify(text)}: ${what}`);
  const peek = () => list[at]?.text;
  const take = (expected) => {
    const token = list[at];
    if (!token || (expected && token.text !== expected)) {
      throw fail(`expected ${expected ?? "more"}, found ${token?.text ?? "the end"}`);
    }
    at += 1;
    return token;
  };
  const sum = () => {
    let node = product();
    while (peek() === "+" || peek() === "-") node = make.binary(ARITHMETIC[take().text], node, product());
    return node;
  };
  const product = () => {
    let node = unary();
    while (peek() === "*" || peek() === "/") node = make.binary(ARITHMETIC[take().text], node, unary());
    return node;
  };
  const unary = () => {
    if (peek() !== "-") return atom();
    take();
    return make.unary((a) => -a, unary());
  };
  const atom = () => {
    const token = take();
    if (token.text === "(") {
      const inner = sum();
      take(")");
      return inner;
    }
    if (token.number !== undefined) return make.number(Number(token.number));
    const index = variables.indexOf(token.text);
    if (index >= 0) return make.variable(index);
    if (!Object.hasOwn(make.functions, token.name)) throw fail(`unknown name ${token.text}`);
    return call(token.name);
  };
  const call = (name) => {
    const [fn, arity] = make.functions[name];
    take("(");
    const args = [sum()];
    while (peek() === ",") {
      take();
      args.push(sum());
    }
    take(")");
    if (args.length !== arity) throw fail(`${name} takes ${arity} argument(s), not ${args.length}`);
    return arity === 1 ? make.unary(fn, args[0]) : make.binary(fn, args[0], args[1]);
  };
  const whole = sum();
  if (at < list.length) throw fail(`unexpected ${peek()}`);
  return whole;
}
