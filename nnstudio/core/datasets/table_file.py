"""Reading a table of one's own: a CSV file (also tab- or semicolon-separated), its dialect
sniffed (delimiter, quoting, byte-order mark, header) and each column's kind inferred, as the
Data tab's column table shows it and the table dataset trains on it.

A column is one of ``KINDS``: a *number*, a *category* (a few values that repeat), *text* (words,
sentences), an *identifier* (a different value in every row: a name, a code, a row number) or
*empty* (no value at all). Cells that are blank, ``NA``, ``NaN``, ``null`` or ``?`` are missing;
so are the few cells of a number column that are not numbers. pandas reads the file (its C
parser), in chunks so that a large file reports progress and can be cancelled.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.core.datasets.base import (
    Cancelled,
    DatasetCancelled,
    DatasetError,
    Progress,
    never_cancelled,
    no_progress,
)

NUMBER, CATEGORY, TEXT, IDENTIFIER, EMPTY = "number", "category", "text", "identifier", "empty"
#: Every kind of column, as the Data tab offers them.
KINDS = (NUMBER, CATEGORY, TEXT, IDENTIFIER, EMPTY)
#: What each kind means, for the column table's tooltips.
KIND_HELP = {
    NUMBER: "a measurement: normalised to mean 0 and standard deviation 1 by the training rows",
    CATEGORY: "a few values that repeat: one input per value (one-hot)",
    TEXT: "words or sentences: not an input of a table model (a text dataset reads them)",
    IDENTIFIER: "a different value in every row (a name, a code, a row number): not an input, "
    "since it says nothing about other rows",
    EMPTY: "no value in any row: not an input",
}
#: The kinds a model takes as inputs.
INPUT_KINDS = (NUMBER, CATEGORY)
#: What a cell may say to be missing, besides being blank.
MISSING = ("NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?", "-")
DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_SAMPLE_BYTES = 64 * 1024
_CHUNK_ROWS = 65_536
#: A column of strings where at least this share of the present cells are numbers is a number
#: column with a few typos (the others are counted as missing, and said).
_NUMBER_SHARE = 0.9
#: Words per cell, on average, from which strings are text rather than a category.
_TEXT_WORDS = 3
_ID_NAMES = re.compile(r"^(id|index|idx|row|no|nr|#|key|uuid)$|[ _-]id$|^id[ _-]", re.IGNORECASE)


@dataclass(frozen=True)
class Dialect:
    """How the file is written."""

    delimiter: str = ","
    quotechar: str = '"'
    has_header: bool = True
    bom: bool = False

    def describe(self) -> str:
        name = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        return f"{name}-separated, " + ("with a header row" if self.has_header else "no header")


@dataclass(frozen=True)
class Column:
    """One column: its name, kind and what was found in it."""

    name: str
    kind: str
    #: The kind nnstudio inferred (``kind`` differs when the person retyped the column).
    inferred: str
    #: Missing cells (blank or ``NA``-like, and the cells of a number column that are not).
    missing: int
    #: Distinct present values.
    distinct: int
    #: A few present values, as written.
    examples: tuple[str, ...]
    #: Cells of a number column that are not numbers (counted in ``missing``), e.g. "12,5".
    not_numbers: int = 0
    #: The first such cell: (row, text).
    first_not_number: tuple[int, str] | None = None

    @property
    def is_input_kind(self) -> bool:
        return self.kind in INPUT_KINDS


@dataclass(frozen=True, eq=False)
class Table:
    """A table in memory (a pandas DataFrame) and what is known about its columns."""

    path: Path
    dialect: Dialect
    columns: tuple[Column, ...]
    frame: Any
    #: The row number in the file (1-based, counting the header) of each row of ``frame``.
    first_row: int = 2

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        known = ", ".join(repr(n) for n in self.names)
        raise DatasetError(f"{self.path.name} has no column {name!r}; its columns are {known}")

    def retyped(self, kinds: dict[str, str]) -> Table:
        """The table with some columns given another kind (checked: a column of words cannot
        be a number)."""
        columns = []
        for c in self.columns:
            wanted = kinds.get(c.name, c.kind)
            if wanted == c.kind:
                columns.append(c)
                continue
            if wanted not in KINDS:
                raise DatasetError(
                    f"{wanted!r} is not a kind of column; use one of {', '.join(KINDS)}"
                )
            columns.append(_retype(c, wanted, self.frame[c.name]))
        unknown = set(kinds) - set(self.names)
        if unknown:
            self.column(sorted(unknown)[0])  # raises, naming the columns there are
        return replace(self, columns=tuple(columns))

    @property
    def default_target(self) -> str:
        """The last column, as most tables put what they measure there; past an identifier,
        text or empty column at the end."""
        for c in reversed(self.columns):
            if c.kind in INPUT_KINDS:
                return c.name
        return self.columns[-1].name

    def describe(self) -> str:
        return f"{self.rows:,} rows × {len(self.columns)} columns ({self.dialect.describe()})"


def _retype(column: Column, kind: str, values) -> Column:
    if kind == NUMBER and column.kind != NUMBER:
        numbers = _as_numbers(values)
        present = int(values.notna().sum())
        parsed = int(numbers.notna().sum())
        if present and parsed < _NUMBER_SHARE * present:
            raise DatasetError(
                f"column {column.name!r} cannot be a number: {present - parsed:,} of its "
                f"{present:,} values are not numbers (e.g. {column.examples[0]!r})"
            )
    return replace(column, kind=kind)


def is_table_file(path: Path) -> bool:
    """Whether a path is a delimited text file (by its name: .csv, .tsv, .tab)."""
    return path.is_file() and path.suffix.lower() in (".csv", ".tsv", ".tab")


def _bad_byte(path: Path) -> tuple[int, int]:
    """The row (1-based) and the value of the first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset = 1, 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as e:
                return line + block[: e.start].count(b"\n"), block[e.start]
            line += block.count(b"\n")
            offset += len(block)
    return line, 0


def _not_utf8(path: Path) -> DatasetError:
    row, byte = _bad_byte(path)
    return DatasetError(
        f"{path.name}: row {row} holds a byte (0x{byte:02x}) that is not UTF-8 text; save the "
        "file as UTF-8 (in Excel: Save As > CSV UTF-8) and open it again"
    )


def _open_error(path: Path, e: OSError) -> DatasetError:
    if isinstance(e, FileNotFoundError):
        return DatasetError(f"{path}: no such file")
    if isinstance(e, IsADirectoryError):
        return DatasetError(f"{path} is a folder; choose the CSV file in it")
    return DatasetError(f"{path} cannot be read: {e.strerror or e}")


def _sample(path: Path) -> tuple[str, bool, bool]:
    """The start of the file as text, whether it had a byte-order mark, and whether it is the
    whole file."""
    try:
        with path.open("rb") as f:
            raw = f.read(_SAMPLE_BYTES + 1)
    except OSError as e:
        raise _open_error(path, e) from None
    whole = len(raw) <= _SAMPLE_BYTES
    raw = raw[:_SAMPLE_BYTES]
    if b"\x00" in raw:
        raise DatasetError(f"{path.name} is not a text file (it holds binary data); choose a CSV")
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=whole)
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    if not whole:  # the last line may be cut in the middle
        text = text[: text.rfind("\n") + 1] or text
    return text, bom, whole


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip() in MISSING or not text.strip()
    return True


def _has_header(rows: list[list[str]]) -> bool:
    """A header row: a name over a column of numbers, or names that never appear again in
    their columns (an all-text table whose first row repeats below has none)."""
    if len(rows) < 2:
        return not all(_looks_numeric(c) for c in rows[0]) if rows else True
    first, body = rows[0], rows[1:]
    if all(_looks_numeric(c) for c in first):
        return False
    for i, cell in enumerate(first):
        below = [r[i] for r in body if i < len(r)]
        if not _looks_numeric(cell) and below and all(_looks_numeric(c) for c in below):
            return True
    return all(cell.strip() for cell in first) and not any(
        cell in (r[i] for r in body if i < len(r)) for i, cell in enumerate(first)
    )


def sniff(path: Path) -> Dialect:
    """The delimiter, quote character and header of a delimited text file; DatasetError if it
    is not one (empty, binary, not UTF-8)."""
    text, bom, _ = _sample(path)
    if not text.strip():
        raise DatasetError(f"{path.name} is empty; a table needs a header and rows of values")
    try:
        found = csv.Sniffer().sniff(text, delimiters=DELIMITERS)
        delimiter, quotechar = found.delimiter, found.quotechar or '"'
    except csv.Error:  # one column, or no clear delimiter: the most frequent one
        first = text.splitlines()[0]
        delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
        quotechar = '"'
    if path.suffix.lower() in (".tsv", ".tab") and "\t" in text:
        delimiter = "\t"
    rows = list(csv.reader(text.splitlines()[:100], delimiter=delimiter, quotechar=quotechar))
    rows = [r for r in rows if any(c.strip() for c in r)]
    return Dialect(delimiter, quotechar, _has_header(rows), bom)


def distinct(values) -> tuple[np.ndarray, list]:
    """A column's distinct present values and, for each cell, the position of its value among
    them (-1 for a missing cell): what work on a column's values does once per value rather
    than once per cell."""
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, np.int64), list(np.asarray(uniques, dtype=object))


def _as_numbers(values):
    """A column as float64 numbers (a pandas Series): cells that are not numbers are NaN."""
    import pandas as pd

    if values.dtype.kind in "biuf":
        return values.astype("float64")
    codes, uniques = distinct(values)
    numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
    numbers = np.append(numbers.to_numpy(dtype=np.float64, na_value=np.nan), np.nan)
    return pd.Series(numbers[codes], index=values.index)


def _words(values) -> float:
    """The mean number of words in the present cells of a column of strings."""
    codes, uniques = distinct(values)
    present = codes[codes >= 0]
    if not len(present):
        return 0.0
    words = np.array([len(str(u).split()) for u in uniques], np.float64)
    return float(np.bincount(present, minlength=len(uniques)) @ words / len(present))


def _infer(name: str, values) -> Column:
    """A column's kind, from its values (a pandas Series, missing cells as NaN)."""
    present = values.dropna()
    count, missing = len(present), int(len(values) - len(present))
    examples = tuple(dict.fromkeys(_text(v) for v in present.iloc[:50]))[:4]
    if count == 0:
        return Column(name, EMPTY, EMPTY, missing, 0, ())
    distinct_values = int(present.nunique())
    if values.dtype.kind == "b":
        return Column(name, CATEGORY, CATEGORY, missing, distinct_values, examples)
    numbers = _as_numbers(values)
    parsed = int(numbers.notna().sum())
    if parsed and parsed >= _NUMBER_SHARE * count:
        first = None
        if parsed < count:
            bad = values.notna() & numbers.isna()
            where = int(np.flatnonzero(bad.to_numpy())[0])
            first = (where, _text(values.iloc[where]))
        kind = NUMBER
        integral = bool(np.all(np.mod(numbers.dropna().to_numpy(), 1) == 0))
        whole_ids = distinct_values == count == len(values) and count >= 20
        if integral and whole_ids and _ID_NAMES.search(name):
            kind = IDENTIFIER
        return Column(
            name,
            kind,
            kind,
            missing + count - parsed,
            distinct_values,
            examples,
            count - parsed,
            first,
        )
    if _words(values) >= _TEXT_WORDS and distinct_values > count // 2:
        kind = TEXT
    elif distinct_values == count and count >= 20:
        kind = IDENTIFIER
    else:
        kind = CATEGORY
    return Column(name, kind, kind, missing, distinct_values, examples)


def _text(value) -> str:
    """A cell as a category value: a whole number without its ``.0``."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _names(columns, has_header: bool) -> list[str]:
    """Column names people can read: ``column 3`` for a column without one."""
    names = []
    for i, name in enumerate(columns):
        text = str(name).strip()
        if not has_header or not text or text.startswith("Unnamed: "):
            text = f"column {i + 1}"
        while text in names:
            text += "'"
        names.append(text)
    return names


_TOKENIZING = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parser_error(path: Path, e: Exception, dialect: Dialect) -> DatasetError:
    found = _TOKENIZING.search(str(e))
    if found:
        expected, line, saw = (int(g) for g in found.groups())
        what = DELIMITER_NAMES.get(dialect.delimiter, "delimiter")
        return DatasetError(
            f"{path.name}: row {line} has {saw} cells where the first row has {expected}; "
            f'quote a value that holds a {what} ("a{dialect.delimiter} b") or remove the '
            "extra cells, and open the file again"
        )
    return DatasetError(f"{path.name} cannot be read as a table: {e}")


def read_table(
    path: str | Path,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
    header: bool | None = None,
    delimiter: str | None = None,
) -> Table:
    """Read a delimited text file into memory, with each column's kind: DatasetError saying
    what and where for a file that is not a table; DatasetCancelled."""
    import pandas as pd

    path = Path(path).expanduser()
    dialect = sniff(path)
    if header is not None or delimiter is not None:
        dialect = replace(
            dialect,
            has_header=dialect.has_header if header is None else bool(header),
            delimiter=delimiter or dialect.delimiter,
        )
    try:
        parts = _read_parts(path, dialect, progress, cancelled)
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{path.name} has no rows; a table needs rows of values") from None
    except pd.errors.ParserError as e:
        raise _parser_error(path, e, dialect) from None
    except OSError as e:
        raise _open_error(path, e) from None
    frame = _frame(parts, dialect.has_header)
    if frame.empty:
        raise DatasetError(f"{path.name} has a header but no rows of values")
    columns = []
    for i, name in enumerate(frame.columns):
        progress(1.0, f"Looking at column {i + 1} of {len(frame.columns)}: {name!r}")
        columns.append(_infer(name, frame[name]))
    return Table(path, dialect, tuple(columns), frame, 2 if dialect.has_header else 1)


def _read_parts(path: Path, dialect: Dialect, progress: Progress, cancelled: Cancelled) -> dict:
    """The file's columns, each as the list of its chunks' parts (``_part``)."""
    import pandas as pd

    size = max(path.stat().st_size, 1)
    parts: dict[Any, list] = {}
    rows = 0
    with path.open("rb") as f:
        reader = pd.read_csv(
            f,
            sep=dialect.delimiter,
            quotechar=dialect.quotechar,
            header=0 if dialect.has_header else None,
            encoding="utf-8-sig",
            na_values=list(MISSING),
            skipinitialspace=True,
            skip_blank_lines=True,
            chunksize=_CHUNK_ROWS,
            low_memory=False,
        )
        for chunk in reader:
            if cancelled():
                raise DatasetCancelled(f"reading {path.name} was cancelled")
            for name in chunk.columns:
                parts.setdefault(name, []).append(_part(chunk[name]))
            rows += len(chunk)
            del chunk
            progress(min(f.tell() / size, 1.0), f"Reading {path.name}: {rows:,} rows")
    return parts


def _part(values):
    """A chunk's column as it is kept while reading: numbers as a NumPy array; strings without
    their surrounding spaces, cells of only spaces missing as blank ones are, as a Categorical
    (each distinct string held once, so that a column of a few repeated words costs little
    more than their codes)."""
    import pandas as pd

    if values.dtype.kind in "biuf":
        return values.to_numpy()
    if not pd.api.types.is_string_dtype(values) or values.dtype == object:
        values = values.map(_text, na_action="ignore").astype("str")
    stripped = values.str.strip()
    return pd.Categorical(stripped.mask(stripped == ""))


def _strings(part):
    """A part read as numbers as a Categorical of their text (``12`` for 12.0)."""
    import pandas as pd

    if isinstance(part, pd.Categorical):
        return part
    codes, uniques = distinct(part)
    texts = np.array([_text(u) for u in uniques] + [np.nan], dtype=object)
    return pd.Categorical(texts[codes])


def _joined(parts):
    """One column of its chunks' parts. A column that reads as numbers in some chunks and as
    strings in others (a typo far down the file) becomes strings throughout, as it would have
    read at once; so does one that mixes true/false with numbers."""
    from pandas.api.types import union_categoricals

    numeric = all(isinstance(p, np.ndarray) for p in parts)
    kinds = {p.dtype.kind == "b" for p in parts} if numeric else set()
    if numeric and len(kinds) == 1:
        return np.concatenate(parts) if len(parts) > 1 else parts[0]
    return union_categoricals([_strings(p) for p in parts], ignore_order=True)


def _frame(parts: dict, has_header: bool):
    """The table's DataFrame of the columns' parts, joined one column at a time (so that the
    parts of only one column are held twice at any moment)."""
    import pandas as pd

    names = _names(list(parts), has_header)
    columns = {}
    for name, key in zip(names, list(parts), strict=True):
        columns[name] = _joined(parts.pop(key))
    return pd.DataFrame(columns, copy=False)
