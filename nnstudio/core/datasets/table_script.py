"""What a table writes into an exported training script: its ``load_data()``, which reads the
CSV with pandas and encodes it with the model's own encoding (each number's training mean and
standard deviation, each category's values, written out as ``ENCODING``), then holds out the
same test rows as nnstudio, so that the script trains on exactly what nnstudio trained on and
``encode()`` prepares new rows for the trained model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nnstudio.core.codegen import docstring
from nnstudio.core.datasets.base import DatasetError, DatasetSource
from nnstudio.core.datasets.script import DataCode, hold_out_constants
from nnstudio.core.datasets.table_file import MISSING, sniff

_ENCODE = [
    "def as_text(value):",
    '    """A cell as a category value: a whole number without its .0, as nnstudio has it."""',
    "    if isinstance(value, float) and value.is_integer():",
    "        return str(int(value))",
    "    return str(value)",
    "",
    "",
    "def encode(frame):",
    '    """The model\'s inputs for raw rows (a pandas DataFrame), as nnstudio encodes them:',
    "    each number minus its training mean, over its standard deviation (a missing one",
    "    is the mean), each category one input per value (a missing one is a value of its",
    '    own, a value the training rows never had no input at all)."""',
    "    parts = []",
    '    for feature in ENCODING["features"]:',
    '        values = frame[feature["column"]]',
    '        if feature["kind"] == "number":',
    '            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")',
    '            numbers = np.where(np.isnan(numbers), feature["mean"], numbers)',
    '            parts.append(((numbers - feature["mean"]) / feature["std"])[:, None])',
    "        else:",
    '            texts = values.map(as_text, na_action="ignore").fillna("(missing)")',
    '            parts.append(np.stack([texts == v for v in feature["values"]], axis=1))',
    '    return np.concatenate(parts, axis=1).astype("float32")',
    "",
    "",
    "def encoded_targets(values):",
    '    """What the model learns to answer: class indices, or the number scaled as',
    '    nnstudio scales it (an answer times ENCODING["target"]["std"], plus its "mean",',
    '    is in the number\'s own units)."""',
    '    target = ENCODING["target"]',
    '    if target["task"] == "classification":',
    '        index = {c: i for i, c in enumerate(target["classes"])}',
    '        return np.array([index.get(as_text(v), -1) for v in values], dtype="int64")',
    '    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")',
    '    return ((numbers - target["mean"]) / target["std"]).astype("float32")[:, None]',
    "",
    "",
    "def read_rows(path):",
    '    """The table as nnstudio reads it: blank or NA-like cells missing, no spaces."""',
    "    frame = pd.read_csv(",
    "        path,",
    "        sep=SEPARATOR,",
    "        header=0 if HEADER else None,",
    '        encoding="utf-8-sig",',
    "        na_values=MISSING,",
    "        skipinitialspace=True,",
    "    )",
    "    if HEADER:",
    "        frame.columns = [str(c).strip() for c in frame.columns]",
    "    else:",
    '        frame.columns = [f"column {i + 1}" for i in range(len(frame.columns))]',
    "    for name in frame.columns:",
    "        values = frame[name]",
    '        if values.dtype == object and pd.api.types.infer_dtype(values) == "string":',
    "            stripped = values.str.strip()",
    '            frame[name] = stripped.mask(stripped == "")',
    "    return frame",
]

_LOAD = [
    "    frame = read_rows(CSV_FILE)",
    '    target = ENCODING["target"]',
    '    column = frame[target["column"]]',
    '    if target["task"] == "regression":',
    '        column = pd.to_numeric(column, errors="coerce")',
    "    frame = frame[column.notna().to_numpy()]",
    '    if target["task"] == "classification":',
    '        labels = frame[target["column"]].map(as_text).to_numpy()',
    "        strata = np.unique(labels, return_inverse=True)[1]",
    "    else:",
    "        strata = np.zeros(len(frame))",
    "    rng = np.random.default_rng(SPLIT_SEED)",
    "    test = np.zeros(len(frame), dtype=bool)",
    "    for label in np.unique(strata):",
    "        members = np.flatnonzero(strata == label)",
    "        k = min(round(len(members) * TEST_FRACTION), len(members) - 1)",
    "        if k > 0:",
    "            test[rng.choice(members, k, replace=False)] = True",
    "    train = rng.permutation(np.flatnonzero(~test))",
    "    x = encode(frame)",
    '    y = encoded_targets(frame[target["column"]])',
    "    if not test.any():",
    "        return (x[train], y[train]), (None, None)",
    "    tested = rng.permutation(np.flatnonzero(test))",
    "    x_test, y_test = x[tested], y[tested]",
    '    if target["task"] == "classification":  # a class only the test rows have',
    "        known = y_test >= 0",
    "        x_test, y_test = x_test[known], y_test[known]",
    "    return (x[train], y[train]), (x_test, y_test)",
]


def table_script(source: DatasetSource, preprocessing: Mapping[str, Any], path: str) -> DataCode:
    """``load_data()`` of a table read from ``path`` and encoded with ``preprocessing`` (a
    ``TableEncoding``'s dict)."""
    try:
        dialect = sniff(Path(path))
        separator, header = dialect.delimiter, dialect.has_header
    except DatasetError:  # the file is gone: a comma-separated file with a header, most likely
        separator, header = ",", True
    if source.options.get("header") is not None:
        header = bool(source.options["header"])
    lines = [
        *_ENCODE,
        "",
        "",
        "def load_data():",
        *docstring(
            "The table, encoded with the model's ENCODING and split as nnstudio splits it: "
            "TEST_FRACTION of each class (of the rows, for a number) held out with SPLIT_SEED."
        ),
        *_LOAD,
    ]
    return DataCode(
        lines,
        imports={"import pandas as pd"},
        constants=[
            ("CSV_FILE", path, "the table"),
            ("SEPARATOR", separator, "between cells"),
            ("HEADER", header, "whether the first row names the columns"),
            ("MISSING", list(MISSING), "what a cell says to be missing, besides blank"),
            ("ENCODING", dict(preprocessing), "the encoding nnstudio fitted on the training rows"),
            *hold_out_constants(source),
        ],
        may_lack_test=True,
    )
