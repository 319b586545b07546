// Formulas sent as text by the server (engine/formulas.py: `x * y`, `sin(x)`, `max(z, 0)`),
// compiled to closures with a small parser: the page's Content-Security-Policy forbids eval and
// new Function. Same grammar as the engine's: sums of products of unary minus, numbers,
// variables, calls and brackets.

const FUNCTIONS = {
  sin: [Math.sin, 1],
  cos: [Math.cos, 1],
  tanh: [Math.tanh, 1],
  exp: [Math.exp, 1],
  abs: [Math.abs, 1],
  max: [Math.max, 2],
  min: [Math.min, 2],
};
const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|(\S))/g;
const OPERATORS = {
  "+": (a, b) => (v) => a(v) + b(v),
  "-": (a, b) => (v) => a(v) - b(v),
  "*": (a, b) => (v) => a(v) * b(v),
  "/": (a, b) => (v) => a(v) / b(v),
};

function tokens(text) {
  return [...text.matchAll(TOKEN)].map((m) => ({ number: m[1], name: m[2], text: m[1] ?? m[2] ?? m[3] }));
}

/** The formula `text` over `variables` (["x", "y"]) as a function of an array of their values in
 * that order; throws an Error naming what is wrong. */
export function compile(text, variables) {
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
    while (peek() === "+" || peek() === "-") node = OPERATORS[take().text](node, product());
    return node;
  };
  const product = () => {
    let node = unary();
    while (peek() === "*" || peek() === "/") node = OPERATORS[take().text](node, unary());
    return node;
  };
  const unary = () => {
    if (peek() !== "-") return atom();
    take();
    const inner = unary();
    return (v) => -inner(v);
  };
  const atom = () => {
    const token = take();
    if (token.text === "(") {
      const inner = sum();
      take(")");
      return inner;
    }
    if (token.number !== undefined) {
      const value = Number(token.number);
      return () => value;
    }
    const index = variables.indexOf(token.text);
    if (index >= 0) return (v) => v[index];
    if (!(token.name in FUNCTIONS)) throw fail(`unknown name ${token.text}`);
    return call(token.name);
  };
  const call = (name) => {
    const [fn, arity] = FUNCTIONS[name];
    take("(");
    const args = [sum()];
    while (peek() === ",") {
      take();
      args.push(sum());
    }
    take(")");
    if (args.length !== arity) throw fail(`${name} takes ${arity} argument(s), not ${args.length}`);
    if (arity === 1) {
      const [a] = args;
      return (v) => fn(a(v));
    }
    const [a, b] = args;
    return (v) => fn(a(v), b(v));
  };
  const whole = sum();
  if (at < list.length) throw fail(`unexpected ${peek()}`);
  return whole;
}
