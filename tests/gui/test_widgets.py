"""Small shared widgets: the status label whose changing text does not relayout the window."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnstudio.gui.widgets import StatusLabel


class LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def window_with(qtbot, label):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addWidget(label)
    layout.addWidget(QLabel("below"))
    window.resize(300, 200)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)  # the layout of the window's first show is done
    requests = LayoutRequests()
    window.installEventFilter(requests)
    return window, requests


def test_a_changing_status_does_not_relayout_the_window(qtbot):
    status = StatusLabel("Epoch 1/20")
    _window, requests = window_with(qtbot, status)
    height = status.height()
    for epoch in range(2, 30):
        status.setText(f"Epoch {epoch}/20 · {epoch * 1000:,} samples/s")
        qtbot.wait(1)
    assert requests.count == 0
    assert status.text() == "Epoch 29/20 · 29,000 samples/s"
    assert status.height() == height

    # More lines: taller, and the window lays out once to make room.
    status.setText("A long message that wraps onto several lines in a narrow window " * 3)
    qtbot.waitUntil(lambda: requests.count > 0, timeout=1000)
    assert status.height() > 2 * height
    assert status.label.height() == status.height()


def test_a_qlabel_would_have(qtbot):
    """What StatusLabel avoids (if Qt stops doing this, StatusLabel can go)."""
    label = QLabel("Epoch 1/20")
    label.setWordWrap(True)
    _window, requests = window_with(qtbot, label)
    label.setText("Epoch 2/20")
    qtbot.waitUntil(lambda: requests.count > 0, timeout=1000)


def test_a_bigger_font_makes_the_status_taller(qtbot):
    status = StatusLabel("Happy  ·  91.68%")
    _window, _requests = window_with(qtbot, status)
    height = status.height()
    font = status.font()
    font.setPointSizeF(font.pointSizeF() * 2.4)
    status.setFont(font)
    qtbot.waitUntil(lambda: status.height() > 2 * height, timeout=1000)
    assert status.label.font().pointSizeF() == font.pointSizeF()
