"""The overview of a large graph: the whole model, small, in a corner of the canvas, with the
part in view framed; a click or a drag there moves the canvas to that place.

It draws the canvas's own scene (``QGraphicsScene.render``, the cards as plain blocks of their
colour at that size: ``NodeItem.paint``'s level of detail), but into a picture kept between
paints, rendered again once edits, moves or selections settle. A live second view of the scene
would paint every card and connection again (about 20 ms for ResNet50, in Python) each time the
canvas beneath repaints, that is with every edit; the kept picture costs a copy, and scrolling
moves only the frame. It is hidden while the whole graph fits in the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

#: The overview's size is the graph's shape fitted in this box (a tall graph gets a taller,
#: narrower one), no side under MIN_SIDE.
MAX_WIDTH, MAX_HEIGHT, MIN_SIDE = 180, 220, 56
#: From the corner of the canvas's viewport, clear of its scroll bars.
MARGIN = 10
#: How long the scene is to stay unchanged before the picture is drawn again (an edit, a
#: card dragged, a selection): a burst of edits is drawn once, after its last.
SETTLE_MS = 150
TOOLTIP = "Overview: click or drag to move around the graph"


class GraphOverview(QWidget):
    """The canvas's scene, scaled to fit, over the canvas's bottom-right corner."""

    def __init__(self, canvas: QGraphicsView) -> None:
        super().__init__(canvas)  # over the canvas's viewport, not in it: it does not scroll
        self.canvas = canvas
        self._picture = QPixmap()
        self._stale = True
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self._render)
        self.setToolTip(TOOLTIP)
        self.setAccessibleName("Graph overview")
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.hide()
        for bar in (canvas.horizontalScrollBar(), canvas.verticalScrollBar()):
            bar.rangeChanged.connect(lambda *_: self.update_visibility())
            bar.valueChanged.connect(lambda _: self.update())  # the frame moves, not the graph

    # When and where ------------------------------------------------------------------------

    def update_visibility(self) -> None:
        """Shown only while the graph is larger than the canvas (so that it scrolls)."""
        canvas = self.canvas
        bars = (canvas.horizontalScrollBar(), canvas.verticalScrollBar())
        larger = bool(canvas.nodes) and any(bar.maximum() > bar.minimum() for bar in bars)
        if larger:
            self._place()
        if larger == self.isHidden():
            self.setVisible(larger)

    def _place(self) -> None:
        """In the bottom-right corner of the canvas's viewport, shaped as the graph is."""
        viewport = self.canvas.viewport().geometry()
        scene = self.canvas.sceneRect()
        box_height = max(MIN_SIDE, min(MAX_HEIGHT, viewport.height() * 2 // 5))
        scale = min(MAX_WIDTH / max(scene.width(), 1), box_height / max(scene.height(), 1))
        size = QSize(
            max(MIN_SIDE, round(scene.width() * scale)),
            max(MIN_SIDE, round(scene.height() * scale)),
        )
        if size != self.size():
            self.resize(size)
            self.invalidate()
        self.move(
            viewport.right() - size.width() - MARGIN + 1,
            viewport.bottom() - size.height() - MARGIN + 1,
        )
        self.raise_()

    def invalidate(self) -> None:
        """The scene changed: draw the picture again once it settles."""
        self._stale = True
        if self.isVisible():
            self._timer.start()

    # Scene and overview coordinates --------------------------------------------------------

    def _target(self) -> QRectF:
        """Where the scene is drawn: fitted in the overview, centred, keeping its shape."""
        scene = self.canvas.sceneRect()
        inner = QRectF(self.rect()).adjusted(3, 3, -3, -3)
        if scene.isEmpty() or inner.isEmpty():
            return inner
        scale = min(inner.width() / scene.width(), inner.height() / scene.height())
        target = QRectF(0, 0, scene.width() * scale, scene.height() * scale)
        target.moveCenter(inner.center())
        return target

    def to_scene(self, point: QPointF) -> QPointF:
        scene, target = self.canvas.sceneRect(), self._target()
        if target.isEmpty():
            return scene.center()
        return QPointF(
            scene.left() + (point.x() - target.left()) * scene.width() / target.width(),
            scene.top() + (point.y() - target.top()) * scene.height() / target.height(),
        )

    def from_scene(self, rect: QRectF) -> QRectF:
        scene, target = self.canvas.sceneRect(), self._target()
        if scene.isEmpty():
            return QRectF()
        sx, sy = target.width() / scene.width(), target.height() / scene.height()
        return QRectF(
            target.left() + (rect.left() - scene.left()) * sx,
            target.top() + (rect.top() - scene.top()) * sy,
            rect.width() * sx,
            rect.height() * sy,
        )

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene the canvas shows."""
        return self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()

    # Painting ------------------------------------------------------------------------------

    def _render(self) -> None:
        """Draw the scene into the kept picture (the cards as blocks, at this scale)."""
        self._timer.stop()
        self._stale = False
        ratio = self.devicePixelRatioF()
        picture = QPixmap(self.size() * ratio)
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.canvas.scene().render(painter, self._target(), self.canvas.sceneRect())
        painter.end()
        self._picture = picture
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        backdrop = QColor(palette.color(QPalette.ColorRole.Base))
        backdrop.setAlpha(215)  # see-through: the cards beneath still show, faintly
        painter.fillRect(self.rect(), backdrop)
        painter.drawPixmap(0, 0, self._picture)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        fill = QColor(highlight)
        fill.setAlpha(45)
        painter.setPen(QPen(highlight, 1.5))
        painter.setBrush(fill)
        framed = self.from_scene(self.visible_scene_rect()).intersected(QRectF(self.rect()))
        painter.drawRect(framed.adjusted(0.75, 0.75, -0.75, -0.75))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:  # not a blank or an old picture until the next change settles
            self._render()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # another theme: the cards' colours
            self.invalidate()
        super().changeEvent(event)

    # Moving the canvas ---------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            self.centre_canvas(event.position())
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.centre_canvas(event.position())
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel scrolls or zooms the canvas, as anywhere over it (the canvas itself
        leaves to its viewport the events of a child such as this)."""
        viewport = self.canvas.viewport()
        position = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
        QApplication.sendEvent(viewport, QWheelEvent(
            position, event.globalPosition(), event.pixelDelta(), event.angleDelta(),
            event.buttons(), event.modifiers(), event.phase(), event.inverted(),
        ))  # fmt: skip
        event.accept()

    def centre_canvas(self, point: QPointF) -> None:
        """Show, in the middle of the canvas, the place of the graph under ``point``."""
        self.canvas.centerOn(self.to_scene(point))
