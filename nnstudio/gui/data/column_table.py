"""The Data tab's column table for a table dataset: each column of the file with its kind (which
the person can change), what it is used as (an input, the target, ignored), its missing cells
and a few of its values; and the task (classes or a number) that follows from the target.

Every choice is an option of the dataset's source, set through the editor (one undo step each),
so the dataset is read again with it, as ``nnstudio train --target --task`` reads it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.datasets import Dataset, DatasetSource
from nnstudio.core.datasets.table_file import INPUT_KINDS, KIND_HELP, KINDS, Column
from nnstudio.gui.model.editor import Editor

INPUT, TARGET, IGNORED = "input", "target", "ignored"
ROLES = {
    INPUT: "Input",
    TARGET: "Target (to predict)",
    IGNORED: "Ignored",
}
ROLE_HELP = {
    INPUT: "The model learns from this column",
    TARGET: "The column the model learns to predict; the task follows from it",
    IGNORED: "Left out of the inputs (an identifier, or a column that would give the answer away)",
}
TASKS = {
    "auto": "From the target (categories or a few whole numbers are classes)",
    "classify": "Classify (one class per value of the target)",
    "regress": "Regress (predict the target's number)",
}
HEADERS = ("Column", "Kind", "Used as", "Missing", "Values, e.g.")


class ColumnTable(QWidget):
    """A table's columns and the task; hidden for datasets that are not tables."""

    def __init__(self, editor: Editor, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._columns: tuple[Column, ...] = ()
        self._dataset: Dataset | None = None
        self.task = QComboBox()
        self.task.setAccessibleName("Task")
        for key, text in TASKS.items():
            self.task.addItem(text, key)
        self.task.setToolTip(
            "Classification answers a class and its probability; regression answers a number, "
            "scaled for training and given back in the target's own units"
        )
        self.view = QTableWidget(0, len(HEADERS))
        self.view.setAccessibleName("Columns")
        self.view.setHorizontalHeaderLabels(HEADERS)
        self.view.verticalHeader().setVisible(False)
        self.view.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        form = QFormLayout()
        form.addRow("Task", self.task)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Columns</b> (change a kind or what a column is used as)"))
        layout.addLayout(form)
        layout.addWidget(self.view)
        self.task.activated.connect(lambda _: self._set(task=self.task.currentData()))
        self.setVisible(False)

    @property
    def source(self) -> DatasetSource:
        return self._editor.dataset

    def show_dataset(self, dataset: Dataset) -> None:
        """Fill the table from a loaded table dataset (hide it for any other)."""
        self._dataset = dataset
        self._columns = tuple(dataset.columns)
        self.setVisible(bool(self._columns))
        if not self._columns:
            return
        target = dataset.preprocessing.target.column if dataset.preprocessing else ""
        ignored = set(self.source.options.get("ignore", ()) or ())
        self.view.setRowCount(len(self._columns))
        for row, column in enumerate(self._columns):
            role = TARGET if column.name == target else IGNORED if column.name in ignored else INPUT
            self._fill_row(row, column, role)
        self.view.resizeRowsToContents()
        height = self.view.verticalHeader().length() + self.view.horizontalHeader().height()
        self.view.setMinimumHeight(min(height + 4, 360))
        task = str(self.source.options.get("task") or "auto")
        self.task.setCurrentIndex(max(self.task.findData(task), 0))

    def _fill_row(self, row: int, column: Column, role: str) -> None:
        name = QTableWidgetItem(column.name)
        name.setToolTip(f"{column.distinct:,} distinct values")
        self.view.setItem(row, 0, name)
        kind = QComboBox()
        kind.setAccessibleName(f"Kind of {column.name}")
        for k in KINDS:
            kind.addItem(k + (" (inferred)" if k == column.inferred else ""), k)
            kind.setItemData(kind.count() - 1, KIND_HELP[k], Qt.ItemDataRole.ToolTipRole)
        kind.setCurrentIndex(KINDS.index(column.kind))
        kind.setToolTip(KIND_HELP[column.kind])
        kind.activated.connect(lambda _, c=column.name, w=kind: self._retype(c, w.currentData()))
        self.view.setCellWidget(row, 1, kind)
        self.view.setCellWidget(row, 2, self._role_box(column, role))
        missing = QTableWidgetItem(f"{column.missing:,}" if column.missing else "")
        missing.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column.missing:
            missing.setToolTip(self._missing_help(column))
        self.view.setItem(row, 3, missing)
        examples = QTableWidgetItem(", ".join(column.examples))
        examples.setToolTip(", ".join(column.examples))
        self.view.setItem(row, 4, examples)

    @staticmethod
    def _missing_help(column: Column) -> str:
        text = f"{column.missing:,} cells are missing"
        if column.not_numbers and column.first_not_number is not None:
            _, value = column.first_not_number
            text += f", {column.not_numbers:,} of them not numbers (the first: {value!r})"
        if column.kind == "number":
            return text + "; they are filled with the training rows' mean"
        if column.kind == "category":
            return text + "; a missing value counts as a value of its own"
        return text

    def _role_box(self, column: Column, role: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Use of {column.name}")
        for key, text in ROLES.items():
            box.addItem(text, key)
            box.setItemData(box.count() - 1, ROLE_HELP[key], Qt.ItemDataRole.ToolTipRole)
        if column.kind not in INPUT_KINDS and role == INPUT:
            # Text, an identifier or an empty column is never an input: say why, in its place.
            box.setItemText(0, f"Not an input ({column.kind})")
            box.setItemData(0, KIND_HELP[column.kind], Qt.ItemDataRole.ToolTipRole)
        box.setCurrentIndex(list(ROLES).index(role))
        box.setToolTip(box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole))
        box.activated.connect(lambda _, c=column.name, w=box: self._use(c, w.currentData()))
        return box

    # Choices -----------------------------------------------------------------------------

    def _set(self, **options) -> None:
        source = self.source
        changed = {k: v for k, v in options.items() if source.options.get(k) != v}
        if changed:
            self._editor.set_dataset(source.with_options(**changed))
        elif self._dataset is not None:  # nothing to change: show what holds again
            self.show_dataset(self._dataset)

    def _retype(self, column: str, kind: str) -> None:
        kinds = dict(self.source.options.get("kinds", {}) or {})
        inferred = next(c.inferred for c in self._columns if c.name == column)
        if kind == inferred:
            kinds.pop(column, None)
        else:
            kinds[column] = kind
        self._set(kinds=kinds)

    def _use(self, column: str, role: str) -> None:
        options = self.source.options
        ignored = [c for c in (options.get("ignore", ()) or ()) if c != column]
        changes: dict = {"ignore": ignored}
        if role == TARGET:
            changes["target"] = column
        elif role == IGNORED:
            changes["ignore"] = [*ignored, column]
        self._set(**changes)
