"""Rows of a table answered by a model trained on a table: raw rows in (a CSV file, a form's
values), encoded as the training rows were (the model's ``TableEncoding``), answered in the
target's own terms (a class and its probabilities, or a number in its units); and a copy of the
file written with the answers in a column, for ``nnstudio predict MODEL rows.csv`` and the
Playground's "Answer a CSV file".
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.core.datasets import DatasetError
from nnstudio.core.datasets.base import Cancelled, Progress, never_cancelled, no_progress
from nnstudio.core.datasets.table_encoding import REGRESSION, TableEncoding
from nnstudio.core.datasets.table_file import Table, read_table
from nnstudio.core.exporting.metadata import ModelInfo
from nnstudio.core.inference import Prediction
from nnstudio.core.jsonfile import write_atomic
from nnstudio.core.playground.classify import class_probabilities
from nnstudio.core.playground.digits import PlaygroundError

#: Rows encoded and fed per model call.
CHUNK = 8192


@dataclass(frozen=True)
class RowAnswer:
    """The model's answer for one row (``row``: its number in the file, the header being 1)."""

    row: int
    prediction: Prediction
    #: For a number: the answer in the target's units.
    value: float | None = None

    def top(self, k: int = 1) -> list[tuple[str, float]]:
        return self.prediction.top(k)

    @property
    def answer(self) -> str:
        """The class, or the number (6 significant digits)."""
        if self.value is not None:
            return f"{self.value:.6g}"
        return self.top(1)[0][0]

    def text(self, k: int = 3) -> str:
        if self.value is not None:
            return self.answer
        return ", ".join(f"{name} - {p * 100:.2f}%" for name, p in self.top(k))

    def to_dict(self, k: int = 3) -> dict[str, Any]:
        if self.value is not None:
            return {"row": self.row, "value": self.value}
        p = self.prediction
        return {
            "row": self.row,
            "class": self.answer,
            "probabilities": {
                n: float(v) for n, v in zip(p.class_names, p.probabilities, strict=True)
            },
            "top": [{"class": name, "probability": q} for name, q in self.top(k)],
        }


def table_encoding(info: ModelInfo) -> TableEncoding:
    """The encoding of a model trained on a table; PlaygroundError for any other model."""
    encoding = info.table_encoding
    if encoding is None:
        raise PlaygroundError(
            f"{info.name} was not trained on a table (it has no table preprocessing): rows "
            "of a CSV are answered by a model trained on a table in nnstudio"
        )
    return encoding


def answer_frame(model, info: ModelInfo, frame, first_row: int = 2) -> list[RowAnswer]:
    """Every row of a pandas DataFrame of raw values answered, in order (a missing cell is
    filled as in training; DatasetError for a column the model takes and the rows lack)."""
    encoding = table_encoding(info)
    answers: list[RowAnswer] = []
    for start in range(0, len(frame), CHUNK):
        x = encoding.encode(frame.iloc[start : start + CHUNK])
        outputs = np.asarray(model.predict(x, batch_size=256, verbose=0)).reshape(len(x), -1)
        answers += _answers(encoding, info, outputs, first_row + start)
    return answers


def _answers(encoding: TableEncoding, info: ModelInfo, outputs, first_row: int):
    if encoding.target.task == REGRESSION:
        values = encoding.in_units(outputs)
        return [
            RowAnswer(first_row + i, Prediction(v, None, ()), float(v[0]))
            for i, v in enumerate(values)
        ]
    probs = class_probabilities(outputs, info)
    names = encoding.target.classes
    if probs is None or probs.shape[1] != len(names):
        raise PlaygroundError(
            f"{info.name} gives {outputs.shape[1]} outputs but its table has "
            f"{len(names)} classes; the model and its preprocessing do not belong together"
        )
    return [
        RowAnswer(first_row + i, Prediction(row, p, names))
        for i, (row, p) in enumerate(zip(outputs, probs, strict=True))
    ]


def answer_values(model, info: ModelInfo, values: Mapping[str, Any]) -> RowAnswer:
    """One row given as column -> value (the Playground's form); a column left out is missing."""
    import pandas as pd

    encoding = table_encoding(info)
    frame = pd.DataFrame({c: [values.get(c)] for c in encoding.columns})
    return answer_frame(model, info, frame, 1)[0]


def answer_file(
    model,
    info: ModelInfo,
    path: str | os.PathLike,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> tuple[Table, list[RowAnswer]]:
    """A CSV file's rows answered; DatasetError if it cannot be read or lacks a column."""
    table_encoding(info)
    table = read_table(path, progress, cancelled)
    return table, answer_frame(model, info, table.frame, table.first_row)


def answer_column(encoding: TableEncoding) -> str:
    return f"predicted {encoding.target.column}"


def write_answers(
    table: Table, answers: Sequence[RowAnswer], info: ModelInfo, out: str | os.PathLike
) -> Path:
    """A copy of the table with the answers in a column (and the probability of each answer,
    for classes), written with the file's own delimiter; returns where."""
    encoding = table_encoding(info)
    if len(answers) != table.rows:
        raise DatasetError(f"{len(answers)} answers for {table.rows} rows")
    frame = table.frame.copy()
    frame[answer_column(encoding)] = [a.value if a.value is not None else a.answer for a in answers]
    if encoding.target.task != REGRESSION:
        frame["probability"] = [round(a.top(1)[0][1], 6) for a in answers]
    text = frame.to_csv(index=False, sep=table.dialect.delimiter, quoting=csv.QUOTE_MINIMAL)
    path = Path(out)
    write_atomic(path, text.encode("utf-8"))
    return path


def answer_file_to(model, info: ModelInfo, rows: str | os.PathLike, out: str | os.PathLike):
    """Answer a CSV file's rows and write the copy with the answers: (rows answered, where)."""
    table, answers = answer_file(model, info, rows)
    return len(answers), write_answers(table, answers, info, out)
