"""The model's answer at a glance: the most probable class large, and one horizontal bar per
class (pyqtgraph's BarGraphItem, its bars updated in place as the pen moves)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnstudio.core.inference import Prediction
from nnstudio.gui.plots import TRAIN_COLOR, VALIDATION_COLOR, plot_widget, pyqtgraph
from nnstudio.gui.widgets import StatusLabel


class ProbabilityBars(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Status labels: their text changes with every move of the pen, and a QLabel's would
        # lay the whole window out again each time.
        self.headline = StatusLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline.setToolTip("The class the model finds most probable, and how sure it is")
        self.detail = StatusLabel()
        self.detail.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plot = plot_widget(self.palette(), "", "", x_label="probability", legend=False)
        self.plot.setToolTip(
            "The softmax probabilities of every class: they add up to 100%. A model that is "
            "unsure spreads them over several classes."
        )
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setXRange(0, 1, padding=0.02)
        item.getAxis("left").setStyle(tickLength=0)
        self.bars = None
        self.class_names: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.plot, 1)
        layout.addStretch(0)
        self.clear()

    def clear(self, text: str = "") -> None:
        self.headline.setText("–")
        self.detail.setText(text)
        if self.bars is not None:
            self.bars.setOpts(width=np.zeros(len(self.class_names)))

    def _make_bars(self, class_names: tuple[str, ...]) -> None:
        pg = pyqtgraph()
        item = self.plot.getPlotItem()
        if self.bars is not None:
            item.removeItem(self.bars)
        n = len(class_names)
        # The first class at the top, as a table reads.
        self._y = np.arange(n)[::-1].astype(float)
        self.bars = pg.BarGraphItem(
            x0=np.zeros(n), y=self._y, height=0.7, width=np.zeros(n), brush=TRAIN_COLOR
        )
        item.addItem(self.bars)
        item.getAxis("left").setTicks(
            [[(y, name) for y, name in zip(self._y, class_names, strict=True)]]
        )
        item.setYRange(-0.6, n - 0.4, padding=0)
        self.class_names = class_names

    def show_prediction(self, prediction: Prediction) -> None:
        if prediction.probabilities is None:  # a regression: no classes to draw
            self.plot.hide()
            self.headline.setText(prediction.text())
            self.detail.setText("the model's output")
            return
        self.plot.show()
        if prediction.class_names != self.class_names:
            self._make_bars(prediction.class_names)
        probs = prediction.probabilities
        best = int(np.argmax(probs))
        brushes = [VALIDATION_COLOR if i == best else TRAIN_COLOR for i in range(len(probs))]
        self.bars.setOpts(width=probs, brushes=brushes)
        name, p = prediction.top(1)[0]
        self.headline.setText(f"{name}  ·  {p:.1%}")
        runner_up = prediction.top(2)[1:]
        self.detail.setText(
            f"next: {runner_up[0][0]} {runner_up[0][1]:.1%}" if runner_up else "one class"
        )
