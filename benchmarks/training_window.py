"""What the training benchmarks share: the real window on a template, its Training tab shown (so
the live plots draw), the dataset loaded, and waiting that keeps the event loop running.

Waiting never sleeps on the GUI thread: it runs a nested QEventLoop, as ``app.exec()`` would,
so that the window keeps drawing and a probe timer keeps ticking.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from nnstudio.core.templates import template
from nnstudio.gui import dialogs
from nnstudio.gui.app import application
from nnstudio.gui.main_window import MainWindow
from nnstudio.gui.settings import Settings

#: Errors the window would have shown in a modal box (which would block a benchmark).
ERRORS: list[tuple[str, str]] = []


def _never_block() -> None:
    dialogs.show_error = lambda parent, title, text: ERRORS.append((title, text))
    dialogs.ask_fit = lambda parent, dataset, changes: False


def run_loop(ms: float, until=None) -> bool:
    """Run the event loop for at most ``ms`` milliseconds, or until ``until()`` is true (checked
    every 10 ms). True if ``until`` became true (or was not given)."""
    loop = QEventLoop()
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll = QTimer()
    if until is not None:
        if until():
            return True
        poll.setInterval(10)
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start()
    deadline.start(round(ms))
    loop.exec()
    poll.stop()
    deadline.stop()
    return until is None or bool(until())


def wait_for_signal(signal, ms: float) -> list:
    """Run the event loop until ``signal`` is emitted (its arguments) or ``ms`` pass (error)."""
    got: list = []
    loop = QEventLoop()

    def receive(*args):
        got.append(args)
        loop.quit()

    signal.connect(receive)
    QTimer.singleShot(round(ms), loop.quit)
    loop.exec()
    signal.disconnect(receive)
    if not got:
        raise TimeoutError(f"no signal within {ms / 1000:.0f} s")
    return list(got[0])


def dataset_ready(window: MainWindow) -> bool:
    session = window.data_session
    return (
        session.dataset is not None and not session.busy and session.source == window.editor.dataset
    )


def training_window(template_id: str, **training) -> MainWindow:
    """The main window on a template, with its own settings file, showing the Training tab,
    its dataset loaded; ``training`` overrides the template's training settings."""
    app = application()
    _never_block()
    ini = os.path.join(tempfile.mkdtemp(prefix="nnstudio-bench-"), "settings.ini")
    project = template(template_id).project()
    if training:
        project = project.replace(training=project.training.replace(**training))
    window = MainWindow(project, Settings(QSettings(ini, QSettings.Format.IniFormat)))
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.training_panel)
    window.show()
    app.processEvents()
    if not run_loop(60_000, lambda: dataset_ready(window)):
        raise TimeoutError("the dataset did not load within 60 s")
    assert window.training_panel.plots is not None
    assert window.training_panel.plots.isVisible()
    return window


def close(window: MainWindow) -> None:
    window.files.maybe_save = lambda: True
    window.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def now() -> float:
    return time.perf_counter()
