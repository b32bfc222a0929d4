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

from nnstudio.core.datasets.synthetic import true_function
from nnstudio.core.errors import NnstudioError
from nnstudio.core.formatting import capitalized, counted
from nnstudio.core.inference import Prediction, Predictor
from nnstudio.core.playground.digits import is_image_input, mnist_style, to_model_input
from nnstudio.core.playground.images import prepare
from nnstudio.gui.background import Threads
from nnstudio.gui.image_grid import to_qimage
from nnstudio.gui.playground.draw_pad import DEFAULT_BRUSH, DrawPad
from nnstudio.gui.playground.image_page import ImagesPage
from nnstudio.gui.playground.inside_view import InsideView
from nnstudio.gui.playground.probability_bars import ProbabilityBars
from nnstudio.gui.playground.table_page import TablePage
from nnstudio.gui.widgets import parse_numbers

#: Truth tables are offered for models with at most this many inputs.
MAX_TABLE_INPUTS = 4
NO_MODEL = (
    "No trained model yet. Train one in the Training tab (or open a .keras model with File > "
    "Open Model), then ask it here: draw a digit, open images or type input values."
)


def takes_images(input_shape: tuple) -> bool:
    """Whether to offer the pad and images to a model: its input is an image (h, w, c), a
    flat square such as MNIST's 784 (article 004's MLP), or (h, w) at least 8 pixels a side
    (not a sequence of 3 features)."""
    return is_image_input(input_shape) and min(input_shape[:2]) >= 8


def _traced(generation: int, model, class_names: tuple, outputs: str) -> tuple[int, Predictor]:
    """The model's Predictor (traced on a worker thread), tagged with the request's number."""
    return generation, Predictor(model, class_names, outputs=outputs)


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
        self.weights = QLabel()
        self.weights.setWordWrap(True)
        self.weights.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.function = None  # a FunctionPlot, made for a regression of one x
        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Inputs:"))
        layout.addWidget(self.inputs)
        layout.addWidget(self.answer)
        layout.addWidget(self.weights)
        layout.addWidget(self.table, 1)

    def show_function(self, x, y, model_x, model_y, truth=None) -> None:
        """The learned curve over the data (a regression of one x)."""
        from nnstudio.gui.plots import FunctionPlot

        if self.function is None:
            self.function = FunctionPlot()
            self._layout.addWidget(self.function, 2)
        self.function.show_function(x, y, model_x, model_y, truth)
        self.function.show()

    def hide_function(self) -> None:
        if self.function is not None:
            self.function.hide()


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
        self._generation = 0
        self.status = QLabel(NO_MODEL)
        self.status.setWordWrap(True)
        self.draw = DrawPage()
        self.images = ImagesPage(jobs)
        self.values = ValuesPage()
        self.table = TablePage()
        self._info = None
        self._encoding = None
        self.inputs = QTabWidget()
        for page, title, tip in (
            (self.draw, "Draw", "Draw a digit and watch the model's answer follow the pen"),
            (self.images, "Images", "Open photos (faces, say) and read the model's answers"),
            (self.values, "Values", "Type input values; see a logic gate's truth table"),
            (self.table, "Table row", "Set a row's values and read the answer of a table model"),
        ):
            self.inputs.setTabToolTip(self.inputs.addTab(page, title), tip)
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
        self.images.input_changed.connect(self._predict_image)
        self.images.images_changed.connect(self._answer_images)
        self.inputs.currentChanged.connect(self._on_page_changed)
        self.values.inputs.returnPressed.connect(self._predict_values)
        self.values.inputs.textEdited.connect(self._predict_values)
        self.table.values_changed.connect(self._predict_row)
        self.table.answer_file_requested.connect(self._answer_file)
        self._set_enabled(False)

    # The model -------------------------------------------------------------------------

    def set_model(
        self,
        model,
        class_names,
        description: str,
        dataset=None,
        outputs: str = "unknown",
        info=None,
    ) -> None:
        """Use a trained model (tracing it happens on a worker thread); ``outputs`` is what
        its outputs are (ModelInfo.outputs); ``info`` its whole metadata (a table model's
        encoding is in it)."""
        self._info = info
        try:
            self._encoding = info.table_encoding if info is not None else None
        except NnstudioError:
            self._encoding = None
        self.status.setText(f"Preparing {description}…")
        self._description = description
        self._dataset = dataset
        self._generation += 1
        self._jobs.run(
            _traced,
            self._generation,
            model,
            tuple(class_names),
            outputs,
            finished=self._on_predictor,
            failed=self._on_failed,
        )

    def clear_model(self, text: str = NO_MODEL) -> None:
        self._generation += 1  # a model still being traced is not wanted any more
        self.predictor = None
        self.status.setText(text)
        self.bars.clear()
        self.inside.set_model([], [])
        self.inside.show_prediction(None)
        self._answer_images()  # the answers were the model's that went
        self._set_enabled(False)

    def show_project(self, images) -> None:
        """Another project is open: no model yet (the project's own comes when it is loaded),
        an empty pad and values, and the project's own images."""
        self.clear_model()
        self._dataset = None
        self.draw.pad.clear()
        self.draw.seen.clear()
        self.values.inputs.clear()
        self.values.answer.clear()
        self.values.weights.clear()
        self.values.table.setRowCount(0)
        self.values.hide_function()
        self.table.show_encoding(None)
        self.images.show_images(images)

    def _on_failed(self, message: str) -> None:
        self.clear_model(f"The model cannot be used here: {message}")

    def _on_predictor(self, traced: tuple[int, Predictor]) -> None:
        generation, predictor = traced
        if generation != self._generation:
            return  # another model came (or the model went) while this one was traced
        self.predictor = predictor
        shape = predictor.input_shape
        table = self._encoding is not None and self._encoding.width == math.prod(shape)
        images = takes_images(shape) and not table
        self._set_enabled(True)
        for page in (self.draw, self.images):
            self.inputs.setTabEnabled(self.inputs.indexOf(page), images)
        self.inputs.setTabEnabled(self.inputs.indexOf(self.values), not table)
        self.inputs.setTabEnabled(self.inputs.indexOf(self.table), table)
        self.table.show_encoding(self._encoding if table else None)
        digits = images and tuple(shape) in ((28, 28, 1), (28, 28), (784,))
        if table:
            self.inputs.setCurrentWidget(self.table)
        elif not images:
            self.inputs.setCurrentWidget(self.values)
        elif self.inputs.currentWidget() is self.values or not digits:
            self.inputs.setCurrentWidget(self.draw if digits else self.images)
        what = (
            f"{len(predictor.class_names)} classes"
            if predictor.class_names
            else "a number (regression)"
        )
        hint = (
            (
                "Draw a digit on the pad, or open images."
                if digits
                else "Open images, drop or paste them."
            )
            if images
            else "Set a row's values, or answer a CSV file."
            if table
            else "Type input values."
        )
        self.status.setText(f"<b>{self._description}</b>: input {shape}, answers {what}. {hint}")
        self.inside.set_model(
            predictor.weights(),
            [
                (layer.name, type(layer).__name__, tuple(layer.output.shape[1:]))
                for layer in predictor.layers
            ],
        )
        self._fill_truth_table()
        self._show_function()
        self._answer_images(everyone=True)
        self.bars.clear("Draw, open an image or type values to ask the model.")
        self.inside.show_prediction(None)  # the previous model's activations are not this one's
        self._on_page_changed()

    def _set_enabled(self, enabled: bool) -> None:
        self.inputs.setEnabled(enabled)
        self.inside.setEnabled(enabled)

    # Predicting ------------------------------------------------------------------------

    def _on_page_changed(self, *_) -> None:
        """Show the answer for what the page now in front holds."""
        if self.predictor is None:
            return
        page = self.inputs.currentWidget()
        if page is self.draw and not self.draw.pad.is_empty():
            self._predict_drawing()
        elif page is self.images and self.images.current() is not None:
            self._predict_image()
        elif page is self.values and self.values.inputs.text().strip():
            self._predict_values()
        elif page is self.table and self.table.encoding is not None:
            self._predict_row()

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
            self.bars.clear(capitalized(str(e)) + ".")
            return None
        except Exception as e:  # a message in the window, never a dead playground
            self.bars.clear(f"The model could not answer: {type(e).__name__}: {e}")
            return None
        self.bars.show_prediction(prediction)
        self.inside.show_prediction(prediction)
        self.predicted.emit(prediction)
        return prediction

    def _image_input(self, entry) -> np.ndarray:
        """The uint8 image the model gets for an entry of the Images page."""
        return prepare(entry.image, self.predictor.input_shape, entry.crop)

    def _predict_image(self) -> None:
        if self.predictor is None or not takes_images(self.predictor.input_shape):
            return
        entry, row = self.images.current(), self.images.current_row()
        if entry is None:
            self.bars.clear("Open an image to ask the model.")
            return
        try:
            seen = self._image_input(entry)
        except NnstudioError as e:
            self.images.show_seen(None, str(e))
            self.bars.clear(str(e))
            return
        shape = self.predictor.input_shape
        crop = "the whole image" if entry.crop is None else "the crop"
        colour = "grayscale" if seen.shape[2] == 1 else "colour"
        self.images.show_seen(
            seen,
            f"{crop.capitalize()} as {seen.shape[1]}×{seen.shape[0]} {colour}, pixels / 255."
            f"\n{entry.image.describe()}",
        )
        prediction = self._show(lambda: to_model_input(seen, shape))
        if prediction is not None:
            self.images.set_answer(row, _answer(prediction), prediction.text(3))

    def _answer_images(self, everyone: bool = False) -> None:
        """Fill the Answer column: every row after a new model, new rows otherwise."""
        if self.predictor is None or not takes_images(self.predictor.input_shape):
            for row in range(len(self.images.entries)):
                self.images.set_answer(row, "")
            return
        shape = self.predictor.input_shape
        for row, entry in enumerate(self.images.entries):
            item = self.images.table.item(row, 1)
            if not everyone and item is not None and item.text():
                continue
            try:
                prediction = self.predictor(to_model_input(self._image_input(entry), shape))
            except NnstudioError as e:
                self.images.set_answer(row, "—", str(e))
                continue
            self.images.set_answer(row, _answer(prediction), prediction.text(3))

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
                f"The model takes {counted(size, 'value')}; received {len(numbers)}."
            )
            return
        shape = self.predictor.input_shape
        prediction = self._show(lambda: np.array(numbers, np.float32).reshape(shape))
        if prediction is not None:
            self.values.answer.setText(_answer(prediction))
            function = self.values.function
            if size == 1 and prediction.probabilities is None and function is not None:
                function.mark(numbers[0], float(prediction.outputs.ravel()[0]))

    def _predict_row(self, *_) -> None:
        """The model's answer for the form's row, encoded as the training rows were; a number
        in the target's own units."""
        encoding = self.table.encoding
        if self.predictor is None or encoding is None:
            return
        import pandas as pd

        row = pd.DataFrame({c: [v] for c, v in self.table.values().items()})
        try:
            x = encoding.encode(row)[0].reshape(self.predictor.input_shape)
            prediction = self.predictor(x)
        except NnstudioError as e:
            self.table.answer.setText(capitalized(str(e)) + ".")
            return
        target = encoding.target
        if prediction.probabilities is None:
            value = float(encoding.in_units(prediction.outputs.ravel())[0])
            shown = Prediction(np.array([value]), None, (), prediction.activations)
            self.bars.show_prediction(shown)
            self.bars.detail.setText(f"{target.column}, in its own units")
            self.table.answer.setText(f"<b>{target.column}</b> = {value:.6g}")
        else:
            self.bars.show_prediction(prediction)
            name, p = prediction.top(1)[0]
            self.table.answer.setText(f"<b>{target.column}</b>: {name} ({p:.1%})")
        self.inside.show_prediction(prediction)
        self.predicted.emit(prediction)

    def _answer_file(self, rows: str, out: str) -> None:
        """Answer a CSV file on a worker thread; say how it went on the page."""
        from nnstudio.core.playground.table_answers import answer_file_to

        if self.predictor is None or self._info is None:
            return
        self._jobs.run(
            answer_file_to,
            self.predictor.model,
            self._info,
            rows,
            out,
            finished=self._on_file_answered,
            failed=lambda message: self.table.file_status.setText(
                f"The file could not be answered: {message}"
            ),
        )

    def _on_file_answered(self, result) -> None:
        count, path = result
        self.table.file_status.setText(f"Wrote {count:,} answers to {path}.")

    def _show_function(self) -> None:
        """A small model's learned weights; a regression of one x as a curve over its data."""
        from nnstudio.gui.plots import weights_text

        predictor = self.predictor
        arrays = [a for _, _, layer in predictor.weights() for a in layer]
        self.values.weights.setText(weights_text(arrays))
        one_x = math.prod(predictor.input_shape) == 1 and not predictor.class_names
        data = self._dataset
        if not one_x or data is None or data.x_train.shape[1:] != predictor.input_shape:
            self.values.hide_function()
            return
        x, y = data.x_train.ravel(), data.y_train.ravel()
        low, high = float(x.min()), float(x.max())
        margin = (high - low) * 0.1 or 1.0
        grid = np.linspace(low - margin, high + margin, 200, dtype=np.float32)
        learned = np.asarray(predictor.model(grid.reshape(-1, *predictor.input_shape))).ravel()
        truth = true_function(data.source, grid)
        self.values.show_function(x, y, grid, learned, None if truth is None else (grid, truth))

    def _fill_truth_table(self) -> None:
        table = self.values.table
        shape = self.predictor.input_shape
        size = math.prod(shape)
        if size > MAX_TABLE_INPUTS or not self.predictor.class_names:  # gates, not functions
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
    if prediction.probabilities is None:
        return "y = " + prediction.text()
    return prediction.text(1)
