"""The layer stack as a Qt table model: one row per layer, the summary's columns.

The document's events become Qt's row insertions, removals and moves. The model keeps its own
snapshot of the layers, updated between ``begin...`` and ``end...``, so views never see a
change before they are told of it. Drops (a layer type from the palette, or rows of the stack)
are not applied here: they go to the editor as undoable commands.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from nnstudio.core.catalogue import CATALOGUE
from nnstudio.core.formatting import format_count, format_shape
from nnstudio.core.summary import ERROR, WARNING, LayerSummary
from nnstudio.gui import theme
from nnstudio.gui.editor import Editor

LAYER_TYPE_MIME = "application/x-nnstudio-layer-type"
LAYER_ROWS_MIME = "application/x-nnstudio-layer-rows"

ROLE = Qt.ItemDataRole
DescriptionRole = ROLE.UserRole + 1
DetailRole = ROLE.UserRole + 2
SeverityRole = ROLE.UserRole + 3
ProblemsRole = ROLE.UserRole + 4
GroupRole = ROLE.UserRole + 5

Index = QModelIndex | QPersistentModelIndex


class LayerModel(QAbstractTableModel):
    COLUMNS = ("Layer (type)", "Output Shape", "Param #")

    #: Rows that a drop added or moved, so that the view can select them.
    rows_dropped = Signal(list)

    def __init__(self, editor: Editor, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        document = editor.document
        self._layers = document.architecture.layers
        self._rows = document.summary.layers
        document.layer_inserted.connect(self._on_inserted)
        document.layer_removed.connect(self._on_removed)
        document.layer_moved.connect(self._on_moved)
        document.layer_changed.connect(self._on_changed)
        document.reset.connect(self._on_reset)
        document.summary_changed.connect(self._on_summary)

    # Document events ---------------------------------------------------------------------

    def _snapshot(self) -> None:
        self._layers = self._editor.document.architecture.layers

    def _on_inserted(self, index: int) -> None:
        self.beginInsertRows(QModelIndex(), index, index)
        self._snapshot()
        self.endInsertRows()

    def _on_removed(self, index: int) -> None:
        self.beginRemoveRows(QModelIndex(), index, index)
        self._snapshot()
        self.endRemoveRows()

    def _on_moved(self, source: int, target: int) -> None:
        # Qt wants the row the moved one will stand before, counted before the move.
        before = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), before)
        self._snapshot()
        self.endMoveRows()

    def _on_changed(self, index: int) -> None:
        self._snapshot()
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(self.COLUMNS) - 1))

    def _on_reset(self) -> None:
        self.beginResetModel()
        self._snapshot()
        self._rows = ()
        self.endResetModel()

    def _on_summary(self, summary) -> None:
        self._rows = summary.layers
        if self._layers:
            last = self.index(len(self._layers) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # Reading -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._layers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role: int = ROLE.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == ROLE.DisplayRole:
            return self.COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == ROLE.TextAlignmentRole:
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            return right if section == 2 else Qt.AlignmentFlag.AlignLeft
        return None

    def row(self, row: int) -> LayerSummary | None:
        """The summary row, or None while the summary catches up with an edit."""
        if row < len(self._rows) and self._rows[row].layer is self._layers[row]:
            return self._rows[row]
        return None

    def data(self, index: Index, role: int = ROLE.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._layers):
            return None
        layer = self._layers[index.row()]
        summary = self.row(index.row())
        column = index.column()
        if role == ROLE.DisplayRole:
            if summary is None:
                return layer.type if column == 0 else ""
            return (
                f"{summary.name} ({summary.type})",
                format_shape(summary.output_shape),
                format_count(summary.params),
            )[column]
        if role == DescriptionRole:
            return layer.describe()
        if role == DetailRole:
            return self._detail(summary)
        if role == GroupRole:
            return CATALOGUE[layer.type].group
        if role == ProblemsRole:
            return list(summary.problems) if summary else []
        if role == SeverityRole:
            return self._severity(summary)
        if role == ROLE.DecorationRole and column == 0:
            severity = self._severity(summary)
            return (
                theme.severity_icon(severity)
                if severity
                else theme.group_icon(CATALOGUE[layer.type].group)
            )
        if role == ROLE.ToolTipRole:
            return self._tooltip(layer, summary)
        if role == ROLE.BackgroundRole:
            color = theme.severity_color(self._severity(summary))
            return theme.tinted(color, 48) if color else None
        if role == ROLE.TextAlignmentRole and column == 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    @staticmethod
    def _severity(summary: LayerSummary | None) -> str | None:
        if summary is None or not summary.problems:
            return None
        return ERROR if summary.has_error else WARNING

    @staticmethod
    def _detail(summary: LayerSummary | None) -> str:
        if summary is None:
            return ""
        params = summary.params
        count = "? params" if params is None else f"{params:,} params"
        return f"{summary.name} → {format_shape(summary.output_shape)} · {count}"

    @staticmethod
    def _tooltip(layer, summary: LayerSummary | None) -> str:
        lines = [f"<b>{layer.describe()}</b>", CATALOGUE[layer.type].help]
        for p in summary.problems if summary else ():
            mark = "✗" if p.severity == ERROR else "⚠"
            lines.append(f"{mark} {p.message}")
        return "<br>".join(lines)

    # Drag and drop -----------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [LAYER_ROWS_MIME, LAYER_TYPE_MIME]

    def mimeData(self, indexes) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(LAYER_ROWS_MIME, json.dumps(rows).encode())
        mime.setText("\n".join(self._layers[r].describe() for r in rows))
        return mime

    def canDropMimeData(self, data: QMimeData, action, row, column, parent: Index) -> bool:
        return data.hasFormat(LAYER_ROWS_MIME) or data.hasFormat(LAYER_TYPE_MIME)

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent: Index) -> bool:
        """Insert a palette layer or move stack rows to where they were dropped.

        Returns False after a move: the editor has already moved the rows, and Qt must not
        remove the "source" rows as it would after a move it made itself.
        """
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._layers)
        if data.hasFormat(LAYER_TYPE_MIME):
            type_name = bytes(data.data(LAYER_TYPE_MIME)).decode()
            if type_name not in CATALOGUE:
                return False
            self.rows_dropped.emit([self._editor.insert_layer(type_name, row)])
            return True
        if data.hasFormat(LAYER_ROWS_MIME):
            rows = json.loads(bytes(data.data(LAYER_ROWS_MIME)).decode())
            self.rows_dropped.emit(self._editor.move_rows_to(rows, row))
        return False
