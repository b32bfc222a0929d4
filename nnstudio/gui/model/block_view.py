"""What is inside a block (a model used as a layer, such as ConvNeXt's Sequential stem): its
layers with their output shapes and parameters, as Keras' ``summary(expand_nested=True)``
lists them, a block inside it expandable in turn."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from nnstudio.core.formatting import format_count, format_shape
from nnstudio.core.summary import Summary

#: Deeper blocks start folded: the first level is what a person looks for.
EXPANDED_LEVELS = 1


class BlockTree(QTreeWidget):
    """The layers of a block, read-only: ungroup the block to edit them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Layer (type)", "Output shape", "Param #"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setToolTip(
            "The layers inside this block, with their output shapes and parameters as Keras "
            "counts them. A block is edited as a whole; ungroup it to edit its layers."
        )
        self._shown: Summary | None = None

    def show_block(self, summary: Summary | None) -> None:
        """List ``summary``'s layers (nothing for None); unchanged summaries are not redrawn."""
        if summary is self._shown:
            return
        self._shown = summary
        self.clear()
        if summary is not None:
            self._add_rows(self.invisibleRootItem(), summary, 0)
        self.setMinimumHeight(min(320, 28 + 22 * min(12, self.topLevelItemCount())))

    def _add_rows(self, parent: QTreeWidgetItem, summary: Summary, level: int) -> None:
        for row in summary.layers:
            item = QTreeWidgetItem(
                [
                    f"{row.name} ({row.type})",
                    format_shape(row.output_shape),
                    format_count(row.params),
                ]
            )
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, row.description)
            parent.addChild(item)
            if row.block is not None:
                self._add_rows(item, row.block, level + 1)
                item.setExpanded(level + 1 < EXPANDED_LEVELS)
