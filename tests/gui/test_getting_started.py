"""New gives an empty model, and Help > Getting Started walks a newcomer through a first model
in the window itself, ticking each step as it is done."""

from PySide6.QtCore import Qt

from nnstudio.core.tour import STEPS
from tests.gui.playground.test_playground_panel import draw, vertical_line
from tests.gui.trainings import TRAINING_TIMEOUT, wait_for_dataset


def test_new_gives_an_empty_model_and_the_palette_invites_the_first_layer(window, qtbot):
    """Issue: New opened the MNIST CNN, not a new model (the first launch keeps it)."""
    assert window.editor.architecture.name == "MNIST CNN"  # the first launch's default
    window.new_action.trigger()
    arch = window.editor.architecture
    assert arch.layers == ()
    assert arch.input_shape == (28, 28, 1)
    assert window.editor.template is None
    assert window.model.rowCount() == 0
    assert window.layer_palette.search.hasFocus()
    assert "no layers yet" in window.editor.summary.problems[0].message
    assert window.training_panel.status.text().startswith("Not trained yet")


def step_keys(window):
    tour = window.getting_started
    return None if tour.current is None else STEPS[tour.current].key


def test_getting_started_walks_through_a_first_model(window, qtbot):
    window.getting_started_action.trigger()
    tour = window.getting_started
    assert window.getting_started_dock.isVisible()
    assert step_keys(window) == "new"  # the first launch shows a template's CNN
    row = tour.rows[0]
    assert row.button.isVisible()
    assert row.button.text() == "New Empty Model"
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert window.editor.architecture.layers == ()
    assert step_keys(window) == "flatten"
    assert "✓" in tour.rows[0].label.text()

    # "Show me" searches the palette for the layer; Enter adds it.
    qtbot.mouseClick(tour.rows[1].button, Qt.MouseButton.LeftButton)
    assert window.layer_palette.search.text() == "Flatten"
    qtbot.keyClick(window.layer_palette.search, Qt.Key.Key_Return)
    assert [layer.type for layer in window.editor.architecture.layers] == ["Flatten"]
    assert step_keys(window) == "hidden"
    qtbot.mouseClick(tour.rows[2].button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.layer_palette.search, Qt.Key.Key_Return)
    assert step_keys(window) == "output"
    window.add_layer("Dense")
    qtbot.mouseClick(tour.rows[3].button, Qt.MouseButton.LeftButton)
    assert window.stack.view.selected_rows() == [2]  # the inspector shows its units
    window.editor.set_parameter(2, "units", 10)
    window.editor.set_parameter(2, "activation", "softmax")
    assert window.editor.summary.total_params == 784 * 64 + 64 + 64 * 10 + 10
    assert step_keys(window) == "data"

    qtbot.mouseClick(tour.rows[4].button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.data_panel
    wait_for_dataset(window, qtbot)
    qtbot.waitUntil(lambda: step_keys(window) == "train")
    window.editor.set_training(window.editor.training.replace(epochs=1))
    qtbot.mouseClick(tour.rows[5].button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.training_panel
    with qtbot.waitSignal(window.trainer.finished, timeout=TRAINING_TIMEOUT):
        window.training_panel.train_button.click()
    assert step_keys(window) == "evaluate"
    qtbot.mouseClick(tour.rows[6].button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.evaluation_panel
    assert step_keys(window) == "try"

    qtbot.mouseClick(tour.rows[7].button, Qt.MouseButton.LeftButton)
    playground = window.playground
    qtbot.waitUntil(lambda: playground.predictor is not None, timeout=60_000)
    with qtbot.waitSignal(playground.predicted, timeout=10_000):
        draw(playground.draw.pad, qtbot, vertical_line())
    assert step_keys(window) is None
    assert tour.finished.isVisible()
    assert all("✓" in row.label.text() for row in tour.rows)
