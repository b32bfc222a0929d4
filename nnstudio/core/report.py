"""The summary as text, laid out like Keras 3's ``model.summary()``, plus nnstudio's extras
(multiply-adds, weight memory, problems and their fixes)."""

from __future__ import annotations

from nnstudio.core.formatting import format_count, format_macs, format_shape, readable_bytes
from nnstudio.core.summary import ERROR, Problem, Summary

_UNICODE = {
    "top": "┏━┳┓",
    "head": "┃┃┃",
    "rule": "┡━╇┩",
    "row": "│││",
    "sep": "├─┼┤",
    "bottom": "└─┴┘",
}
_ASCII = {
    "top": "+=++",
    "head": "|||",
    "rule": "+=++",
    "row": "|||",
    "sep": "+-++",
    "bottom": "+-++",
}
_MIN_WIDTHS = (31, 22, 13)


def _line(chars: str, widths) -> str:
    left, fill, mid, right = chars
    return left + mid.join(fill * (w + 2) for w in widths) + right


def _cells(chars: str, cells, widths) -> str:
    left, mid, right = chars
    texts = [
        f" {cells[0]:<{widths[0]}} ",
        f" {cells[1]:<{widths[1]}} ",
        f" {cells[2]:>{widths[2]}} ",
    ]
    texts += [f" {cell:<{width}} " for cell, width in zip(cells[3:], widths[3:], strict=True)]
    return left + mid.join(texts) + right


def _problem_line(p: Problem, summary: Summary, unicode: bool) -> str:
    mark = ("✗" if unicode else "x") if p.severity == ERROR else "!"
    where = "input" if p.layer is None else f"layer {p.layer} ({summary.layers[p.layer].name})"
    fix = f" Fix: {p.fix.description}." if p.fix else ""
    if p.alternatives:
        fix += " Or: " + "; ".join(f.description for f in p.alternatives) + "."
    return f" {mark} {where}: {p.message}{fix}"


def _count_with_bytes(count: int | None) -> str:
    if count is None:
        return "?"
    return f"{count:,} ({readable_bytes(count * 4)})"


def _input_cells(summary: Summary, prefix: str = "") -> list[tuple[str, str, str]]:
    return [
        (f"{prefix}{i.name} (InputLayer)", format_shape((None, *i.shape)), "0")
        for i in summary.architecture.inputs
    ]


def _nested_cells(summary: Summary, level: int, links: bool) -> list[tuple[str, ...]]:
    """A block's own rows as Keras' ``summary(expand_nested=True)`` prints them: indented
    under the block, a functional block's inputs first, no connections (they are inside)."""
    prefix = "   " * level + "└ "
    rows = [] if summary.architecture.is_stack else _input_cells(summary, prefix)
    for row in summary.layers:
        rows.append(
            (
                f"{prefix}{row.name} ({row.type})",
                format_shape(row.output_shape),
                format_count(row.params),
            )
        )
        if row.block is not None:
            rows += _nested_cells(row.block, level + 1, False)
    return [(*cells, "-") if links else cells for cells in rows]


def _chain(summary: Summary) -> bool:
    """Each layer takes one thing, which nothing else takes: Keras prints such a functional
    model "sequential-like", without its "Connected to" column."""
    taken = [source for row in summary.layers for source in row.inputs]
    return (
        len(summary.architecture.inputs) == 1
        and all(len(row.inputs) <= 1 for row in summary.layers)
        and len(taken) == len(set(taken))
    )


def format_summary(summary: Summary, unicode: bool = True, expand_nested: bool = False) -> str:
    """The summary as a Keras-style table, followed by totals and any problems; with
    ``expand_nested``, each block's layers are listed under it, as Keras does."""
    box = _UNICODE if unicode else _ASCII
    arch = summary.architecture
    # As Keras prints a functional model: its inputs, and the links unless it is a chain.
    links = not arch.is_stack and not _chain(summary)
    rows = [] if arch.is_stack else _input_cells(summary)
    rows = [(*cells, "-") for cells in rows] if links else rows
    for row in summary.layers:
        cells = (
            f"{row.name} ({row.type})",
            format_shape(row.output_shape),
            format_count(row.params),
        )
        if links:
            cells = (*cells, ", ".join(f"{source}[0][0]" for source in row.inputs))
        rows.append(cells)
        if expand_nested and row.block is not None:
            rows += _nested_cells(row.block, 1, links)
    heads = ("Layer (type)", "Output Shape", "Param #")
    minimum = _MIN_WIDTHS
    if links:
        heads, minimum = (*heads, "Connected to"), (*_MIN_WIDTHS, 17)
    widths = [max([w, *(len(r[i]) for r in rows)]) for i, w in enumerate(minimum)]
    out = [f'Model: "{arch.name}"', _line(box["top"], widths)]
    out.append(_cells(box["head"], heads, widths))
    out.append(_line(box["rule"], widths))
    for i, cells in enumerate(rows):
        if i:
            out.append(_line(box["sep"], widths))
        out.append(_cells(box["row"], cells, widths))
    out.append(_line(box["bottom"], widths))
    out += [
        f" Total params: {_count_with_bytes(summary.total_params)}",
        f" Trainable params: {_count_with_bytes(summary.trainable_params)}",
        f" Non-trainable params: {_count_with_bytes(summary.non_trainable_params)}",
        " Input shape: " + ", ".join(format_shape((None, *i.shape)) for i in arch.inputs),
        f" Multiply-adds per sample: {format_macs(summary.macs)}",
    ]
    out += [_problem_line(p, summary, unicode) for p in summary.problems]
    return "\n".join(out)
