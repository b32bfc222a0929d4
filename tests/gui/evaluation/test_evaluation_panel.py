"""The Evaluation tab: accuracy, the confusion matrix whose cells open their images, per-class
scores, the galleries, and for numbers the learned function and weights."""

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnstudio.core.training.evaluation import Evaluation
from nnstudio.gui.evaluation.evaluation_panel import EvaluationPanel
from tests.gui.trainings import open_template, train

NAMES = ("circle", "square", "triangle")


def three_class_evaluation() -> Evaluation:
    """Nine 8x8 images; the model is right on six and takes two squares for triangles."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (9, 8, 8, 1), dtype=np.uint8)
    y_true = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 0, 0, 1, 2, 2, 2, 2, 1])
    outputs = np.full((9, 3), 0.1, dtype=np.float32)
    outputs[np.arange(9), y_pred] = 0.8
    return Evaluation("test set", x, y_true, outputs, NAMES, loss=0.75)


def click_cell(matrix, row: int, column: int) -> None:
    left, top, size = matrix._geometry()
    at = QPoint(int(left + (column + 0.5) * size), int(top + (row + 0.5) * size))
    QTest.mouseClick(matrix, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def test_classification_shows_accuracy_scores_and_mistakes(qtbot):
    panel = EvaluationPanel()
    qtbot.addWidget(panel)
    panel.show_evaluation(three_class_evaluation())
    assert "accuracy <b>66.67%</b>" in panel.headline.text()
    assert "3 mistakes" in panel.headline.text()
    assert panel.matrix.matrix.tolist() == [[3, 0, 0], [0, 1, 2], [0, 1, 2]]
    scores = [
        [panel.scores.item(r, c).text() for c in range(5)] for r in range(panel.scores.rowCount())
    ]
    assert [row[0] for row in scores] == list(NAMES)
    assert scores[0][1:] == ["1.000", "1.000", "1.000", "3"]  # circles: all right
    assert scores[1][2] == "0.333"  # one square in three was found
    # The gallery of mistakes shows the three, each captioned prediction≠label, in red.
    assert panel.mistakes.captions == ["triangle≠square", "triangle≠square", "square≠triangle"]
    assert panel.mistakes.wrong == [True, True, True]


def test_clicking_a_cell_of_the_confusion_matrix_shows_its_images(qtbot):
    panel = EvaluationPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_evaluation(three_class_evaluation())
    assert panel.galleries.currentWidget() is panel.mistakes

    click_cell(panel.matrix, 1, 2)  # squares predicted as triangles
    assert panel.galleries.currentWidget() is panel.cell
    assert panel.cell.captions == ["triangle≠square", "triangle≠square"]
    assert len(panel.cell.images) == 2

    click_cell(panel.matrix, 0, 1)  # no circle was taken for a square
    assert panel.cell.images == []
    assert panel.cell.empty_text == "No circle was predicted as square."


def test_regression_shows_the_learned_function_and_weights(window, qtbot):
    """Article 000: f(x) = 2x + 1; a single Dense unit learns weights near [2, 1]."""
    open_template(window, qtbot, "linear-function", epochs=60)
    window.tabs.setCurrentWidget(window.evaluation_panel)
    assert train(window, qtbot).result.ok
    panel = window.evaluation_panel
    assert panel.stack.currentWidget() is panel.regression
    assert "mean squared error" in panel.headline.text()
    text = panel.weights.text()
    assert text.startswith("Learned weights (Keras' get_weights): ")
    kernel, bias = (float(v.strip("[] ")) for v in text.split(": ")[1].split(";"))
    assert abs(kernel - 2) < 0.2
    assert abs(bias - 1) < 0.3
    # The plot holds the data and the model's line over the same x.
    truth, data, model = panel._plot.widget.getPlotItem().listDataItems()
    tx, ty = truth.getData()  # the true function, without the noise
    np.testing.assert_allclose(ty, 2 * tx + 1, rtol=1e-6)
    assert tx.min() >= 1
    assert tx.max() <= 2
    assert len(data.getData()[0]) == len(model.getData()[0]) > 100
    assert np.allclose(model.getData()[1], 2 * model.getData()[0] + 1, atol=0.3)


def test_a_reopened_trained_project_is_evaluated_on_demand(window, qtbot, tmp_path):
    panel = window.evaluation_panel
    open_template(window, qtbot, "xor-network", epochs=3)
    assert not panel.evaluate_button.isEnabled()
    assert not window.evaluate_action.isEnabled()
    assert "Train a model" in panel.headline.text()
    assert train(window, qtbot).result.ok
    assert window.editor.weights.class_names == ("0", "1")  # saved with the weights
    path = tmp_path / "xor.nnstudio"
    assert window.files._write(path)
    window.files.new()
    assert window.files.open(path)
    # The saved weights can be evaluated, and the tab says so instead of "Train a model".
    assert panel.evaluation is None
    assert "trained weights (3 epochs)" in panel.headline.text()
    assert panel.evaluate_button.isEnabled()
    assert window.evaluate_action.isEnabled()
    with qtbot.waitSignal(window.trainer.finished, timeout=120_000) as blocker:
        panel.evaluate_button.click()
    assert window.tabs.currentWidget() is panel
    assert blocker.args[0].record is None  # an evaluation is not a run
    assert len(window.editor.runs) == 1
    assert panel.evaluation is not None
    assert panel.evaluation.split == "test set"
    assert "On the test set</b> (4 samples): accuracy" in panel.headline.text()
    assert panel.evaluation.loss is not None  # compiled to say its loss
    assert "Evaluated the model on the test set: accuracy" in window.statusBar().currentMessage()
    # Another version of the model cannot be scored with these weights.
    window.add_layer("Dense")
    assert not panel.evaluate_button.isEnabled()
    assert not window.evaluate_action.isEnabled()
