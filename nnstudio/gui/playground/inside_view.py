"""Look inside: for the current input, what each layer outputs — a convolution's feature maps as a
grid of small images, a dense layer's units as a heat strip — and the layer's weights:
convolution filters as small images, a dense kernel as a heatmap, and a histogram of values.
One pyqtgraph ImageItem per view, fed a mosaic, so that it follows the pen."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.formatting import format_shape
from nnstudio.core.inference import Prediction
from nnstudio.gui.plots import TRAIN_COLOR, plot_widget, pyqtgraph

#: Units per row when a flat layer (Dense, Flatten) is drawn as a strip.
STRIP_WIDTH = 32


def mosaic(maps: np.ndarray, gap: int = 1) -> np.ndarray:
    """Channels (h, w, c) side by side in a near-square grid, one pixel of NaN between them (so
    the gaps stay blank); a flat vector becomes rows of STRIP_WIDTH units."""
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim == 1:
        n = maps.size
        width = min(STRIP_WIDTH, n) or 1
        padded = np.full(math.ceil(n / width) * width, np.nan, np.float32)
        padded[:n] = maps
        return padded.reshape(-1, width)
    if maps.ndim == 2:
        return maps
    h, w, c = maps.shape[-3:]
    columns = math.ceil(math.sqrt(c))
    rows = math.ceil(c / columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan, np.float32)
    for i in range(c):
        r, col = divmod(i, columns)
        out[r * (h + gap) : r * (h + gap) + h, col * (w + gap) : col * (w + gap) + w] = maps[..., i]
    return out


def weight_image(kernel: np.ndarray) -> np.ndarray:
    """What to draw of a layer's first weight array: convolution filters (kh, kw, in, out) as a
    mosaic of the out filters (averaged over the input channels), a dense kernel as is."""
    if kernel.ndim == 4:
        return mosaic(kernel.mean(axis=2))
    if kernel.ndim == 3:  # a depthwise kernel: (kh, kw, channels)
        return mosaic(kernel)
    return mosaic(kernel.reshape(kernel.shape[0], -1) if kernel.ndim > 1 else kernel)


def _image_view(title: str, tip: str):
    """A plot holding one ImageItem, rows drawn top down, square pixels, no mouse zoom."""
    pg = pyqtgraph()
    widget = plot_widget(QWidget().palette(), title, "", x_label="", legend=False)
    item = widget.getPlotItem()
    item.hideAxis("left")
    item.hideAxis("bottom")
    item.getViewBox().invertY(True)
    item.getViewBox().setAspectLocked(True)
    image = pg.ImageItem(axisOrder="row-major")
    image.setColorMap(pg.colormap.get("viridis"))
    item.addItem(image)
    widget.setToolTip(tip)
    return widget, image


class InsideView(QWidget):
    """The layers of the model in a list; the selected one's activations and weights."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layers = QListWidget()
        self.layers.setToolTip("Choose a layer to see what it outputs for the current input")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.activation_plot, self.activation_image = _image_view(
            "Activations",
            "What the selected layer outputs for the current input: one small image per "
            "feature map of a convolution, one cell per unit of a dense layer (bright is high).",
        )
        self.weight_plot, self.weight_image = _image_view(
            "Weights",
            "The layer's learned weights: each convolution filter (averaged over its input "
            "channels), or a dense layer's kernel (inputs down, units across).",
        )
        self.histogram = plot_widget(self.palette(), "Weight values", "count", x_label="value")
        self.histogram.setMaximumHeight(180)
        self.histogram.setToolTip("How the layer's weights are spread")
        self._histogram_curve = self.histogram.getPlotItem().plot(
            stepMode="center", fillLevel=0, brush=TRAIN_COLOR, pen=None
        )
        views = QSplitter(Qt.Orientation.Vertical)
        for widget in (self.activation_plot, self.weight_plot, self.histogram):
            views.addWidget(widget)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.caption)
        right_layout.addWidget(views, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.layers)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([170, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.prediction: Prediction | None = None
        self.weights: dict[str, list[np.ndarray]] = {}
        self.layers.currentRowChanged.connect(self._show_layer)

    def set_model(self, weights: list[tuple[str, str, list[np.ndarray]]], layers) -> None:
        """The model's layers (name, type, output shape) and weights per layer name."""
        self.weights = {name: arrays for name, _, arrays in weights}
        current = self.layers.currentRow()
        self.layers.clear()
        for name, kind, shape in layers:
            item = QListWidgetItem(f"{name}  {' × '.join(map(str, shape))}")
            item.setToolTip(f"{name}: a {kind} layer; its output is {format_shape((None, *shape))}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.layers.addItem(item)
        self.layers.setCurrentRow(max(0, min(current, self.layers.count() - 1)))

    def show_prediction(self, prediction: Prediction | None) -> None:
        """The activations for this prediction (None: no input yet, nothing to show)."""
        self.prediction = prediction
        self._show_activation()

    def _name(self) -> str | None:
        item = self.layers.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _show_layer(self, *_) -> None:
        self._show_activation()
        arrays = self.weights.get(self._name() or "", [])
        if not arrays:
            self.weight_image.clear()
            self._histogram_curve.setData([0, 1], [0])
            self.weight_plot.getPlotItem().setTitle("Weights (this layer has none)")
            return
        kernel = arrays[0]
        self.weight_plot.getPlotItem().setTitle(
            f"Weights: kernel {' × '.join(map(str, kernel.shape))}"
        )
        image = weight_image(kernel)
        # Square pixels, unless the kernel is so long and thin (1600 x 10) that it would be a line.
        ratio = max(image.shape) / max(1, min(image.shape))
        self.weight_plot.getPlotItem().getViewBox().setAspectLocked(ratio <= 4)
        self.weight_image.setImage(image, autoLevels=True)
        values = np.concatenate([a.ravel() for a in arrays])
        counts, edges = np.histogram(values, bins=40)
        self._histogram_curve.setData(edges, counts)

    def _show_activation(self) -> None:
        name = self._name()
        if self.prediction is None or name is None:
            self.activation_image.clear()
            self.caption.setText("Draw or open an image to see what each layer makes of it.")
            return
        activation = next((a for a in self.prediction.activations if a.name == name), None)
        if activation is None:
            return
        values = activation.values
        self.activation_image.setImage(mosaic(values), autoLevels=True)
        kind = "feature maps" if values.ndim == 3 else "units"
        count = values.shape[-1] if values.ndim == 3 else values.size
        self.caption.setText(
            f"<b>{name}</b> ({activation.type}): {count} {kind}, "
            f"values {np.nanmin(values):.3g} to {np.nanmax(values):.3g}"
        )
