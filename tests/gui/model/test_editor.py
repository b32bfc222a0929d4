"""The editor's layer operations, checked against a plain list model of what should happen."""

from hypothesis import given, settings
from hypothesis import strategies as st

from nnstudio.core import Architecture, LayerConfig
from nnstudio.core.project import Project
from nnstudio.gui.model.editor import Editor


def numbered(n):
    layers = tuple(LayerConfig.create("Dense", units=i + 1) for i in range(n))
    return Project(Architecture("numbered", (4,), layers))


def units(editor):
    return [layer.params["units"] - 1 for layer in editor.architecture.layers]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_move_rows_to_matches_a_list_model(qapp, data):
    n = data.draw(st.integers(1, 9))
    rows = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
    target = data.draw(st.integers(0, n))
    editor = Editor(numbered(n))
    new_rows = editor.move_rows_to(rows, target)
    rest = [i for i in range(n) if i not in rows]
    at = sum(1 for i in rest if i < target)
    assert units(editor) == rest[:at] + rows + rest[at:]
    assert [units(editor)[r] for r in new_rows] == rows
    editor.undo_stack.setIndex(0)
    assert units(editor) == list(range(n))


def test_alt_up_and_down_stop_at_the_ends(qapp):
    editor = Editor(numbered(4))
    assert editor.move_layers([0, 1], -1) == [0, 1]
    assert editor.undo_stack.count() == 0
    assert editor.move_layers([1, 3], 1) == [1, 3]
    assert editor.move_layers([1, 2], 1) == [2, 3]
    assert units(editor) == [0, 3, 1, 2]


def test_duplicate_and_delete(qapp):
    editor = Editor(numbered(4))
    assert editor.duplicate_layers([1, 2]) == [3, 4]
    assert units(editor) == [0, 1, 2, 1, 2, 3]
    editor.remove_layers([0, 5])
    assert units(editor) == [1, 2, 1, 2]
    assert editor.undo_stack.undoText() == "Delete 2 layers"
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert units(editor) == [0, 1, 2, 3]


def test_a_merge_that_returns_to_the_start_leaves_no_step(qapp):
    editor = Editor(numbered(2))
    session = editor.new_session()
    editor.set_parameter(0, "units", 5, session)
    editor.set_parameter(0, "units", 1, session)
    assert editor.undo_stack.count() == 0
