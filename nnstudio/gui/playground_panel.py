"""The Playground tab: give the trained model an input and watch its answer — draw a digit (the
bars follow the pen), open images, or type numbers (a function's x, a logic gate's inputs) —
and look inside it: every layer's activations for that input, and its weights."""

from __future__ import annotations

import itertools
import math

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.errors import NnstudioError
from nnstudio.core.inference import Prediction, Predictor
from nnstudio.core.playground.digits import mnist_style, to_model_input
from nnstudio.gui.background import Threads
from nnstudio.gui.draw_pad import DEFAULT_BRUSH, DrawPad
from nnstudio.gui.image_grid import to_qimage
from nnstudio.gui.inside_view import InsideView
from nnstudio.gui.probability_bars import ProbabilityBars
from nnstudio.gui.widgets import parse_numbers

#: Truth tables are offered for models with at most this many inputs.
MAX_TABLE_INPUTS = 4
NO_MODEL = (
    "No trained model yet. Train one in the Training tab (the first launch's MNIST CNN "
    "takes about a minute), then draw a digit here."
)


def takes_images(input_shape: tuple) -> bool:
    """Whether the model's input is an image: (h, w, c), or a flat square such as MNIST's 784
    (article 004's MLP)."""
    if len(input_shape) == 3:
        return True
    return (
        len(input_shape) == 1
        and input_shape[0] >= 64
        and math.isqrt(input_shape[0]) ** 2 == (input_shape[0])
    )


class DrawPage(QWidget):
    """The pad, its brush and buttons, and the 28x28 image the model actually sees."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.pad = DrawPad()
        self.brush = QSlider(Qt.Orientation.Horizontal)
        self.brush.setRange(6, 40)
        self.brush.setValue(DEFAULT_BRUSH)
        self.brush.setToolTip("Brush size (MNIST's digits are drawn with a thick pen)")
        self.brush.valueChanged.connect(self.pad.set_brush)
        self.undo_button = QPushButton("Undo stroke")
        self.undo_button.setToolTip("Take back the last stroke (or right-click the pad)")
        self.undo_button.clicked.connect(self.pad.undo_stroke)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Start again with an empty pad (Delete)")
        self.clear_button.clicked.connect(self.pad.clear)
        self.seen = QLabel()
        self.seen.setFixedSize(28 * 4, 28 * 4)
        self.seen.setStyleSheet("background: black")
        self.seen.setToolTip(
            "What the model sees: the drawing cropped, scaled into 20x20 and centred by its "
            "centre of mass in 28x28, as MNIST's digits were prepared"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Brush"))
        buttons.addWidget(self.brush, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.clear_button)
        seen_row = QHBoxLayout()
        seen_row.addWidget(QLabel("The model sees:"))
        seen_row.addWidget(self.seen)
        seen_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pad, 1)
        layout.addLayout(buttons)
        layout.addLayout(seen_row)

    def show_seen(self, digit: np.ndarray) -> None:
        self.seen.setPixmap(
            QPixmap.fromImage(to_qimage(digit)).scaled(
                self.seen.size(), Qt.AspectRatioMode.IgnoreAspectRatio
            )
        )


class ValuesPage(QWidget):
    """Numbers typed in (a function's x, a logic gate's inputs), and the truth table of a
    model with a few inputs."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.inputs = QLineEdit()
        self.inputs.setPlaceholderText("input values, e.g. 3 or 0, 1")
        self.inputs.setToolTip("The model's input values, separated by commas or spaces")
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["inputs", "model output", "target"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setToolTip("Every combination of 0 and 1 inputs, with the model's answer")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Inputs:"))
        layout.addWidget(self.inputs)
        layout.addWidget(self.answer)
        layout.addWidget(self.table, 1)


class PlaygroundPanel(QWidget):
    """Feeds inputs to the trained model and shows its answers."""

    #: A prediction was shown (for tests and the latency benchmark).
    predicted = Signal(object)

    def __init__(self, jobs: Threads, parent=None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self.predictor: Predictor | None = None
        self._targets: dict[tuple, str] = {}
        self._scheduled = False
        self.status = QLabel(NO_MODEL)
        self.status.setWordWrap(True)
        self.draw = DrawPage()
        self.values = ValuesPage()
        self.inputs = QTabWidget()
        self.inputs.addTab(self.draw, "Draw")
        self.inputs.addTab(self.values, "Values")
        self.inputs.setTabToolTip(0, "Draw a digit and watch the model's answer follow the pen")
        self.inputs.setTabToolTip(1, "Type input values; see a logic gate's truth table")
        self.bars = ProbabilityBars()
        self.inside = InsideView()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.inputs)
        split.addWidget(self.bars)
        split.addWidget(self.inside)
        split.setSizes([340, 300, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self.draw.pad.drawing_changed.connect(self._schedule)
        self.values.inputs.returnPressed.connect(self._predict_values)
        self.values.inputs.textEdited.connect(self._predict_values)
        self._set_enabled(False)

    # The model -------------------------------------------------------------------------

    def follow(self, trainer, session) -> None:
        """Use each model the window trains, with the classes of the dataset it learned."""
        self._trainer, self._session = trainer, session
        trainer.finished.connect(self._on_trained)
        trainer.weights_changed.connect(self._on_weights_changed)

    def _on_trained(self, outcome) -> None:
        if outcome.model is None:
            return
        dataset = self._session.dataset
        names = outcome.evaluation.class_names if outcome.evaluation is not None else ()
        name = outcome.architecture.name if outcome.architecture else "the model"
        epochs = self._trainer.epochs_done
        trained = f"{name}, trained {epochs} epoch{'s' * (epochs != 1)}"
        if dataset is not None:
            trained += f" on {dataset.name}"
        self.set_model(outcome.model, names, trained, dataset)

    def _on_weights_changed(self) -> None:
        if self._trainer.model is None:
            self.clear_model()

    def set_model(self, model, class_names, description: str, dataset=None) -> None:
        """Use a trained model (tracing it happens on a worker thread)."""
        self.status.setText(f"Preparing {description}…")
        self._description = description
        self._dataset = dataset
        self._jobs.run(
            Predictor,
            model,
            tuple(class_names),
            finished=self._on_predictor,
            failed=self._on_failed,
        )

    def clear_model(self, text: str = NO_MODEL) -> None:
        self.predictor = None
        self.status.setText(text)
        self.bars.clear()
        self._set_enabled(False)

    def _on_failed(self, message: str) -> None:
        self.clear_model(f"The model cannot be used here: {message}")

    def _on_predictor(self, predictor: Predictor) -> None:
        self.predictor = predictor
        shape = predictor.input_shape
        images = takes_images(shape)
        self._set_enabled(True)
        self.inputs.setTabEnabled(0, images)
        self.inputs.setCurrentWidget(self.draw if images else self.values)
        what = (
            f"{len(predictor.class_names)} classes"
            if predictor.class_names
            else "a number (regression)"
        )
        hint = "Draw a digit on the pad." if images else "Type input values."
        self.status.setText(f"<b>{self._description}</b>: input {shape}, answers {what}. {hint}")
        self.inside.set_model(
            predictor.weights(),
            [
                (layer.name, type(layer).__name__, tuple(layer.output.shape[1:]))
                for layer in predictor.layers
            ],
        )
        self._fill_truth_table()
        if images and not self.draw.pad.is_empty():
            self._predict_drawing()
        else:
            self.bars.clear("Draw, open an image or type values to ask the model.")

    def _set_enabled(self, enabled: bool) -> None:
        self.inputs.setEnabled(enabled)
        self.inside.setEnabled(enabled)

    # Predicting ------------------------------------------------------------------------

    def _schedule(self) -> None:
        """Coalesce the pen's moves: one prediction per event-loop pass."""
        if not self._scheduled and self.predictor is not None:
            self._scheduled = True
            QTimer.singleShot(0, self._predict_drawing)

    def _predict_drawing(self) -> None:
        self._scheduled = False
        if self.predictor is None:
            return
        if self.draw.pad.is_empty():
            self.draw.seen.clear()
            self.bars.clear("Draw a digit on the pad.")
            return
        digit = mnist_style(self.draw.pad.ink())
        self.draw.show_seen(digit)
        self._show(lambda: to_model_input(digit, self.predictor.input_shape))

    def _show(self, make_input) -> Prediction | None:
        try:
            prediction = self.predictor(make_input())
        except NnstudioError as e:
            self.bars.clear(str(e)[0].upper() + str(e)[1:] + ".")
            return None
        except Exception as e:  # a message in the window, never a dead playground
            self.bars.clear(f"The model could not answer: {type(e).__name__}: {e}")
            return None
        self.bars.show_prediction(prediction)
        self.inside.show_prediction(prediction)
        self.predicted.emit(prediction)
        return prediction

    def _predict_values(self, *_) -> None:
        if self.predictor is None:
            return
        try:
            numbers = parse_numbers(self.values.inputs.text())
        except ValueError as e:
            self.values.answer.setText(str(e))
            return
        size = math.prod(self.predictor.input_shape)
        if len(numbers) != size:
            self.values.answer.setText(
                f"The model takes {size} value{'s' * (size != 1)}; received {len(numbers)}."
            )
            return
        shape = self.predictor.input_shape
        prediction = self._show(lambda: np.array(numbers, np.float32).reshape(shape))
        if prediction is not None:
            self.values.answer.setText(_answer(prediction))

    def _fill_truth_table(self) -> None:
        table = self.values.table
        shape = self.predictor.input_shape
        size = math.prod(shape)
        if size > MAX_TABLE_INPUTS:
            table.setRowCount(0)
            table.hide()
            return
        targets = {}
        data = self._dataset
        if data is not None and data.x_train.shape[1:] == shape and data.class_names:
            for x, y in zip(data.x_train, data.y_train, strict=True):
                targets[tuple(float(v) for v in x.ravel())] = data.class_names[int(y)]
        rows = list(itertools.product((0.0, 1.0), repeat=size))
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            prediction = self.predictor(np.array(row, np.float32).reshape(shape))
            cells = (", ".join(f"{v:g}" for v in row), _answer(prediction), targets.get(row, ""))
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
        table.setColumnHidden(2, not targets)
        table.show()


def _answer(prediction: Prediction) -> str:
    if prediction.probabilities is None:
        return "y = " + ", ".join(f"{v:.6g}" for v in prediction.outputs.ravel())
    name, p = prediction.top(1)[0]
    return f"{name} ({p:.1%})"
