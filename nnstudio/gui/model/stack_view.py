"""The layer stack: one card per layer, dragged and dropped to reorder or to add."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate

from nnstudio.core.summary import ERROR
from nnstudio.gui import theme
from nnstudio.gui.model.layer_model import (
    DescriptionRole,
    DetailRole,
    GroupRole,
    ProblemsRole,
    SeverityRole,
)

ROLE = Qt.ItemDataRole


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    )


class LayerCardDelegate(QStyledItemDelegate):
    """Paints a layer as a card: group stripe and icon, "Conv2D 32 3x3 relu" in bold, and
    below it the output shape and parameter count, or the problem in red or amber."""

    MARGIN = 3
    STRIPE = 5

    def sizeHint(self, option, index) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(240, 2 * line + 16)

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette: QPalette = option.palette
        rect = QRectF(option.rect).adjusted(
            self.MARGIN, self.MARGIN / 2, -self.MARGIN, -self.MARGIN / 2
        )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        severity = index.data(SeverityRole)
        accent = theme.severity_color(severity) or theme.group_color(index.data(GroupRole))
        base = palette.color(QPalette.ColorRole.Base)
        background = palette.color(QPalette.ColorRole.Highlight) if selected else base
        if severity and not selected:
            background = _mix(base, accent, 0.14)
        border = _mix(base, palette.color(QPalette.ColorRole.Text), 0.22)
        painter.setPen(border)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(
            QRectF(rect.left(), rect.top(), self.STRIPE * 2, rect.height()), 4, 4
        )
        painter.setBrush(background)
        painter.drawRect(
            QRectF(rect.left() + self.STRIPE, rect.top() + 1, self.STRIPE, rect.height() - 2)
        )

        line = QFontMetrics(option.font).height()
        icon_size = min(24, int(rect.height()) - 12)
        icon_rect = QRectF(
            rect.left() + 14, rect.center().y() - icon_size / 2, icon_size, icon_size
        )
        icon = index.data(ROLE.DecorationRole)
        if icon is not None:
            icon.paint(painter, icon_rect.toRect())

        text_left = icon_rect.right() + 10
        width = rect.right() - text_left - 8
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        top = QRectF(text_left, rect.top() + 6, width, line)
        painter.drawText(
            top,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(
                index.data(DescriptionRole), Qt.TextElideMode.ElideRight, int(width)
            ),
        )

        problems = index.data(ProblemsRole) or []
        painter.setFont(option.font)
        if problems:
            first = problems[0]
            mark = "✗ " if first.severity == ERROR else "⚠ "
            detail = mark + first.message
            color = text if selected else theme.severity_color(first.severity)
            if not selected and theme.is_dark(palette):
                color = color.lighter(130)
        else:
            detail = index.data(DetailRole)
            color = text if selected else theme.muted_text(palette)
        painter.setPen(color)
        bottom = QRectF(text_left, top.bottom() + 2, width, line)
        elided = QFontMetrics(option.font).elidedText(
            detail, Qt.TextElideMode.ElideRight, int(width)
        )
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()


class StackView(QListView):
    """The layer cards. Drop palette layers anywhere; drag cards to reorder them."""

    #: The selected rows changed (sorted).
    rows_selected = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(LayerCardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Layer stack")
        self.setToolTip("")

    def setModel(self, model) -> None:
        super().setModel(model)
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        # Qt moves the selection with inserted, removed and moved rows without saying so.
        for signal in (model.rowsInserted, model.rowsRemoved, model.rowsMoved, model.modelReset):
            signal.connect(self._on_selection_changed)
        model.rows_dropped.connect(self.select_rows)

    def selected_rows(self) -> list[int]:
        # selectedIndexes, not selectedRows: a click selects only the card's column.
        return sorted({i.row() for i in self.selectionModel().selectedIndexes()})

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows, make the last current and visible."""
        model = self.model()
        selection = QItemSelection()
        for row in rows:
            if 0 <= row < model.rowCount():
                index = model.index(row, 0)
                selection.select(index, index)
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
        if rows and 0 <= rows[-1] < model.rowCount():
            current = model.index(rows[-1], 0)
            self.selectionModel().setCurrentIndex(current, flags.NoUpdate)
            self.scrollTo(current)

    def _on_selection_changed(self, *_) -> None:
        self.rows_selected.emit(self.selected_rows())

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(theme.muted_text(self.palette()))
            painter.drawText(
                self.viewport().rect().adjusted(20, 20, -20, -20),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                "No layers yet.\n\nDouble-click a layer in the palette on the left, or drag it "
                "here. A first network for digits: Flatten, then Dense, then Dense with 10 "
                "units and softmax.\n\nHelp > Getting Started (F1) walks you through it.",
            )
