"""How a table's rows become a model's inputs, and its outputs answers: the preprocessing that
travels with a model trained on a table.

Fitted on the training rows only (the test rows are never looked at): each number column is
normalised by its mean and standard deviation, a missing number filled with the mean; each
category column becomes one input per value (one-hot), a missing category counting as a value
of its own. A number to predict is scaled the same way for training, and answers are turned back
into its own units. Saved as JSON (in the project, inside a ``.keras`` export, beside other
exports), so that a prediction takes raw rows; nothing here needs TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnstudio.core.datasets.base import DatasetError
from nnstudio.core.datasets.table_file import CATEGORY, NUMBER, _as_numbers, _text, distinct

FORMAT = "nnstudio-table-encoding"
VERSION = 1
CLASSIFICATION, REGRESSION = "classification", "regression"
#: A category's value standing for a missing cell.
MISSING_VALUE = "(missing)"


@dataclass(frozen=True)
class Feature:
    """One column the model takes: a number (``mean``, ``std``) or a category (``values``)."""

    column: str
    kind: str
    mean: float = 0.0
    std: float = 1.0
    values: tuple[str, ...] = ()
    #: A number column of whole numbers only (a count, a year), in the training rows.
    whole: bool = False

    @property
    def width(self) -> int:
        return len(self.values) if self.kind == CATEGORY else 1

    @property
    def input_names(self) -> list[str]:
        """A name per input: the column, or ``column=value`` for each category value."""
        if self.kind == CATEGORY:
            return [f"{self.column}={v}" for v in self.values]
        return [self.column]

    def to_dict(self) -> dict[str, Any]:
        if self.kind == CATEGORY:
            return {"column": self.column, "kind": CATEGORY, "values": list(self.values)}
        out = {"column": self.column, "kind": NUMBER, "mean": self.mean, "std": self.std}
        return {**out, "whole": True} if self.whole else out


@dataclass(frozen=True)
class Target:
    """The column to predict: classes, or a number and how it was scaled."""

    column: str
    task: str
    classes: tuple[str, ...] = ()
    mean: float = 0.0
    std: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "task": self.task}
        if self.task == CLASSIFICATION:
            out["classes"] = list(self.classes)
        else:
            out.update(mean=self.mean, std=self.std)
        return out


@dataclass(frozen=True)
class TableEncoding:
    features: tuple[Feature, ...]
    target: Target

    @property
    def width(self) -> int:
        """How many inputs the model takes."""
        return sum(f.width for f in self.features)

    @property
    def input_names(self) -> list[str]:
        return [name for f in self.features for name in f.input_names]

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns a row must have to be answered."""
        return tuple(f.column for f in self.features)

    def encode(self, frame, rows=None) -> np.ndarray:
        """The model's inputs (N, width) float32 for the rows of a pandas DataFrame of raw
        values (``rows``: the positions of those to encode, all by default), written one column
        at a time; DatasetError naming a column the rows lack."""
        lacking = [c for c in self.columns if c not in frame.columns]
        if lacking:
            raise DatasetError(
                f"the rows have no column {lacking[0]!r}, which the model takes; its inputs are "
                + ", ".join(repr(c) for c in self.columns)
            )
        out = np.empty((len(frame) if rows is None else len(rows), self.width), np.float32)
        start = 0
        for f in self.features:
            values = frame[f.column] if rows is None else frame[f.column].iloc[rows]
            out[:, start : start + f.width] = _encode(f, values)
            start += f.width
        return out

    def targets(self, values) -> np.ndarray:
        """The training targets of raw target values: class indices (int64; -1 for a class
        the training rows did not have), or the numbers scaled (N, 1) float32. Rows with a
        missing target must be dropped before."""
        if self.target.task == CLASSIFICATION:
            return positions(values, self.target.classes)
        numbers = _as_numbers(values).to_numpy(dtype=np.float64)
        return ((numbers - self.target.mean) / self.target.std).astype(np.float32)[:, None]

    def in_units(self, outputs: np.ndarray) -> np.ndarray:
        """Numbers the model answered (scaled) in the target's own units."""
        return np.asarray(outputs, np.float64) * self.target.std + self.target.mean

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "features": [f.to_dict() for f in self.features],
            "target": self.target.to_dict(),
        }


def _encode(feature: Feature, values) -> np.ndarray:
    if feature.kind == NUMBER:
        numbers = _as_numbers(values).to_numpy(dtype=np.float64)
        numbers = np.where(np.isnan(numbers), feature.mean, numbers)
        return ((numbers - feature.mean) / feature.std).astype(np.float32)[:, None]
    where = positions(values, feature.values, missing=MISSING_VALUE)
    out = np.zeros((len(values), len(feature.values)), np.float32)
    known = where >= 0  # a value the training rows never had: no input is on
    out[np.flatnonzero(known), where[known]] = 1.0
    return out


def positions(values, known: tuple[str, ...], missing: str | None = None) -> np.ndarray:
    """Each cell's position (int64) among ``known`` values by its text (``12`` for 12.0), -1
    for one not among them; a missing cell counts as the value ``missing``."""
    index = {v: i for i, v in enumerate(known)}
    codes, uniques = distinct(values)
    lookup = [index.get(_text(u), -1) for u in uniques]
    lookup.append(index.get(missing, -1) if missing is not None else -1)
    return np.array(lookup, np.int64)[codes]


def fit_feature(column: str, kind: str, values) -> Feature:
    """A feature's statistics from the training rows' values (a pandas Series)."""
    if kind == NUMBER:
        numbers = _as_numbers(values).to_numpy(dtype=np.float64)
        present = numbers[~np.isnan(numbers)]
        mean = float(present.mean()) if len(present) else 0.0
        std = float(present.std()) if len(present) else 0.0
        whole = bool(len(present)) and bool(np.all(np.mod(present, 1) == 0))
        return Feature(column, NUMBER, mean, std if std > 0 else 1.0, whole=whole)
    codes, uniques = distinct(values)
    found = sorted({_text(u) for u in uniques}, key=_order)
    if (codes < 0).any():
        found.append(MISSING_VALUE)
    return Feature(column, CATEGORY, values=tuple(found))


def _order(value: str) -> tuple:
    """Values in a natural order: numbers by value, then words alphabetically."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value.lower())


def fit_target(column: str, task: str, values) -> Target:
    if task == CLASSIFICATION:
        classes = sorted({_text(u) for u in distinct(values)[1]}, key=_order)
        return Target(column, CLASSIFICATION, classes=tuple(classes))
    numbers = _as_numbers(values).to_numpy(dtype=np.float64)
    std = float(numbers.std())
    return Target(column, REGRESSION, mean=float(numbers.mean()), std=std if std > 0 else 1.0)


def _number(doc: dict, key: str) -> float:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DatasetError(f"the table encoding's {key!r} must be a number; received {value!r}")
    return float(value)


def _strings(doc: dict, key: str) -> tuple[str, ...]:
    value = doc.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"the table encoding's {key!r} must be a list of strings")
    return tuple(value)


def encoding_from_dict(doc: Any) -> TableEncoding:
    """Read an encoding saved in a project or export (validated: files may be edited)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DatasetError("not a table encoding of nnstudio")
    if doc.get("version") != VERSION:
        raise DatasetError(f"table encoding version {doc.get('version')!r} is not known here")
    features = []
    for f in doc.get("features", []):
        if not isinstance(f, dict) or not isinstance(f.get("column"), str):
            raise DatasetError("each feature of a table encoding needs a column name")
        if f.get("kind") == CATEGORY:
            features.append(Feature(f["column"], CATEGORY, values=_strings(f, "values")))
        elif f.get("kind") == NUMBER:
            mean, std = _number(f, "mean"), _number(f, "std")
            features.append(Feature(f["column"], NUMBER, mean, std, whole=f.get("whole") is True))
        else:
            raise DatasetError(f"unknown kind of feature {f.get('kind')!r}")
    t = doc.get("target")
    if not isinstance(t, dict) or not isinstance(t.get("column"), str):
        raise DatasetError("a table encoding needs its target column")
    if t.get("task") == CLASSIFICATION:
        target = Target(t["column"], CLASSIFICATION, classes=_strings(t, "classes"))
    elif t.get("task") == REGRESSION:
        target = Target(t["column"], REGRESSION, mean=_number(t, "mean"), std=_number(t, "std"))
    else:
        raise DatasetError(f"unknown task {t.get('task')!r} in the table encoding")
    return TableEncoding(tuple(features), target)
