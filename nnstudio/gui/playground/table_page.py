"""The Playground for a model trained on a table: a form of the columns it takes (a number field
for each number, a choice of the values seen in training for each category) that the model
answers as the values change, and "Answer a CSV file…", which writes a copy of a file of rows
with the model's answers in a column (on a worker thread, as ``nnstudio predict`` does)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.datasets.table_encoding import MISSING_VALUE, TableEncoding
from nnstudio.core.datasets.table_file import NUMBER
from nnstudio.gui import dialogs
from nnstudio.gui.widgets import MessageLabel


class TablePage(QWidget):
    """One field per column the model takes; ``values()`` is the row they make."""

    #: A field changed: ask the model again.
    values_changed = Signal()
    #: The person asked to answer a CSV file: (rows file, answers file).
    answer_file_requested = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.encoding: TableEncoding | None = None
        self.fields: dict[str, QWidget] = {}
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        self.answer_file = QPushButton("Answer a CSV file…")
        self.answer_file.setToolTip(
            "Choose a CSV of rows with these columns (the target may be missing): a copy is "
            "written with the model's answer for each row in a new column"
        )
        self.file_status = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.answer)
        layout.addWidget(self.answer_file)
        layout.addWidget(self.file_status)
        self.answer_file.clicked.connect(self._ask_file)

    def show_encoding(self, encoding: TableEncoding | None) -> None:
        """The form of a table model's columns (cleared for any other model)."""
        self.encoding = encoding
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        self.answer.clear()
        self.file_status.setText("")
        if encoding is None:
            self.intro.setText("")
            return
        target = encoding.target
        what = (
            f"a class of {target.column!r}"
            if target.task == "classification"
            else f"{target.column!r}, a number"
        )
        self.intro.setText(
            f"Set a row's values: the model answers {what} as they change. Numbers start at "
            "the training rows' mean (rounded for whole numbers)."
        )
        for feature in encoding.features:
            field = self._number(feature) if feature.kind == NUMBER else self._category(feature)
            field.setAccessibleName(feature.column)
            self.fields[feature.column] = field
            self.form.addRow(feature.column, field)

    def _number(self, feature) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-1e12, 1e12)
        if feature.whole:  # a count, a year: whole numbers, as the training rows have them
            spin.setDecimals(0)
            spin.setSingleStep(1)
            spin.setValue(round(feature.mean))
        else:
            spin.setDecimals(4)
            spin.setSingleStep(max(feature.std / 4, 1e-4))
            spin.setValue(feature.mean)
        spin.setToolTip(
            f"In training: mean {feature.mean:.4g}, standard deviation {feature.std:.4g} (the "
            "model sees (value - mean) / std)"
        )
        spin.valueChanged.connect(self.values_changed)
        return spin

    def _category(self, feature) -> QComboBox:
        box = QComboBox()
        for value in feature.values:
            box.addItem("(missing)" if value == MISSING_VALUE else value, value)
        box.setToolTip(f"The {len(feature.values)} values the training rows have")
        box.currentIndexChanged.connect(self.values_changed)
        return box

    def values(self) -> dict[str, object]:
        """The row the form makes: column -> value (None for a missing category)."""
        out: dict[str, object] = {}
        for column, field in self.fields.items():
            if isinstance(field, QDoubleSpinBox):
                out[column] = field.value()
            else:
                value = field.currentData()
                out[column] = None if value == MISSING_VALUE else value
        return out

    def set_values(self, values: dict[str, object]) -> None:
        """Fill the form (tests, and a row chosen elsewhere)."""
        for column, value in values.items():
            field = self.fields[column]
            if isinstance(field, QDoubleSpinBox):
                field.setValue(float(value))
            else:
                field.setCurrentIndex(max(field.findData(str(value)), 0))

    def _ask_file(self) -> None:
        rows = dialogs.ask_open_path(self, "Rows to answer", "", "Tables (*.csv *.tsv *.tab)")
        if not rows:
            return
        suggestion = str(Path(rows).with_name(Path(rows).stem + "-answers" + Path(rows).suffix))
        out = dialogs.ask_save_path(self, "Save the answers as", suggestion, "CSV (*.csv)")
        if out:
            self.file_status.setText(f"Answering {Path(rows).name}…")
            self.answer_file_requested.emit(rows, out)
