"""The overview of a large graph: hidden while the graph fits in the canvas, shown for ResNet50
in the canvas's corner, moving the canvas where it is clicked or dragged, and cheap (an edit
does not draw it again at once)."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from nnstudio.core import Architecture, LayerConfig
from nnstudio.gui.model.graph_overview import MAX_HEIGHT, MAX_WIDTH, TOOLTIP
from tests.gui.model.test_graph_canvas import open_graph


def two_branches() -> Architecture:
    dense = [
        LayerConfig.create("Dense", "left", ("x",), units=4),
        LayerConfig.create("Dense", "right", ("x",), units=4),
        LayerConfig.create("Add", "sum", ("left", "right")),
    ]
    return Architecture("Two branches", (8,), tuple(dense), input_name="x")


@pytest.fixture(scope="module")
def resnet50_json(tmp_path_factory, keras):
    path = tmp_path_factory.mktemp("resnet50") / "resnet50.json"
    path.write_text(keras.applications.ResNet50(weights=None).to_json())
    return path


def open_resnet50(window, answers, path, qtbot):
    answers.open_path = path
    window.open_action.trigger()
    canvas = window.stack.canvas
    assert len(canvas.nodes) > 170
    qtbot.waitUntil(lambda: canvas.overview.isVisible())
    return canvas


def canvas_centre(canvas) -> QPointF:
    return canvas.mapToScene(canvas.viewport().rect().center())


def test_a_graph_that_fits_has_no_overview(window, answers, tmp_path):
    canvas = open_graph(window, answers, tmp_path, two_branches())
    assert window.stack.views.currentWidget() is canvas
    assert not canvas.overview.isVisible()


def test_resnet50_has_an_overview_in_the_corner(window, answers, resnet50_json, qtbot):
    canvas = open_resnet50(window, answers, resnet50_json, qtbot)
    overview = canvas.overview
    assert overview.toolTip() == TOOLTIP
    assert overview.width() <= MAX_WIDTH
    assert overview.height() <= MAX_HEIGHT
    viewport = canvas.viewport().geometry()
    corner = overview.geometry().bottomRight()
    assert viewport.contains(overview.geometry())
    assert viewport.right() - corner.x() < 20
    assert viewport.bottom() - corner.y() < 20
    window.files.new_from_template("mnist-cnn")  # a stack: no canvas, no overview
    assert not overview.isVisibleTo(window)


def test_clicking_or_dragging_in_the_overview_moves_the_canvas(
    window, answers, resnet50_json, qtbot
):
    canvas = open_resnet50(window, answers, resnet50_json, qtbot)
    overview = canvas.overview
    before = canvas_centre(canvas)
    point = QPoint(overview.width() // 2, overview.height() * 3 // 5)
    qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=point)
    wanted = overview.to_scene(QPointF(point))
    centre = canvas_centre(canvas)
    assert centre.y() > before.y() + 1000  # from the inputs to the middle of the model
    assert abs(centre.y() - wanted.y()) < 5
    qtbot.mousePress(overview, Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseMove(overview, pos=point + QPoint(0, 20))
    qtbot.mouseRelease(overview, Qt.MouseButton.LeftButton, pos=point + QPoint(0, 20))
    assert canvas_centre(canvas).y() > centre.y() + 500
    # The frame follows the canvas, however it moved.
    framed = overview.from_scene(overview.visible_scene_rect())
    assert framed.contains(QPointF(point + QPoint(0, 20)))


def test_the_wheel_over_the_overview_scrolls_and_zooms_the_canvas(
    window, answers, resnet50_json, qtbot
):
    canvas = open_resnet50(window, answers, resnet50_json, qtbot)
    overview, bar = canvas.overview, canvas.verticalScrollBar()

    def wheel(modifiers=Qt.KeyboardModifier.NoModifier):
        pos = QPointF(20, 20)
        QApplication.sendEvent(overview, QWheelEvent(
            pos, QPointF(overview.mapToGlobal(pos.toPoint())), QPoint(), QPoint(0, -120),
            Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False,
        ))  # fmt: skip

    value = bar.value()
    wheel()
    assert bar.value() > value
    scale = canvas.transform().m11()
    wheel(Qt.KeyboardModifier.ControlModifier)
    assert canvas.transform().m11() < scale


def test_an_edit_draws_the_overview_again_once_edits_settle(window, answers, resnet50_json, qtbot):
    canvas = open_resnet50(window, answers, resnet50_json, qtbot)
    overview = canvas.overview
    layers = window.editor.architecture.layers
    row = next(i for i, layer in enumerate(layers) if layer.type == "Conv2D")
    window.select_rows([row])
    qtbot.waitUntil(lambda: not overview._stale)
    window.inspector.editors["filters"].spin.setValue(layers[row].params["filters"] + 8)
    assert overview._stale
    assert overview._timer.isActive()
    qtbot.waitUntil(lambda: not overview._stale)
