"""The function-regression parser: what a learner may type, what is refused, and why it is safe."""

import pickle
import re
import time
from pathlib import Path

import numpy
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from nnstudio.core import expressions
from nnstudio.core.errors import NnstudioError
from nnstudio.core.expressions import (
    Expression,
    ExpressionError,
    evaluate_finite,
    parse_expression,
)

X = numpy.linspace(-3, 3, 61)
POSITIVE = numpy.linspace(0.1, 5, 50)
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "log10", "sqrt", "abs", "tanh", "sigmoid", "relu")


def test_article_default_two_x_plus_one():
    x = numpy.linspace(1, 2, 1000)
    expression = parse_expression("2*x+1")
    assert expression.text == "2*x + 1"
    y = expression(x)
    assert y.dtype == numpy.float64
    assert_array_equal(y, 2 * x + 1)


def test_error_is_an_nnstudio_value_error():
    assert issubclass(ExpressionError, NnstudioError)
    assert issubclass(ExpressionError, ValueError)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("-x**2", lambda x: -(x**2)),
        ("-x^2", lambda x: -(x**2)),
        ("2^3", lambda x: numpy.full_like(x, 8.0)),
        ("x^2 + 1", lambda x: x**2 + 1),  # ^ binds like **, not like Python's xor
        ("2*x^2", lambda x: 2 * x**2),
        ("2^3^2", lambda x: numpy.full_like(x, 512.0)),  # right-associative
        ("(x**2)**3", lambda x: (x**2) ** 3),
        ("x**-2", lambda x: x**-2.0),
        ("1 + 2*x", lambda x: 1 + 2 * x),
        ("(1 + 2)*x", lambda x: 3 * x),
        ("x - (1 - x)", lambda x: x - (1 - x)),
        ("x - 1 - x", lambda x: (x - 1) - x),
        ("8/x/2", lambda x: 8 / x / 2),
        ("8/(x/2)", lambda x: 8 / (x / 2)),
        ("--x", lambda x: x),
        ("+x", lambda x: x),
        ("x*-1", lambda x: -x),
    ],
)
def test_precedence_follows_mathematics(text, reference):
    assert_array_equal(parse_expression(text)(POSITIVE), reference(POSITIVE))


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("sin", numpy.sin),
        ("cos", numpy.cos),
        ("tan", numpy.tan),
        ("exp", numpy.exp),
        ("log", numpy.log),
        ("log10", numpy.log10),
        ("sqrt", numpy.sqrt),
        ("abs", numpy.abs),
        ("tanh", numpy.tanh),
        ("sigmoid", lambda x: 1 / (1 + numpy.exp(-x))),
        ("relu", lambda x: numpy.maximum(0, x)),
    ],
)
def test_each_function_matches_numpy(name, reference):
    x = numpy.concatenate([X, POSITIVE])
    with numpy.errstate(all="ignore"):
        expected, nested = reference(x), reference(2 * x + 1)
    assert_array_equal(parse_expression(f"{name}(x)")(x), expected)
    assert_array_equal(parse_expression(f"{name}(2*x + 1)")(x), nested)


def test_the_list_of_functions_is_complete():
    assert tuple(expressions._FUNCTIONS) == FUNCTIONS


def test_relu_and_sigmoid_values():
    assert_array_equal(parse_expression("relu(x)")(numpy.array([-2.0, 0.0, 3.0])), [0, 0, 3])
    assert parse_expression("sigmoid(x)")(numpy.array(0.0)) == 0.5


def test_constants():
    assert parse_expression("pi")(numpy.array(0.0)) == numpy.pi
    assert parse_expression("e")(numpy.array(0.0)) == numpy.e
    assert_array_equal(parse_expression("2*pi*x")(X), 2 * numpy.pi * X)
    assert_array_equal(parse_expression("e^x")(X), numpy.power(numpy.e, X))
    assert parse_expression("1.5e3")(numpy.array(0.0)) == 1500
    assert parse_expression(".5")(numpy.array(0.0)) == 0.5
    assert parse_expression("2.5E-2")(numpy.array(0.0)) == 0.025


@pytest.mark.parametrize(
    "text", ["y = 2*x+1", "f(x) = 2*x+1", "y(x)=2*x+1", "  y=2*x+1  ", "F (x) =2*x+1", "2*x+1\n"]
)
def test_prefix_and_whitespace_are_stripped(text):
    expression = parse_expression(text)
    assert expression.text == "2*x + 1"
    assert_array_equal(expression(X), 2 * X + 1)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("x^2+1", "x**2 + 1"),
        ("((x))", "x"),
        ("(x**2)**3", "(x**2)**3"),
        ("-(x+1)", "-(x + 1)"),
        ("sin( x )*cos(x)", "sin(x)*cos(x)"),
        ("2**-x**2", "2**-x**2"),
        ("x/(2*x)", "x/(2*x)"),
        ("1e3*x", "1e3*x"),
    ],
)
def test_normalised_text_is_minimal_and_reads_back(text, normalised):
    expression = parse_expression(text)
    assert expression.text == normalised
    assert parse_expression(normalised) == expression
    assert_array_equal(parse_expression(normalised)(X), expression(X))


@pytest.mark.parametrize("shape", [(), (1,), (7,), (2, 3), (4, 1)])
@pytest.mark.parametrize("text", ["3", "x", "sin(x) + 1", "pi"])
def test_shape_is_preserved(shape, text):
    x = numpy.ones(shape)
    y = parse_expression(text)(x)
    assert isinstance(y, numpy.ndarray)
    assert y.shape == shape
    assert y.dtype == numpy.float64


def test_constant_fills_the_array_and_inputs_are_not_aliased():
    x = numpy.arange(5.0)
    y = parse_expression("3")(x)
    assert_array_equal(y, numpy.full(5, 3.0))
    same = parse_expression("x")(x)
    same[0] = 99
    assert x[0] == 0


def test_scalar_like_and_integer_inputs():
    assert parse_expression("2*x")(numpy.float64(3)).shape == ()
    assert float(parse_expression("2*x")(numpy.float64(3))) == 6.0
    assert_array_equal(parse_expression("x/2")(numpy.array([1, 2, 3])), [0.5, 1.0, 1.5])
    assert_array_equal(parse_expression("x + 1")([1.0, 2.0]), [2.0, 3.0])


def test_domain_problems_give_nan_or_inf_without_warnings():
    # pytest turns warnings into errors here, so a RuntimeWarning would fail this test.
    assert numpy.isnan(parse_expression("sqrt(x)")(numpy.array(-1.0)))
    assert parse_expression("1/x")(numpy.array(0.0)) == numpy.inf
    assert parse_expression("log(x)")(numpy.array(0.0)) == -numpy.inf
    assert parse_expression("exp(x)")(numpy.array(1000.0)) == numpy.inf
    assert numpy.isnan(parse_expression("(-8)^(1/3)")(numpy.array(0.0)))
    assert parse_expression("sigmoid(x)")(numpy.array(-1000.0)) == 0.0


def test_huge_powers_are_float_and_fast():
    start = time.monotonic()
    y = parse_expression("9^9^9^9^9")(numpy.array([1.0]))
    assert numpy.isinf(y).all()
    assert time.monotonic() - start < 1


def test_equality_pickle_and_repr():
    assert parse_expression("2*x+1") == parse_expression("y = 2 * x + 1")
    assert parse_expression("2*x+1") != parse_expression("2*x+2")
    copy = pickle.loads(pickle.dumps(parse_expression("x^2")))
    assert copy == parse_expression("x**2")
    assert_array_equal(copy(X), X**2)
    assert repr(parse_expression("x^2")) == "Expression(text='x**2')"


LONG = "x" + "+1" * 100  # 201 characters


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the function is empty; type a function of x"),
        ("   ", "the function is empty"),
        ("y =", "the function is empty"),
        (LONG, "f\\(x\\) is 201 characters long; keep it within 200"),
        ("2*x +", 'cannot read "2\\*x \\+": invalid syntax at the end'),
        ("(x", "never closed at column 1"),
        ("x^2 + * 1", "invalid syntax at column 7"),
        ("sin(x))", "unmatched '\\)' at column 7"),
        ("x = 2", "type only the right-hand side"),
        ("y", 'unknown name "y": use x, pi, e and the functions sin, cos, tan, exp, log, log10, '),
        ("X + 1", 'unknown name "X"'),
        ("__import__", 'unknown name "__import__"'),
        ("sin", '"sin" is a function: write sin\\(x\\)'),
        ("foo(x)", '"foo\\(x\\)": foo is not a function nnstudio knows; use sin, cos, '),
        ("open('f')", "open is not a function nnstudio knows"),
        ("sin(x=1)", "sin takes one value, without a name"),
        ("sin(x, 2)", "sin takes one value"),
        ("sin()", "sin takes one value"),
        ("(x+1)(x-1)", "to multiply, write \\*"),
        ("x.real", "attribute access"),
        ("numpy.sin(x)", "attribute access"),
        ("x[0]", "indexing"),
        ("lambda: 1", "a lambda"),
        ("[x for x in ()]", "a comprehension"),
        ("(x for x in ())", "a comprehension"),
        ("{x: 1 for x in ()}", "a comprehension"),
        ("'2*x'", "is not a number"),
        ("b'x'", "is not a number"),
        ("f'{x}'", "an f-string"),
        ("x < 1", "a comparison"),
        ("x and 1", "and/or"),
        ("(y := x)", "walrus"),
        ("sin(*x)", "a starred value"),
        ("x if x else 1", "if/else"),
        ("x, 1", "a comma"),
        ("[x]", "a list"),
        ("{x}", "a set"),
        ("{x: 1}", "a dict"),
        ("x // 2", "the operator // is not supported"),
        ("x % 2", "the operator % is not supported"),
        ("~x", "the operator ~ is not supported"),
        ("not x", "the operator not is not supported"),
        ("True", '"True" is not a number'),
        ("None", '"None" is not a number'),
        ("...", "is not a number"),
        ("1j", '"1j" is not a number'),
        ("0x10", "write numbers in decimal"),
        ("1e301", '"1e301" is too large'),
        ("2*x + 1e999", '"1e999" is too large'),
        ("-" * 40 + "x", "nested more than 40 levels"),
        ("(yield x)", "this kind of expression"),
    ],
)
def test_refusals_say_what_is_wrong(text, message):
    with pytest.raises(ExpressionError, match=message) as raised:
        parse_expression(text)
    assert len(str(raised.value).splitlines()) == 1


def test_forty_levels_are_allowed():
    assert_array_equal(parse_expression("-" * 39 + "x")(X), -X)


def test_length_counts_what_was_typed_spaces_aside():
    assert parse_expression(" " * 500 + "x" + " " * 500).text == "x"
    assert parse_expression("2*x + " + "1" * 196).text == "2*x + " + "1" * 196  # 200 characters
    with pytest.raises(ExpressionError, match="201 characters long"):
        parse_expression("2*x + " + "1" * 197)


def test_normalised_text_of_a_long_function_reads_back():
    # x^2 becomes x**2 and + gains spaces; the limit counts ** like ^, so the text stays legal.
    expression = parse_expression("x^2+" + "1" * 196)
    assert expression.text == "x**2 + " + "1" * 196
    assert parse_expression(expression.text) == expression


def test_not_text_is_refused():
    with pytest.raises(ExpressionError, match="expected the function as text; received int"):
        parse_expression(3)  # type: ignore[arg-type]


def test_recursion_error_becomes_a_message(monkeypatch):
    def overflow(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(expressions.ast, "parse", overflow)
    with pytest.raises(ExpressionError, match="simplify it"):
        parse_expression("x")


@pytest.mark.parametrize(
    "template",
    [
        "__import__('os').system('touch {marker}')",
        "open('{marker}', 'w')",
        "(lambda: open('{marker}', 'w'))()",
        "[open('{marker}', 'w') for _ in (1,)]",
        "x if open('{marker}', 'w') else 1",
        "x.__class__.__base__.__subclasses__()",
        "__builtins__.open('{marker}', 'w')",
        "getattr(x, '__class__')",
        "sin.__globals__",
        "().__class__",
        'eval(\'open("{marker}", "w")\')',
        "exec('1')",
    ],
)
def test_code_is_never_run(template, tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(ExpressionError, match=r"\S"):
        parse_expression(template.format(marker=marker))
    assert not marker.exists()


def test_source_never_evaluates_user_text():
    source = Path(expressions.__file__).read_text(encoding="utf-8")
    code = source.split('"""', 2)[2]  # after the module docstring, which names them
    assert not re.search(r"(?<![.\w])(eval|exec|compile)\s*\(", code)  # re.compile is fine


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2x", "write 2\\*x instead of 2x"),
        ("2x + 1", "write 2\\*x instead of 2x"),
        ("y = 2 x", "write 2\\*x instead of 2 x"),
        ("1.5x", "write 1.5\\*x instead of 1.5x"),
        ("1e5x", "write 1e5\\*x instead of 1e5x"),
        ("2pi", "write 2\\*pi instead of 2pi"),
        ("2sin(x)", "write 2\\*sin instead of 2sin"),
        ("3(x+1", "write 3\\*\\(…\\) instead of 3\\(…\\)"),
        ("3(x+1)", "implicit multiplication is not supported: write 3\\*\\(x\\+1\\) instead of 3"),
        ("x(x+1)", "write x\\*\\(x\\+1\\) instead of x\\(x\\+1\\)"),
        ("pi(2)", "write pi\\*\\(2\\)"),
    ],
)
def test_implicit_multiplication_hint(text, hint):
    with pytest.raises(ExpressionError, match=hint):
        parse_expression(text)


def test_log10_is_not_mistaken_for_implicit_multiplication():
    with pytest.raises(ExpressionError, match="never closed") as raised:
        parse_expression("log10(x")
    assert "instead of" not in str(raised.value)


def test_evaluate_finite_returns_the_values():
    x = numpy.linspace(1, 2, 11)
    assert_array_equal(evaluate_finite(parse_expression("1/x"), x), 1 / x)


def test_evaluate_finite_reports_a_division_by_zero():
    x = numpy.linspace(-1, 1, 201)
    assert 0.0 in x
    with pytest.raises(
        ExpressionError, match=r"^f\(x\) = 1/x is not finite at x = 0; choose another range$"
    ):
        evaluate_finite(parse_expression("1/x"), x)


@pytest.mark.parametrize(
    ("x", "where"),
    [
        (numpy.linspace(-2, 2, 5), "at x = -2 \\(and 1 other point\\);"),
        (numpy.linspace(-4, 4, 9), "at x = -4 \\(and 3 other points\\);"),
        (numpy.array([[1.0, -0.5]]), "at x = -0.5;"),
    ],
)
def test_evaluate_finite_reports_square_roots_of_negatives(x, where):
    with pytest.raises(ExpressionError, match=r"^f\(x\) = sqrt\(x\) is not finite " + where):
        evaluate_finite(parse_expression("sqrt(x)"), x)


def _parses_or_refuses(text: str) -> None:
    """The contract: an Expression that evaluates and reads back, or a one-line ExpressionError."""
    try:
        expression = parse_expression(text)
    except ExpressionError as error:
        expression, message = None, str(error)
    if expression is None:
        assert message
        assert len(message.splitlines()) == 1
        return
    assert isinstance(expression, Expression)
    y = expression(X)
    assert y.shape == X.shape
    assert y.dtype == numpy.float64
    again = parse_expression(expression.text)
    assert again == expression
    assert_array_equal(again(X), y)


# What a learner may type (run together at random, so also "2x", "x x", "((" and the like) ...
TOKENS = [
    "x", "x", "x", "2", "0.5", "1e3", "10", "pi", "e", "+", "-", "*", "/", "**", "^", "(", ")",
    " ", "sin(", "cos(", "tan(", "exp(", "log(", "log10(", "sqrt(", "abs(", "tanh(", "sigmoid(",
    "relu(", "y = ", "f(x) = ",
]  # fmt: skip
# ... and near misses and Python that must be refused.
JUNK = [
    ",", "=", ".", "x2", "[", "]", "'", '"', "__import__", "lambda", ":", "if", "else", "<", "not",
    "\n", "\x00", "é", "//", "%", "@", "j", "0x", "_", "...", "**kw", ":=", "__class__", "\\",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(st.sampled_from(TOKENS + JUNK)).map("".join)))
def test_fuzz_arbitrary_text(text):
    _parses_or_refuses(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_fuzz_text_from_allowed_tokens(text):
    _parses_or_refuses(text)


_UNARY = {name: getattr(numpy, name, None) for name in FUNCTIONS}
_UNARY.update(sigmoid=lambda v: 1 / (1 + numpy.exp(-v)), relu=lambda v: numpy.maximum(0.0, v))
_BINARY = {"+": numpy.add, "-": numpy.subtract, "*": numpy.multiply, "/": numpy.divide}
_BINARY.update({"**": numpy.power, "^": numpy.power})
_LEAVES = [("x", lambda v: v, 1), ("2", lambda v: 2.0, 1), ("0.5", lambda v: 0.5, 1)]
_LEAVES += [("pi", lambda v: numpy.pi, 1), ("e", lambda v: numpy.e, 1)]


def _call(name, child):
    text, function, depth = child
    outer = _UNARY[name]
    return f"{name}({text})", lambda v: outer(function(v)), depth + 1


def _negate(child):
    text, function, depth = child
    return f"-({text})", lambda v: -function(v), depth + 1


def _combine(symbol, left, right):
    operation = _BINARY[symbol]
    return (
        f"({left[0]}){symbol}({right[0]})",
        lambda v: operation(left[1](v), right[1](v)),
        max(left[2], right[2]) + 1,
    )


def _extend(children):
    return st.one_of(
        st.builds(_call, st.sampled_from(FUNCTIONS), children),
        st.builds(_negate, children),
        st.builds(_combine, st.sampled_from(sorted(_BINARY)), children, children),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.recursive(st.sampled_from(_LEAVES), _extend, max_leaves=8))
def test_generated_expressions_match_numpy(tree):
    text, reference, depth = tree
    assume(depth <= 40 and len(text) <= 200)
    with numpy.errstate(all="ignore"):
        expected = numpy.broadcast_to(reference(X), X.shape)
    assert_array_equal(parse_expression(text)(X), expected)
