"""Datasets made on the spot: a function to learn, logic gates, and synthetic cartoon faces."""

from __future__ import annotations

import numpy as np

from nnstudio.core.datasets.base import Dataset, DatasetError, DatasetSource
from nnstudio.core.expressions import ExpressionError, evaluate_finite, parse_expression

#: The article's defaults: f(x) = 2x + 1 on 1,000 points of [1, 2].
FUNCTION_DEFAULTS = {"expression": "2*x+1", "low": 1.0, "high": 2.0, "count": 1000, "noise": 0.0}

GATES = {
    "and": ("AND", 2, lambda a, b: a & b),
    "or": ("OR", 2, lambda a, b: a | b),
    "xor": ("XOR", 2, lambda a, b: a ^ b),
    "xnor": ("XNOR", 2, lambda a, b: 1 - (a ^ b)),
    "not": ("NOT", 1, lambda a, b: 1 - a),
}

TOY_FACES_DEFAULTS = {"per_class": 300, "test_per_class": 60, "seed": 0}


def _number(options, key: str, kind=float):
    value = options.get(key, FUNCTION_DEFAULTS[key])
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DatasetError(f"the function's {key} must be a number; received {value!r}")
    return kind(value)


def function_dataset(source: DatasetSource) -> Dataset:
    """Points of y = f(x) on a range, with optional Gaussian noise (regression)."""
    options = source.options
    try:
        expression = parse_expression(str(options.get("expression", "2*x+1")))
    except ExpressionError as e:
        raise DatasetError(f"f(x): {e}") from None
    low, high = _number(options, "low"), _number(options, "high")
    count, noise = _number(options, "count", int), _number(options, "noise")
    if not low < high:
        raise DatasetError(f"the range must have low < high; received [{low:g}, {high:g}]")
    if not 2 <= count <= 1_000_000:
        raise DatasetError(f"the number of points must be in [2, 1000000]; received {count}")
    if noise < 0:
        raise DatasetError(f"the noise must be at least 0; received {noise:g}")
    rng = np.random.default_rng(int(options.get("seed", 0)))
    x_train = np.linspace(low, high, count)
    x_test = np.sort(rng.uniform(low, high, max(2, count // 5)))
    try:
        y_train, y_test = (evaluate_finite(expression, x) for x in (x_train, x_test))
    except ExpressionError as e:
        raise DatasetError(str(e)) from None
    y_train = y_train + noise * rng.standard_normal(count)
    y_test = y_test + noise * rng.standard_normal(len(x_test))

    def column(a):
        return a.astype(np.float32)[:, None]

    return Dataset(
        source,
        f"f(x) = {expression.text}",
        column(x_train),
        column(y_train),
        column(x_test),
        column(y_test),
        description=f"{count:,} points of f(x) = {expression.text} on [{low:g}, {high:g}]"
        + (f" with noise of standard deviation {noise:g}" if noise else "")
        + "; the model learns to predict y from x.",
    )


def true_function(source: DatasetSource, x: np.ndarray) -> np.ndarray | None:
    """f(x) of a function dataset without its noise, to draw under what a model learned; None
    for other datasets (or where f is not finite)."""
    if source.name != "function":
        return None
    try:
        expression = parse_expression(str(source.options.get("expression", "2*x+1")))
        return evaluate_finite(expression, np.asarray(x, dtype=np.float64))
    except ExpressionError:
        return None


def gate_dataset(source: DatasetSource) -> Dataset:
    """The truth table of a logic gate: 4 rows (2 for NOT), labels 0 and 1."""
    title, inputs, rule = GATES[source.name]
    rows = np.array([(a, b) for a in (0, 1) for b in (0, 1)] if inputs == 2 else [(0, 0), (1, 0)])
    y = np.array([rule(a, b) for a, b in rows], dtype=np.int64)
    x = rows[:, :inputs].astype(np.float32)
    separable = source.name not in ("xor", "xnor")
    return Dataset(
        source,
        f"{title} gate",
        x,
        y,
        x.copy(),
        y.copy(),
        ("0", "1"),
        f"The truth table of {title}: {len(x)} rows, output 0 or 1. "
        + (
            "One neuron can learn it: it is linearly separable."
            if separable
            else "No single neuron can learn it: it needs a hidden layer (the XOR network)."
        ),
    )


def toy_faces_dataset(source: DatasetSource) -> Dataset:
    """Synthetic 48×48 cartoon faces with the 7 FER2013 emotions (not photos)."""
    from nnstudio.core.toy_faces import EMOTIONS, toy_faces  # draws with Pillow

    options = {**TOY_FACES_DEFAULTS, **source.options}
    per_class, test_per_class, seed = (
        int(options[k]) for k in ("per_class", "test_per_class", "seed")
    )
    if not 1 <= per_class <= 20_000 or not 0 <= test_per_class <= 20_000:
        raise DatasetError(
            "toy faces: per_class must be in [1, 20000], test_per_class in [0, 20000]"
        )
    x, y = toy_faces(per_class, seed=seed)
    x_test, y_test = toy_faces(test_per_class, seed=seed + 1) if test_per_class else (None, None)
    return Dataset(
        source,
        "Toy faces (synthetic)",
        x[..., None],
        y,
        None if x_test is None else x_test[..., None],
        y_test,
        tuple(e.capitalize() for e in EMOTIONS),
        "Synthetic 48×48 cartoon faces drawn by nnstudio, labelled with the 7 FER2013 emotions, "
        "so that the face-emotion workflow runs offline. They are not photos: accuracy on them "
        "says nothing about real faces.",
    )
