"""The centre of the window: the model's name and input, its layer cards (a stack, or a graph
canvas for a model that branches and merges), and its output."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.datasets import BUILTIN
from nnstudio.core.formatting import format_shape
from nnstudio.core.summary import Summary
from nnstudio.gui import theme
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.model.graph_canvas import GraphCanvas
from nnstudio.gui.model.layer_model import LayerModel
from nnstudio.gui.model.stack_view import StackView
from nnstudio.gui.widgets import ValidatedLineEdit, format_sizes, parse_shape


def _model_name(text: str) -> str:
    if not text.strip():
        raise ValueError("the model needs a name")
    return text.strip()


class StackPanel(QWidget):
    def __init__(self, editor: Editor, model: LayerModel, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._sessions = {"name": 0, "input": 0}

        message = QLabel()
        message.setStyleSheet(f"color: {theme.ERROR_COLOR};")
        message.setWordWrap(True)
        message.hide()
        self.name_edit = ValidatedLineEdit(_model_name, message)
        self.name_edit.setToolTip("The model's name, shown in the title bar and saved with it.")
        self.input_edit = ValidatedLineEdit(parse_shape, message)
        self.input_edit.setToolTip(
            "The shape of one sample, without the batch axis: 784 for a flat vector, "
            "28, 28, 1 for a grayscale image, 32, 32, 3 for a colour one. ? leaves a size open."
        )
        self.input_edit.setAccessibleName("Input shape")
        self.dataset_label = QLabel()
        self.dataset_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Model:", self.name_edit)
        form.addRow("&Input shape:", self.input_edit)
        form.addRow("", self.dataset_label)
        form.addRow("", message)

        self.view = StackView()
        self.view.setModel(model)
        self.canvas = GraphCanvas(editor, model)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find a layer by name…")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setToolTip(
            "Type part of a layer's name (conv2_block3, add...) and press Enter: the canvas "
            "selects it and scrolls to it; Enter again finds the next one."
        )
        self.find_edit.setAccessibleName("Find a layer")
        self._names: tuple[str, ...] = ()
        self._completer = QCompleter([], self.find_edit)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.find_edit.setCompleter(self._completer)
        self.find_edit.returnPressed.connect(self._find_next)
        self._completer.activated.connect(lambda name: self.canvas.find(name))
        self.find_edit.hide()
        self.views = QStackedWidget()
        self.views.addWidget(self.view)
        self.views.addWidget(self.canvas)
        self.output_label = QLabel()
        self.output_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.find_edit)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.output_label)

        self.name_edit.session_started.connect(lambda: self._start("name"))
        self.input_edit.session_started.connect(lambda: self._start("input"))
        self.name_edit.value_edited.connect(
            lambda name: editor.set_model_name(name, self._sessions["name"])
        )
        self.input_edit.value_edited.connect(
            lambda shape: editor.set_input_shape(shape, self._sessions["input"])
        )
        # Leaving a field with an invalid text brings back the model's value.
        self.name_edit.editingFinished.connect(self._show_model_fields)
        self.input_edit.editingFinished.connect(self._show_model_fields)
        editor.document.summary_changed.connect(self._on_summary)
        editor.dataset_changed.connect(self._refresh_dataset)
        self._on_summary(editor.summary)
        self._refresh_dataset()

    def _show_model_fields(self, force: bool = True) -> None:
        """Show the model's name and input shape, except in a field being typed in."""
        arch = self._editor.architecture
        name, shape = arch.name, format_sizes(arch.input_shape)
        if force:
            self.name_edit.set_text_quietly(name)
            self.input_edit.set_text_quietly(shape)
        else:
            self.name_edit.show_value(arch.name, name)
            self.input_edit.show_value(arch.input_shape, shape)

    def _start(self, field: str) -> None:
        self._sessions[field] = self._editor.new_session()

    def _refresh_dataset(self) -> None:
        source = self._editor.dataset
        name = BUILTIN.get(source.name, source.name)
        where = f": {source.path}" if source.path else ""
        self.dataset_label.setText(f"<small>Dataset: {name}{where}</small>")

    @property
    def layers_view(self) -> StackView | GraphCanvas:
        """The view that shows the layers now: the stack, or the canvas for a graph."""
        return self.view if self._editor.architecture.is_stack else self.canvas

    def _find_next(self) -> None:
        if not self.canvas.find(self.find_edit.text(), after_selection=True):
            self.find_edit.setToolTip(f"No layer's name contains {self.find_edit.text()!r}")

    def _on_summary(self, summary: Summary) -> None:
        names = summary.architecture.layer_names()
        if names != self._names:  # the completer's list changes with the layers, not each edit
            self._names = names
            self._completer.model().setStringList(list(names))
        shown = self.layers_view
        if self.views.currentWidget() is not shown:
            selected = self.views.currentWidget().selected_rows()
            self.views.setCurrentWidget(shown)
            self.find_edit.setVisible(shown is self.canvas)
            if shown is self.canvas:
                self.canvas.rebuild()
            shown.select_rows(selected)
        self._show_model_fields(force=False)
        errors, warnings = len(summary.errors), len(summary.warnings)
        if errors:
            text = f"<b style='color:{theme.ERROR_COLOR}'>✗ {errors} error"
            text += "s" if errors > 1 else ""
            text += "</b> — see the cards marked in red, or the Problems list."
        else:
            total = summary.total_params
            text = f"<b>Output {format_shape(summary.output_shape)}</b> · {total:,} parameters"
            if warnings:
                text += f" · <span style='color:{theme.WARNING_COLOR}'>⚠ {warnings} warning"
                text += "s" if warnings > 1 else ""
                text += "</span>"
        self.output_label.setText(text)
