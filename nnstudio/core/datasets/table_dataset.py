"""A table of one's own as a dataset: the target column chosen (the last by default), the task
following from it (classes, or a number), the other columns of a kind a model takes encoded by
the training rows' statistics (``table_encoding``), and a test share held out.

The source's options: ``target`` (a column name), ``task`` (``classify``, ``regress`` or
``auto``), ``kinds`` (column -> kind, to retype a column), ``ignore`` (columns that are not
inputs), ``header`` (whether the first row names the columns, when the sniffing got it wrong),
``test_fraction`` and ``seed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nnstudio.core.datasets.base import (
    Cancelled,
    Dataset,
    DatasetError,
    DatasetSource,
    Progress,
    held_out,
    held_out_share,
)
from nnstudio.core.datasets.table_encoding import (
    CLASSIFICATION,
    REGRESSION,
    TableEncoding,
    fit_feature,
    fit_target,
)
from nnstudio.core.datasets.table_file import (
    CATEGORY,
    EMPTY,
    IDENTIFIER,
    INPUT_KINDS,
    NUMBER,
    TEXT,
    Column,
    Table,
    _as_numbers,
    _text,
    distinct,
    read_table,
)

TASKS = {"auto": None, "classify": CLASSIFICATION, "regress": REGRESSION}
#: A number column with at most this many distinct whole numbers is classes when predicted.
MAX_INTEGER_CLASSES = 10
#: Fewer rows than this cannot be split into training and test rows that mean anything.
MIN_ROWS = 5


@dataclass(frozen=True)
class TableChoices:
    """What the person chose about a table (the source's options, checked)."""

    target: str
    task: str
    ignore: tuple[str, ...]
    kinds: Mapping[str, str]


def choices(source: DatasetSource, table: Table) -> TableChoices:
    options = source.options
    kinds = options.get("kinds", {}) or {}
    if not isinstance(kinds, Mapping):
        raise DatasetError("the table's kinds must map column names to kinds")
    ignore = options.get("ignore", ()) or ()
    if isinstance(ignore, str) or not all(isinstance(c, str) for c in ignore):
        raise DatasetError("the table's ignored columns must be a list of column names")
    for name in ignore:
        table.column(name)
    target = options.get("target") or table.default_target
    if not isinstance(target, str):
        raise DatasetError(f"the target must be a column name; received {target!r}")
    table.column(target)
    task = str(options.get("task") or "auto").lower()
    if task not in TASKS:
        raise DatasetError(f"the task must be classify, regress or auto; received {task!r}")
    return TableChoices(target, task, tuple(ignore), dict(kinds))


def _check_target_kind(column: Column) -> None:
    """DatasetError if a column of this kind cannot be predicted at all."""
    if column.kind in (TEXT, IDENTIFIER, EMPTY):
        why = {
            TEXT: "holds text (words or sentences), which a table model does not answer",
            IDENTIFIER: "is an identifier (a different value in every row): there is nothing "
            "in common between rows to learn",
            EMPTY: "has no values",
        }[column.kind]
        raise DatasetError(
            f"column {column.name!r} cannot be the target: it {why}; choose another column "
            "to predict"
        )


def task_for(column: Column, values, asked: str = "auto") -> str:
    """Classification or regression of a target column; DatasetError if it cannot be
    predicted at all."""
    _check_target_kind(column)
    present = values.dropna()
    if present.nunique() < 2:
        only = _text(present.iloc[0]) if len(present) else ""
        raise DatasetError(
            f"column {column.name!r} has the single value {only!r} in every row: there is "
            "nothing to learn; choose another target, or add rows of its other values"
        )
    wanted = TASKS[asked]
    if wanted == REGRESSION and column.kind != NUMBER:
        raise DatasetError(
            f"column {column.name!r} holds categories ({', '.join(column.examples[:3])}, ...), "
            "not numbers: it can be classified, not regressed; choose classify"
        )
    if wanted is not None:
        return wanted
    if column.kind == CATEGORY:
        return CLASSIFICATION
    numbers = _as_numbers(present).to_numpy()
    whole = bool(np.all(np.mod(numbers, 1) == 0))
    return (
        CLASSIFICATION if whole and len(np.unique(numbers)) <= MAX_INTEGER_CLASSES else REGRESSION
    )


def _inputs(table: Table, chosen: TableChoices) -> list[Column]:
    return [
        c
        for c in table.columns
        if c.name != chosen.target and c.name not in chosen.ignore and c.kind in INPUT_KINDS
    ]


def table_dataset(
    source: DatasetSource,
    progress: Progress,
    cancelled: Cancelled,
    table: Table | None = None,
    path=None,
) -> Dataset:
    """Load a table file as a dataset (``table``: the file read already, by the Data tab's
    column table; ``path``: the file, if not the source's); DatasetError saying what to
    change."""
    if table is None:
        header = source.options.get("header")
        table = read_table(path or source.path or "", progress, cancelled, header=header)
    chosen = choices(source, table)
    table = table.retyped(chosen.kinds)
    target = table.column(chosen.target)
    _check_target_kind(target)
    frame = table.frame
    keep = frame[target.name].notna().to_numpy()
    if target.kind == NUMBER:
        keep = keep & _as_numbers(frame[target.name]).notna().to_numpy()
    if keep.sum() < MIN_ROWS:
        rows = int(keep.sum())
        raise DatasetError(
            f"{table.path.name} has {rows} row{'s' * (rows != 1)} with a {target.name!r}; a "
            f"model learns from many rows (at least {MIN_ROWS}, better hundreds): add rows"
        )
    if not keep.all():
        frame = frame[keep]
    task = task_for(target, frame[target.name], chosen.task)
    inputs = _inputs(table, chosen)
    if not inputs:
        raise DatasetError(
            f"{table.path.name} has no column to learn {target.name!r} from: every other "
            "column is ignored, text, an identifier or empty; retype a column as a number or "
            "a category"
        )
    rows = np.arange(len(frame))
    progress(1.0, f"Holding out test rows of {table.path.name}")
    strata = _classes(frame[target.name]) if task == CLASSIFICATION else np.zeros(len(rows))
    seed = int(source.options.get("seed", 0))
    train, _, test, _ = held_out(rows, strata, held_out_share(source), seed)
    progress(1.0, "Fitting the encoding to the training rows")
    encoding = TableEncoding(  # fitted one column at a time: no copy of the training rows
        tuple(fit_feature(c.name, c.kind, frame[c.name].iloc[train]) for c in inputs),
        fit_target(target.name, task, frame[target.name].iloc[train]),
    )
    if task == CLASSIFICATION and len(encoding.target.classes) < 2:
        raise DatasetError(
            f"the training rows have one value of {target.name!r}; add rows of its others"
        )
    progress(1.0, f"Encoding {len(train):,} training rows")
    x_train = encoding.encode(frame, train)
    y_train = encoding.targets(frame[target.name].iloc[train])
    x_test = y_test = None
    if test is not None:
        progress(1.0, f"Encoding {len(test):,} test rows")
        x_test = encoding.encode(frame, test)
        y_test = encoding.targets(frame[target.name].iloc[test])
        if task == CLASSIFICATION:  # a class only the test rows have cannot be answered
            known = y_test >= 0
            x_test, y_test = x_test[known], y_test[known]
    return Dataset(
        source,
        table.path.stem,
        x_train,
        y_train,
        x_test,
        y_test,
        encoding.target.classes,
        description=report(table, chosen, encoding, int((~keep).sum()), len(rows), test),
        preprocessing=encoding,
        columns=table.columns,
    )


def _classes(values) -> np.ndarray:
    """Each row's class as its place among the sorted class names, to stratify by.

    Sorted as the exported script's ``np.unique`` sorts them, so both hold out the same rows.
    """
    codes, uniques = distinct(values)
    names = [_text(u) for u in uniques]
    place = {name: i for i, name in enumerate(sorted(set(names)))}
    return np.array([place[name] for name in names], np.int64)[codes]


def _plural(n: int, word: str, words: str = "") -> str:
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def report(
    table: Table, chosen: TableChoices, encoding: TableEncoding, dropped: int, rows: int, test
) -> str:
    """What was read and done, in sentences: the Data tab's description of the dataset."""
    target = encoding.target
    if target.task == CLASSIFICATION:
        what = f"{len(target.classes)} classes: {', '.join(target.classes[:6])}"
        what += ", ..." if len(target.classes) > 6 else ""
        task = f"classification ({what})"
    else:
        task = "regression (a number, scaled for training and answered in its own units)"
    numbers = [f for f in encoding.features if f.kind == NUMBER]
    categories = [f for f in encoding.features if f.kind == CATEGORY]
    parts = []
    if numbers:
        parts.append(_plural(len(numbers), "number") + " normalised")
    if categories:
        values = sum(f.width for f in categories)
        parts.append(
            _plural(len(categories), "category", "categories")
            + f" one-hot ({_plural(values, 'value')})"
        )
    lines = [
        f"{table.describe()}.",
        f"Predicting {target.column!r}: {task}.",
        f"Inputs: {' and '.join(parts)} = {_plural(encoding.width, 'input')}.",
    ]
    filled = [
        f"{c.name!r} {c.missing:,}"
        + (" (the training rows' mean)" if c.kind == NUMBER else " (a value of their own)")
        for c in table.columns
        if c.missing and c.name in encoding.columns
    ]
    if filled:
        lines.append("Missing cells filled: " + ", ".join(filled) + ".")
    typos = [c for c in table.columns if c.not_numbers and c.name in encoding.columns]
    for c in typos:
        row, text = c.first_not_number or (0, "")
        lines.append(
            f"{c.name!r}: {_plural(c.not_numbers, 'cell')} that are not numbers counted as "
            f"missing (first: {text!r} in row {row + table.first_row})."
        )
    left_out = [
        f"{c.name!r} ({'ignored' if c.name in chosen.ignore else c.kind})"
        for c in table.columns
        if c.name != target.column and c.name not in encoding.columns
    ]
    if left_out:
        lines.append("Not inputs: " + ", ".join(left_out) + ".")
    if dropped:
        lines.append(f"{_plural(dropped, 'row')} without a {target.column!r} left out.")
    held = 0 if test is None else len(test)
    lines.append(f"Held out for testing: {_plural(held, 'row')} of {rows:,}.")
    return "\n".join(lines)
