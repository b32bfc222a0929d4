"""Grids of small images with captions (dataset previews, galleries of mistakes), painted in one
widget rather than hundreds of labels, and a clickable confusion matrix."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnstudio.gui import theme

#: Counts in a confusion matrix's cells are drawn no smaller than this (pixels).
MIN_COUNT_PIXELS = 7


def to_qimage(image: np.ndarray) -> QImage:
    """A uint8 (h, w, 1) or (h, w, 3) array as a QImage (copied: the array may go away)."""
    image = np.ascontiguousarray(image)
    height, width = image.shape[:2]
    if image.ndim == 2 or image.shape[2] == 1:
        data = np.ascontiguousarray(image.reshape(height, width))
        return QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    data = np.ascontiguousarray(image[..., :3])
    return QImage(data.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()


class ImageGrid(QWidget):
    """Images in rows, each with a caption; a caption in red marks a mistake."""

    clicked = Signal(int)

    def __init__(self, cell: int = 56, parent=None) -> None:
        super().__init__(parent)
        self.cell = cell
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.wrong: list[bool] = []
        self.tooltips: list[str] = []
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)

    def set_images(self, images, captions=(), wrong=(), tooltips=(), empty_text="") -> None:
        self.images = [to_qimage(i) for i in images]
        self.captions = list(captions) or [""] * len(self.images)
        self.wrong = list(wrong) or [False] * len(self.images)
        self.tooltips = list(tooltips) or self.captions
        self.empty_text = empty_text
        self.updateGeometry()
        self.update()

    def _columns(self) -> int:
        return max(1, self.width() // (self.cell + 6))

    def _row_height(self) -> int:
        return self.cell + self.fontMetrics().height() + 8

    def sizeHint(self) -> QSize:
        rows = -(-len(self.images) // self._columns()) if self.images else 2
        return QSize(10 * (self.cell + 6), rows * self._row_height())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        columns = max(1, width // (self.cell + 6))
        rows = -(-len(self.images) // columns) if self.images else 2
        return rows * self._row_height()

    def _rect(self, index: int) -> QRect:
        columns = self._columns()
        row, column = divmod(index, columns)
        return QRect(
            column * (self.cell + 6) + 3, row * self._row_height() + 3, self.cell, self.cell
        )

    def index_at(self, x: int, y: int) -> int | None:
        columns = self._columns()
        column, row = x // (self.cell + 6), y // self._row_height()
        index = row * columns + column
        return index if column < columns and 0 <= index < len(self.images) else None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        if not self.images:
            painter.setPen(theme.muted_text(palette))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            return
        text = palette.color(QPalette.ColorRole.Text)
        error = QColor(theme.ERROR_COLOR)
        height = self.fontMetrics().height()
        for i, image in enumerate(self.images):
            rect = self._rect(i)
            painter.drawImage(rect, image)
            caption = QRect(rect.left() - 3, rect.bottom() + 2, rect.width() + 6, height)
            painter.setPen(error if self.wrong[i] else text)
            painter.drawText(
                caption,
                Qt.AlignmentFlag.AlignCenter,
                self.fontMetrics().elidedText(
                    self.captions[i], Qt.TextElideMode.ElideRight, caption.width()
                ),
            )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(int(event.position().x()), int(event.position().y()))
        if index is not None:
            self.clicked.emit(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(int(event.position().x()), int(event.position().y()))
        self.setToolTip(self.tooltips[index] if index is not None else "")


class ConfusionMatrix(QWidget):
    """Counts of true (rows) against predicted (columns) classes; click a cell to see it."""

    cell_clicked = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self.names: tuple[str, ...] = ()
        self.selected: tuple[int, int] | None = None
        self.setMinimumSize(220, 220)
        self.setMouseTracking(True)

    def set_matrix(self, matrix: np.ndarray, names) -> None:
        self.matrix, self.names, self.selected = matrix, tuple(names), None
        self.update()

    def _geometry(self) -> tuple[int, int, float]:
        label = max((self.fontMetrics().horizontalAdvance(n) for n in self.names), default=0) + 10
        label = min(label, self.width() // 3)
        size = (min(self.width(), self.height()) - label - 20) / max(len(self.names), 1)
        return label, 18, max(size, 4.0)

    def counts_font(self, size: float, peak: int):
        """The font that fits the largest count in a cell (smaller than the widget's when the
        cells are small), or None when even a small one would not fit: the tooltip says it."""
        font = QFont(self.font())
        room = size - 4
        pixels = QFontMetrics(font).height()
        while pixels >= MIN_COUNT_PIXELS:
            metrics = QFontMetrics(font)
            if metrics.horizontalAdvance(str(peak)) <= room and metrics.height() <= room:
                return font
            pixels -= 1
            font.setPixelSize(pixels)
        return None

    def _cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        left, top, size = self._geometry()
        k = len(self.names)
        row, column = int((y - top) // size), int((x - left) // size)
        return (
            (row, column) if 0 <= row < k and 0 <= column < k and x >= left and y >= top else None
        )

    def paintEvent(self, event) -> None:
        k = len(self.names)
        if not k:
            return
        painter = QPainter(self)
        palette = self.palette()
        left, top, size = self._geometry()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        painter.setPen(text)
        painter.drawText(
            QRect(left, 0, int(size * k), top), Qt.AlignmentFlag.AlignCenter, "predicted →"
        )
        peak = max(int(self.matrix.max()), 1)
        counts_font = self.counts_font(size, peak)
        for i in range(k):
            painter.setPen(text)
            painter.drawText(
                QRect(0, int(top + i * size), left - 6, int(size)),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.names[i],
            )
            for j in range(k):
                count = int(self.matrix[i, j])
                rect = QRect(
                    int(left + j * size), int(top + i * size), int(size) - 1, int(size) - 1
                )
                hue = QColor(theme.GROUP_COLORS["Core"] if i == j else theme.ERROR_COLOR)
                share = count / peak
                fill = QColor(
                    round(base.red() + (hue.red() - base.red()) * share),
                    round(base.green() + (hue.green() - base.green()) * share),
                    round(base.blue() + (hue.blue() - base.blue()) * share),
                )
                painter.fillRect(rect, fill)
                if self.selected == (i, j):
                    painter.setPen(text)
                    painter.drawRect(rect.adjusted(0, 0, -1, -1))
                if counts_font is not None and count:
                    painter.setFont(counts_font)
                    painter.setPen(QColor("white") if share > 0.5 else text)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
                    painter.setFont(self.font())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self._cell_at(event.position().x(), event.position().y())
        if cell is not None:
            self.selected = cell
            self.update()
            self.cell_clicked.emit(*cell)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self._cell_at(event.position().x(), event.position().y())
        if cell is None:
            self.setToolTip("")
            return
        i, j = cell
        self.setToolTip(f"{self.matrix[i, j]:,} {self.names[i]} predicted as {self.names[j]}")
