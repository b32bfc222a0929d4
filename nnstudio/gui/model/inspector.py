"""The inspector: a form for the selected layer, generated from the catalogue, with each
parameter's help, the layer's problems and their one-click fixes."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.architecture import LayerConfig
from nnstudio.core.catalogue import CATALOGUE
from nnstudio.core.summary import ERROR, Problem, Summary, valid_layer_name
from nnstudio.gui import theme
from nnstudio.gui.model.block_view import BlockTree
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.model.param_editors import ParamEditor, editor_for
from nnstudio.gui.widgets import ValidatedLineEdit


def _layer_name(text: str) -> str | None:
    name = text.strip()
    if name and not valid_layer_name(name):
        raise ValueError("use letters, digits and _ . - > only (TensorFlow refuses the rest)")
    return name or None


def _short(value, limit: int = 80) -> str:
    if isinstance(value, Mapping) and "class_name" in value:
        config = value.get("config") or {}
        inner = ", ".join(f"{k}={json.dumps(v)}" for k, v in config.items() if v is not None)
        text = f"{value['class_name']}({inner})"
    else:
        text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kept_text(kept: Mapping) -> str:
    """The Keras arguments a layer keeps, as the inspector lists them (read-only)."""
    if not kept:
        return ""
    rows = "".join(
        f"<br><code>{html.escape(key)}</code>: {html.escape(_short(value))}"
        for key, value in sorted(kept.items())
    )
    return f"<b>Kept from Keras</b> (passed to Keras as they were):{rows}"


class ProblemRow(QWidget):
    """A problem's message, and under it a button applying its fix."""

    #: The row was clicked (to select the layer at fault).
    activated = Signal()
    #: The fix button was clicked.
    fix_requested = Signal(object)

    def __init__(self, problem: Problem, show_layer: bool = False, parent=None):
        super().__init__(parent)
        self.problem = problem
        icon = QLabel()
        icon.setPixmap(theme.severity_icon(problem.severity).pixmap(16, 16))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        where = ""
        if show_layer:
            where = "<b>Input:</b> " if problem.layer is None else f"<b>Layer {problem.layer}:</b> "
        self.message = QLabel(where + html.escape(problem.message))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 2, 4)
        layout.addLayout(top)
        self.fix_button = None
        #: A button per fix, the one offered first first (and as ``fix_button``).
        self.fix_buttons: list[QPushButton] = []
        for n, fix in enumerate(problem.fixes):
            button = QPushButton(fix.description if n == 0 else f"Or: {fix.description}")
            tip = "Fix it" if n == 0 else "Another way to fix it"
            button.setToolTip(f"{tip}: {fix.description} (undoable)")
            button.clicked.connect(lambda _=False, f=fix: self.fix_requested.emit(f))
            if n:
                button.setFlat(True)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
            self.fix_buttons.append(button)
        self.fix_button = self.fix_buttons[0] if self.fix_buttons else None

    def mousePressEvent(self, event) -> None:
        self.activated.emit()
        super().mousePressEvent(event)


class ProblemList(QScrollArea):
    """Problems one under the other, each with its fix button."""

    #: A problem was clicked: the index of its layer.
    layer_activated = Signal(int)
    #: A fix button was clicked.
    fix_requested = Signal(object)
    #: "Ungroup" was clicked for the block at this row.
    ungroup_requested = Signal(int)

    def __init__(self, show_layer: bool, parent=None) -> None:
        super().__init__(parent)
        self._show_layer = show_layer
        self.rows: list[ProblemRow] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self.setWidget(body)

    def show_problems(self, problems) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        for problem in problems:
            row = ProblemRow(problem, self._show_layer)
            row.fix_requested.connect(self.fix_requested)
            if problem.layer is not None:
                row.activated.connect(lambda r=problem.layer: self.layer_activated.emit(r))
            self._layout.insertWidget(self._layout.count() - 1, row)
            self.rows.append(row)


class Inspector(QWidget):
    """Shows and edits the selected layer; with no or several layers selected, says so."""

    #: A fix button was clicked.
    fix_requested = Signal(object)
    #: "Ungroup" was clicked for the block at this row.
    ungroup_requested = Signal(int)

    def __init__(self, editor: Editor, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._index: int | None = None
        self._rows: list[int] = []
        self._type: str | None = None
        self._session = 0
        self.editors: dict[str, ParamEditor] = {}
        self.labels: dict[str, QLabel] = {}
        self.problem_rows: list[ProblemRow] = []
        self._shown_problems = None

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.problems_box = QVBoxLayout()
        self.problems_box.setContentsMargins(0, 0, 0, 0)
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        self.kept.setTextFormat(Qt.TextFormat.RichText)
        self.kept.setToolTip(
            "Arguments the Keras model this layer came from sets, which nnstudio does not edit "
            "(a configured initializer, trainable: false, a noise shape...). They are passed "
            "back to Keras as they were when the model is built or exported; setting the same "
            "parameter above replaces them."
        )
        self.block_title = QLabel("<b>Inside this block</b>")
        self.block_tree = BlockTree()
        self.ungroup_button = QPushButton("Ungroup into the model")
        self.ungroup_button.setToolTip(
            "Replace this block by its own layers, connected as they are inside it, so that "
            "you can edit them one by one (Ctrl+Z puts the block back)."
        )
        self.ungroup_button.clicked.connect(self._on_ungroup)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setFrameShape(QFrame.Shape.StyledPanel)
        self.help.setMargin(6)
        self.help.setTextFormat(Qt.TextFormat.RichText)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addWidget(self.about)
        column.addLayout(self.problems_box)
        column.addWidget(self.form_host)
        column.addWidget(self.block_title)
        column.addWidget(self.block_tree)
        column.addWidget(self.ungroup_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.kept)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.help)

        editor.document.summary_changed.connect(self._on_summary)
        self.show_rows([])

    # Selection -------------------------------------------------------------------------

    def show_rows(self, rows: list[int]) -> None:
        """Inspect the selected rows (one layer can be edited)."""
        self._rows = rows
        layers = self._editor.architecture.layers
        index = rows[0] if len(rows) == 1 and rows[0] < len(layers) else None
        self._show(index)

    def _show(self, index: int | None) -> None:
        layers = self._editor.architecture.layers
        layer = None if index is None else layers[index]
        if layer is None or index != self._index or layer.type != self._type:
            self._index = index
            self._type = None if layer is None else layer.type
            self._rebuild(layer)
        else:
            self._update_values(layer)
        self._show_problems(self._editor.summary)

    def _on_summary(self, summary: Summary) -> None:
        layers = summary.architecture.layers
        rows = [r for r in self._rows if r < len(layers)]
        index = rows[0] if len(rows) == 1 else None
        self._show(index)

    # Building the form -----------------------------------------------------------------

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.labels = {}

    def _rebuild(self, layer: LayerConfig | None) -> None:
        self._clear_form()
        self._shown_problems = None
        if layer is None:
            many = len(self._rows) > 1
            self.title.setText(
                f"{len(self._rows)} layers selected" if many else "No layer selected"
            )
            self.about.setText(
                "Select a single layer to edit its parameters. Delete, duplicate (Ctrl+D) or "
                "move (Alt+Up, Alt+Down) the selection from the Edit menu."
                if many
                else "Select a layer in the stack to edit its parameters, or add one from the "
                "palette: double-click it, or drag it where it should go."
            )
            self._set_help("")
            self.kept.hide()
            self._show_block(None)
            return
        spec = CATALOGUE[layer.type]
        self.title.setText(f"{layer.type} block" if layer.block is not None else layer.type)
        training = " <i>Active only while training.</i>" if spec.training_only else ""
        self.about.setText(spec.help + training)
        self.name_edit = ValidatedLineEdit(_layer_name)
        self.name_edit.setToolTip("The layer's name in Keras; leave empty for an automatic one.")
        self.name_edit.setAccessibleName("name")
        self.name_edit.session_started.connect(self._new_session)
        self.name_edit.session_started.connect(
            lambda: self._set_help("name", self.name_edit.toolTip())
        )
        self.name_edit.value_edited.connect(self._on_name)
        self.form.addRow("name", self.name_edit)
        for param in spec.params:
            editor = editor_for(param)
            editor.session_started.connect(self._new_session)
            editor.session_started.connect(lambda p=param: self._set_help(p.name, p.help))
            editor.value_edited.connect(lambda value, name=param.name: self._on_value(name, value))
            label = QLabel(param.name)
            label.setToolTip(param.help)
            self.form.addRow(label, editor)
            self.editors[param.name] = editor
            self.labels[param.name] = label
        self._update_values(layer)
        self._set_help("")

    def _update_values(self, layer: LayerConfig) -> None:
        rows = self._editor.summary.layers
        if self._index < len(rows) and rows[self._index].layer is layer:
            self.name_edit.setPlaceholderText(f"{rows[self._index].name} (automatic)")
        self.name_edit.show_value(layer.name, layer.name or "")
        spec = CATALOGUE[layer.type]
        for name, editor in self.editors.items():
            editor.set_value(layer.params[name])
            # A parameter the Keras file sets in a form its editor cannot show (an initializer
            # with its own settings) says so, rather than showing a value Keras will not use.
            label, help_ = self.labels[name], spec.param(name).help
            if name in layer.keras:
                label.setText(f"<i>{html.escape(name)}</i> ⓘ")
                label.setToolTip(
                    f"The Keras file sets {_short(layer.keras[name])} (kept, listed below); "
                    f"choosing a value here replaces it.\n\n{help_}"
                )
            elif label.toolTip() != help_:
                label.setText(name)
                label.setToolTip(help_)
        self.kept.setText(kept_text(layer.keras))
        self.kept.setVisible(bool(layer.keras))
        row = rows[self._index] if self._index < len(rows) else None
        self._show_block(row.block if row is not None and row.layer is layer else None)

    def _show_block(self, block: Summary | None) -> None:
        """A block's layers, listed under the form, with the button that ungroups it."""
        for widget in (self.block_title, self.block_tree, self.ungroup_button):
            widget.setVisible(block is not None)
        self.block_tree.show_block(block)

    def _show_problems(self, summary: Summary) -> None:
        index = self._index
        problems = (
            () if index is None or index >= len(summary.layers) else summary.layers[index].problems
        )
        if (index, problems) == self._shown_problems:
            return
        self._shown_problems = (index, problems)
        for row in self.problem_rows:
            self.problems_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.problem_rows = []
        if index is None:
            return
        marked = {p.param: p.message for p in problems if p.param and p.severity == ERROR}
        for name, editor in self.editors.items():
            editor.show_problem(marked.get(name))
        for problem in problems:
            row = ProblemRow(problem)
            row.fix_requested.connect(self.fix_requested)
            self.problems_box.addWidget(row)
            self.problem_rows.append(row)

    def _set_help(self, name: str, text: str = "") -> None:
        self.help.setText(f"<b>{name}</b> — {text}" if name and text else text)
        self.help.setVisible(bool(text))

    # Edits -----------------------------------------------------------------------------

    def _new_session(self) -> None:
        self._session = self._editor.new_session()

    def _on_value(self, name: str, value) -> None:
        if self._index is not None:
            self._editor.set_parameter(self._index, name, value, self._session)

    def _on_ungroup(self) -> None:
        if self._index is not None:
            self.ungroup_requested.emit(self._index)

    def _on_name(self, name: str | None) -> None:
        if self._index is not None:
            self._editor.rename_layer(self._index, name, self._session)
