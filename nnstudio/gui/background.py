"""Work on worker threads, the GUI thread only receiving results.

A :class:`Worker` runs on a thread of its own (started by :class:`Threads`) and, when its work is
done, moves itself back to the GUI thread, where it is destroyed. Deleting a Python-made QObject
on its worker thread (the usual ``thread.finished -> worker.deleteLater``) can deadlock PySide:
the destructor asks for the GIL while holding Qt's connection lock, which the GUI thread may be
waiting for (any ``connect``) while holding the GIL. For the same reason Python's cycle
collector runs only on the GUI thread once a worker has started
(:func:`collect_garbage_on_the_gui_thread`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnstudio.core.errors import NnstudioError

_collector = None
_gui_thread: threading.Thread | None = None
_collect = gc.collect


def _collect_on_the_gui_thread(generation: int = 2) -> int:
    """``gc.collect`` once the GUI thread collects: a call from another thread does nothing.
    Libraries collect explicitly too (TensorFlow's TFLite converter does, on the thread that
    exports), and such a collection destroyed the window's widgets on the exporting thread:
    the export hung, and with it the test run (CI's 600 s hang in test_model_files)."""
    if threading.current_thread() is not _gui_thread:
        return 0
    return _collect(generation)


def collect_garbage_on_the_gui_thread():
    """Python's cycle collector runs on whichever thread happens to allocate; on a training
    thread it destroyed the widgets of a discarded window there, and Qt's destructor waiting
    for the GIL while the GUI thread held it waiting for the same object's lock hung the
    process (seen in one GUI test run in five). pyqtgraph's GarbageCollector turns automatic
    collection off and collects on a timer of the GUI thread instead, ten times a second: a
    training allocates some 200,000 objects a second, and collecting them once a second held
    the GUI thread (and the GIL) for up to 0.15 s. Explicit ``gc.collect()`` calls from other
    threads are skipped too. Called once, on the GUI thread, before any worker starts; returns
    the collector."""
    global _collector, _gui_thread
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _gui_thread = threading.current_thread()
        gc.collect = _collect_on_the_gui_thread
        _collector = GarbageCollector(interval=0.1)
    elif gc.isenabled():  # something turned it back on
        gc.disable()
    return _collector


#: How much a worker thread defers to the GUI thread on Linux (a nice value, 0-19).
BACKGROUND_NICE = 10


def defer_to_the_window() -> None:
    """Called on a worker thread: let the GUI thread have the CPU whenever it needs it.

    Training keeps both cores busy (TensorFlow's own threads); the window drawing its plots
    then waited for a core, 40-70 ms at a time. Qt's thread priorities do this on Windows and
    macOS but are ignored on Linux, where the thread and TensorFlow's threads (``tf_*``; the
    threads they start inherit it) get a higher nice value instead. Lowering priority needs no
    privilege; an idle window costs the training nothing.
    """
    QThread.currentThread().setPriority(QThread.Priority.LowPriority)
    if not sys.platform.startswith("linux"):
        return
    tids = {threading.get_native_id()}
    with contextlib.suppress(OSError):
        for task in Path("/proc/self/task").iterdir():
            with contextlib.suppress(OSError):
                if (task / "comm").read_text().startswith("tf_"):
                    tids.add(int(task.name))
    for tid in tids:
        with contextlib.suppress(OSError):
            if os.getpriority(os.PRIO_PROCESS, tid) < BACKGROUND_NICE:
                os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICE)


class Worker(QObject):
    """Does :meth:`work` on its thread (deferring to the window), then goes home to the thread
    that made it."""

    def __init__(self) -> None:
        super().__init__()
        self._home = self.thread()

    def work(self) -> None:
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        try:
            defer_to_the_window()
            self.work()
        finally:
            self.moveToThread(self._home)
            QThread.currentThread().quit()


class _Reaper(QObject):
    """Keeps every worker thread (and its worker) alive until it has finished, whoever started
    it: a QThread destroyed while running aborts the process, which happened when a window was
    garbage-collected while a dataset was still loading."""

    def __init__(self) -> None:
        super().__init__()
        self.running: dict[QThread, Worker] = {}

    @Slot()
    def reap(self) -> None:
        for thread in [t for t in self.running if t.isFinished()]:
            del self.running[thread]  # its worker, back on this thread, is destroyed here
            thread.deleteLater()


_reaper: _Reaper | None = None


def _the_reaper() -> _Reaper:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()
    return _reaper


class Threads(QObject):
    """Starts workers on threads of their own; says whether its own are still running."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._started: list[QThread] = []

    def start(self, worker: Worker) -> QThread:
        collect_garbage_on_the_gui_thread()
        reaper = _the_reaper()
        thread = QThread()  # no parent: it must outlive whoever started it if need be
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # A bound method of an object on the GUI thread, so it runs there (queued).
        thread.finished.connect(reaper.reap)
        reaper.running[thread] = worker
        self._started = [t for t in self._started if t in reaper.running] + [thread]
        thread.start()
        return thread

    @property
    def busy(self) -> bool:
        running = _the_reaper().running
        return any(t in running and not t.isFinished() for t in self._started)

    def wait(self) -> None:
        """Wait for this object's threads to end (the window is closing)."""
        reaper = _the_reaper()
        for thread in self._started:
            if thread in reaper.running:
                thread.wait()
        reaper.reap()
        self._started = []

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
