"""GUI test fixtures: a window with its own settings file, dialogs that never block, and a
check that no test leaves a top-level window open."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMenu

from nnstudio.gui import dialogs
from nnstudio.gui.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


class Dialogs:
    """Answers the window's questions and records what it said."""

    def __init__(self):
        self.open_path = ""
        self.open_paths = []
        self.save_path = ""
        self.unsaved_answer = "discard"
        self.errors: list[tuple[str, str]] = []
        self.unsaved_asked = 0
        self.folder = ""
        self.fit_answer = True
        self.fit_asked: list = []
        self.stop_training_answer = True
        self.stop_training_asked = 0

    def ask_open_path(self, parent, caption, folder, filters):
        return str(self.open_path)

    def ask_open_paths(self, parent, caption, folder, filters):
        return [str(p) for p in self.open_paths]

    def ask_save_path(self, parent, caption, suggestion, filters):
        self.suggested = suggestion
        return str(self.save_path)

    def ask_unsaved(self, parent, name):
        self.unsaved_asked += 1
        return self.unsaved_answer

    def show_error(self, parent, title, text):
        self.errors.append((title, text))

    def ask_folder(self, parent, caption, folder):
        return str(self.folder)

    def ask_fit(self, parent, dataset, changes):
        self.fit_asked.append((dataset, changes))
        return self.fit_answer

    def ask_stop_training(self, parent, name):
        self.stop_training_asked += 1
        return self.stop_training_answer


@pytest.fixture
def answers(monkeypatch):
    fake = Dialogs()
    for name in (
        "ask_open_path",
        "ask_open_paths",
        "ask_save_path",
        "ask_unsaved",
        "show_error",
        "ask_folder",
        "ask_fit",
        "ask_stop_training",
    ):
        monkeypatch.setattr(dialogs, name, getattr(fake, name))
    return fake


@pytest.fixture
def window(qtbot, settings, answers):
    from nnstudio.gui.main_window import MainWindow

    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    answers.unsaved_answer = "discard"
    w.close()


@pytest.fixture(autouse=True)
def no_leaked_windows(qtbot):
    """Fail a test that leaves a visible top-level window behind (napari does the same)."""
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    yield
    QApplication.processEvents()
    leaked = [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and id(w) not in before and not isinstance(w, QMenu)
    ]
    for w in leaked:
        w.close()
    assert not leaked, f"windows left open: {[type(w).__name__ for w in leaked]}"
