"""The graph canvas: a graph opens on it, cards select with the inspector, and adding,
connecting, deleting and undoing work with the mouse and the palette."""

import json

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent

from nnstudio.core import summarize
from nnstudio.gui.model.graph_canvas import EdgeItem, NodeItem
from nnstudio.gui.model.layer_model import LAYER_TYPE_MIME
from tests.core.test_graph import residual


def open_graph(window, answers, tmp_path, arch=None):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps((arch or residual()).to_dict()))
    answers.open_path = path
    window.open_action.trigger()
    return window.stack.canvas


def view_point(canvas, scene_point):
    return canvas.mapFromScene(scene_point)


def click_card(qtbot, canvas, name, modifier=Qt.KeyboardModifier.NoModifier):
    centre = canvas.nodes[name].sceneBoundingRect().center()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, modifier,
                     view_point(canvas, centre))  # fmt: skip


def test_a_graph_opens_on_the_canvas_and_a_chain_on_the_stack(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path)
    assert window.stack.views.currentWidget() is canvas
    assert set(canvas.nodes) == {"image", "a", "b", "sum", "flat", "out"}
    assert len([i for i in canvas.scene().items() if isinstance(i, EdgeItem)]) == 6
    assert canvas.nodes["sum"].pos().y() > canvas.nodes["b"].pos().y()
    assert window.editor.summary.total_params == summarize(residual()).total_params
    window.files.new_from_template("mnist-cnn")
    assert window.stack.views.currentWidget() is window.stack.view


def test_selecting_a_card_shows_its_layer_in_the_inspector(window, answers, tmp_path, qtbot):
    canvas = open_graph(window, answers, tmp_path)
    canvas.resize(900, 700)
    click_card(qtbot, canvas, "b")
    assert canvas.selected_rows() == [1]
    assert window.inspector.title.text() == "Conv2D"
    window.select_rows([2])
    assert canvas.selected_names() == ["sum"]
    assert window.inspector.title.text() == "Add"


def test_palette_adds_after_the_selected_card_and_undo_takes_it_back(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path)
    before = window.editor.architecture
    window.select_rows([0])  # a
    window.add_layer("BatchNormalization")
    arch = window.editor.architecture
    names = arch.layer_names()
    assert names[1] == "batch_normalization"
    assert arch.layers[names.index("b")].inputs == ("batch_normalization",)
    assert arch.layers[names.index("sum")].inputs == ("batch_normalization", "b")
    assert canvas.selected_names() == ["batch_normalization"]
    assert "batch_normalization" in canvas.nodes
    window.undo_action.trigger()
    assert window.editor.architecture == before
    assert "batch_normalization" not in canvas.nodes


def test_dragging_from_an_output_port_connects(window, answers, tmp_path, qtbot):
    canvas = open_graph(window, answers, tmp_path)
    canvas.resize(1000, 900)
    canvas.fit()
    port = view_point(canvas, canvas.nodes["image"].output_port())
    target = view_point(canvas, canvas.nodes["sum"].sceneBoundingRect().center())
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=port)
    qtbot.mouseMove(viewport, pos=(port + target) / 2)
    qtbot.mouseMove(viewport, pos=target)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target)
    arch = window.editor.architecture
    assert arch.layers[arch.layer_names().index("sum")].inputs == ("a", "b", "image")
    assert window.undo_action.text() == "&Undo Connect image to sum"


def test_a_bad_connection_is_an_error_on_its_card_with_a_fix(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path)
    canvas.connect_nodes("flat", "sum")  # flat takes sum: a cycle
    summary = window.editor.summary
    assert not summary.ok
    (cycle,) = [e for e in summary.errors if "cycle" in e.message]
    assert cycle.fix is not None  # one click removes a connection of it
    window.apply_fix(cycle.fix)
    assert window.editor.summary.ok
    canvas.connect_nodes("sum", "image")  # into an input: refused, said, nothing changed
    canvas.connect_nodes("sum", "sum")
    assert window.statusBar().currentMessage().startswith("Cannot do that")


def test_delete_closes_the_gap(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path)
    window.select_rows([3])  # flat
    window.delete_selected()
    arch = window.editor.architecture
    assert "flat" not in arch.layer_names()
    assert arch.layers[arch.layer_names().index("out")].inputs == ("sum",)
    assert "flat" not in canvas.nodes


def test_a_palette_layer_dropped_onto_a_connection_goes_into_it(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path)
    canvas.resize(1000, 900)
    canvas.fit()
    edge = next(e for e in canvas.edges if (e.source.name, e.target.name) == ("a", "sum"))
    point = view_point(canvas, edge.path().pointAtPercent(0.5))
    assert canvas._edge_at(point) is edge
    mime = QMimeData()
    mime.setData(LAYER_TYPE_MIME, b"Conv2D")
    event = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    canvas.dropEvent(event)
    arch = window.editor.architecture
    names = arch.layer_names()
    assert arch.layers[names.index("conv2d")].inputs == ("a",)
    assert arch.layers[names.index("sum")].inputs == ("conv2d", "b")
    assert isinstance(canvas.nodes["conv2d"], NodeItem)
    assert canvas.selected_names() == ["conv2d"]


def test_a_residual_template_trains_in_the_window(window, qtbot):
    from tests.gui.trainings import open_template, train

    open_template(window, qtbot, "residual-cnn", epochs=1, seed=0)
    assert window.stack.views.currentWidget() is window.stack.canvas
    assert "block2_shortcut" in window.stack.canvas.nodes
    outcome = train(window, qtbot)
    assert outcome.result.ok
    assert outcome.result.test["accuracy"] > 0.6
    assert window.editor.weights.fits(window.editor.architecture)


def test_a_merge_from_the_palette_turns_a_stack_into_a_graph_with_one_fix(window):
    window.files.new_from_template("digits-mlp-deep")  # five Dense layers of 50
    window.select_rows([2])
    window.add_layer("Add")
    assert window.stack.views.currentWidget() is window.stack.view  # still a stack
    (problem,) = window.editor.summary.errors
    assert "skip connection" in problem.fix.description
    window.apply_fix(problem.fix)
    assert window.editor.summary.ok
    assert window.stack.views.currentWidget() is window.stack.canvas
    assert window.stack.canvas.selected_names() == ["add"]
    window.undo_action.trigger()
    assert window.stack.views.currentWidget() is window.stack.view


def test_find_a_layer_by_name(window, answers, tmp_path, qtbot):
    canvas = open_graph(window, answers, tmp_path)
    find = window.stack.find_edit
    assert find.isVisibleTo(window)
    find.setText("SU")
    qtbot.keyClick(find, Qt.Key.Key_Return)
    assert canvas.selected_names() == ["sum"]
    assert window.inspector.title.text() == "Add"
    assert canvas.find("a")  # the first whose name has an "a": a itself
    assert canvas.selected_names() == ["a"]
    assert canvas.find("a", after_selection=True)  # then the next: flat
    assert canvas.selected_names() == ["flat"]
    assert not canvas.find("nowhere")
    window.files.new_from_template("mnist-cnn")
    assert not find.isVisibleTo(window)  # a stack has no canvas to search


def test_a_card_dragged_stays_where_put_undoably_and_arrange_brings_the_layout_back(
    window, answers, tmp_path, qtbot
):
    from nnstudio.core.project import load_project

    canvas = open_graph(window, answers, tmp_path)
    canvas.resize(1000, 900)
    canvas.fit()
    node = canvas.nodes["b"]
    laid_out = node.pos()
    start = view_point(canvas, node.sceneBoundingRect().center())
    end = start + QPoint(150, 20)
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 6):
        qtbot.mouseMove(viewport, pos=start + (end - start) * k / 5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    moved = canvas.nodes["b"].pos()
    assert moved.x() > laid_out.x() + 50
    assert window.editor.positions == {"b": (moved.x(), moved.y())}
    assert window.undo_action.text() == "&Undo Move b"
    edge = next(e for e in canvas.edges if e.target.name == "b")
    assert edge.path().pointAtPercent(1).x() > laid_out.x() + 50  # the connection followed
    answers.save_path = tmp_path / "moved.nnstudio"
    window.save_as_action.trigger()
    assert load_project(tmp_path / "moved.nnstudio").positions == window.editor.positions
    window.undo_action.trigger()
    assert canvas.nodes["b"].pos() == laid_out
    window.redo_action.trigger()
    canvas.arrange()
    assert window.editor.positions == {}
    assert canvas.nodes["b"].pos() == laid_out


def test_copy_a_block_and_paste_it_after_itself(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path)
    window.select_rows([1, 2])  # b and sum: a residual block's convolution and its Add
    window.copy_action.trigger()
    window.select_rows([2])
    window.paste_action.trigger()
    arch = window.editor.architecture
    by_name = dict(zip(arch.layer_names(), arch.layers, strict=True))
    assert by_name["add"].inputs == ("sum", "conv2d")
    assert by_name["flat"].inputs == ("add",)
    assert window.editor.summary.ok
    assert canvas.selected_names() == ["conv2d", "add"]
    window.undo_action.trigger()
    assert "add" not in window.editor.architecture.layer_names()
    # Duplicate does the same in one step.
    window.select_rows([1, 2])
    window.duplicate_action.trigger()
    assert window.editor.summary.ok
    assert len(window.editor.architecture.layers) == 7


def test_copy_and_paste_in_a_stack_and_a_clipboard_of_something_else(window):
    from PySide6.QtWidgets import QApplication

    window.files.new_from_template("mnist-cnn")
    window.select_rows([0, 1])
    window.copy_action.trigger()
    window.select_rows([1])
    window.paste_action.trigger()
    arch = window.editor.architecture
    assert arch.is_stack
    assert [layer.type for layer in arch.layers][:4] == ["Conv2D", "MaxPooling2D"] * 2
    assert window.stack.layers_view.selected_rows() == [2, 3]
    QApplication.clipboard().setText("not layers")
    window.paste_action.trigger()
    assert "Nothing to paste" in window.statusBar().currentMessage()
