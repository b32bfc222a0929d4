"""Safe parsing of a function y = f(x) typed by a learner (the function-regression dataset).

``ast.parse`` reads the text and only a short whitelist of nodes becomes a tree of numpy callables:
nothing typed is ever given to eval, exec or compile. Evaluation never raises on domain problems
(sqrt(-1) is nan, 1/0 is inf); ``evaluate_finite`` turns those into a message.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy

from nnstudio.core.errors import NnstudioError

MAX_LENGTH = 200  # characters, spaces aside ("**" counts as one, like "^")
MAX_DEPTH = 40  # levels of the syntax tree
MAX_LITERAL = 1e300

_Evaluator = Callable[[numpy.ndarray], numpy.ndarray]
_FUNCTIONS: dict[str, _Evaluator] = {
    "sin": numpy.sin, "cos": numpy.cos, "tan": numpy.tan, "exp": numpy.exp, "log": numpy.log,
    "log10": numpy.log10, "sqrt": numpy.sqrt, "abs": numpy.abs, "tanh": numpy.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + numpy.exp(-v)), "relu": lambda v: numpy.maximum(0.0, v),
}  # fmt: skip
_CONSTANTS = {"pi": numpy.float64(numpy.pi), "e": numpy.float64(numpy.e)}
_FUNCTION_LIST = ", ".join(_FUNCTIONS)
_ALLOWED = f"use x, pi, e and the functions {_FUNCTION_LIST}"

# symbol, precedence, numpy function; precedences follow Python's grammar (atoms are 5).
_BINARY = {
    ast.Add: ("+", 1, numpy.add), ast.Sub: ("-", 1, numpy.subtract),
    ast.Mult: ("*", 2, numpy.multiply), ast.Div: ("/", 2, numpy.divide),
    ast.Pow: ("**", 4, numpy.power),
}  # fmt: skip
_UNARY = {ast.UAdd: ("+", numpy.positive), ast.USub: ("-", numpy.negative)}
_SYMBOLS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~",
}  # fmt: skip
# Named here for a clearer message; every node not handled in _build is refused as well.
_REFUSED = {
    ast.Attribute: "attribute access (a dot)", ast.Subscript: "indexing with [ ]",
    ast.Lambda: "a lambda", ast.JoinedStr: "an f-string", ast.Compare: "a comparison",
    ast.BoolOp: "and/or", ast.NamedExpr: "the walrus operator :=", ast.IfExp: "if/else",
    ast.Starred: "a starred value", ast.Tuple: "a comma", ast.List: "a list", ast.Set: "a set",
    ast.Dict: "a dict",
    **dict.fromkeys((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp), "a comprehension"),
}  # fmt: skip
_PREFIX = re.compile(r"(?:y|[fy]\s*\(\s*x\s*\))\s*=(?!=)", re.IGNORECASE)
_NAMES = "|".join(sorted(["x", *_CONSTANTS, *_FUNCTIONS], key=len, reverse=True))
_IMPLICIT = re.compile(
    rf"(?<![\w.])((?>\d+\.?\d*|\.\d+)(?>[eE][+-]?\d+)?)(\s*)((?:{_NAMES})\b|\()", re.ASCII
)


class ExpressionError(NnstudioError, ValueError):
    """A typed function cannot be used; the message says what and how to fix it, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__("".join(c if c.isprintable() else "?" for c in message))


@dataclass(frozen=True)
class Expression:
    """A parsed function of x; calling it evaluates it elementwise on a float64 array."""

    text: str  # the normalised text, e.g. "2*x + 1"; parse_expression(text) gives it back
    _evaluate: _Evaluator = field(repr=False, compare=False)

    def __call__(self, x: numpy.ndarray) -> numpy.ndarray:
        """f(x) with the shape of x; nan or inf where f is undefined, never an exception."""
        values = numpy.asarray(x, dtype=numpy.float64)
        out = numpy.empty(values.shape, dtype=numpy.float64)
        with numpy.errstate(all="ignore"):
            out[...] = self._evaluate(values)
        return out

    def __reduce__(self):
        return parse_expression, (self.text,)


class _Part(NamedTuple):
    evaluate: _Evaluator
    text: str
    precedence: int  # 1 for + -, 2 for * /, 3 for unary + -, 4 for **, 5 for atoms and calls

    def within(self, lowest: int) -> str:
        return self.text if self.precedence >= lowest else f"({self.text})"


def parse_expression(text: str) -> Expression:
    """Parse a function of x such as "y = 2*x + 1" (x^2 means x**2), or raise ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected the function as text; received {type(text).__name__}")
    body = " ".join(text.split())
    if prefix := _PREFIX.match(body):
        body = body[prefix.end() :].strip()
    if not body:
        raise ExpressionError("the function is empty; type a function of x, e.g. 2*x + 1")
    length = len(body.replace(" ", "").replace("**", "^"))
    if length > MAX_LENGTH:
        raise ExpressionError(f"f(x) is {length} characters long; keep it within {MAX_LENGTH}")
    source = body.replace("^", "**")  # before parsing, so that x^2 + 1 binds as x**2 + 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
        part = _build(tree.body, source, 1)
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(body, error)) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"cannot read {_quote(body)}; simplify it") from None
    return Expression(part.text, part.evaluate)


def evaluate_finite(expression: Expression, x: numpy.ndarray) -> numpy.ndarray:
    """f(x), or ExpressionError naming the first x where f(x) is nan or infinite."""
    values = numpy.asarray(x, dtype=numpy.float64)
    y = expression(values)
    bad = numpy.flatnonzero(~numpy.isfinite(y))
    if not bad.size:
        return y
    others = bad.size - 1
    more = f" (and {others} other point{'s' if others > 1 else ''})" if others else ""
    message = f"f(x) = {expression.text} is not finite at x = {values.flat[bad[0]]:g}{more}"
    raise ExpressionError(message + "; choose another range")


def _build(node: ast.AST, source: str, depth: int) -> _Part:
    """The evaluator and normalised text of a whitelisted node; any other node is refused."""
    if depth > MAX_DEPTH:
        raise ExpressionError(f"f(x) is nested more than {MAX_DEPTH} levels deep; simplify it")
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.Constant):
        return _number(node, source)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        symbol, function = _UNARY[type(node.op)]
        operand = _build(node.operand, source, depth + 1)
        inner = operand.evaluate
        return _Part(lambda v: function(inner(v)), symbol + operand.within(3), 3)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        symbol, precedence, function = _BINARY[type(node.op)]
        left = _build(node.left, source, depth + 1)
        right = _build(node.right, source, depth + 1)
        lowest = (5, 3) if precedence == 4 else (precedence, precedence + 1)
        joint = f" {symbol} " if precedence == 1 else symbol
        text = left.within(lowest[0]) + joint + right.within(lowest[1])
        first, second = left.evaluate, right.evaluate
        return _Part(lambda v: function(first(v), second(v)), text, precedence)
    if isinstance(node, ast.Call):
        return _call(node, source, depth)
    raise ExpressionError(_refusal(node, source))


def _name(name: str) -> _Part:
    if name == "x":
        return _Part(lambda v: v, "x", 5)
    if name in _CONSTANTS:
        value = _CONSTANTS[name]
        return _Part(lambda v: value, name, 5)
    if name in _FUNCTIONS:
        raise ExpressionError(f'"{name}" is a function: write {name}(x), its value in brackets')
    raise ExpressionError(f"unknown name {_quote(name)}: {_ALLOWED}")


def _number(node: ast.Constant, source: str) -> _Part:
    text = _segment(node, source)
    if type(node.value) not in (int, float):  # text in quotes, bytes, True, None, 1j, ...
        raise ExpressionError(f"{_quote(text)} is not a number; {_ALLOWED}")
    if text[:2].lower() in ("0x", "0o", "0b"):
        raise ExpressionError(f"{_quote(text)}: write numbers in decimal, e.g. 16 or 0.5")
    if abs(node.value) > MAX_LITERAL:
        raise ExpressionError(f"{_quote(text)} is too large; numbers must be within ±1e300")
    value = numpy.float64(node.value)
    return _Part(lambda v: value, text, 5)


def _call(node: ast.Call, source: str, depth: int) -> _Part:
    func, text = node.func, _segment(node, source)
    if type(func) in _REFUSED:
        raise ExpressionError(_refusal(func, source))
    name = func.id if isinstance(func, ast.Name) else None
    if name not in _FUNCTIONS:
        number = isinstance(func, ast.Constant) and type(func.value) in (int, float)
        if (number or name in ("x", *_CONSTANTS)) and len(node.args) == 1 and not node.keywords:
            factor, arg = _segment(func, source), _segment(node.args[0], source)
            hint = f"write {factor}*({arg}) instead of {text}"
            raise ExpressionError(f"implicit multiplication is not supported: {hint}")
        known = f"{name} is not a function nnstudio knows; use {_FUNCTION_LIST}"
        raise ExpressionError(f"{_quote(text)}: {known if name else 'to multiply, write *'}")
    if node.keywords or len(node.args) != 1:
        raise ExpressionError(f"{_quote(text)}: {name} takes one value, without a name: {name}(x)")
    arg = _build(node.args[0], source, depth + 1)
    inner, function = arg.evaluate, _FUNCTIONS[name]
    return _Part(lambda v: function(inner(v)), f"{name}({arg.text})", 5)


def _refusal(node: ast.AST, source: str) -> str:
    text = _quote(_segment(node, source))
    op = getattr(node, "op", None)
    if type(op) in _SYMBOLS:
        return f"{text}: the operator {_SYMBOLS[type(op)]} is not supported; use + - * / ** or ^"
    what = _REFUSED.get(type(node), "this kind of expression")
    return f"{text}: {what} cannot be used in f(x); {_ALLOWED}"


def _syntax_message(body: str, error: SyntaxError) -> str:
    """Where Python stopped reading, as a column of the typed text, with a hint if one fits."""
    where, position = "" if error.offset is None else " at the end", 0
    for column, char in enumerate(body, start=1):
        position += 2 if char == "^" else 1  # in the parsed text each ^ is **
        if 0 < (error.offset or 0) <= position:
            where = f" at column {column}"
            break
    message = f"cannot read {_quote(body)}: {error.msg or 'invalid syntax'}{where}"
    if implicit := _IMPLICIT.search(body):
        number, space, factor = implicit.groups()
        factor = "(…)" if factor == "(" else factor
        message += f"; write {number}*{factor} instead of {number}{space}{factor}"
    elif re.search(r"(?<![=<>!])=(?!=)", body):
        message += "; type only the right-hand side, e.g. 2*x + 1 or y = 2*x + 1"
    return message


def _segment(node: ast.AST, source: str) -> str:
    return ast.get_source_segment(source, node) or type(node).__name__


def _quote(text: str, limit: int = 60) -> str:
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'
