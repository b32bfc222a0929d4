"""Opening and saving in the window: dialogs, recent files, and never losing unsaved work."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from nnstudio.core import save_architecture
from nnstudio.core.codegen import python_source
from nnstudio.core.edits import ReplaceArchitecture
from nnstudio.core.errors import NnstudioError
from nnstudio.core.jsonfile import write_atomic
from nnstudio.core.project import SUFFIX, Project, empty_project, open_file, save_project
from nnstudio.core.templates import DEFAULT_TEMPLATE, template
from nnstudio.gui import dialogs
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.settings import Settings


def default_project() -> Project:
    """What a new window shows: article 002's MNIST CNN on the bundled MNIST sample."""
    return template(DEFAULT_TEMPLATE).project()


class ProjectFiles(QObject):
    """The current file of the window and everything that reads or writes one."""

    #: The current file changed (opened, saved as, or a new project).
    path_changed = Signal()
    #: A status-bar message.
    message = Signal(str)

    def __init__(self, window: QWidget, editor: Editor, settings: Settings) -> None:
        super().__init__(window)
        self._window = window
        self._editor = editor
        self._settings = settings
        self.path: Path | None = None
        #: Asked before another project replaces this one: each returns None to keep the
        #: project, or what to do (a callable) once every question has been answered yes.
        self.before_replace: list = []

    # Questions ---------------------------------------------------------------------------

    def may_replace(self) -> bool:
        """True when the current project may go: whatever still runs for it may stop, and
        its changes are saved or discarded. Every question is asked before anything is done,
        so that a Cancel anywhere leaves everything going."""
        then = []
        for ask in self.before_replace:
            action = ask()
            if action is None:
                return False
            then.append(action)
        if not self.maybe_save():
            return False
        for action in then:
            action()
        return True

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current project (saved, discarded or clean)."""
        if not self._editor.modified:
            return True
        answer = dialogs.ask_unsaved(self._window, self._editor.architecture.name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _error(self, title: str, path, message: str) -> None:
        dialogs.show_error(self._window, title, f"{path}\n\n{message}")
        self.message.emit(f"{title}: {message}")

    def _folder(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        return self._settings.last_directory

    def _suggest(self, suffix: str) -> str:
        stem = self.path.stem if self.path else dialogs.file_stem(self._editor.architecture.name)
        return os.path.join(self._folder(), stem + suffix)

    def _set_path(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            self._settings.add_recent_file(path)
            self._settings.last_directory = str(path.parent)
        self.path_changed.emit()

    # New and open ------------------------------------------------------------------------

    def new(self, project: Project | None = None) -> bool:
        """A new project: the one given (a template's), or an empty model to build on."""
        if not self.may_replace():
            return False
        self._editor.load(project or empty_project())
        self._set_path(None)
        self.message.emit(f"New project: {self._editor.architecture.name}")
        return True

    def new_from_template(self, template_id: str) -> bool:
        return self.new(template(template_id).project())

    def open(self, path: str | os.PathLike | None = None) -> bool:
        """Open a project or an architecture file (asking which when no path is given). The
        file is read before anything is asked or stopped: a file that cannot be read changes
        nothing."""
        if path is None:
            path = dialogs.ask_open_path(self._window, "Open", self._folder(), dialogs.OPEN_FILTER)
            if not path:
                return False
        path = Path(path)
        project = self._read(path)
        if project is None or not self.may_replace():
            return False
        self._show_opened(path, project)
        return True

    def open_path(self, path: Path) -> bool:
        """Open a file without asking about unsaved changes (the caller has)."""
        project = self._read(path)
        if project is None:
            return False
        self._show_opened(path, project)
        return True

    def _read(self, path: Path) -> Project | None:
        try:
            project = open_file(path)
        except NnstudioError as e:
            self._error("Cannot open the file", path, str(e))
            if not path.exists():
                self._settings.remove_recent_file(str(path.absolute()))
            return None
        return project

    def _show_opened(self, path: Path, project: Project) -> None:
        self._editor.load(project)
        # An architecture JSON becomes a new, unsaved project: Save asks where to put it.
        self._set_path(path if path.suffix.lower() == SUFFIX else None)
        if path.suffix.lower() != SUFFIX:
            self._settings.add_recent_file(path)
        self.message.emit(f"Opened {path.name}")

    # Save --------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        path = dialogs.ask_save_path(
            self._window, "Save project as", self._suggest(SUFFIX), dialogs.PROJECT_FILTER
        )
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        return self._write(path)

    def _write(self, path: Path) -> bool:
        try:
            save_project(self._editor.project, path)
        except OSError as e:
            self._error("Cannot save the project", path, e.strerror or str(e))
            return False
        self._editor.mark_saved()
        self._set_path(path)
        self.message.emit(f"Saved {path.name}")
        return True

    # Import and export -------------------------------------------------------------------

    def import_architecture(self) -> bool:
        path = dialogs.ask_open_path(
            self._window, "Import architecture", self._folder(), dialogs.JSON_FILTER
        )
        if not path:
            return False
        try:
            arch = open_file(path).architecture
        except NnstudioError as e:
            self._error("Cannot import the architecture", path, str(e))
            return False
        self._editor.push(ReplaceArchitecture(arch), f"Import {Path(path).name}")
        self.message.emit(f"Imported {Path(path).name} (Undo brings back the previous model)")
        return True

    def export_architecture(self) -> bool:
        return self._export(
            "Export architecture",
            ".json",
            dialogs.JSON_FILTER,
            lambda p: save_architecture(self._editor.architecture, p),
        )

    def export_python(self) -> bool:
        source = python_source(self._editor.architecture).encode("utf-8")
        return self._export(
            "Export as Python code", ".py", dialogs.PYTHON_FILTER, lambda p: write_atomic(p, source)
        )

    def _export(self, caption: str, suffix: str, filters: str, write) -> bool:
        path = dialogs.ask_save_path(self._window, caption, self._suggest(suffix), filters)
        if not path:
            return False
        try:
            write(path)
        except OSError as e:
            self._error(f"Cannot {caption.lower()}", path, e.strerror or str(e))
            return False
        self.message.emit(f"Exported {Path(path).name}")
        return True
