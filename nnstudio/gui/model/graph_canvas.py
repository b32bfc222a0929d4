"""The graph canvas: a model that branches and merges, drawn as the stack's cards with the
connections between them, laid out in layers (core.layout) and edited with the mouse.

Nothing here holds a second model of the graph: the scene is rebuilt from the core's
architecture and summary after every edit, and every edit goes through the Editor (undoable).
The canvas offers what the stack view does (``rows_selected``, ``select_rows``,
``selected_rows``), so the window's commands work on either.

- Click, Ctrl+click and rubber-band selection; the inspector shows the selected layer.
- Drag from a card's output port (the dot under it) onto another card: that layer takes the
  first one's output (a merge layer one more input; any other layer instead of its input).
- Drop a palette layer onto a card (added after it), onto a connection (inserted into it), or
  onto empty canvas (added after the selected card, or at the end).
- Right-click a connection to delete it; Del deletes the selected cards (the gap closes).
- Drag cards to place them (kept in the project); Ctrl+Shift+A (or the canvas's context menu)
  arranges them automatically again.
- Ctrl+wheel zooms, Ctrl+0 fits the model in view, dragging with the middle button pans; a
  graph larger than the view has an overview in the corner (gui/model/graph_overview.py).
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
    QPolygonF,
    QShortcut,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QMenu,
    QStyle,
    QStyleOptionViewItem,
)

from nnstudio.core.formatting import format_shape
from nnstudio.core.graph import resolve
from nnstudio.core.layout import layered_layout
from nnstudio.gui import theme
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.model.graph_overview import GraphOverview
from nnstudio.gui.model.layer_model import LAYER_TYPE_MIME, GroupRole, LayerModel, SeverityRole
from nnstudio.gui.model.stack_view import LayerCardDelegate

NODE_WIDTH = 290
COLUMN_GAP = 50
ROW_GAP = 34
PORT_RADIUS = 5
#: Fitting a model in view zooms out no further: the cards stay readable.
MIN_FIT_SCALE = 0.7
#: Below this scale a card's text is too small to read: it is painted as a block of its group's
#: colour instead (in the overview, or on a canvas zoomed far out), at a fraction of the cost.
DETAIL_SCALE = 0.3


class NodeItem(QGraphicsItem):
    """A card: a layer (painted as the stack paints it) or a model input."""

    def __init__(self, canvas: GraphCanvas, name: str, row: int | None, height: float) -> None:
        super().__init__()
        self.canvas = canvas
        self.name = name
        #: The layer's index in the architecture; None for a model input.
        self.row = row
        self.height = height
        self.inputs_count = 0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, NODE_WIDTH + 4, self.height + PORT_RADIUS * 2 + 4)

    def card_rect(self) -> QRectF:
        return QRectF(0, 0, NODE_WIDTH, self.height)

    def output_port(self) -> QPointF:
        return self.mapToScene(QPointF(NODE_WIDTH / 2, self.height + PORT_RADIUS))

    def input_port(self, k: int, n: int) -> QPointF:
        return self.mapToScene(QPointF(NODE_WIDTH * (k + 1) / (n + 1), 0))

    def on_output_port(self, scene_pos: QPointF) -> bool:
        return QLineF(scene_pos, self.output_port()).length() <= PORT_RADIUS * 2.2

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < DETAIL_SCALE:
            self._paint_block(painter)
            return
        view_option = QStyleOptionViewItem()
        view_option.rect = self.card_rect().toRect()
        view_option.palette = self.canvas.palette()
        view_option.font = self.canvas.font()
        if self.isSelected():
            view_option.state |= QStyle.StateFlag.State_Selected
        if self.row is not None:
            index = self.canvas.layer_model.index(self.row, 0)
            self.canvas.delegate.paint(painter, view_option, index)
        else:
            self._paint_input(painter, view_option)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.muted_text(self.canvas.palette()), 1))
        painter.setBrush(self.canvas.palette().color(QPalette.ColorRole.Base))
        port = QPointF(NODE_WIDTH / 2, self.height + PORT_RADIUS)
        painter.drawEllipse(port, PORT_RADIUS, PORT_RADIUS)

    def _paint_block(self, painter: QPainter) -> None:
        """The card seen from afar: its colour (selected, error or warning, else its group's)."""
        palette = self.canvas.palette()
        block = self.card_rect().adjusted(0, 2, 0, -2)
        if self.isSelected():  # outlined too: the highlight may be a group's colour
            pen = QPen(palette.color(QPalette.ColorRole.Text), 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRect(block)
            return
        if self.row is None:
            color = theme.muted_text(palette)
        else:
            index = self.canvas.layer_model.index(self.row, 0)
            color = theme.severity_color(index.data(SeverityRole)) or theme.group_color(
                index.data(GroupRole)
            )
        painter.fillRect(block, color)

    def _paint_input(self, painter: QPainter, option: QStyleOptionViewItem) -> None:
        palette = option.palette
        rect = QRectF(option.rect).adjusted(3, 1.5, -3, -1.5)
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.muted_text(palette), 1, Qt.PenStyle.DashLine))
        role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.AlternateBase
        painter.setBrush(palette.color(role))
        painter.drawRoundedRect(rect, 6, 6)
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        painter.setPen(text)
        bold = option.font
        bold.setBold(True)
        painter.setFont(bold)
        line = QFontMetrics(bold).height()
        painter.drawText(QRectF(rect.left() + 12, rect.top() + 6, rect.width() - 20, line),
                         Qt.AlignmentFlag.AlignLeft, "Input")  # fmt: skip
        bold.setBold(False)
        painter.setFont(bold)
        shape = self.canvas.input_shapes.get(self.name, ())
        painter.drawText(
            QRectF(rect.left() + 12, rect.top() + 8 + line, rect.width() - 20, line),
            Qt.AlignmentFlag.AlignLeft,
            f"{self.name} → {format_shape((None, *shape))}",
        )

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.canvas.node_moved(self)
        return super().itemChange(change, value)

    def mouseDoubleClickEvent(self, event) -> None:
        self.canvas.node_activated.emit(self.name)
        super().mouseDoubleClickEvent(event)


class EdgeItem(QGraphicsPathItem):
    """A connection from a card's output to one of another card's inputs."""

    def __init__(
        self, source: NodeItem, target: NodeItem, slot: int, slots: int, detour: bool = False
    ) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.slot, self.slots, self.detour = slot, slots, detour
        self.update_path()
        self.setZValue(-1)
        self.setToolTip(f"{source.name} → {target.name} (right-click to delete the connection)")

    def update_path(self) -> None:
        detour = self.detour
        start, end = self.source.output_port(), self.target.input_port(self.slot, self.slots)
        path = QPainterPath(start)
        if detour:  # past the cards between them: down the gap to the right of the column
            side = max(start.x(), end.x()) + NODE_WIDTH / 2 + COLUMN_GAP / 2
            bend = ROW_GAP
            path.cubicTo(start + QPointF(0, bend), QPointF(side, start.y()),
                         QPointF(side, start.y() + 2 * bend))  # fmt: skip
            path.lineTo(side, end.y() - 2 * bend)
            path.cubicTo(QPointF(side, end.y()), end - QPointF(0, bend), end)
        else:
            bend = max(30.0, abs(end.y() - start.y()) / 2)
            path.cubicTo(start + QPointF(0, bend), end - QPointF(0, bend), end)
        self.end = end
        self.setPath(path)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.pen().color()
        painter.setPen(QPen(color, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setBrush(color)
        tip = self.end
        painter.drawPolygon(QPolygonF([tip, tip + QPointF(-4.5, -8), tip + QPointF(4.5, -8)]))


class GraphCanvas(QGraphicsView):
    """The model as a graph of cards. Emits the selected layers' rows, as the stack does."""

    rows_selected = Signal(list)
    #: A card was double-clicked (its name).
    node_activated = Signal(str)
    #: A status-bar message (an edit that could not be made, and why).
    message = Signal(str)

    def __init__(self, editor: Editor, layer_model: LayerModel, parent=None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.layer_model = layer_model
        self.delegate = LayerCardDelegate(self)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self.input_shapes: dict[str, tuple] = {}
        self._drag_line: QGraphicsPathItem | None = None
        self._drag_source: NodeItem | None = None
        self._fitted_for: object = None
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self.setAccessibleName("Model graph")
        self.scene().selectionChanged.connect(self._on_selection_changed)
        self.overview = GraphOverview(self)
        QShortcut(QKeySequence("Ctrl+0"), self, self.fit)
        QShortcut(QKeySequence("Ctrl+Shift+A"), self, self.arrange)
        self._pressed_at: dict[str, QPointF] = {}
        editor.positions_changed.connect(self.rebuild)
        self._structure: object = None
        editor.document.summary_changed.connect(lambda _: self.refresh())
        self.rebuild()

    # Building the scene --------------------------------------------------------------------

    def node_height(self) -> float:
        return LayerCardDelegate.sizeHint(self.delegate, self._option(), None).height()

    def _option(self) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        option.font = self.font()
        return option

    def refresh(self) -> None:
        """After an edit: a changed parameter only repaints the cards (their text comes from
        the layer model); added, removed or reconnected layers lay the graph out again."""
        arch = self.editor.architecture
        if arch.is_stack and not self.isVisible():
            if self.nodes:
                self._clear()
                self.overview.hide()
            return  # the stack view shows it
        graph = resolve(arch)
        structure = (graph.names, graph.inbound, tuple(arch.inputs), self.font().key())
        if structure == self._structure and self.nodes:
            self.viewport().update()
            self.overview.invalidate()  # a card's colour may have changed (an error)
            return
        self.rebuild()

    def rebuild(self) -> None:
        """Draw the current architecture again, keeping the selection (by name)."""
        if not self.isVisible() and self.editor.architecture.is_stack:
            self._clear()
            self.overview.hide()
            return
        arch = self.editor.architecture
        graph = resolve(arch)
        selected = set(self.selected_names())
        scene = self.scene()
        scene.blockSignals(True)
        self._clear()
        self._structure = (graph.names, graph.inbound, tuple(arch.inputs), self.font().key())
        self.input_shapes = {i.name: i.shape for i in arch.inputs}
        places = layered_layout(arch)
        height = self.node_height()
        names = arch.layer_names()
        rows = {name: i for i, name in enumerate(names)}
        saved = self.editor.positions
        for name, place in places.items():
            node = NodeItem(self, name, rows.get(name), height)
            if name in saved:
                node.setPos(*saved[name])
            else:
                node.setPos(
                    place.column * (NODE_WIDTH + COLUMN_GAP),
                    place.row * (height + ROW_GAP + PORT_RADIUS * 2),
                )
            scene.addItem(node)
            node.setSelected(name in selected)
            self.nodes[name] = node
        muted = theme.muted_text(self.palette())
        for name, sources in zip(names, graph.inbound, strict=True):
            for k, source in enumerate(sources):
                if source in self.nodes:
                    skips = places[name].row - places[source].row > 1
                    edge = EdgeItem(self.nodes[source], self.nodes[name], k, len(sources), skips)
                    edge.setPen(QPen(muted))
                    scene.addItem(edge)
                    self.edges.append(edge)
        width = self.sceneRect().width()
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 40))
        if self.sceneRect().width() != width:  # a branch more or less: keep the graph centred
            bar = self.horizontalScrollBar()
            bar.setValue((bar.minimum() + bar.maximum()) // 2)
        scene.blockSignals(False)
        self._on_selection_changed()
        if self._fitted_for is not arch.name:  # a newly opened model: show it whole
            self._fitted_for = arch.name
            self.fit()
        self.overview.invalidate()
        self.overview.update_visibility()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit()  # now that the view has its size

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.overview.update_visibility()  # in its corner, if the graph no longer fits

    def _clear(self) -> None:
        self._structure = None
        self.scene().clear()
        self.nodes = {}
        self.edges = []
        self._drag_line = None

    def fit(self) -> None:
        """Zoom so that the model's width fits the view (never larger than life, never too
        small to read); a model taller than the view starts at its inputs, to scroll down, as
        the stack does."""
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        view = self.viewport().rect()
        scale = min(1.0, view.width() / self.sceneRect().width())
        scale = max(scale, MIN_FIT_SCALE)
        if scale < 1.0:
            self.scale(scale, scale)
        top = QPointF(rect.center().x(), rect.top() + view.height() / 2 / scale - 20)
        self.centerOn(top if rect.height() * scale > view.height() else rect.center())

    # Selection ---------------------------------------------------------------------------

    def selected_names(self) -> list[str]:
        """The selected cards' names in the model's order (its inputs first)."""
        nodes = [item for item in self.scene().selectedItems() if isinstance(item, NodeItem)]
        return [n.name for n in sorted(nodes, key=lambda n: -1 if n.row is None else n.row)]

    def selected_rows(self) -> list[int]:
        return sorted(
            item.row
            for item in self.scene().selectedItems()
            if isinstance(item, NodeItem) and item.row is not None
        )

    def select_rows(self, rows: list[int]) -> None:
        wanted = set(rows)
        self.scene().blockSignals(True)
        for node in self.nodes.values():
            node.setSelected(node.row is not None and node.row in wanted)
        self.scene().blockSignals(False)
        if rows:
            last = next((n for n in self.nodes.values() if n.row == rows[-1]), None)
            if last is not None:
                self.ensureVisible(last, 40, 40)
        self._on_selection_changed()

    def _on_selection_changed(self) -> None:
        self.rows_selected.emit(self.selected_rows())
        self.overview.invalidate()

    def find(self, text: str, after_selection: bool = False) -> bool:
        """Select the first layer whose name contains ``text`` (ignoring case; the next one
        after the selection when asked) and scroll to it; False when there is none."""
        text = text.strip().lower()
        found = [n for n in self.nodes.values() if n.row is not None and text in n.name.lower()]
        if not text or not found:
            return False
        found.sort(key=lambda n: n.row)
        exact = [n for n in found if n.name.lower() == text]
        current = self.selected_rows()
        if exact and not after_selection:
            node = exact[0]
        elif after_selection and current:
            node = next((n for n in found if n.row > current[-1]), found[0])
        else:
            node = found[0]
        self.select_rows([node.row])
        self.centerOn(node)
        return True

    # Mouse: connecting, zooming ----------------------------------------------------------

    def _node_at(self, view_pos) -> NodeItem | None:
        for item in self.items(view_pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def _edge_at(self, view_pos) -> EdgeItem | None:
        for item in self.items(view_pos):
            if isinstance(item, EdgeItem):
                return item
        return None

    def mousePressEvent(self, event) -> None:
        node = self._node_at(event.position().toPoint())
        scene_pos = self.mapToScene(event.position().toPoint())
        if (
            event.button() == Qt.MouseButton.LeftButton
            and node is not None
            and node.on_output_port(scene_pos)
        ):
            self._drag_source = node
            self._drag_line = QGraphicsPathItem()
            self._drag_line.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2,
                                        Qt.PenStyle.DashLine))  # fmt: skip
            self.scene().addItem(self._drag_line)
            event.accept()
            return
        if event.button() == Qt.MouseButton.MiddleButton:
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self._pressed_at = {name: node.pos() for name, node in self.nodes.items()}
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._drag_line is not None and self._drag_source is not None:
            start = self._drag_source.output_port()
            end = self.mapToScene(event.position().toPoint())
            path = QPainterPath(start)
            path.lineTo(end)
            self._drag_line.setPath(path)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag_line is not None and self._drag_source is not None:
            source = self._drag_source
            self.scene().removeItem(self._drag_line)
            self._drag_line, self._drag_source = None, None
            target = self._node_at(event.position().toPoint())
            if target is not None and target is not source:
                self.connect_nodes(source.name, target.name)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        moved = {
            name: (node.pos().x(), node.pos().y())
            for name, node in self.nodes.items()
            if name in self._pressed_at and node.pos() != self._pressed_at[name]
        }
        self._pressed_at = {}
        if moved:  # one undo step for the cards dragged together
            text = f"Move {next(iter(moved))}" if len(moved) == 1 else f"Move {len(moved)} cards"
            self.editor.set_positions({**self.editor.positions, **moved}, text)

    def node_moved(self, node: NodeItem) -> None:
        """A card is being dragged: its connections follow it."""
        for edge in self.edges:
            if edge.source is node or edge.target is node:
                edge.update_path()
        self.overview.invalidate()

    def arrange(self) -> None:
        """Forget where the person put the cards: the automatic layout again (undoable)."""
        if self.editor.positions:
            self.editor.set_positions({}, "Arrange the cards")

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            scale = self.transform().m11() * factor
            if 0.1 <= scale <= 3.0:
                self.scale(factor, factor)
            event.accept()
            return
        super().wheelEvent(event)

    def contextMenuEvent(self, event) -> None:
        self.context_menu(event.pos()).exec(event.globalPos())

    def context_menu(self, view_pos) -> QMenu:
        """The menu for what is under ``view_pos``: a block's Ungroup, a connection's Delete,
        or the canvas' own Arrange and Fit."""
        menu = QMenu(self)
        node = self._node_at(view_pos)
        if node is not None and node.row is not None:
            layer = self.editor.architecture.layers[node.row]
            if layer.block is not None:
                row = node.row
                menu.addAction(
                    f"Ungroup {layer.name} into the model",
                    lambda: self.select_rows(self._try(self.editor.ungroup_block, row) or [row]),
                )
                menu.addSeparator()
        edge = self._edge_at(view_pos)
        if edge is None:
            arrange = menu.addAction("Arrange Automatically (Ctrl+Shift+A)", self.arrange)
            arrange.setEnabled(bool(self.editor.positions))
            menu.addAction("Fit in View (Ctrl+0)", self.fit)
            return menu
        source, target = edge.source.name, edge.target.name
        menu.addAction(
            f"Delete connection {source} → {target}",
            lambda: self._try(self.editor.disconnect_layers, source, target),
        )
        return menu

    # Edits -------------------------------------------------------------------------------

    def _try(self, edit, *args):
        from nnstudio.core.graph_edits import GraphEditError

        try:
            return edit(*args)
        except GraphEditError as e:
            self.message.emit(f"Cannot do that: {e}")
            return None

    def connect_nodes(self, source: str, target: str) -> None:
        if self.nodes[target].row is None:
            self.message.emit(f"{target} is a model input: nothing flows into it")
            return
        self._try(self.editor.connect_layers, source, target)

    # Dropping palette layers ---------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(LAYER_TYPE_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(LAYER_TYPE_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        if not mime.hasFormat(LAYER_TYPE_MIME):
            super().dropEvent(event)
            return
        type_name = bytes(mime.data(LAYER_TYPE_MIME)).decode()
        pos = event.position().toPoint()
        node, edge = self._node_at(pos), self._edge_at(pos)
        if node is not None:
            row = self._try(self.editor.add_after, node.name, type_name)
        elif edge is not None:
            row = self._try(self.editor.add_into, edge.source.name, edge.target.name, type_name)
        else:
            selected = self.selected_names()
            row = self._try(self.editor.add_after, selected[-1] if selected else None, type_name)
        event.acceptProposedAction()
        if row is not None:
            self.select_rows([row])
