"""Work on worker threads, the GUI thread only receiving results.

A :class:`Worker` runs on a thread of its own (started by :class:`Threads`) and, when its work is
done, moves itself back to the GUI thread, where it is destroyed. Deleting a Python-made QObject
on its worker thread (the usual ``thread.finished -> worker.deleteLater``) can deadlock PySide:
the destructor asks for the GIL while holding Qt's connection lock, which the GUI thread may be
waiting for (any ``connect``) while holding the GIL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnstudio.core.errors import NnstudioError


class Worker(QObject):
    """Does :meth:`work` on its thread, then goes home to the thread that made it."""

    def __init__(self) -> None:
        super().__init__()
        self._home = self.thread()

    def work(self) -> None:
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        try:
            self.work()
        finally:
            self.moveToThread(self._home)
            QThread.currentThread().quit()


class Threads(QObject):
    """Starts workers on threads of their own and keeps each alive until its thread ends."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[QThread, Worker] = {}

    def start(self, worker: Worker) -> QThread:
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # A bound method of an object on the GUI thread, so it runs there (queued).
        thread.finished.connect(self._reap)
        self._running[thread] = worker
        thread.start()
        return thread

    def run(self, function: Callable[..., Any], *args: Any, finished=None, failed=None) -> Job:
        """Run ``function(*args)`` on a thread of its own; its result goes to ``finished``, an
        error's message to ``failed`` (connected before it starts, so nothing is missed)."""
        job = Job(function, *args)
        if finished is not None:
            job.finished.connect(finished)
        if failed is not None:
            job.failed.connect(failed)
        self.start(job)
        return job

    @Slot()
    def _reap(self) -> None:
        for thread in [t for t in self._running if t.isFinished()]:
            del self._running[thread]  # its worker, back on this thread, is destroyed here
            thread.deleteLater()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self) -> None:
        """Wait for every thread to end (the window is closing)."""
        for thread in list(self._running):
            thread.wait()
        self._reap()


class Job(Worker):
    """A function run once on a worker thread; its result or error arrives as a signal."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self._function = function
        self._args = args

    def work(self) -> None:
        try:
            result = self._function(*self._args)
        except NnstudioError as e:
            self.failed.emit(str(e))
        except Exception as e:  # reported in the window, never a dead window
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.finished.emit(result)
