"""Workers: their results reach the GUI thread, and they come home to be destroyed there."""

import gc
import sys
import threading
import time
import weakref

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from nnstudio.core.errors import NnstudioError
from nnstudio.gui.background import BACKGROUND_NICE, Threads


class Receiver(QObject):
    """Lives on the GUI thread, as the window's objects do: signals reach it queued."""

    def __init__(self):
        super().__init__()
        self.got = []

    def receive(self, value):
        self.got.append((value, threading.current_thread()))


def twice_and_where(x):
    return threading.current_thread(), x * 2


def refuse():
    raise NnstudioError("the file is not a project")


def crash():
    return 1 / 0


def test_a_job_runs_on_its_own_thread_and_comes_home(qtbot):
    threads, receiver = Threads(), Receiver()
    job = threads.run(twice_and_where, 21, finished=receiver.receive)
    qtbot.waitUntil(lambda: bool(receiver.got) and not threads.busy, timeout=10_000)
    ((worked_on, value), received_on) = receiver.got[0]
    assert value == 42
    assert worked_on is not threading.main_thread()
    assert received_on is threading.main_thread()
    # Back on the GUI thread, so that it is destroyed there (deleting it on its worker thread
    # can deadlock PySide against the GUI thread).
    assert job.thread() is QApplication.instance().thread()


def test_errors_arrive_as_messages(qtbot):
    threads, receiver = Threads(), Receiver()
    for function in (refuse, crash):
        threads.run(function, failed=receiver.receive)
    qtbot.waitUntil(lambda: len(receiver.got) == 2, timeout=10_000)
    threads.wait()
    assert not threads.busy
    assert sorted(message for message, _ in receiver.got) == [
        "ZeroDivisionError: division by zero",
        "the file is not a project",
    ]


def own_nice():
    import os

    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice values are Linux's")
def test_workers_defer_to_the_window(qtbot):
    """Training kept both cores busy and the window waited 40-70 ms to draw: workers run at a
    lower priority than the GUI thread."""
    import os

    threads, receiver = Threads(), Receiver()
    threads.run(own_nice, finished=receiver.receive)
    qtbot.waitUntil(lambda: bool(receiver.got), timeout=10_000)
    threads.wait()
    assert receiver.got[0][0] >= BACKGROUND_NICE
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < BACKGROUND_NICE


def allocate_until(done: threading.Event) -> int:
    """A worker that allocates as training does (each allocation may start a collection)."""
    kept = []
    while not done.is_set() and len(kept) < 1_000_000:
        kept.extend([] for _ in range(1000))
        time.sleep(0.001)
    return len(kept)


def test_garbage_is_collected_on_the_gui_thread(qtbot):
    """A window's widgets caught in a reference cycle were destroyed by a collection that ran on
    the training thread, which deadlocked against the GUI thread: cycles are collected on the
    GUI thread only, however much a worker allocates."""
    collected, done = [], threading.Event()

    def record():
        collected.append(threading.current_thread())
        done.set()

    threads = Threads()
    threads.run(allocate_until, done)
    widget = QObject()
    widget.cycle = widget
    weakref.finalize(widget, record)
    del widget
    qtbot.waitUntil(lambda: bool(collected), timeout=20_000)
    threads.wait()
    assert collected == [threading.main_thread()]
    assert not gc.isenabled()  # pyqtgraph's GarbageCollector collects, on a GUI timer


def collect_explicitly() -> int:
    """A worker that calls gc.collect() itself, as TensorFlow's TFLite converter does."""
    return gc.collect()


def test_an_explicit_collection_on_a_worker_thread_is_left_to_the_gui_thread(qtbot):
    """TensorFlow's TFLite converter calls gc.collect() on the exporting thread: it destroyed
    widgets caught in a cycle there, and the export hung (CI's 600 s hang)."""
    collected, results = [], []
    threads = Threads()
    widget = QObject()
    widget.cycle = widget
    weakref.finalize(widget, lambda: collected.append(threading.current_thread()))
    del widget
    threads.run(collect_explicitly, finished=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=20_000)
    threads.wait()
    assert results == [0]  # the worker's collection did nothing
    assert collected == []
    gc.collect()  # the GUI thread's, as its timer does
    assert collected == [threading.main_thread()]
