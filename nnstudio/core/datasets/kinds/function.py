"""A function y = f(x) typed as an expression (parsed safely, never eval): points of it to learn,
with noise if asked for."""

from __future__ import annotations

import ast
import contextlib

from nnstudio.core.codegen import LINE_LENGTH, docstring
from nnstudio.core.datasets.base import DatasetSource
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import DataCode
from nnstudio.core.datasets.synthetic import FUNCTION_DEFAULTS, function_dataset
from nnstudio.core.expressions import ExpressionError, parse_expression

#: Functions of nnstudio's expressions that NumPy lacks, written out in the script.
_OWN_FUNCTIONS = {
    "sigmoid": ["def sigmoid(v):", "    return 1.0 / (1.0 + np.exp(-v))"],
    "relu": ["def relu(v):", "    return np.maximum(0.0, v)"],
}


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    options = {**FUNCTION_DEFAULTS, **source.options}
    try:
        text = parse_expression(str(options["expression"])).text
    except ExpressionError:
        text = str(options["expression"])
    names = {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)}
    numpy_names = sorted(names - {"x", *_OWN_FUNCTIONS})
    low, high = float(options["low"]), float(options["high"])
    count, noise = int(options["count"]), float(options["noise"])
    tests = max(2, count // 5)
    body = f"    return {text}" if "x" in names else f"    return np.full_like(x, {text})"
    if len(body) > LINE_LENGTH:  # kept as typed, on one line
        body += "  # noqa: E501  # fmt: skip"
    lines = []
    for own in sorted(names & set(_OWN_FUNCTIONS)):
        lines += [*_OWN_FUNCTIONS[own], "", ""]
    lines += ["def f(x):", *docstring(f"The function to learn: f(x) = {text}."), body, "", ""]
    lines += [
        "def load_data():",
        f'    """{count:,} points of f(x) on [{low:g}, {high:g}] and {tests:,} random test points,',
        '    as nnstudio makes them."""',
        f"    rng = np.random.default_rng({int(options.get('seed', 0))})",
        f"    x_train = np.linspace({low!r}, {high!r}, {count})",
        f"    x_test = np.sort(rng.uniform({low!r}, {high!r}, {tests}))",
        "    y_train, y_test = f(x_train), f(x_test)",
    ]
    if noise:
        lines += [
            f"    y_train = y_train + {noise!r} * rng.standard_normal({count})",
            f"    y_test = y_test + {noise!r} * rng.standard_normal({tests})",
        ]
    lines.append(
        "    return (x_train[:, None], y_train[:, None]), (x_test[:, None], y_test[:, None])"
    )
    return DataCode(
        lines, imports={f"from numpy import {', '.join(numpy_names)}"} if numpy_names else set()
    )


def _load(source, input_shape, progress, cancelled):
    return function_dataset(source)


def _known(source: DatasetSource):
    text = str(source.options.get("expression", FUNCTION_DEFAULTS["expression"]))
    with contextlib.suppress(ExpressionError):
        text = parse_expression(text).text
    return f"f(x) = {text}", ()


KINDS = (DatasetKind("function", "A function y = f(x)", _load, _script, _known),)
