"""What a dataset kind writes into an exported training script: its ``load_data()`` and what
that needs (imports, constants at the top), in the style ruff format writes. Each kind module
(``datasets.kinds``) writes its own; the helpers here are shared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnstudio.core.codegen import LINE_LENGTH, py
from nnstudio.core.datasets.base import TEST_FRACTION, DatasetError, DatasetSource


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


#: nnstudio's hold-out of a test set (``datasets.base.held_out``), written out.
HOLD_OUT = [
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


def hold_out_constants(source: DatasetSource) -> list[tuple[str, Any, str]]:
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
CSV_ROWS = [
    "def csv_rows(path):",
    '    """The rows of a CSV file as dicts with lower-case column names."""',
    '    with open(path, newline="", encoding="utf-8-sig") as f:',
    "        reader = csv.DictReader(f)",
    "        reader.fieldnames = [c.strip().lower() for c in reader.fieldnames or []]",
    "        yield from reader",
]
