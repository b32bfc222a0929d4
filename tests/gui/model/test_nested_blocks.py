"""A model used as a layer (a block) in the window: its card, its layers listed in the inspector
(expandable), and Ungroup, which gives its layers to the model to edit, undoably."""

from PySide6.QtCore import Qt

from nnstudio.core.architecture import Architecture, LayerConfig
from tests.core.test_nested_models import nested
from tests.gui.model.test_graph_canvas import open_graph


def test_a_block_lists_its_layers_and_ungroups_undoably(window, answers, tmp_path, qtbot):
    open_graph(window, answers, tmp_path, nested())
    view = window.stack.layers_view
    assert window.editor.summary.ok
    window.select_rows([0])
    inspector = window.inspector
    assert inspector.title.text() == "Sequential block"
    assert inspector.block_tree.isVisibleTo(window)
    tree = inspector.block_tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "stem_conv (Conv2D)",
        "deeper (Sequential)",
    ]
    deeper = tree.topLevelItem(1)
    assert deeper.text(1) == "(None, 8, 8, 4)"
    assert deeper.childCount() == 1
    assert deeper.child(0).text(0) == "deep_conv (Conv2D)"
    assert not deeper.isExpanded()  # a block inside a block starts folded
    total = window.editor.summary.total_params
    qtbot.mouseClick(inspector.ungroup_button, Qt.MouseButton.LeftButton)
    arch = window.editor.architecture
    assert [layer.name for layer in arch.layers][:2] == ["stem_conv", "deeper"]
    assert window.editor.summary.total_params == total
    assert view.selected_rows() == [0, 1]
    # A plain layer has no block list.
    window.select_rows([0])
    assert not inspector.block_tree.isVisibleTo(window)
    window.editor.undo_stack.undo()
    assert window.editor.architecture.layers[0].block is not None


def test_the_canvas_menu_ungroups_a_block(window, answers, tmp_path):
    arch = nested()
    stem, flat, out = arch.layers
    branched = Architecture(
        "branched",
        arch.input_shape,
        (
            stem,
            LayerConfig.create("Conv2D", "side", ["stem"], filters=4, kernel_size=1),
            LayerConfig.create("Add", "sum", ["stem", "side"]),
            flat.with_inputs(["sum"]),
            out,
        ),
    )
    open_graph(window, answers, tmp_path, branched)
    canvas = window.stack.canvas
    node = canvas.nodes["stem"]
    menu = canvas.context_menu(canvas.mapFromScene(node.sceneBoundingRect().center()))
    assert menu.actions()[0].text() == "Ungroup stem into the model"
    menu.actions()[0].trigger()
    assert [layer.name for layer in window.editor.architecture.layers][:2] == [
        "stem_conv",
        "deeper",
    ]
    assert canvas.selected_rows() == [0, 1]
