"""Formulas as short texts (`x * y`, `sin(x)`, `max(z, 0)`): one definition the engine compiles to
numpy and the page (static/js/formula.js) compiles to JavaScript, in the same tiny syntax.

Grammar: sum = product (("+" | "-") product)*; product = unary (("*" | "/") unary)*;
unary = "-" unary | atom; atom = number | variable | function "(" sum ("," sum)* ")" | "(" sum ")".
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]
# Each function: its numpy form (for compiled formulas and exported Python) and its arity.
FUNCTIONS: dict[str, tuple[Callable[..., Array], int]] = {
    "sin": (np.sin, 1),
    "cos": (np.cos, 1),
    "tanh": (np.tanh, 1),
    "exp": (np.exp, 1),
    "abs": (np.abs, 1),
    "max": (np.maximum, 2),
    "min": (np.minimum, 2),
}
NUMPY_NAMES = {"sin": "sin", "cos": "cos", "tanh": "tanh", "exp": "exp", "abs": "abs"}
NUMPY_NAMES |= {"max": "maximum", "min": "minimum"}
TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|(.))")
MAX_LENGTH = 200  # characters: a formula is a line, not a program


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: a number, a variable, an operator or a function call."""

    kind: str  # "number", "variable", "neg", "+", "-", "*", "/" or "call"
    value: str = ""  # the number's text, the variable's or the function's name
    args: tuple["Node", ...] = ()


class _Parser:
    def __init__(self, text: str, variables: Sequence[str]) -> None:
        if len(text) > MAX_LENGTH:
            raise ValueError(f"formula is longer than {MAX_LENGTH} characters")
        self.text = text
        self.variables = tuple(variables)
        self.tokens = [m.group(1, 2, 3) for m in TOKEN.finditer(text) if m.group(0).strip()]
        self.at = 0

    def fail(self, what: str) -> ValueError:
        return ValueError(f"formula {self.text!r}: {what}")

    def peek(self) -> str | None:
        if self.at >= len(self.tokens):
            return None
        number, name, symbol = self.tokens[self.at]
        return number or name or symbol

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise self.fail(f"expected {expected or 'more'}, found {token or 'the end'}")
        self.at += 1
        return token

    def whole(self) -> Node:
        node = self.sum()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in ("+", "-"):
            node = Node(self.take(), args=(node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/"):
            node = Node(self.take(), args=(node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.peek() == "-":
            self.take()
            return Node("neg", args=(self.unary(),))
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.sum()
            self.take(")")
            return node
        if token[0].isdigit():
            return Node("number", token)
        if token in self.variables:
            return Node("variable", token)
        if token not in FUNCTIONS:
            known = ", ".join([*self.variables, *FUNCTIONS])
            raise self.fail(f"unknown name {token!r}; known: {known}")
        self.take("(")
        args = [self.sum()]
        while self.peek() == ",":
            self.take()
            args.append(self.sum())
        self.take(")")
        if len(args) != FUNCTIONS[token][1]:
            raise self.fail(f"{token} takes {FUNCTIONS[token][1]} argument(s), not {len(args)}")
        return Node("call", token, tuple(args))


def parse(text: str, variables: Sequence[str]) -> Node:
    """The formula `text` over `variables`, parsed; ValueError names what is wrong."""
    return _Parser(text, variables).whole()


def _evaluate(node: Node, values: dict[str, Array]) -> Array:
    if node.kind == "number":
        return np.asarray(float(node.value))
    if node.kind == "variable":
        return values[node.value]
    args = [_evaluate(arg, values) for arg in node.args]
    if node.kind == "call":
        result: Array = FUNCTIONS[node.value][0](*args)
        return result
    if node.kind == "neg":
        return np.negative(args[0])
    operators = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
    return np.asarray(operators[node.kind](args[0], args[1]))


def compile_numpy(text: str, variables: Sequence[str]) -> Callable[..., Array]:
    """The formula as a numpy function of `variables` (positional, in that order)."""
    tree = parse(text, variables)
    names = tuple(variables)

    def formula(*arrays: Array) -> Array:
        result = _evaluate(tree, dict(zip(names, arrays, strict=True)))
        return np.broadcast_to(result, np.shape(arrays[0])).astype(np.float64)

    return formula


def to_python(text: str, variables: Sequence[str]) -> str:
    """The formula as Python over numpy (`sin(x)` → `np.sin(x)`), for exported code."""

    def render(node: Node) -> str:
        if node.kind in ("number", "variable"):
            return node.value
        if node.kind == "call":
            return f"np.{NUMPY_NAMES[node.value]}({', '.join(bare(arg) for arg in node.args)})"
        if node.kind == "neg":
            return f"(-{render(node.args[0])})"
        return f"({render(node.args[0])} {node.kind} {render(node.args[1])})"

    def bare(node: Node) -> str:  # without the brackets around the whole
        text = render(node)
        return text[1:-1] if node.kind in ("neg", "+", "-", "*", "/") else text

    return bare(parse(text, variables))
