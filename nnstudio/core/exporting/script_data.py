"""The ``load_data()`` of an exported training script: each dataset loaded with plain Keras and
NumPy, as close to nnstudio's own loading as they allow.

- MNIST, Fashion-MNIST, CIFAR-10: ``keras.datasets`` (which downloads them, as nnstudio does).
- The bundled samples: nnstudio's own .npz where nnstudio is installed, else the full dataset
  from ``keras.datasets`` (the sample is its first 10,000 images, so the script still trains
  the same model on the same kind of data).
- Logic gates: the truth table, written out. A function: the same points, computed with NumPy.
- An image folder: ``keras.utils.image_dataset_from_directory`` at the model's size and colour,
  shuffled once with nnstudio's seed.
- Toy faces and CSV files: nnstudio's own loader (they are nnstudio's formats), so the script
  needs nnstudio installed for them and says so.

Each returns ``(x_train, y_train), (x_test, y_test)`` (the test pair may be None, None).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnstudio.core.codegen import LINE_LENGTH, docstring, py
from nnstudio.core.datasets import FUNCTION_DEFAULTS, DatasetSource
from nnstudio.core.datasets.bundled import SAMPLES
from nnstudio.core.datasets.downloads import KERAS_SETS
from nnstudio.core.datasets.synthetic import GATES, gate_dataset
from nnstudio.core.expressions import ExpressionError, parse_expression

_KERAS_MODULES = {"mnist": "mnist", "fashion-mnist": "fashion_mnist", "cifar10": "cifar10"}
_SAMPLE_FALLBACK = {"mnist-sample": "mnist", "fashion-mnist-sample": "fashion_mnist"}
#: Functions of nnstudio's expressions that NumPy lacks, written out in the script.
_OWN_FUNCTIONS = {
    "sigmoid": ["def sigmoid(v):", "    return 1.0 / (1.0 + np.exp(-v))"],
    "relu": ["def relu(v):", "    return np.maximum(0.0, v)"],
}


@dataclass
class DataCode:
    """The code that loads a dataset: top-level definitions and what they need."""

    lines: list[str]
    #: Import lines of the standard library, and of third parties beyond keras, numpy, layers.
    stdlib: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    #: Constants for the top of the script: (name, value, comment).
    constants: list[tuple[str, Any, str]] = field(default_factory=list)
    #: Whether the test split may be missing (x_test is None).
    may_lack_test: bool = False


def literal(value: Any) -> str:
    """A Python literal of JSON-like data, in ruff format's style (double quotes)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return py(value)


def literal_lines(head: str, value: Any, indent: int = 0, tail: str = "") -> list[str]:
    """``head``, the literal of ``value`` and ``tail`` as ruff format writes them: on one line
    if it fits, else one item per line with a trailing comma (recursively). A line that cannot
    be shorter (a long path) is excused from the line length."""
    pad = " " * indent
    line = f"{pad}{head}{literal(value)}{tail}"
    if len(line) <= LINE_LENGTH or not isinstance(value, dict | list) or not value:
        return [line + ("  # noqa: E501" if len(line) > LINE_LENGTH else "")]
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    lines = [f"{pad}{head}{opening}"]
    for key, item in items:
        lines += literal_lines("" if key is None else f"{literal(key)}: ", item, indent + 4, ",")
    return [*lines, f"{pad}{closing}{tail}"]


def constant_lines(name: str, value: Any, note: str = "") -> list[str]:
    """``NAME = value  # note``; the note goes above when the line would be too long."""
    line = f"{name} = {literal(value)}  # {note}"
    if note and len(line) <= LINE_LENGTH:
        return [line]
    above = [f"# {note[:1].upper()}{note[1:]}."] if note else []
    return [*above, *literal_lines(f"{name} = ", value)]


def data_code(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    """``load_data()`` (and its helpers) for a dataset source."""
    name = source.name
    if name in SAMPLES:
        return _sample(name)
    if name in KERAS_SETS:
        return _keras_set(name, title)
    if name in GATES:
        return _gate(source)
    if name == "function":
        return _function(source)
    if name == "folder":
        return _folder(source, input_shape)
    return _nnstudio(source, title)


def _keras_set(name: str, title: str) -> DataCode:
    return DataCode(
        [
            "def load_data():",
            f'    """{title} from keras.datasets (downloaded the first time)."""',
            f"    return keras.datasets.{_KERAS_MODULES[name]}.load_data()",
        ]
    )


def _sample(name: str) -> DataCode:
    title, file_name = SAMPLES[name][:2]
    full = _SAMPLE_FALLBACK[name]
    return DataCode(
        [
            "def load_data():",
            f'    """The {title} bundled with nnstudio (8,000 training and 2,000 test images), or',
            f'    the whole dataset from keras.datasets.{full} where nnstudio is not installed."""',
            "    try:",
            f'        sample = files("nnstudio.resources") / "datasets" / {py(file_name)}',
            "    except ModuleNotFoundError:",
            f"        return keras.datasets.{full}.load_data()",
            '    with sample.open("rb") as f, np.load(f) as data:',
            '        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])',
        ],
        stdlib={"from importlib.resources import files"},
    )


def _gate(source: DatasetSource) -> DataCode:
    data = gate_dataset(source)
    rows = ", ".join(literal([int(v) for v in row]) for row in data.x_train)
    labels = literal([int(v) for v in data.y_train])
    return DataCode(
        [
            "def load_data():",
            f'    """The truth table of {GATES[source.name][0]} (the test set is the same)."""',
            f'    x = np.array([{rows}], dtype="float32")',
            f"    y = np.array({labels})",
            "    return (x, y), (x, y)",
        ]
    )


def _function(source: DatasetSource) -> DataCode:
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


def _folder(source: DatasetSource, input_shape: tuple) -> DataCode:
    from nnstudio.core.datasets.folders import find_splits

    root = Path(source.path or ".")
    train, test = (root, None) if not root.is_dir() else find_splits(root)
    # nnstudio reads the images at the model's size and colour; Keras' defaults otherwise.
    size = color = None
    if len(input_shape) == 3 and None not in input_shape:
        size = tuple(input_shape[:2])
        color = "grayscale" if input_shape[2] == 1 else "rgb"
    size, color = source.options.get("size", size), source.options.get("color", color)
    options = [f"        color_mode={py(color)},"] if color else []
    options += [f"        image_size={py(tuple(size))},"] if size else []
    seed = int(source.options.get("seed", 0))
    return DataCode(
        [
            "def read_images(folder):",
            '    """The images of a folder (one subfolder per class): uint8 arrays, labels."""',
            "    data = keras.utils.image_dataset_from_directory(",
            "        folder,",
            *options,
            "        batch_size=256,",
            "        shuffle=False,",
            "    )",
            "    x, y = [], []",
            "    for images, labels in data:",
            '        x.append(np.clip(np.rint(images.numpy()), 0, 255).astype("uint8"))',
            "        y += [CLASS_NAMES.index(data.class_names[i]) for i in labels.numpy()]",
            "    return np.concatenate(x), np.array(y)",
            "",
            "",
            "def load_data():",
            '    """TRAIN_FOLDER, shuffled once as nnstudio does, and TEST_FOLDER."""',
            "    x, y = read_images(TRAIN_FOLDER)",
            f"    order = np.random.default_rng({seed}).permutation(len(x))",
            "    test = read_images(TEST_FOLDER) if TEST_FOLDER else (None, None)",
            "    return (x[order], y[order]), test",
        ],
        constants=[
            ("TRAIN_FOLDER", str(train), "one subfolder of images per class"),
            ("TEST_FOLDER", None if test is None else str(test), "None: no test images"),
        ],
        may_lack_test=True,
    )


def _nnstudio(source: DatasetSource, title: str) -> DataCode:
    what = title or source.name
    return DataCode(
        [
            "def load_data():",
            *docstring(f"{what}, loaded by nnstudio: this dataset needs nnstudio installed."),
            "    from nnstudio.core.datasets import load_dataset, source_from_dict",
            "",
            "    source = source_from_dict(DATASET)",
            "    data = load_dataset(source, INPUT_SHAPE)",
            "    return (data.x_train, data.y_train), (data.x_test, data.y_test)",
        ],
        constants=[("DATASET", source.to_dict(), "where the data is, as nnstudio saved it")],
        may_lack_test=True,
    )
