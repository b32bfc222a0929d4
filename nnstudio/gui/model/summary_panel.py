"""The summary: Keras' ``model.summary()`` table, its totals, and every problem with its fix."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.formatting import format_count, format_macs, readable_bytes
from nnstudio.core.summary import Summary
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.model.inspector import ProblemList, ProblemRow
from nnstudio.gui.model.layer_model import LayerModel


class SummaryPanel(QWidget):
    #: A problem or a table row was clicked: select that layer.
    layer_activated = Signal(int)
    #: A fix button was clicked.
    fix_requested = Signal(object)

    def __init__(self, editor: Editor, model: LayerModel, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Model summary")
        # Widths from the font, not from the contents: measuring every row on every edit
        # would cost more than the rest of the edit.
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)  # a selected row is not a column to point out
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, metrics.horizontalAdvance("(None, 128, 128, 32)") + 12)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, metrics.horizontalAdvance("123,456,789") + 16)
        self.table.clicked.connect(lambda index: self.layer_activated.emit(index.row()))

        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_title = QLabel()
        self.problems = ProblemList(show_layer=True)
        self.problems.fix_requested.connect(self.fix_requested)
        self.problems.setAccessibleName("Problems")
        self.problems.layer_activated.connect(self.layer_activated)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.totals)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.problems_title)
        bottom_layout.addWidget(self.problems, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._shown_problems = None
        editor.document.summary_changed.connect(self._on_summary)
        self._on_summary(editor.summary)

    def _on_summary(self, summary: Summary) -> None:
        def count(n):
            return format_count(n) if n is None else f"{n:,} ({readable_bytes(n * 4)})"

        self.totals.setText(
            f"<b>Total params:</b> {count(summary.total_params)}<br>"
            f"Trainable params: {count(summary.trainable_params)}<br>"
            f"Non-trainable params: {count(summary.non_trainable_params)}<br>"
            f"Multiply-adds per sample: {format_macs(summary.macs)}"
        )
        problems = summary.problems
        if problems == self._shown_problems:
            return
        self._shown_problems = problems
        self.problems_title.setText(
            f"<b>Problems ({len(problems)})</b>"
            if problems
            else "<b>Problems</b> — none: Keras accepts this model."
        )
        self.problems.setVisible(bool(problems))
        self.problems.show_problems(problems)

    def show_rows(self, rows: list[int]) -> None:
        """Select the rows the stack or the canvas selected, so that the table and the cards
        select together. The table's own signals are blocked meanwhile: the selection came
        from the view and is not to be sent back to it."""
        model = self.table.model()
        count, last = model.rowCount(), model.columnCount() - 1
        selection = QItemSelection()
        for first, end in _runs([row for row in rows if 0 <= row < count]):
            selection.select(model.index(first, 0), model.index(end, last))
        flags = QItemSelectionModel.SelectionFlag
        with QSignalBlocker(self.table):
            self.table.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
            if not selection.isEmpty():
                current = model.index(selection.last().bottom(), 0)
                self.table.selectionModel().setCurrentIndex(current, flags.NoUpdate)
                self.table.scrollTo(current)

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedIndexes()})

    def problem_rows(self) -> list[ProblemRow]:
        return self.problems.rows


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive ones: one selection range per run,
    so that a rubber band over ResNet50's cards is a handful of ranges, not 177."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
