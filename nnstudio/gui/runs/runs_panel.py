"""The Runs tab: every training run of the project, their curves overlaid, and a table of what
differs between them - what article 003 does by hand, comparing 784-50-10 with a wider, a
deeper, a regularised network, more epochs and a CNN."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
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

from nnstudio.core.jsonfile import write_atomic
from nnstudio.core.training.runs import differences, history_csv
from nnstudio.gui import dialogs
from nnstudio.gui.model.editor import Editor

METRICS = ("val_accuracy", "accuracy", "val_loss", "loss", "val_mae", "mae", "learning_rate")


class RunsPanel(QWidget):
    def __init__(self, editor: Editor, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._listed: set[int] = set()  # ids of the runs the list has shown
        self.list = QListWidget()
        self.list.setAccessibleName("Runs")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)  # "Run 2: MNIST CNN, 2 epochs — accuracy 0.97" whole
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.metric_box = QComboBox()
        self.metric_box.setToolTip("The curve to compare, per epoch")
        self.delete_button = QPushButton("Delete selected runs")
        self.delete_button.setToolTip(
            "Delete the runs selected (highlighted) in the list, not only ticked; Ctrl+Z undoes"
        )
        self.delete_button.setEnabled(False)
        self.csv_button = QPushButton("Save History as CSV…")
        self.csv_button.setToolTip(
            "Save the highlighted run's per-epoch values (loss, accuracy, validation, learning "
            "rate) as a CSV file for a spreadsheet or pandas"
        )
        self.csv_button.setEnabled(False)
        self.png_button = QPushButton("Save Plot…")
        self.png_button.setToolTip("Save the plot of the ticked runs as PNG")
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # The runs share the table's width, their long values (the layers) wrapped: no
        # sideways scrolling at 1280x800.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(True)
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
        column.addWidget(self.csv_button)
        right = QWidget()
        details = QVBoxLayout(right)
        row = QHBoxLayout()
        row.addWidget(QLabel("Curve:"))
        row.addWidget(self.metric_box)
        row.addStretch(1)
        row.addWidget(self.png_button)
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
        self.metric_box.currentIndexChanged.connect(self.refresh)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.csv_button.clicked.connect(lambda: self.save_history())
        self.png_button.clicked.connect(lambda: self.save_plot())
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
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
        """List the runs, newest first. A run not listed before is ticked (you just trained
        it: you want to see it against the others); the ticks you changed stay. A project
        opened shows its three newest runs ticked."""
        ids = {r.id for r in self._editor.runs}
        if ids.isdisjoint(self._listed):  # another project
            self._listed = set()
            new = {r.id for r in self._editor.runs[-3:]}
        else:
            new = ids - self._listed
        checked = set(self.checked_ids()) & ids | new
        self._listed = ids
        self.list.blockSignals(True)
        self.list.clear()
        for run in reversed(self._editor.runs):
            item = QListWidgetItem(run.label)
            item.setData(Qt.ItemDataRole.UserRole, run.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = run.id in checked
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
        self._offer_metrics(runs)
        if self.plot is not None:
            self.plot.show_runs(runs, self.metric_box.currentData())
        rows = differences(runs) if runs else []
        self.table.clear()
        self.table.setColumnCount(len(runs))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels([f"run {r.id}" for r in runs])
        self.table.setVerticalHeaderLabels([what for what, _ in rows])
        for r, (_, values) in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeRowsToContents()

    def _offer_metrics(self, runs) -> None:
        """The curves the ticked runs have (XOR without validation has no val accuracy),
        keeping the one chosen while it is there."""
        have = [m for m in METRICS if any(m in run.history for run in runs)] or list(METRICS)
        if have == [self.metric_box.itemData(i) for i in range(self.metric_box.count())]:
            return
        current = self.metric_box.currentData()
        self.metric_box.blockSignals(True)
        self.metric_box.clear()
        for metric in have:
            self.metric_box.addItem(metric.replace("_", " "), metric)
        self.metric_box.setCurrentIndex(have.index(current) if current in have else 0)
        self.metric_box.blockSignals(False)

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(bool(self.list.selectedItems()))
        self.csv_button.setEnabled(self.current_run() is not None)

    def current_run(self):
        """The run highlighted in the list (the last one clicked), or None."""
        selected = self.list.selectedItems()
        if not selected:
            return None
        run_id = selected[-1].data(Qt.ItemDataRole.UserRole)
        return next((run for run in self._editor.runs if run.id == run_id), None)

    def _suggest(self, ending: str) -> str:
        name = f"{dialogs.file_stem(self._editor.architecture.name)}-{ending}"
        return os.path.join(os.path.expanduser("~"), name)

    def save_history(self, path: str | None = None) -> bool:
        """The highlighted run's history as CSV (asking where when no path is given)."""
        run = self.current_run()
        if run is None:
            return False
        data = history_csv(run).encode("utf-8")
        return bool(
            dialogs.save_with(
                self,
                "save the history",
                self._suggest(f"run-{run.id}.csv"),
                dialogs.CSV_FILTER,
                lambda p: write_atomic(p, data),
                path,
            )
        )

    def save_plot(self, path: str | None = None) -> bool:
        """The runs' plot as PNG (asking where when no path is given)."""
        from nnstudio.gui.plots import save_png

        if self.plot is None:
            return False
        plot = self.plot.widget
        return bool(
            dialogs.save_with(
                self,
                "save the plot",
                self._suggest("runs.png"),
                dialogs.PNG_FILTER,
                lambda p: save_png([plot], p),
                path,
            )
        )

    def delete_selected(self) -> None:
        doomed = {item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        if doomed:
            kept = tuple(run for run in self._editor.runs if run.id not in doomed)
            self._editor.delete_runs(kept, f"Delete {len(doomed)} run(s)")
