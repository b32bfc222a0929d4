"""The Playground tab: after training, a drawn digit is answered as the pen moves, the layers'
activations follow, and a logic gate's truth table sits next to its targets."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest

from nnstudio.core import template
from nnstudio.core.building import build_model
from nnstudio.gui.playground.inside_view import mosaic, weight_image
from nnstudio.gui.playground.playground_panel import NO_MODEL, takes_images
from tests.gui.trainings import open_template, train

DIGITS = tuple(str(i) for i in range(10))


def draw(pad, qtbot, points):
    """A stroke through the points (pad coordinates as fractions of its side)."""
    side = min(pad.width(), pad.height())
    x0, y0 = (pad.width() - side) // 2, (pad.height() - side) // 2

    def at(fx, fy):
        return QPoint(x0 + int(fx * side), y0 + int(fy * side))

    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(*points[0]))
    for point in points[1:]:
        # QTest.mouseMove sends no buttons: send the move event as a pen would.
        position = QPointF(at(*point))
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            position,
            pad.mapToGlobal(position),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        pad.mouseMoveEvent(event)
    QTest.mouseRelease(
        pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(*points[-1])
    )


def vertical_line(n=12):
    return [(0.5, 0.2 + 0.6 * i / (n - 1)) for i in range(n)]


def show_playground(window, qtbot):
    window.tabs.setCurrentWidget(window.playground)
    qtbot.waitUntil(lambda: window.playground.predictor is not None, timeout=60_000)
    return window.playground


def test_without_a_trained_model_it_says_what_to_do(window):
    window.tabs.setCurrentWidget(window.playground)
    assert window.playground.status.text() == NO_MODEL
    assert not window.playground.inputs.isEnabled()


def test_a_drawn_one_is_read_as_a_one_and_the_bars_follow_the_pen(window, qtbot):
    open_template(window, qtbot, "mnist-cnn", epochs=1)
    train(window, qtbot)
    panel = show_playground(window, qtbot)
    assert panel.inputs.currentWidget() is panel.draw
    assert "10 classes" in panel.status.text()
    predictions = []
    panel.predicted.connect(predictions.append)
    draw(panel.draw.pad, qtbot, vertical_line())
    qtbot.waitUntil(lambda: len(predictions) >= 1)
    # Moves are coalesced: fewer predictions than points, and the last one after the last move.
    assert len(predictions) <= len(vertical_line())
    last = predictions[-1]
    assert last.top(1)[0][0] == "1"
    assert panel.bars.headline.text().startswith("1  ·  ")
    assert panel.bars.bars.opts["width"].sum() == pytest.approx(1.0, abs=1e-4)
    # The 28x28 image the model saw is shown beside the pad.
    assert not panel.draw.seen.pixmap().isNull()
    # Look inside: the first convolution's 32 feature maps as one mosaic.
    panel.inside.layers.setCurrentRow(0)
    shown = panel.inside.activation_image.image
    assert shown.shape == mosaic(last.activations[0].values).shape
    assert "32 feature maps" in panel.inside.caption.text()
    assert (
        panel.inside.weight_image.image.shape
        == weight_image(np.zeros((3, 3, 1, 32), np.float32)).shape
    )
    # Undo the stroke: an empty pad asks for a drawing.
    panel.draw.undo_button.click()
    qtbot.waitUntil(lambda: panel.bars.headline.text() == "–")
    # Resetting the weights takes the model away from the playground.
    window.training_panel.reset_button.click()
    assert panel.predictor is None
    assert not panel.inputs.isEnabled()


def test_a_logic_gate_shows_its_truth_table_and_answers_typed_inputs(window, qtbot):
    open_template(window, qtbot, "xor-network")
    train(window, qtbot)
    panel = show_playground(window, qtbot)
    assert panel.inputs.currentWidget() is panel.values
    assert not panel.inputs.isTabEnabled(0)  # no drawing for a two-input model
    table = panel.values.table
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert [r[0] for r in rows] == ["0, 0", "0, 1", "1, 0", "1, 1"]
    assert [r[2] for r in rows] == ["0", "1", "1", "0"]
    assert [r[1].split()[0] for r in rows] == ["0", "1", "1", "0"]  # it learned XOR
    panel.values.inputs.setText("1, 0")
    panel.values.inputs.returnPressed.emit()
    assert panel.values.answer.text().startswith("1 - ")
    panel.values.inputs.setText("1")
    panel.values.inputs.returnPressed.emit()
    assert panel.values.answer.text() == "The model takes 2 values; received 1."
    panel.values.inputs.setText("one")
    panel.values.inputs.returnPressed.emit()
    assert "numbers" in panel.values.answer.text()


def test_an_untrained_model_of_any_image_shape_is_fed_what_it_takes(window, qtbot, keras):
    """Article 004's MLP takes a flat 784: the drawing is flattened for it."""
    model = build_model(template("mnist-mlp").architecture)
    window.playground.set_model(model, DIGITS, "the MLP")
    panel = show_playground(window, qtbot)
    assert panel.inputs.isTabEnabled(0)
    with qtbot.waitSignal(panel.predicted, timeout=10_000) as blocker:
        draw(panel.draw.pad, qtbot, [(0.3, 0.3), (0.7, 0.7)])
    assert blocker.args[0].probabilities.shape == (10,)


def test_which_inputs_are_images():
    assert takes_images((28, 28, 1))
    assert takes_images((784,))
    assert not takes_images((2,))
    assert not takes_images((1,))
    assert not takes_images((100, 3))


def test_mosaics():
    maps = np.arange(2 * 2 * 5, dtype=np.float32).reshape(2, 2, 5)
    tiled = mosaic(maps)
    assert tiled.shape == (2 * 2 + 1, 3 * 2 + 2)  # 5 maps in a 3-column grid, 1 px gaps
    np.testing.assert_array_equal(tiled[:2, :2], maps[..., 0])
    assert np.isnan(tiled[2, 0])
    strip = mosaic(np.arange(40, dtype=np.float32))
    assert strip.shape == (2, 32)
    assert np.isnan(strip[1, 8:]).all()


def test_a_learned_function_is_asked_plotted_and_its_weights_shown(window, qtbot):
    """Article 000: type an x, get y; the learned line over 2x + 1; get_weights near [2, 1]."""
    open_template(window, qtbot, "linear-function", epochs=60)
    assert train(window, qtbot).result.ok
    panel = show_playground(window, qtbot)
    assert panel.inputs.currentWidget() is panel.values
    text = panel.values.weights.text()
    assert text.startswith("Learned weights (Keras' get_weights): ")
    kernel, bias = (float(v.strip("[] ")) for v in text.split(": ")[1].split(";"))
    assert abs(kernel - 2) < 0.2
    assert abs(bias - 1) < 0.3
    function = panel.values.function
    assert function.isVisible()
    truth, data, line = function.widget.getPlotItem().listDataItems()
    assert len(data.getData()[0]) == 1000  # the article's 1,000 points
    tx, ty = truth.getData()  # the true 2x + 1 under the learned line, over the same x
    np.testing.assert_allclose(ty, 2 * tx + 1, rtol=1e-6)
    lx, ly = line.getData()
    np.testing.assert_allclose(ly, kernel * lx + bias, atol=1e-4)
    # A little beyond the data's [1, 2].
    assert lx.min() < 1
    assert lx.max() > 2
    panel.values.inputs.setText("1.5")
    panel.values.inputs.returnPressed.emit()
    y = float(panel.values.answer.text().removeprefix("y = "))
    assert y == pytest.approx(kernel * 1.5 + bias, abs=1e-4)
    marker = function.widget.getPlotItem().listDataItems()[-1]
    assert tuple(marker.getData()[0]) == (1.5,)
    assert marker.getData()[1][0] == pytest.approx(y, abs=1e-4)
