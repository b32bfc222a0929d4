"""Running a plain function in a worker thread, the GUI thread only receiving its result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from nnstudio.core.errors import NnstudioError


class Job(QObject):
    """A function run once on a worker thread; its result or error arrives as a signal."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self._function = function
        self._args = args

    @Slot()
    def run(self) -> None:
        try:
            result = self._function(*self._args)
        except NnstudioError as e:
            self.failed.emit(str(e))
        except Exception as e:  # reported in the window, never a dead window
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.finished.emit(result)


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they end, whoever was waiting for them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[QThread] = set()

    def start(self, function: Callable[..., Any], *args: Any) -> Job:
        thread = QThread(self)
        job = Job(function, *args)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        job.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        # Bound methods of objects living on the GUI thread, so that they run there (queued);
        # a lambda would run on the worker thread that emits ``finished``.
        thread.finished.connect(job.deleteLater)
        thread.finished.connect(self._reap)
        self._running.add(thread)
        thread._job = job  # keep the job alive as long as its thread
        thread.start()
        return job

    @Slot()
    def _reap(self) -> None:
        for thread in [t for t in self._running if t.isFinished()]:
            self._running.discard(thread)
            thread.deleteLater()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self) -> None:
        """Wait for every job to end (the window is closing)."""
        for thread in list(self._running):
            thread.wait()
