"""The layered layout: chains in a column, branches side by side, every node placed."""

import itertools

from nnstudio.core import template
from nnstudio.core.graph_edits import connect
from nnstudio.core.layout import layered_layout
from tests.core.test_graph import residual


def test_a_chain_is_one_straight_column():
    arch = template("mnist-cnn").architecture
    places = layered_layout(arch)
    assert [places[n].row for n in ("input_layer", *arch.layer_names())] == list(range(8))
    assert len({p.column for p in places.values()}) == 1


def test_a_skip_connection_stands_beside_its_branch():
    places = layered_layout(residual())
    assert places["image"].row == 0
    assert places["a"].row == 1
    assert places["b"].row == 2
    assert places["sum"].row == 3  # below the longest path
    assert places["out"].row == 5
    for first, second in (("a", "b"), ("sum", "flat")):
        assert places[first].column == places[second].column  # a chain goes straight down


def test_nodes_of_a_row_never_overlap():
    arch = residual()
    for source in ("image", "a"):
        arch = connect(arch, source, "sum")
    arch = connect(arch, "image", "b")
    places = layered_layout(arch)
    by_row = {}
    for place in places.values():
        by_row.setdefault(place.row, []).append(place.column)
    for columns in by_row.values():
        columns.sort()
        assert all(b - a >= 1 - 1e-9 for a, b in itertools.pairwise(columns))
    assert set(places) == {"image", *arch.layer_names()}


def test_a_cycle_is_placed_too():
    arch = connect(residual(), "sum", "a")
    places = layered_layout(arch)
    assert set(places) == {"image", *arch.layer_names()}
