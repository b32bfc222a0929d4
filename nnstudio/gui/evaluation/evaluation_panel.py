"""The Evaluation tab: test loss and accuracy, a confusion matrix whose cells show their images,
per-class precision, recall and F1, the misclassified examples, a predicted-vs-label grid
(article 004); for a function, the learned curve over the true one and the learned weights."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.formatting import counted
from nnstudio.core.training.evaluation import Evaluation
from nnstudio.gui.image_grid import ConfusionMatrix, ImageGrid
from nnstudio.gui.training.article_note import comparison_html
from nnstudio.gui.widgets import MessageLabel

GRID = 100


def _table(headers: list[str]) -> QTableWidget:
    """A read-only table whose columns share its width (no sideways scrolling)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(True)
    return table


def _fill(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = f"{value:.3f}" if isinstance(value, float) else str(value)
            item = QTableWidgetItem(text)
            if isinstance(value, int | float):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeRowsToContents()


CAPTION_KEY = (
    "Captions: the model's answer; a mistake in red as <b>answer≠label</b> (“4≠7”: the "
    "model said 4, the image is a 7). Hover an image for the model's confidence."
)
UNTRAINED = "Train a model to see how well it does on data it has not seen."
TRAINED = (
    "The model has trained weights ({}). Evaluate them to see how well they do on data "
    "the model has not seen."
)


class EvaluationPanel(QWidget):
    #: The person asked to evaluate the trained model again (or for the first time).
    evaluate_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.evaluation: Evaluation | None = None
        self._trained = ""  # how long the current weights trained, if they can be evaluated
        self._last_run = ""  # what the project's last run scored, said until it is evaluated
        self.headline = QLabel(UNTRAINED)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.setToolTip(
            "Predict the dataset's test set with the trained weights and score them (Ctrl+E)"
        )
        self.evaluate_button.clicked.connect(self.evaluate_requested)
        #: The evaluation beside the template's article's figure.
        self.comparison = MessageLabel()
        self.comparison.hide()
        self.stack = QStackedWidget()

        # Classes of images: matrix, scores, galleries.
        self.matrix = ConfusionMatrix()
        self.scores = _table(["class", "precision", "recall", "F1", "samples"])
        top = QSplitter()
        top.addWidget(self.matrix)
        top.addWidget(self.scores)
        self.matrix.setMinimumSize(300, 260)
        top.setStretchFactor(0, 3)  # the matrix wants room for its counts
        top.setStretchFactor(1, 2)
        top.setSizes([520, 380])  # room for the scores' headers, whole
        header = self.scores.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the class names
        self.mistakes = ImageGrid()
        self.cell = ImageGrid()
        self.predictions = ImageGrid()
        self.galleries = QTabWidget()
        self.galleries.addTab(self.mistakes, "Mistakes")
        self.galleries.addTab(self.cell, "Selected cell")
        self.galleries.addTab(self.predictions, "Predicted vs label")
        self.galleries.setToolTip(
            "Captions show the prediction; in red, prediction≠label. "
            "Hover an image for the confidence."
        )
        #: What the captions mean, where they are read.
        self.key = QLabel(CAPTION_KEY)
        self.key.setWordWrap(True)
        gallery_box = QWidget()
        gallery_column = QVBoxLayout(gallery_box)
        gallery_column.setContentsMargins(0, 0, 0, 0)
        gallery_column.addWidget(self.key)
        gallery_column.addWidget(self.galleries, 1)
        images = QSplitter(Qt.Orientation.Vertical)
        images.addWidget(top)
        images.addWidget(gallery_box)
        images.setStretchFactor(0, 3)  # the matrix wants height for its counts too
        images.setStretchFactor(1, 2)
        self.stack.addWidget(images)

        # Classes without images (logic gates): the table of inputs and outputs.
        self.rows = _table(["inputs", "target", "output", "predicted"])
        self.stack.addWidget(self.rows)

        # Numbers: the learned function over the true one, and the weights.
        self.regression = QWidget()
        self.regression_plot_host = QVBoxLayout(self.regression)
        self.weights = QLabel()
        self.weights.setWordWrap(True)
        self.weights.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.regression_plot_host.addWidget(self.weights)
        self._plot = None
        self._predictions = None
        self.stack.addWidget(self.regression)

        top_row = QHBoxLayout()
        top_row.addWidget(self.headline, 1)
        top_row.addWidget(self.evaluate_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top_row)
        layout.addWidget(self.comparison)
        layout.addWidget(self.stack, 1)
        layout.addStretch(0)  # keeps the headline at the top while there is nothing below
        self.matrix.cell_clicked.connect(self.show_cell)
        self.stack.setVisible(False)

    def show_comparison(self, comparison) -> None:
        """How the evaluation compares with the article's figure (None: nothing to say)."""
        self.comparison.setText(comparison_html(comparison))
        self.comparison.setVisible(comparison is not None)

    def clear(self, text: str = "") -> None:
        self.evaluation = None
        self.show_comparison(None)
        default = TRAINED.format(self._trained) if self._trained else UNTRAINED
        self.headline.setText(text or (self._last_run + default if self._last_run else default))
        self.stack.setVisible(False)

    def show_project(self, runs) -> None:
        """Another project: nothing of the previous one's evaluation; what its own last run
        scored on the test set, until its weights are evaluated again."""
        self.set_runs(runs)
        self.clear()

    def set_runs(self, runs) -> None:
        """The project's runs changed: the last one's test scores head an empty tab."""
        last = next((run for run in reversed(runs) if run.test), None)
        self._last_run = ""
        if last is not None:
            scores = ", ".join(
                f"{k} <b>{v:.2%}</b>" if k == "accuracy" else f"{k} {v:.4g}"
                for k, v in last.test.items()
            )
            self._last_run = f"<b>Run {last.id}</b> scored {scores} on the test set. "

    def set_trained(self, trained: str, can_evaluate: bool) -> None:
        """``trained``: how long the weights that can be evaluated trained ("3 epochs"), or ""
        if there are none; ``can_evaluate``: whether Evaluate can start now."""
        self._trained = trained
        self.evaluate_button.setEnabled(can_evaluate and bool(trained))
        if self.evaluation is None:
            self.clear()

    def show_evaluation(self, evaluation: Evaluation, weights: list | None = None) -> None:
        self.evaluation = evaluation
        self.stack.setVisible(True)
        n = len(evaluation.y_true)
        loss = f"loss {evaluation.loss:.4f}" if evaluation.loss is not None else ""
        if not evaluation.is_classification:
            errors = evaluation.errors()
            self.headline.setText(
                f"<b>On the {evaluation.split}</b> ({n:,} samples): {loss} · "
                f"mean absolute error <b>{errors['mae']:.4g}</b> · root mean squared error "
                f"{errors['rmse']:.4g} · R² {errors['r2']:.3f} (1 is perfect, 0 no better than "
                "the mean)"
            )
            self._show_regression(evaluation, weights or [])
            return
        wrong = len(evaluation.misclassified())
        self.headline.setText(
            f"<b>On the {evaluation.split}</b> ({n:,} samples): accuracy "
            f"<b>{evaluation.accuracy:.2%}</b> · {loss} · {counted(wrong, 'mistake')}"
        )
        precision, recall, f1, support = evaluation.per_class()
        _fill(
            self.scores,
            [
                [name, float(p), float(r), float(f), int(s)]
                for name, p, r, f, s in zip(
                    evaluation.class_names, precision, recall, f1, support, strict=True
                )
            ],
        )
        if evaluation.x.ndim != 4:
            self.stack.setCurrentWidget(self.rows)
            self._show_rows(evaluation)
            return
        self.stack.setCurrentWidget(self.stack.widget(0))
        self.matrix.set_matrix(evaluation.confusion, evaluation.class_names)
        self._gallery(self.mistakes, evaluation.misclassified()[:GRID], "No mistakes.")
        picks = np.random.default_rng(0).choice(n, min(GRID, n), replace=False)
        self._gallery(self.predictions, picks, "")
        self.cell.set_images([], empty_text="Click a cell of the confusion matrix.")

    def _captions(self, indices):
        e = self.evaluation
        names = e.class_names
        predicted, truth = e.y_pred[indices], e.y_true[indices]
        captions = [
            names[p] if p == t else f"{names[p]}≠{names[t]}"
            for p, t in zip(predicted, truth, strict=True)
        ]
        tips = [
            f"predicted {names[p]} ({e.outputs[i].max():.0%}), label {names[t]}"
            for i, p, t in zip(indices, predicted, truth, strict=True)
        ]
        return captions, list(predicted != truth), tips

    def _gallery(self, grid: ImageGrid, indices, empty: str) -> None:
        indices = np.asarray(indices, dtype=np.int64)
        captions, wrong, tips = self._captions(indices)
        grid.set_images(self.evaluation.x[indices], captions, wrong, tips, empty)

    def show_cell(self, true_class: int, predicted: int) -> None:
        e = self.evaluation
        indices = e.cell(true_class, predicted)[:GRID]
        names = e.class_names
        self._gallery(
            self.cell, indices, f"No {names[true_class]} was predicted as {names[predicted]}."
        )
        self.galleries.setCurrentWidget(self.cell)

    def _show_rows(self, e: Evaluation) -> None:
        rows = []
        for i in range(min(len(e.y_true), 200)):
            inputs = ", ".join(f"{v:g}" for v in np.ravel(e.x[i]))
            output = ", ".join(f"{v:.3f}" for v in e.outputs[i])
            rows.append(
                [inputs, e.class_names[int(e.y_true[i])], output, e.class_names[int(e.y_pred[i])]]
            )
        _fill(self.rows, rows)

    def _show_regression(self, e: Evaluation, weights: list) -> None:
        from nnstudio.gui.plots import FunctionPlot, PredictionPlots, weights_text

        self.stack.setCurrentWidget(self.regression)
        self.weights.setText(weights_text(weights or []))
        one_input = e.x.shape[1:] == (1,)
        if self._plot is not None:
            self._plot.setVisible(one_input)
        if self._predictions is not None:
            self._predictions.setVisible(not one_input)
        if not one_input:  # a table's rows: each answer against the truth
            if self._predictions is None:
                self._predictions = PredictionPlots()
                self.regression_plot_host.insertWidget(0, self._predictions, 1)
            self._predictions.show_predictions(e.y_true, e.outputs)
            return
        if self._plot is None:
            self._plot = FunctionPlot()
            self.regression_plot_host.insertWidget(0, self._plot, 1)
        self._plot.show_function(e.x[:, 0], e.y_true, e.x[:, 0], e.outputs, e.truth)
