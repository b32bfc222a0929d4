"""The Runs tab: every training run of the project, their curves overlaid, and a table of what
differs between them - what article 003 does by hand, comparing 784-50-10 with a wider, a
deeper, a regularised network, more epochs and a CNN."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.training.runs import differences
from nnstudio.gui.editor import Editor
from nnstudio.gui.undo import AttributeCommand

METRICS = ("val_accuracy", "accuracy", "val_loss", "loss", "val_mae", "mae", "learning_rate")


class RunsPanel(QWidget):
    def __init__(self, editor: Editor, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self.list = QListWidget()
        self.list.setAccessibleName("Runs")
        self.metric = QComboBox()
        for metric in METRICS:
            self.metric.addItem(metric.replace("_", " "), metric)
        self.delete_button = QPushButton("Delete selected runs")
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.plot = None
        self.plot_host = QVBoxLayout()
        self.hint = QLabel(
            "Each training run is recorded here. Tick runs to overlay their "
            "curves and see what differs between them."
        )
        self.hint.setWordWrap(True)

        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(self.hint)
        column.addWidget(self.list, 1)
        column.addWidget(self.delete_button)
        right = QWidget()
        details = QVBoxLayout(right)
        row = QHBoxLayout()
        row.addWidget(QLabel("Curve:"))
        row.addWidget(self.metric)
        row.addStretch(1)
        details.addLayout(row)
        details.addLayout(self.plot_host, 3)
        details.addWidget(self.table, 2)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.list.itemChanged.connect(self.refresh)
        self.metric.currentIndexChanged.connect(self.refresh)
        self.delete_button.clicked.connect(self.delete_selected)
        editor.runs_changed.connect(self.show_runs)
        self.show_runs()

    def showEvent(self, event) -> None:
        if self.plot is None:
            from nnstudio.gui.plots import RunsPlot

            self.plot = RunsPlot()
            self.plot_host.addWidget(self.plot)
            self.refresh()
        super().showEvent(event)

    def show_runs(self) -> None:
        checked = set(self.checked_ids())
        first = not checked
        self.list.blockSignals(True)
        self.list.clear()
        for run in reversed(self._editor.runs):
            item = QListWidgetItem(run.label)
            item.setData(Qt.ItemDataRole.UserRole, run.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = run.id in checked or (first and len(checked) < 3)
            if first and ticked:
                checked.add(run.id)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            item.setToolTip(f"{run.started}: {run.message}; seed {run.seed}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.refresh()

    def checked_ids(self) -> list[int]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def selected_runs(self):
        ids = set(self.checked_ids())
        return [run for run in self._editor.runs if run.id in ids]

    def refresh(self, *_) -> None:
        runs = self.selected_runs()
        if self.plot is not None:
            self.plot.show_runs(runs, self.metric.currentData())
        rows = differences(runs) if runs else []
        self.table.clear()
        self.table.setColumnCount(len(runs))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels([f"run {r.id}" for r in runs])
        self.table.setVerticalHeaderLabels([what for what, _ in rows])
        for r, (_, values) in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def delete_selected(self) -> None:
        doomed = {item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        if doomed:
            kept = tuple(run for run in self._editor.runs if run.id not in doomed)
            self._editor.undo_stack.push(
                AttributeCommand(self._editor, "runs", kept, f"Delete {len(doomed)} run(s)")
            )
