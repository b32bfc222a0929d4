"""Where each node of a graph goes on the canvas: a layered layout, data flowing downwards.

Each model input sits in row 0 and each layer one row below the lowest of what it takes (the
longest path from an input), so that a chain is a straight column, as the stack was. Within a
row, a node goes under the mean position of what it takes, and nodes that would overlap are
pushed apart, keeping their order: a branch and its skip connection stand side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnstudio.core.architecture import Architecture
from nnstudio.core.graph import resolve


@dataclass(frozen=True)
class Placement:
    """A node's place in grid units: ``row`` from the top, ``column`` (fractional) across."""

    row: int
    column: float


def layered_layout(arch: Architecture, gap: float = 1.0) -> dict[str, Placement]:
    """The place of every model input and layer, by Keras name."""
    graph = resolve(arch)
    rows: dict[str, int] = dict.fromkeys(graph.input_names, 0)
    for i in graph.order:
        sources = [rows[s] for s in graph.inbound[i] if s in rows]
        rows[graph.names[i]] = 1 + max(sources, default=0)
    below = max(rows.values(), default=0) + 1
    for name in graph.names:  # a cycle's layers: below everything else
        if name not in rows:
            rows[name] = below
            below += 1
    by_row: dict[int, list[str]] = {}
    for name in (*graph.input_names, *graph.names):
        by_row.setdefault(rows[name], []).append(name)
    inbound = dict(zip(graph.names, graph.inbound, strict=True))
    columns: dict[str, float] = {}
    for row in sorted(by_row):
        names = by_row[row]
        wanted = []
        for k, name in enumerate(names):
            above = [columns[s] for s in inbound.get(name, ()) if s in columns]
            wanted.append(sum(above) / len(above) if above else float(k) * gap)
        order = sorted(range(len(names)), key=lambda k: (wanted[k], k))
        placed: list[float] = []
        for k in order:
            column = wanted[k] if not placed else max(wanted[k], placed[-1] + gap)
            placed.append(column)
            columns[names[k]] = column
        # Pushed apart to the right only: centre the row's group back over what it wanted.
        shift = (sum(placed) - sum(wanted[k] for k in order)) / len(placed)
        for k in order:
            columns[names[k]] -= shift
    return {name: Placement(rows[name], columns[name]) for name in rows}
