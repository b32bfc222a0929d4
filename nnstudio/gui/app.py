"""Starting the window: ``nnstudio`` and ``nnstudio FILE``.

Nothing here imports TensorFlow: the window is up in about a second, and TensorFlow loads in
the background the first time something needs it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nnstudio import __version__
from nnstudio.gui import theme
from nnstudio.gui.main_window import MainWindow

#: The benchmark sets this to the time (time.time()) it started the process; the window then
#: prints how long it took to be shown and quits.
STARTUP_PROBE = "NNSTUDIO_STARTUP_PROBE"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, with the names QSettings files its settings under."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName("nnstudio")
    app.setApplicationName("nnstudio")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(theme.app_icon())
    return app


def _probe_startup(window: MainWindow, started: float) -> None:
    def shown():
        window.repaint()  # count a complete first paint
        print(f"window shown after {time.time() - started:.3f} s", flush=True)
        window.files.maybe_save = lambda: True
        window.close()

    QTimer.singleShot(0, shown)


def run(path: str | None = None) -> int:
    """Open the window (and the file, if given); returns the exit status."""
    app = application()
    window = MainWindow()
    window.show()
    if path is not None:
        # After the window is up, so that an error dialog has a window to sit on.
        QTimer.singleShot(0, lambda: window.files.open_path(Path(path)))
    probe = os.environ.get(STARTUP_PROBE)
    if probe:
        _probe_startup(window, float(probe))
    return app.exec()
