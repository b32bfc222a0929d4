"""A pad to draw a digit on: white ink on black, as MNIST's digits are, with the mouse or a pen
(its pressure widens the line), a brush size, undo of the last stroke and clear."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTabletEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

#: The pad's canvas in pixels: ten times MNIST's 28, so that a stroke of the default brush
#: becomes about two pixels of a 28x28 digit, as in MNIST.
CANVAS = 280
DEFAULT_BRUSH = 18


class DrawPad(QWidget):
    """Strokes on a square canvas; ``drawing_changed`` fires while drawing, at every move."""

    drawing_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.brush = DEFAULT_BRUSH
        #: Each stroke: its points with their pen widths.
        self.strokes: list[list[tuple[QPointF, float]]] = []
        self._canvas = QImage(CANVAS, CANVAS, QImage.Format.Format_Grayscale8)
        self._canvas.fill(0)
        self._drawing = False
        self.setMinimumSize(CANVAS // 2, CANVAS // 2)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip(
            "Draw a digit with the mouse or a pen: the model's answer follows the stroke. "
            "A right-click undoes the last stroke; Delete clears the pad."
        )

    # What the model sees ---------------------------------------------------------------

    def ink(self) -> np.ndarray:
        """The canvas as a (280, 280) uint8 array of ink (255 where fully drawn)."""
        view = np.frombuffer(self._canvas.constBits(), np.uint8)
        rows = view.reshape(CANVAS, self._canvas.bytesPerLine())
        return rows[:, :CANVAS].copy()

    def is_empty(self) -> bool:
        return not self.strokes

    # Editing ---------------------------------------------------------------------------

    def clear(self) -> None:
        self.strokes = []
        self._repaint_canvas()

    def undo_stroke(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self._repaint_canvas()

    def set_brush(self, size: int) -> None:
        self.brush = size

    def _repaint_canvas(self) -> None:
        self._canvas.fill(0)
        painter = self._painter()
        for stroke in self.strokes:
            self._paint_stroke(painter, stroke, 0)
        painter.end()
        self.update()
        self.drawing_changed.emit()

    def _painter(self) -> QPainter:
        painter = QPainter(self._canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        return painter

    @staticmethod
    def _paint_stroke(painter: QPainter, stroke, start: int) -> None:
        """Segments of a stroke from point ``start`` on (a single point is a dot)."""
        for i in range(max(start, 1) if len(stroke) > 1 else 0, len(stroke)):
            point, width = stroke[i]
            pen = QPen(QColor(255, 255, 255), width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            if i == 0:
                painter.drawPoint(point)
            else:
                painter.drawLine(stroke[i - 1][0], point)

    def _to_canvas(self, position: QPointF) -> QPointF:
        side = self._side()
        x0, y0 = (self.width() - side) / 2, (self.height() - side) / 2
        scale = CANVAS / side
        return QPointF((position.x() - x0) * scale, (position.y() - y0) * scale)

    def _side(self) -> int:
        return max(1, min(self.width(), self.height()))

    def _add_point(self, position: QPointF, pressure: float | None, new_stroke: bool) -> None:
        width = self.brush if pressure is None else max(2.0, self.brush * 2 * pressure)
        point = self._to_canvas(position)
        if new_stroke:
            self.strokes.append([])
        stroke = self.strokes[-1]
        stroke.append((point, width))
        painter = self._painter()
        self._paint_stroke(painter, stroke, len(stroke) - 1)
        painter.end()
        self.update()
        self.drawing_changed.emit()

    # Events ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self.undo_stroke()
        elif event.button() == Qt.MouseButton.LeftButton:
            self._drawing = True
            self._add_point(event.position(), None, new_stroke=True)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing and event.buttons() & Qt.MouseButton.LeftButton:
            self._add_point(event.position(), None, new_stroke=False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drawing = False

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._drawing = True
            self._add_point(event.position(), event.pressure(), new_stroke=True)
        elif kind == QTabletEvent.Type.TabletMove and self._drawing:
            self._add_point(event.position(), event.pressure(), new_stroke=False)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._drawing = False
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
        else:
            super().keyPressEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(CANVAS, CANVAS)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        side = self._side()
        x0, y0 = (self.width() - side) // 2, (self.height() - side) // 2
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self.rect().adjusted(x0, y0, -x0, -y0), self._canvas)
        if not self.strokes:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Draw a digit here\nwith the mouse"
            )
