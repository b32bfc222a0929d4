"""The layer stack as a Qt table model: one row per layer, the summary's columns.

The document's events become Qt's row insertions, removals and moves. The model keeps its own
snapshot of the layers, updated between ``begin...`` and ``end...``, so views never see a
change before they are told of it. Drops (a layer type from the palette, or rows of the stack)
are not applied here: they go to the editor as undoable commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon

from nnstudio.core.architecture import LayerConfig
from nnstudio.core.catalogue import CATALOGUE
from nnstudio.core.formatting import format_count, format_shape
from nnstudio.core.summary import ERROR, WARNING, LayerSummary
from nnstudio.gui import theme
from nnstudio.gui.model.editor import Editor

LAYER_TYPE_MIME = "application/x-nnstudio-layer-type"
LAYER_ROWS_MIME = "application/x-nnstudio-layer-rows"

ROLE = Qt.ItemDataRole
DescriptionRole = ROLE.UserRole + 1
DetailRole = ROLE.UserRole + 2
SeverityRole = ROLE.UserRole + 3
ProblemsRole = ROLE.UserRole + 4
GroupRole = ROLE.UserRole + 5

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class _Cells:
    """Everything the views show of one row."""

    display: tuple[str, str, str]
    icon: QIcon
    roles: dict[int, Any]

    @classmethod
    def of(cls, layer: LayerConfig, summary: LayerSummary | None) -> _Cells:
        group = CATALOGUE[layer.type].group
        problems = list(summary.problems) if summary else []
        severity = (ERROR if summary.has_error else WARNING) if problems else None
        if summary is None:
            display = (layer.type, "", "")
            detail = ""
        else:
            shape, params = format_shape(summary.output_shape), summary.params
            display = (f"{summary.name} ({summary.type})", shape, format_count(params))
            count = "? params" if params is None else f"{params:,} params"
            detail = f"{summary.name} → {shape} · {count}"
        tooltip = [f"<b>{layer.describe()}</b>", CATALOGUE[layer.type].help]
        tooltip += [f"{'✗' if p.severity == ERROR else '⚠'} {p.message}" for p in problems]
        color = theme.severity_color(severity)
        roles = {
            DescriptionRole: layer.describe(),
            DetailRole: detail,
            GroupRole: group,
            ProblemsRole: problems,
            SeverityRole: severity,
            ROLE.ToolTipRole: "<br>".join(tooltip),
            ROLE.BackgroundRole: theme.tinted(color, 48) if color else None,
        }
        icon = theme.severity_icon(severity) if severity else theme.group_icon(group)
        return cls(display, icon, roles)


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
        self._cache: dict[int, _Cells] = {}
        document.layer_inserted.connect(self._on_inserted)
        document.layer_removed.connect(self._on_removed)
        document.layer_moved.connect(self._on_moved)
        document.layer_changed.connect(self._on_changed)
        document.reset.connect(self._on_reset)
        document.summary_changed.connect(self._on_summary)

    # Document events ---------------------------------------------------------------------

    def _snapshot(self) -> None:
        self._layers = self._editor.document.architecture.layers
        self._cache.clear()

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
        self._rows = ()
        self._snapshot()
        self.endResetModel()

    def _on_summary(self, summary) -> None:
        self._rows = summary.layers
        self._cache.clear()
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
            return _RIGHT if section == 2 else Qt.AlignmentFlag.AlignLeft
        return None

    def row(self, row: int) -> LayerSummary | None:
        """The summary row, or None while the summary catches up with an edit."""
        if row < len(self._rows) and self._rows[row].layer is self._layers[row]:
            return self._rows[row]
        return None

    def data(self, index: Index, role: int = ROLE.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._layers):
            return None
        cells = self._cells(index.row())
        column = index.column()
        if role == ROLE.DisplayRole:
            return cells.display[column]
        if role == ROLE.DecorationRole:
            return cells.icon if column == 0 else None
        if role == ROLE.TextAlignmentRole:
            return _RIGHT if column == 2 else None
        return cells.roles.get(role)

    def _cells(self, row: int) -> _Cells:
        """What the views show of a row, computed once per summary (views ask many times)."""
        cells = self._cache.get(row)
        if cells is None:
            cells = self._cache[row] = _Cells.of(self._layers[row], self.row(row))
        return cells

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
