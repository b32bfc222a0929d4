"""The nnstudio main window: palette, layer stack, inspector and summary around one project."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolButton,
    QWidget,
)

from nnstudio import __version__
from nnstudio.core.architecture import Architecture
from nnstudio.core.articles import compare
from nnstudio.core.edits import Fix, RemoveLayer
from nnstudio.core.errors import NnstudioError
from nnstudio.core.formatting import counted
from nnstudio.core.graph_edits import copied_layers
from nnstudio.core.project import Project
from nnstudio.core.summary import Summary
from nnstudio.core.templates import templates
from nnstudio.core.training import plan
from nnstudio.gui import dialogs, theme
from nnstudio.gui.background import Threads
from nnstudio.gui.data.data_panel import DataPanel
from nnstudio.gui.data.data_session import DataSession
from nnstudio.gui.evaluation.evaluation_panel import EvaluationPanel
from nnstudio.gui.getting_started import GettingStarted
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.model.inspector import Inspector
from nnstudio.gui.model.keras_summary import KerasSummaryDialog
from nnstudio.gui.model.layer_clipboard import copy_layers, pasted_layers
from nnstudio.gui.model.layer_model import LayerModel
from nnstudio.gui.model.palette import Palette
from nnstudio.gui.model.stack_panel import StackPanel
from nnstudio.gui.model.summary_panel import SummaryPanel
from nnstudio.gui.model_files import EXPORT_TIPS, EXPORTS, ModelFiles
from nnstudio.gui.playground.playground_panel import PlaygroundPanel
from nnstudio.gui.project_files import ProjectFiles, default_project
from nnstudio.gui.runs.runs_panel import RunsPanel
from nnstudio.gui.settings import Settings
from nnstudio.gui.status_bar import MessageBar, MessagesDialog
from nnstudio.gui.training.training_controller import TrainingController
from nnstudio.gui.training.training_flow import TrainingFlow
from nnstudio.gui.training.training_panel import TrainingPanel

SHORTCUTS = """
<table cellspacing=4>
<tr><td><b>Ctrl+F</b></td><td>search the palette; <b>Enter</b> adds the first match</td></tr>
<tr><td><b>Enter</b>, double-click</td><td>add the palette layer after the selection</td></tr>
<tr><td><b>Del</b></td><td>delete the selected layers</td></tr>
<tr><td><b>Ctrl+D</b></td><td>duplicate the selected layers</td></tr>
<tr><td><b>Alt+Up</b>, <b>Alt+Down</b></td><td>move the selected layers</td></tr>
<tr><td><b>Ctrl+Z</b>, <b>Ctrl+Shift+Z</b></td><td>undo, redo</td></tr>
<tr><td><b>Ctrl+N</b>, <b>Ctrl+O</b>, <b>Ctrl+S</b></td><td>new, open, save</td></tr>
<tr><td><b>Ctrl+T</b>, <b>Ctrl+Shift+T</b></td><td>train, continue training</td></tr>
<tr><td><b>Ctrl+P</b>, <b>Ctrl+.</b></td><td>pause or resume, stop</td></tr>
<tr><td><b>Ctrl+E</b></td><td>evaluate the trained weights on the test set</td></tr>
<tr><td><b>F1</b></td><td>Getting started: a first model, step by step</td></tr>
<tr><td><b>Ctrl+Shift+M</b></td><td>every message of the status bar, whole</td></tr>
</table>
"""


class MainWindow(QMainWindow):
    def __init__(self, project: Project | None = None, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.editor = Editor(project or default_project(), self)
        self.jobs = Threads(self)
        self.files = ProjectFiles(self, self.editor, self.settings)
        self.model = LayerModel(self.editor, self)
        self.setWindowIcon(theme.app_icon())
        self.setObjectName("nnstudio-main-window")
        self.setStatusBar(MessageBar(self))
        self.statusBar().history_requested.connect(self.show_messages)
        if self.settings.theme != "system":
            theme.apply_theme(self.settings.theme)

        self.stack = StackPanel(self.editor, self.model)
        self.data_session = DataSession(self)
        self.trainer = TrainingController(self)
        self.flow = TrainingFlow(self, self.editor, self.data_session, self.trainer)
        self.data_panel = DataPanel(self.editor, self.data_session)
        self.training_panel = TrainingPanel(self.editor, self.trainer)
        self.evaluation_panel = EvaluationPanel()
        self.runs_panel = RunsPanel(self.editor)
        self.playground = PlaygroundPanel(self.jobs)
        self.models = ModelFiles(
            self, self.editor, self.trainer, self.data_session, self.playground, self.settings
        )
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title, tip in (
            (self.stack, "Model", "Build the network: layers, shapes, parameters"),
            (self.data_panel, "Data", "Choose the dataset and see what it holds"),
            (self.training_panel, "Training", "Train, watch the curves, pause, stop"),
            (self.evaluation_panel, "Evaluation", "How the trained model does on unseen data"),
            (self.runs_panel, "Runs", "Compare training runs"),
            (self.playground, "Playground", "Draw digits, open images, look inside the model"),
        ):
            self.tabs.setTabToolTip(self.tabs.addTab(widget, title), tip)
        self.setCentralWidget(self.tabs)
        self.layer_palette = Palette()
        self.inspector = Inspector(self.editor)
        self.summary = SummaryPanel(self.editor, self.model)
        self.palette_dock = self._dock(
            "Palette", self.layer_palette, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.inspector_dock = self._dock(
            "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.summary_dock = self._dock(
            "Summary", self.summary, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.getting_started = GettingStarted()
        self.getting_started_dock = self._dock(
            "Getting started", self.getting_started, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.getting_started_dock.hide()
        self.resizeDocks([self.palette_dock], [236], Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock], [470], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [self.inspector_dock, self.summary_dock], [380, 370], Qt.Orientation.Vertical
        )
        self._default_state = self.saveState()

        self._create_actions()
        self._create_menus()
        self._create_toolbar()
        self.status_summary = QLabel()
        self.statusBar().addPermanentWidget(self.status_summary)

        for view in (self.stack.view, self.stack.canvas):
            view.rows_selected.connect(self.inspector.show_rows)
            view.rows_selected.connect(self._update_actions)
            view.rows_selected.connect(self.summary.show_rows)
        self.stack.canvas.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.layer_palette.layer_requested.connect(self.add_layer)
        self.summary.layer_activated.connect(lambda row: self.select_rows([row]))
        self.summary.fix_requested.connect(self.apply_fix)
        self.inspector.fix_requested.connect(self.apply_fix)
        self.inspector.ungroup_requested.connect(self.ungroup_block)
        self.editor.modified_changed.connect(self._update_title)
        self.editor.document.summary_changed.connect(self._on_summary)
        self.editor.project_replaced.connect(self._select_first_layer)
        self.files.path_changed.connect(self._update_title)
        self.files.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.models.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.models.opened.connect(lambda _: self.tabs.setCurrentWidget(self.playground))
        self.editor.undo_stack.indexChanged.connect(self._announce_undo)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._dock_visibility = {}
        self.flow.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.flow.evaluated.connect(self.evaluation_panel.show_evaluation)
        self.flow.evaluated.connect(
            lambda evaluation, _: self.evaluation_panel.show_comparison(
                compare(self.editor.project, evaluation.figures)
            )
        )
        self.evaluation_panel.evaluate_requested.connect(self.evaluate)
        self.training_panel.train_requested.connect(self.flow.train)
        self.training_panel.reset_requested.connect(self.flow.reset)
        self.training_panel.recipe_requested.connect(self.flow.use_article_recipe)
        self.data_panel.load_requested.connect(self.flow.load_dataset)
        self.trainer.state_changed.connect(self._update_training_actions)
        self.trainer.weights_changed.connect(self._update_training_actions)
        self.editor.project_replaced.connect(
            lambda: self.evaluation_panel.show_project(self.editor.runs)
        )
        self.editor.runs_changed.connect(lambda: self.evaluation_panel.set_runs(self.editor.runs))
        self.files.before_replace.append(self._stop_training_first)
        self.editor.document.summary_changed.connect(self._update_training_actions)
        self.data_session.loaded.connect(self._update_training_actions)

        self.resize(1280, 800)
        self._restore_layout()
        self._on_summary(self.editor.summary)
        self._select_first_layer()
        self._update_training_actions()
        # The default dataset loads on a worker thread once the window is up.
        QTimer.singleShot(0, self.flow.load_unless_downloading)
        self._wire_getting_started()
        self.statusBar().showMessage(
            "Drag layers from the palette into the stack, or double-click them. Shapes and "
            "counts update as you edit. New here? Help > Getting Started (F1) walks you through "
            "a first model.",
            15000,
        )

    # Layout ------------------------------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}-dock")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.window_state
        if not state.isEmpty():
            self.restoreState(state)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in (self.palette_dock, self.inspector_dock, self.summary_dock):
            dock.show()

    # Actions -----------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcuts(
                shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)]
            )
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        return action

    def _stack_action(self, text: str, slot, shortcut, tip: str) -> QAction:
        """An action on the selected layers: its key works while the stack has focus, so that
        Del or Alt+Up in a text field keep their usual meaning."""
        action = self._action(text, slot, shortcut, tip)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.stack.view.addAction(action)
        self.stack.canvas.addAction(action)
        return action

    def _create_actions(self) -> None:
        files = self.files
        key = QKeySequence.StandardKey
        self.new_action = self._action(
            "&New", lambda: files.new(), key.New, "Start a new project: an empty model to build"
        )
        self.open_action = self._action(
            "&Open…",
            lambda: files.open(),
            key.Open,
            "Open a project, an architecture file or a Keras model (.keras, .h5, to_json text)",
        )
        self.save_action = self._action("&Save", files.save, key.Save, "Save the project")
        self.save_as_action = self._action(
            "Save &As…", files.save_as, key.SaveAs, "Save the project under a new name"
        )
        self.import_action = self._action(
            "&Import Architecture…",
            files.import_architecture,
            tip="Replace the model with an architecture JSON file",
        )
        self.export_action = self._action(
            "&Export Architecture…",
            files.export_architecture,
            tip="Save the model as architecture JSON",
        )
        self.export_python_action = self._action(
            "Export Model as &Python Code…",
            files.export_python,
            tip="Save a standalone Keras script whose build_model() rebuilds the (untrained) model",
        )
        self.open_model_action = self._action(
            "Open &Model…",
            lambda: self.models.open_model(),
            "Ctrl+Shift+O",
            "Open a trained .keras model in the Playground (models with Lambda layers or "
            "custom code are refused: opening them would run their code)",
        )
        self.export_model_actions = {
            fmt: self._action(
                text, lambda _=False, f=fmt: self.models.export(f), tip=EXPORT_TIPS[fmt]
            )
            for fmt, (text, *_) in EXPORTS.items()
        }
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        stack = self.editor.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence(key.Undo)])
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(key.Redo)])
        self.add_action = self._action(
            "&Add Layer…", self.focus_palette, "Ctrl+F", "Search the palette for a layer to add"
        )
        self.delete_action = self._stack_action(
            "&Delete", self.delete_selected, key.Delete, "Delete the selected layers"
        )
        self.duplicate_action = self._stack_action(
            "D&uplicate", self.duplicate_selected, "Ctrl+D", "Duplicate the selected layers"
        )
        self.copy_action = self._stack_action(
            "&Copy",
            self.copy_selected,
            key.Copy,
            "Copy the selected layers, with their connections",
        )
        self.paste_action = self._stack_action(
            "&Paste",
            self.paste_layers,
            key.Paste,
            "Paste copied layers after the selected one (a block pasted after a block repeats it)",
        )
        self.up_action = self._stack_action(
            "Move &Up", lambda: self.move_selected(-1), "Alt+Up", "Move the selected layers up"
        )
        self.down_action = self._stack_action(
            "Move Do&wn", lambda: self.move_selected(1), "Alt+Down", "Move the selected layers down"
        )
        self.train_action = self._action(
            "&Train",
            lambda: self.flow.train(False),
            "Ctrl+T",
            "Train a new model from fresh weights",
        )
        self.continue_action = self._action(
            "&Continue Training",
            lambda: self.flow.train(True),
            "Ctrl+Shift+T",
            "Train more epochs from the current weights",
        )
        self.pause_action = self._action(
            "&Pause or Resume",
            self._toggle_pause,
            "Ctrl+P",
            "Pause training between two batches, or resume it",
        )
        self.stop_action = self._action(
            "&Stop",
            self.trainer.stop,
            "Ctrl+.",
            "Stop after this batch, keeping the weights so far",
        )
        self.reset_weights_action = self._action(
            "&Reset Weights", self.flow.reset, tip="Forget the trained weights"
        )
        self.evaluate_action = self._action(
            "&Evaluate",
            self.evaluate,
            "Ctrl+E",
            "Score the trained weights on the dataset's test set (the Evaluation tab)",
        )
        self.keras_action = self._action(
            "&Keras' Own Summary…",
            self.show_keras_summary,
            tip="Build the model with Keras and show its summary",
        )
        self.reset_layout_action = self._action("&Reset Layout", self.reset_layout)
        self.messages_action = self._action(
            "&Messages…",
            self.show_messages,
            "Ctrl+Shift+M",
            "Every message of the status bar, whole (also: click the status bar)",
        )
        self.getting_started_action = self._action(
            "&Getting Started",
            self.show_getting_started,
            QKeySequence.StandardKey.HelpContents,
            "Build, train and try a first model, step by step, in the window",
        )
        self.shortcuts_action = self._action("&Keyboard Shortcuts", self.show_shortcuts)
        self.about_action = self._action("&About nnstudio", self.show_about)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addAction(self.new_action)
        self.templates_menu = file.addMenu("New from &Template")
        section = None
        for t in templates():
            if t.section != section:
                section = t.section
                self.templates_menu.addSection(section)
            action = self.templates_menu.addAction(t.name)
            action.setStatusTip(t.description)
            action.setToolTip(f"{t.description}\n\nTraining: {t.recipe}")
            action.triggered.connect(lambda _=False, i=t.id: self.files.new_from_template(i))
        self.templates_menu.setToolTipsVisible(True)
        file.addAction(self.open_action)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file.addAction(self.open_model_action)
        file.addSeparator()
        for action in (self.save_action, self.save_as_action):
            file.addAction(action)
        file.addSeparator()
        for action in (self.import_action, self.export_action, self.export_python_action):
            file.addAction(action)
        self.export_model_menu = file.addMenu("Export &Trained Model")
        self.export_model_menu.setToolTipsVisible(True)
        for action in self.export_model_actions.values():
            self.export_model_menu.addAction(action)
        self.export_model_menu.aboutToShow.connect(self._update_export_actions)
        file.addSeparator()
        file.addAction(self.quit_action)
        edit = bar.addMenu("&Edit")
        for action in (
            self.undo_action,
            self.redo_action,
            None,
            self.add_action,
            self.copy_action,
            self.paste_action,
            self.duplicate_action,
            self.delete_action,
            self.up_action,
            self.down_action,
        ):
            edit.addSeparator() if action is None else edit.addAction(action)
        training = bar.addMenu("&Training")
        for action in (
            self.train_action,
            self.continue_action,
            self.pause_action,
            self.stop_action,
            None,
            self.evaluate_action,
            None,
            self.reset_weights_action,
        ):
            training.addSeparator() if action is None else training.addAction(action)
        view = bar.addMenu("&View")
        for dock in (self.palette_dock, self.inspector_dock, self.summary_dock):
            view.addAction(dock.toggleViewAction())
        theme_menu = view.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        for name in theme.THEMES:
            action = theme_menu.addAction(name.capitalize())
            action.setCheckable(True)
            action.setChecked(name == self.settings.theme)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_actions.addAction(action)
        view.addSeparator()
        view.addAction(self.keras_action)
        view.addAction(self.messages_action)
        view.addAction(self.reset_layout_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.getting_started_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _create_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.open_action, self.save_action):
            toolbar.addAction(action)
        button = QToolButton()
        button.setText("Templates")
        button.setToolTip("Start from a model of the articles")
        button.setMenu(self.templates_menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(button)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setStatusTip(path)
            action.setEnabled(Path(path).exists())
            action.triggered.connect(lambda _=False, p=path: self.files.open(p))
        if not recent:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    # Layer commands ----------------------------------------------------------------------

    def ungroup_block(self, row: int) -> None:
        """Give the block's layers to the model, selected to be edited."""
        from nnstudio.core.graph_edits import GraphEditError

        try:
            self.select_rows(self.editor.ungroup_block(row))
        except GraphEditError as e:
            self.statusBar().showMessage(f"Cannot ungroup: {e}", 10000)

    def select_rows(self, rows: list[int]) -> None:
        self.stack.layers_view.select_rows(rows)

    def _select_first_layer(self) -> None:
        """Show the first layer in the inspector, so that what can be edited is in view; with
        no layers, the palette's search invites the first."""
        if self.editor.architecture.layers:
            self.select_rows([0])
            self.stack.layers_view.setFocus()
        else:
            self.select_rows([])
            self.palette_dock.show()
            self.layer_palette.search.setFocus()

    def add_layer(self, type_name: str) -> None:
        """Add a layer after the selection (at the end when nothing is selected); in a graph,
        after the selected card, taking its place as what its consumers take."""
        if not self.editor.architecture.is_stack:
            names = self.stack.canvas.selected_names()
            self.select_rows([self.editor.add_after(names[-1] if names else None, type_name)])
            return
        rows = self.stack.layers_view.selected_rows()
        index = rows[-1] + 1 if rows else None
        row = self.editor.insert_layer(type_name, index)
        self.select_rows([row])

    def apply_fix(self, fix: Fix) -> None:
        """Apply a proposed fix, then show the layer it touched."""
        before = self.editor.architecture
        problem_layer = self._problem_layer(fix)
        self.editor.apply_fix(fix)
        index = getattr(fix.edit, "index", getattr(fix.edit, "target", None))
        if isinstance(fix.edit, RemoveLayer):
            index = max(0, index - 1)
        if index is None:  # a batch of edits (a projection on a graph's branch): compare
            rows = self._touched_rows(before, problem_layer)
        else:
            rows = [index] if index < len(self.editor.architecture.layers) else []
        self.select_rows(rows)
        self.stack.layers_view.setFocus()
        self.statusBar().showMessage(f"Fixed: {fix.description} (Ctrl+Z to undo)", 8000)

    def _problem_layer(self, fix: Fix) -> str | None:
        """The name of the layer whose problem ``fix`` repairs (else the selected one's)."""
        names = self.editor.architecture.layer_names()
        problem = next((p for p in self.editor.summary.problems if fix in p.fixes), None)
        if problem is not None and problem.layer is not None:
            return names[problem.layer]
        rows = self.stack.layers_view.selected_rows()
        return names[rows[0]] if rows else None

    def _touched_rows(self, before: Architecture, problem_layer: str | None) -> list[int]:
        """What an edit without one index did, by name: the layer it added, else the one it
        changed, else the layer the problem was on (so the inspector shows the result)."""
        after = self.editor.architecture
        names = after.layer_names()
        old = dict(zip(before.layer_names(), before.layers, strict=True))
        added = [i for i, name in enumerate(names) if name not in old]
        if added:
            return added[:1]
        layers = zip(names, after.layers, strict=True)
        changed = [i for i, (name, layer) in enumerate(layers) if old[name] != layer]
        if changed:
            return changed[:1]
        return [names.index(problem_layer)] if problem_layer in names else []

    def delete_selected(self) -> None:
        rows = self.stack.layers_view.selected_rows()
        if rows:
            self.editor.remove_layers(rows)
            remaining = len(self.editor.architecture.layers)
            self.select_rows([min(rows[0], remaining - 1)] if remaining else [])

    def duplicate_selected(self) -> None:
        self.select_rows(self.editor.duplicate_layers(self.stack.layers_view.selected_rows()))

    def copy_selected(self) -> None:
        rows = self.stack.layers_view.selected_rows()
        if rows:
            names = self.editor.architecture.layer_names()
            copy_layers(copied_layers(self.editor.architecture, [names[r] for r in rows]))
            self.statusBar().showMessage(f"Copied {len(rows)} layer(s): Ctrl+V pastes them", 4000)

    def paste_layers(self) -> None:
        try:
            layers = pasted_layers()
        except ValueError as e:
            self.statusBar().showMessage(f"Cannot paste: {e}", 10000)
            return
        if not layers:
            self.statusBar().showMessage("Nothing to paste: copy layers first (Ctrl+C)", 4000)
            return
        rows = self.stack.layers_view.selected_rows()
        after = self.editor.architecture.layer_names()[rows[-1]] if rows else None
        self.select_rows(self.editor.paste_layers(layers, after))

    def move_selected(self, delta: int) -> None:
        self.select_rows(self.editor.move_layers(self.stack.layers_view.selected_rows(), delta))

    def focus_palette(self) -> None:
        self.palette_dock.show()
        self.layer_palette.search.setFocus()
        self.layer_palette.search.selectAll()

    # Feedback ----------------------------------------------------------------------------

    def _update_actions(self, *_) -> None:
        rows = self.stack.layers_view.selected_rows()
        n = len(self.editor.architecture.layers)
        for action in (self.delete_action, self.duplicate_action, self.copy_action):
            action.setEnabled(bool(rows))
        stack = self.editor.architecture.is_stack  # a graph's cards go where their data flows
        self.up_action.setEnabled(stack and bool(rows) and rows[0] > 0)
        self.down_action.setEnabled(stack and bool(rows) and rows[-1] < n - 1)

    def _update_title(self, *_) -> None:
        name = self.editor.architecture.name
        path = self.files.path
        where = f" ({path.name})" if path else ""
        self.setWindowTitle(f"{name}{where}[*] — nnstudio")
        self.setWindowModified(self.editor.modified)

    def _on_summary(self, summary: Summary) -> None:
        self._update_title()
        self._update_actions()
        if summary.ok:
            text = f"✓ {summary.total_params:,} parameters"
            if summary.warnings:
                text += f" · ⚠ {len(summary.warnings)}"
        else:
            text = f"✗ {len(summary.errors)} error{'s' if len(summary.errors) > 1 else ''}"
        self.status_summary.setText(text)

    def _announce_undo(self, *_) -> None:
        stack = self.editor.undo_stack
        if stack.index() > 0:
            self.statusBar().showMessage(stack.text(stack.index() - 1), 4000)

    def _toggle_pause(self) -> None:
        if self.trainer.state == "paused":
            self.trainer.resume()
        else:
            self.trainer.pause()

    def _update_training_actions(self, *_) -> None:
        running = self.trainer.running
        self.train_action.setEnabled(not running)
        self.continue_action.setEnabled(
            not running and self.trainer.can_continue(self.editor.architecture)
        )
        self.pause_action.setEnabled(self.trainer.state in ("running", "paused"))
        self.stop_action.setEnabled(self.trainer.state in ("running", "paused"))
        self.reset_weights_action.setEnabled(not running and self.trainer.trained)
        fits = self.trainer.can_continue(self.editor.architecture)
        self.evaluate_action.setEnabled(not running and fits)
        done = self.trainer.epochs_done
        trained = (counted(done, "epoch") if done else "part of an epoch") if fits else ""
        self.evaluation_panel.set_trained(trained, not running)
        self.training_panel.update_buttons()
        dataset = self.data_session.dataset
        if dataset is not None and self.data_session.source == self.editor.dataset:
            try:
                task = plan(
                    self.editor.architecture, dataset, self.editor.training, self.editor.summary
                )
                self.training_panel.form.show_plan(f"Loss: {task.loss_label}.")
                self.training_panel.show_task(task.metric)
            except NnstudioError as e:
                self.training_panel.form.show_plan(f"Cannot train yet: {e}")

    def _stop_training_first(self):
        """Before another project opens: its training is to stop, if the person agrees (None:
        they do not; else what to do once every question is answered)."""
        if not self.trainer.running:
            return lambda: None
        if not dialogs.ask_stop_training(self, self.editor.architecture.name):
            return None
        return self.trainer.stop

    def evaluate(self) -> None:
        """Score the trained weights again, in the Evaluation tab."""
        self.tabs.setCurrentWidget(self.evaluation_panel)
        self.flow.evaluate()

    def _update_export_actions(self) -> None:
        for fmt, action in self.export_model_actions.items():
            action.setEnabled(self.models.can_export(fmt))

    def _on_tab_changed(self, index: int) -> None:
        """The palette, inspector and summary belong to the Model tab; the Playground
        loads the project's trained model when first shown."""
        if self.tabs.widget(index) is self.playground:
            self.models.ensure_model()
        docks = (self.palette_dock, self.inspector_dock, self.summary_dock)
        if self.tabs.widget(index) is self.stack:
            for dock in docks:
                dock.setVisible(self._dock_visibility.get(dock, True))
        else:
            if not self._dock_visibility or all(
                d.isVisible() or d not in self._dock_visibility for d in docks
            ):
                self._dock_visibility = {dock: dock.isVisible() for dock in docks}
            for dock in docks:
                dock.hide()

    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        theme.apply_theme(name)
        self.stack.view.viewport().update()
        self.stack.canvas.viewport().update()

    def show_keras_summary(self) -> None:
        dialog = KerasSummaryDialog(self.editor.architecture, self.jobs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_messages(self) -> None:
        dialog = MessagesDialog(self.statusBar().history, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # Getting started ---------------------------------------------------------------------

    def _wire_getting_started(self) -> None:
        tour = self.getting_started

        def refresh(*_) -> None:  # ticked while in view (and when shown): edits stay cheap
            if self.getting_started_dock.isVisible():
                tour.refresh(self.editor.project)

        for signal in (self.editor.document.summary_changed, self.editor.runs_changed):
            signal.connect(refresh)
        self.editor.project_replaced.connect(lambda: (tour.seen.clear(), refresh()))
        self.tabs.currentChanged.connect(self._note_seen)
        self.flow.evaluated.connect(self._note_seen)
        self.data_session.loaded.connect(self._note_seen)
        self.playground.predicted.connect(lambda _: tour.note_seen("answer", self.editor.project))
        tour.show_requested.connect(self.show_step)
        self.getting_started_dock.visibilityChanged.connect(refresh)
        refresh()

    def _note_seen(self, *_) -> None:
        """Tick the steps that ask to look at something, when it is in front of the person."""
        tab = self.tabs.currentWidget()
        project = self.editor.project
        if tab is self.data_panel and self.data_session.dataset is not None:
            self.getting_started.note_seen("data", project)
        elif tab is self.evaluation_panel and self.evaluation_panel.evaluation is not None:
            self.getting_started.note_seen("evaluation", project)

    def show_getting_started(self) -> None:
        self.getting_started.refresh(self.editor.project)
        dock = self.getting_started_dock
        if not dock.isVisible():
            dock.show()
            if not dock.isFloating():  # room to read the steps, under the palette
                self.resizeDocks([dock], [300], Qt.Orientation.Horizontal)
                self.resizeDocks([self.palette_dock, dock], [260, 440], Qt.Orientation.Vertical)
        dock.raise_()

    def show_step(self, key: str) -> None:
        """Take the person where a step of Getting started is done."""
        if key == "new":
            self.files.new()
            return
        pages = {
            "data": self.data_panel,
            "train": self.training_panel,
            "evaluate": self.evaluation_panel,
            "try": self.playground,
        }
        self.tabs.setCurrentWidget(pages.get(key, self.stack))
        if key in ("flatten", "hidden", "output"):
            layers = self.editor.architecture.layers
            if key == "output" and len(layers) > 2 and layers[-1].type == "Dense":
                self.select_rows([len(layers) - 1])  # its units and activation, in the inspector
                self.inspector_dock.show()
                return
            self.focus_palette()
            self.layer_palette.search.setText("Flatten" if key == "flatten" else "Dense")
        elif key == "train":
            self.training_panel.train_button.setFocus()
        elif key == "try":
            self.playground.inputs.setCurrentWidget(self.playground.draw)

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About nnstudio",
            f"<b>nnstudio {__version__}</b><br>Build, train and test Keras neural networks "
            "visually.<br>Shapes and parameter counts are computed as Keras computes them.",
        )

    # Closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.window_geometry = QByteArray(self.saveGeometry())
        self.settings.window_state = QByteArray(self.saveState())
        self.settings.sync()
        self.trainer.wait()
        self.data_session.wait()
        self.models.wait()
        self.jobs.wait()
        event.accept()
