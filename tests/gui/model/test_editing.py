"""Building a model in the window: palette, stack, inspector, undo and redo."""

from PySide6.QtCore import QModelIndex, Qt

from nnstudio.gui.model.layer_model import LAYER_TYPE_MIME, SeverityRole


def types(window):
    return [layer.type for layer in window.editor.architecture.layers]


def palette_item(window, name):
    return window.layer_palette._items[name]


def undo(window, qtbot=None):
    window.undo_action.trigger()


def redo(window):
    window.redo_action.trigger()


BASE = ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"]


def test_the_default_project_is_the_article_002_cnn(window):
    assert types(window) == BASE
    assert window.editor.summary.total_params == 34826
    assert "MNIST CNN" in window.windowTitle()
    assert "nnstudio" in window.windowTitle()
    assert not window.isWindowModified()


def test_double_click_in_the_palette_adds_after_the_selection(window, qtbot):
    window.select_rows([4])
    tree = window.layer_palette.tree
    item = palette_item(window, "Dense")
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    # A real double-click: press and release, then the double-click event.
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert types(window)[5] == "Dense"
    assert window.stack.view.selected_rows() == [5]
    assert window.editor.summary.layers[5].output_shape == (None, 64)
    assert window.isWindowModified()
    undo(window)
    assert types(window) == BASE
    assert not window.isWindowModified()
    redo(window)
    assert types(window)[5] == "Dense"


def test_a_card_clicked_with_the_mouse_is_where_layers_are_added(window, qtbot):
    view = window.stack.view
    rect = view.visualRect(window.model.index(5, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.selected_rows() == [5]
    assert window.inspector.title.text() == "Dropout"
    window.layer_palette.tree.setCurrentItem(palette_item(window, "Dense"))
    qtbot.keyClick(window.layer_palette.tree, Qt.Key.Key_Return)
    assert types(window)[6] == "Dense"
    assert view.selected_rows() == [6]
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        ctrl,
        view.visualRect(window.model.index(4, 0)).center(),
    )
    assert view.selected_rows() == [4, 6]
    assert window.inspector.title.text() == "2 layers selected"


def test_enter_in_the_palette_and_in_its_search_box(window, qtbot):
    window.select_rows([])
    tree = window.layer_palette.tree
    tree.setCurrentItem(palette_item(window, "BatchNormalization"))
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert types(window)[-1] == "BatchNormalization"
    window.focus_palette()
    qtbot.keyClicks(window.layer_palette.search, "spatial")
    assert window.layer_palette.visible_layers() == ["SpatialDropout2D"]
    qtbot.keyClick(window.layer_palette.search, Qt.Key.Key_Return)
    assert types(window)[-1] == "SpatialDropout2D"


def test_search_matches_help_text(window, qtbot):
    window.layer_palette.search.setText("overfitting")
    assert "Dropout" in window.layer_palette.visible_layers()
    assert "Conv2D" not in window.layer_palette.visible_layers()


def test_dragging_a_palette_layer_into_the_stack(window):
    mime = window.layer_palette.tree.mimeData([palette_item(window, "BatchNormalization")])
    assert mime.hasFormat(LAYER_TYPE_MIME)
    model = window.model
    assert model.canDropMimeData(mime, Qt.DropAction.CopyAction, 1, 0, QModelIndex())
    assert model.dropMimeData(mime, Qt.DropAction.CopyAction, 1, 0, QModelIndex())
    assert types(window)[:3] == ["Conv2D", "BatchNormalization", "MaxPooling2D"]
    assert window.stack.view.selected_rows() == [1]
    assert window.editor.summary.layers[1].non_trainable_params == 64
    undo(window)
    assert types(window) == BASE


def test_dragging_cards_reorders_them(window):
    model = window.model
    mime = model.mimeData([model.index(4, 0), model.index(5, 0)])  # Flatten, Dropout
    # Dropped onto the end: the view must not remove "source" rows itself.
    assert not model.dropMimeData(mime, Qt.DropAction.MoveAction, 7, 0, QModelIndex())
    assert types(window) == [*BASE[:4], "Dense", "Flatten", "Dropout"]
    assert window.stack.view.selected_rows() == [5, 6]
    assert window.editor.summary.layers[4].params == 64 * 10 + 10  # Dense on the last axis
    undo(window)
    assert types(window) == BASE


def test_keyboard_moves_duplicates_and_deletes(window, qtbot):
    view = window.stack.view
    window.select_rows([1])
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert types(window)[:2] == ["MaxPooling2D", "Conv2D"]
    assert view.selected_rows() == [0]
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert types(window) == BASE
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert types(window)[:3] == ["Conv2D", "MaxPooling2D", "MaxPooling2D"]
    assert view.selected_rows() == [2]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert types(window) == BASE
    window.select_rows([4, 5, 6])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert types(window) == BASE[:4]
    assert window.editor.undo_stack.undoText() == "Delete 3 layers"
    undo(window)
    assert types(window) == BASE


def test_editing_a_parameter_updates_the_summary_and_undoes_in_one_step(window, qtbot):
    window.select_rows([0])
    spin = window.inspector.editors["filters"].spin
    spin.setFocus()
    spin.selectAll()
    stack = window.editor.undo_stack
    before = stack.count()
    qtbot.keyClicks(spin, "128")
    assert window.editor.architecture.layers[0].params["filters"] == 128
    assert window.editor.summary.layers[0].params == 3 * 3 * 128 + 128
    assert window.model.index(0, 2).data() == "1,280"
    assert stack.count() == before + 1  # "1", "12", "128" merged
    assert stack.undoText() == "Set Conv2D filters"
    undo(window)
    assert window.editor.architecture.layers[0].params["filters"] == 32
    assert spin.value() == 32
    redo(window)
    assert spin.value() == 128


def test_a_new_focus_starts_a_new_undo_step(window, qtbot):
    window.select_rows([5])
    spin = window.inspector.editors["rate"].spin
    stack = window.editor.undo_stack
    for value in (0.25, 0.3):
        window.stack.view.setFocus()
        spin.setFocus()
        spin.setValue(value)
    assert stack.count() == 2


def test_choice_pair_and_text_editors(window, qtbot):
    window.select_rows([0])
    inspector = window.inspector
    inspector.editors["padding"].combo.setCurrentText("same")
    assert window.editor.summary.layers[0].output_shape == (None, 28, 28, 32)
    inspector.editors["kernel_size"].spins[1].setValue(5)
    assert window.editor.architecture.layers[0].params["kernel_size"] == (3, 5)
    window.editor.insert_layer("Reshape", 5)
    window.select_rows([5])
    line = window.inspector.editors["target_shape"].line
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "10, abc")
    assert "use numbers separated by commas" in line.error
    # Validation as you type: the last valid text ("10,") applied, the rest is refused.
    assert window.editor.architecture.layers[5].params["target_shape"] == (10,)
    line.selectAll()
    # same padding keeps 28x28, then pool 14, conv 12, pool 6: 6 * 6 * 64 = 2304 = 48 * 48
    qtbot.keyClicks(line, "48, -1")
    assert not line.error
    assert window.editor.summary.layers[5].output_shape == (None, 48, 48)


def test_an_error_is_pinned_to_its_card_and_fixed_with_one_click(window, qtbot):
    window.stack.input_edit.setFocus()
    window.stack.input_edit.selectAll()
    qtbot.keyClicks(window.stack.input_edit, "784")
    assert window.editor.architecture.input_shape == (784,)
    assert window.model.index(0, 0).data(SeverityRole) == "error"
    assert "Conv2D needs an image input" in window.model.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "✗ 1 error" in window.status_summary.text()
    rows = window.summary.problem_rows()
    assert len(rows) == 1
    button = rows[0].fix_button
    assert button.text() == "Insert Reshape to (28, 28, 1) before Conv2D"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert types(window)[0] == "Reshape"
    assert window.editor.summary.ok
    assert window.model.index(1, 0).data(SeverityRole) is None
    assert window.editor.undo_stack.undoText() == "Insert Reshape to (28, 28, 1) before Conv2D"
    undo(window)
    assert not window.editor.summary.ok
    undo(window)
    assert window.editor.architecture.input_shape == (28, 28, 1)


def test_the_inspector_shows_the_layers_problem_and_its_fix(window, qtbot):
    window.select_rows([5])
    window.editor.set_parameter(5, "rate", 50.0)
    inspector = window.inspector
    assert inspector.editors["rate"].spin.value() == 50.0  # shown, not clamped
    (row,) = inspector.problem_rows
    assert "Dropout rate must be in [0, 1)" in row.message.text()
    qtbot.mouseClick(row.fix_button, Qt.MouseButton.LeftButton)
    assert window.editor.architecture.layers[5].params["rate"] == 0.5
    assert not inspector.problem_rows


def test_renaming_and_names(window, qtbot):
    window.select_rows([6])
    name = window.inspector.name_edit
    assert name.placeholderText() == "dense (automatic)"
    name.setFocus()
    qtbot.keyClicks(name, "classifier")
    assert window.editor.summary.layers[6].name == "classifier"
    qtbot.keyClicks(name, "/x")
    assert name.error
    assert window.editor.summary.layers[6].name == "classifier"


def test_the_inspector_follows_the_selected_layer_when_rows_shift(window):
    window.select_rows([2])
    assert window.inspector.title.text() == "Conv2D"
    assert window.inspector.name_edit.placeholderText() == "conv2d_1 (automatic)"
    window.editor.insert_layer("BatchNormalization", 0)  # the selection moves to row 3
    assert window.stack.view.selected_rows() == [3]
    assert window.inspector.title.text() == "Conv2D"
    assert window.inspector.name_edit.placeholderText() == "conv2d_1 (automatic)"
    window.undo_action.trigger()
    assert window.stack.view.selected_rows() == [2]
    assert window.inspector.editors["filters"].spin.value() == 64


def test_a_fix_selects_what_it_changed(window, qtbot):
    window.editor.set_input_shape((784,))
    (row,) = window.summary.problem_rows()
    qtbot.mouseClick(row.fix_button, Qt.MouseButton.LeftButton)
    assert window.stack.view.selected_rows() == [0]
    assert window.inspector.title.text() == "Reshape"
    assert window.inspector.name_edit.placeholderText() == "reshape (automatic)"
    assert window.stack.view.hasFocus()
    assert "Fixed: Insert Reshape" in window.statusBar().currentMessage()


def test_conv2d_after_flatten_is_repaired_by_moving_the_flatten(window, qtbot):
    """The issue's case: the first fix repairs the Flatten instead of stacking a Reshape on it;
    the Reshape stays on offer as another button."""
    window.editor.move_layers([4], -1)
    window.editor.move_layers([3], -1)  # Flatten is now before conv2d_1
    assert types(window)[:3] == ["Conv2D", "MaxPooling2D", "Flatten"]
    (row,) = window.summary.problem_rows()
    assert "turned the (None, 13, 13, 32) image into (None, 5408)" in row.message.text()
    texts = [b.text() for b in row.fix_buttons]
    assert texts[0].startswith(("Move Flatten", "Remove Flatten"))
    assert all("Reshape" not in t for t in texts[:2])
    qtbot.mouseClick(row.fix_button, Qt.MouseButton.LeftButton)
    assert window.editor.summary.ok
    assert types(window).count("Flatten") == 1
    assert "Reshape" not in types(window)


def test_every_layer_of_the_catalogue_gets_an_editor_for_each_parameter(window):
    from nnstudio.core.catalogue import by_group

    for group in by_group(merging=False).values():
        for spec in group:
            window.editor.insert_layer(spec.name, 0)
            window.select_rows([0])
            assert set(window.inspector.editors) == {p.name for p in spec.params}, spec.name
            window.editor.remove_layers([0])


def test_the_editors_of_axes_numbers_and_an_optional_number(window, qtbot):
    def type_into(name, text):
        line = window.inspector.editors[name].line
        line.setFocus()
        line.selectAll()
        if text:
            qtbot.keyClicks(line, text)
        else:
            qtbot.keyClick(line, Qt.Key.Key_Backspace)
        return line

    window.editor.insert_layer("Normalization", 0)
    window.select_rows([0])
    type_into("mean", "0.5, 0.5")
    layer = window.editor.architecture.layers[0]
    assert layer.params["mean"] == (0.5, 0.5)
    assert window.inspector.editors["mean"].line.placeholderText() == "empty: learnt by adapt"
    type_into("mean", "")
    assert window.editor.architecture.layers[0].params["mean"] is None
    type_into("axis", "1, 2")
    assert window.editor.architecture.layers[0].params["axis"] == (1, 2)
    window.editor.insert_layer("ReLU", 0)
    window.select_rows([0])
    type_into("max_value", "6")
    assert window.editor.architecture.layers[0].params["max_value"] == 6.0
    type_into("max_value", "")
    assert window.editor.architecture.layers[0].params["max_value"] is None
