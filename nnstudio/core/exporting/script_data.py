"""The ``load_data()`` of an exported training script: each dataset loaded with plain Keras and
NumPy, as close to nnstudio's own loading as they allow.

- MNIST, Fashion-MNIST, CIFAR-10: ``keras.datasets`` (which downloads them, as nnstudio does).
- The bundled samples: nnstudio's own .npz where nnstudio is installed, else the full dataset
  from ``keras.datasets`` (the sample is its first 10,000 images, so the script still trains
  the same model on the same kind of data).
- Logic gates: the truth table, written out. A function: the same points, computed with NumPy.
- An image folder: ``keras.utils.image_dataset_from_directory`` at the model's size and colour,
  shuffled once with nnstudio's seed; without a test folder, the same fifth of each class held
  out as nnstudio holds it out.
- FER2013's CSV and a CSV of image files: read with ``csv``, NumPy and Pillow as nnstudio reads
  them (bad rows skipped).
- A full dataset from the user's own copy (mnist.npz, Fashion-MNIST's .gz files, the CIFAR-10
  archive): read from that copy.
- Toy faces: drawn by nnstudio's generator, so that script needs nnstudio installed and says so.

Each returns ``(x_train, y_train), (x_test, y_test)`` (the test pair may be None, None).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnstudio.core.codegen import LINE_LENGTH, docstring, py
from nnstudio.core.datasets import FUNCTION_DEFAULTS, DatasetError, DatasetSource
from nnstudio.core.datasets.base import TEST_FRACTION
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
    if name in KERAS_SETS and source.path:
        return _own_copy(name, source.path, title)
    if name in KERAS_SETS:
        return _keras_set(name, title)
    if name == "fer-csv":
        return _fer_csv(source)
    if name == "image-csv":
        return _image_csv(source, input_shape)
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


def _own_copy(name: str, path: str, title: str) -> DataCode:
    """A full dataset from the file (or folder) the user pointed nnstudio to."""
    if name == "mnist":
        lines = [
            "def load_data():",
            f'    """{title} from your own mnist.npz."""',
            "    with np.load(DATA_FILE, allow_pickle=False) as data:",
            '        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])',
        ]
        return DataCode(lines, constants=[("DATA_FILE", path, "your copy of mnist.npz")])
    if name == "fashion-mnist":
        folder = path if Path(path).is_dir() else str(Path(path).parent)
        lines = [
            "def read_idx(name, offset):",
            '    """One of the gzipped IDX files: the bytes after its header."""',
            '    with gzip.open(os.path.join(DATA_FOLDER, name), "rb") as f:',
            '        return np.frombuffer(f.read(), "uint8", offset=offset)',
            "",
            "",
            "def load_data():",
            f'    """{title} from your own copy of its four .gz files."""',
            '    y = read_idx("train-labels-idx1-ubyte.gz", 8)',
            '    x = read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)',
            '    y_test = read_idx("t10k-labels-idx1-ubyte.gz", 8)',
            '    x_test = read_idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)',
            "    return (x, y), (x_test, y_test)",
        ]
        return DataCode(
            lines,
            stdlib={"import gzip", "import os"},
            constants=[("DATA_FOLDER", folder, "the folder of Fashion-MNIST's .gz files")],
        )
    # Where nnstudio itself puts the archive for keras.datasets.cifar10 to find.
    cached = ", ".join(py(part) for part in KERAS_SETS["cifar10"].files[0].target.split("/"))
    lines = [
        "def load_data():",
        f'    """{title} from your own copy of the official archive, put where Keras looks."""',
        '    home = os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras"))',
        f"    target = os.path.join(home, {cached})",
        "    if not os.path.exists(target):",
        "        os.makedirs(os.path.dirname(target), exist_ok=True)",
        "        shutil.copyfile(DATA_FILE, target)",
        "    return keras.datasets.cifar10.load_data()",
    ]
    return DataCode(
        lines,
        stdlib={"import os", "import shutil"},
        constants=[("DATA_FILE", path, "your copy of cifar-10-python.tar.gz")],
    )


#: nnstudio's hold-out of a test set (``datasets.base.held_out``), written out.
_HOLD_OUT = [
    "def hold_out(x, y):",
    '    """Split off TEST_FRACTION of each class for testing, as nnstudio does."""',
    "    rng = np.random.default_rng(SPLIT_SEED)",
    "    test = np.zeros(len(y), dtype=bool)",
    "    for label in np.unique(y):",
    "        members = np.flatnonzero(y == label)",
    "        k = min(round(len(members) * TEST_FRACTION), len(members) - 1)",
    "        if k > 0:",
    "            test[rng.choice(members, k, replace=False)] = True",
    "    train = rng.permutation(np.flatnonzero(~test))",
    "    if not test.any():",
    "        return (x[train], y[train]), (None, None)",
    "    tested = rng.permutation(np.flatnonzero(test))",
    "    return (x[train], y[train]), (x[tested], y[tested])",
]


def _hold_out_constants(source: DatasetSource) -> list[tuple[str, Any, str]]:
    from nnstudio.core.datasets.base import held_out_share

    try:
        share = held_out_share(source)
    except DatasetError:
        share = TEST_FRACTION
    return [
        ("TEST_FRACTION", share, "of each class, when the data has no test split"),
        ("SPLIT_SEED", int(source.options.get("seed", 0)), "nnstudio's, for the same split"),
    ]


#: Reading a CSV as nnstudio does: lower-case column names, any byte-order mark dropped.
_CSV_ROWS = [
    "def csv_rows(path):",
    '    """The rows of a CSV file as dicts with lower-case column names."""',
    '    with open(path, newline="", encoding="utf-8-sig") as f:',
    "        reader = csv.DictReader(f)",
    "        reader.fieldnames = [c.strip().lower() for c in reader.fieldnames or []]",
    "        yield from reader",
]


def _fer_csv(source: DatasetSource) -> DataCode:
    lines = [
        *_HOLD_OUT,
        "",
        "",
        *_CSV_ROWS,
        "",
        "",
        "def load_data():",
        *docstring(
            "FER2013's CSV (emotion,pixels[,Usage]): a 48x48 face per row; Training rows to "
            "train on, the others to test on (or, without them, a share held out). Bad rows are "
            "skipped, as nnstudio skips them."
        ),
        "    splits = {True: ([], []), False: ([], [])}",
        "    for row in csv_rows(CSV_FILE):",
        "        try:",
        '            label = int(row["emotion"])',
        '            pixels = np.array(row["pixels"].split(), dtype="int64")',
        "        except (ValueError, TypeError, AttributeError):",
        "            continue",
        "        if not 0 <= label < 7 or pixels.size != 48 * 48:",
        "            continue",
        "        if pixels.min() < 0 or pixels.max() > 255:",
        "            continue",
        '        training = (row.get("usage") or "Training").strip().lower() == "training"',
        '        splits[training][0].append(pixels.astype("uint8").reshape(48, 48, 1))',
        "        splits[training][1].append(label)",
        "    x, y = np.stack(splits[True][0]), np.array(splits[True][1])",
        "    if not splits[False][0]:",
        "        return hold_out(x, y)",
        "    return (x, y), (np.stack(splits[False][0]), np.array(splits[False][1]))",
    ]
    return DataCode(
        lines,
        stdlib={"import csv"},
        constants=[
            ("CSV_FILE", source.path or "fer2013.csv", "FER2013's CSV"),
            *_hold_out_constants(source),
        ],
        may_lack_test=True,
    )


def _image_csv(source: DatasetSource, input_shape: tuple) -> DataCode:
    from nnstudio.core.datasets.base import csv_header
    from nnstudio.core.datasets.tables import image_folder_for_csv, name_column

    path = Path(source.path or "labels.csv")
    folder = source.options.get("images") or image_folder_for_csv(path)
    try:
        column = name_column(csv_header(path)) or "filename"
    except DatasetError:  # the CSV cannot be read now: the script names the usual column
        column = "filename"
    color, size = source.options.get("color"), source.options.get("size")
    if len(input_shape) == 3 and None not in input_shape:
        size = size or tuple(input_shape[:2])
        color = color or ("grayscale" if input_shape[2] == 1 else "rgb")
    mode = "L" if (color or "grayscale") == "grayscale" else "RGB"
    lines = [
        *_HOLD_OUT,
        "",
        "",
        *_CSV_ROWS,
        "",
        "",
        "def label_order(label):",
        '    """Numbers in numeric order ("2" before "10"), then names alphabetically."""',
        '    number = label.lstrip("-").isdigit()',
        "    return (not number, int(label) if number else 0, label)",
        "",
        "",
        "def load_data():",
        *docstring(
            "The images listed in CSV_FILE (a file name and a label per row), read from "
            "IMAGE_FOLDER at IMAGE_SIZE (the first image's size if None); a share of each class "
            "is held out to test on. Unlabelled rows and unreadable images are skipped, as "
            "nnstudio skips them."
        ),
        "    images, labels, size = [], [], IMAGE_SIZE",
        "    for row in csv_rows(CSV_FILE):",
        '        label = (row.get("label") or "").strip()',
        "        if not label:",
        "            continue",
        "        try:",
        "            with Image.open(os.path.join(IMAGE_FOLDER, row[NAME_COLUMN])) as image:",
        f"                image = image.convert({py(mode)})",
        "                size = size or (image.height, image.width)",
        "                if (image.height, image.width) != tuple(size):",
        "                    image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)",
        '                array = np.asarray(image, dtype="uint8")',
        "        except (OSError, ValueError, Image.DecompressionBombError):",
        "            continue",
        "        images.append(array if array.ndim == 3 else array[..., None])",
        "        labels.append(label)",
        "    names = sorted(set(labels), key=label_order)",
        "    return hold_out(np.stack(images), np.array([names.index(v) for v in labels]))",
    ]
    return DataCode(
        lines,
        stdlib={"import csv", "import os"},
        imports={"from PIL import Image"},
        constants=[
            ("CSV_FILE", str(path), "a file name and a label per row"),
            ("IMAGE_FOLDER", str(folder), "where the CSV's images are"),
            ("NAME_COLUMN", column, "the column of the file names"),
            ("IMAGE_SIZE", None if size is None else tuple(size), "(height, width)"),
            *_hold_out_constants(source),
        ],
        may_lack_test=True,
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
            *_HOLD_OUT,
            "",
            "",
            "def load_data():",
            *docstring(
                "TRAIN_FOLDER, shuffled once as nnstudio does, and TEST_FOLDER; without a "
                "test folder, a share of each class held out."
            ),
            "    x, y = read_images(TRAIN_FOLDER)",
            "    if not TEST_FOLDER:",
            "        return hold_out(x, y)",
            f"    order = np.random.default_rng({seed}).permutation(len(x))",
            "    return (x[order], y[order]), read_images(TEST_FOLDER)",
        ],
        constants=[
            ("TRAIN_FOLDER", str(train), "one subfolder of images per class"),
            ("TEST_FOLDER", None if test is None else str(test), "None: no test folder"),
            *_hold_out_constants(source),
        ],
        may_lack_test=True,
    )


def _nnstudio(source: DatasetSource, title: str) -> DataCode:
    what = title or source.name
    return DataCode(
        [
            "def load_data():",
            *docstring(
                f"{what}, made by nnstudio's own generator: for them this script needs "
                "nnstudio installed."
            ),
            "    from nnstudio.core.datasets import load_dataset, source_from_dict",
            "",
            "    source = source_from_dict(DATASET)",
            "    data = load_dataset(source, INPUT_SHAPE)",
            "    return (data.x_train, data.y_train), (data.x_test, data.y_test)",
        ],
        constants=[("DATASET", source.to_dict(), "where the data is, as nnstudio saved it")],
        may_lack_test=True,
    )
