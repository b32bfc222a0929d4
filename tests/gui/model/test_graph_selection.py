"""Selection across the window: a one-click fix on a graph shows the layer it added or changed,
and the summary table selects what the canvas or the stack selects (and the other way)."""

from PySide6.QtCore import Qt

from nnstudio.core.edits import Batch, Fix, SetInputShape, SetParameter
from tests.core.test_graph import residual
from tests.gui.model.test_graph_canvas import click_card, open_graph


def test_a_projection_fix_on_a_graph_shows_the_projection_in_the_inspector(
    window, answers, tmp_path
):
    canvas = open_graph(window, answers, tmp_path, residual(strides=2))  # (28, 28) + (14, 14)
    (problem,) = [p for p in window.editor.summary.errors if p.fix is not None]
    assert problem.fix.description.startswith("Project a with a Conv2D")
    window.select_rows([0])  # elsewhere: the fix is a batch of edits, with no one index
    window.apply_fix(problem.fix)
    assert window.editor.summary.ok
    names = window.editor.architecture.layer_names()
    assert canvas.selected_names() == ["a_projection"]
    assert window.inspector.title.text() == "Conv2D"
    assert window.inspector.name_edit.text() == "a_projection"
    assert window.summary.selected_rows() == [names.index("a_projection")]
    window.undo_action.trigger()
    assert "a_projection" not in window.editor.architecture.layer_names()


def test_a_batch_fix_that_adds_nothing_shows_what_it_changed_else_the_layer_it_was_for(
    window, answers, tmp_path
):
    canvas = open_graph(window, answers, tmp_path)
    window.select_rows([4])  # out
    window.apply_fix(Fix("Fewer filters", Batch((SetParameter(1, "filters", 8),))))
    assert canvas.selected_names() == ["b"]
    assert window.inspector.title.text() == "Conv2D"
    window.apply_fix(Fix("A larger input", Batch((SetInputShape((32, 32, 1)),))))
    assert canvas.selected_names() == ["b"]  # no layer changed: the one it was for stays


def test_a_stack_fix_still_selects_the_layer_its_edit_names(window):
    window.files.new_from_template("mnist-cnn")
    window.editor.set_input_shape((784,))
    (problem,) = [p for p in window.editor.summary.errors if p.fix is not None]
    assert problem.fix.description.startswith("Insert Reshape")
    window.apply_fix(problem.fix)
    assert window.stack.view.selected_rows() == [0]
    assert window.inspector.title.text() == "Reshape"


def test_the_summary_table_follows_the_canvas(window, answers, tmp_path, qtbot):
    canvas = open_graph(window, answers, tmp_path)
    canvas.resize(900, 700)
    click_card(qtbot, canvas, "sum")
    assert window.summary.selected_rows() == [2]
    canvas.select_rows([0, 1, 3])  # as a rubber band or Ctrl+click does
    assert window.summary.selected_rows() == [0, 1, 3]
    canvas.scene().clearSelection()
    assert window.summary.selected_rows() == []


def test_the_summary_table_follows_the_stack_and_selects_it_without_a_loop(window, qtbot):
    window.files.new_from_template("mnist-cnn")
    view, table = window.stack.view, window.summary.table
    view.select_rows([1, 2])
    assert window.summary.selected_rows() == [1, 2]
    activated, selected = [], []
    window.summary.layer_activated.connect(activated.append)
    view.rows_selected.connect(selected.append)
    window.summary.show_rows([3])  # mirroring says nothing back
    assert activated == []
    assert selected == []
    assert view.selected_rows() == [1, 2]
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.model().index(4, 1)).center())  # fmt: skip
    assert activated == [4]
    assert selected == [[4]]  # once: the table's echo did not come back
    assert view.selected_rows() == [4]
    assert window.summary.selected_rows() == [4]
    assert window.inspector.title.text() == window.editor.architecture.layers[4].type
