"""The dataset session: loads on a worker thread, but its state changes on the GUI thread."""

import threading

from nnstudio.core.datasets import DatasetSource
from nnstudio.gui.data.data_session import DataSession


class RecordingSession(DataSession):
    """Notes the thread each outcome is handled on."""

    def __init__(self):
        super().__init__()
        self.threads = []

    def _on_loaded(self, dataset, cancel):
        self.threads.append(threading.current_thread())
        super()._on_loaded(dataset, cancel)

    def _on_failed(self, message, cancel):
        self.threads.append(threading.current_thread())
        super()._on_failed(message, cancel)


def test_a_load_changes_the_session_on_the_gui_thread(qtbot):
    session = RecordingSession()
    with qtbot.waitSignal(session.loaded, timeout=30_000) as blocker:
        session.load(DatasetSource("xor"))
    assert session.threads == [threading.main_thread()]
    assert blocker.args[0] is session.dataset
    assert session.dataset.name == "XOR gate"
    assert not session.busy
    session.wait()


def test_a_later_load_replaces_one_still_running(qtbot):
    session = RecordingSession()
    seen = []
    session.loaded.connect(lambda d: seen.append(d.name))
    session.load(DatasetSource("mnist-sample"))
    with qtbot.waitSignal(session.loaded, timeout=30_000):
        session.load(DatasetSource("and"))
    qtbot.wait(200)  # the first load's outcome, if it came, would be ignored
    session.wait()
    qtbot.wait(50)
    assert seen == ["AND gate"]
    assert session.source == DatasetSource("and")
    assert all(t is threading.main_thread() for t in session.threads)


def test_a_failed_load_says_why(qtbot, tmp_path):
    session = RecordingSession()
    with qtbot.waitSignal(session.failed, timeout=30_000) as blocker:
        session.load(DatasetSource("folder", str(tmp_path / "missing")))
    assert "missing" in blocker.args[0]
    assert session.threads == [threading.main_thread()]
    assert not session.busy
    session.wait()
