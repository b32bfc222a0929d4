"""Messages are whole: a status-bar message too long for the bar ends in "…" with its whole text
in the tooltip and in View > Messages, and a dataset that cannot be read says why."""

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from nnstudio.core.datasets import DatasetSource
from tests.gui.trainings import wait_for_dataset


def test_a_long_status_message_is_elided_and_whole_in_its_tooltip_and_history(window, qtbot):
    """Issue: status-bar errors ended in "...found" with nothing after (QStatusBar cuts the
    text at its edge, without a sign that more follows)."""
    bar = window.statusBar()
    long = "The dataset could not be loaded: " + "/a/very/long/folder" * 20 + ": found nothing"
    bar.showMessage(long, 10000)
    assert bar.currentMessage() == long
    shown = bar.shown_text()
    assert shown.endswith("…")
    assert len(shown) < len(long)
    assert long in bar.toolTip()
    bar.showMessage("Short message.", 1000)
    assert bar.shown_text() == "Short message."
    assert [text for _, text in bar.history][-2:] == [long, "Short message."]

    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.message_rect().center())
    dialog = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Messages")
    text = dialog.findChild(QPlainTextEdit).toPlainText()
    assert long in text
    assert "Short message." in text
    dialog.close()


def test_a_csv_of_the_wrong_images_says_why_in_the_data_tab(window, qtbot, tmp_path):
    """Issue: a FER2013-style CSV of the wrong size said "no readable training rows (1,797 bad
    rows)" without saying what was wrong with them."""
    path = tmp_path / "digits.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["emotion", "pixels", "Usage"])
        writer.writerows([[i % 7, " ".join(["3"] * 64), "Training"] for i in range(1797)])
    window.tabs.setCurrentWidget(window.data_panel)
    wait_for_dataset(window, qtbot)
    with qtbot.waitSignal(window.data_session.failed, timeout=30_000):
        window.editor.set_dataset(DatasetSource("fer-csv", str(path)))
    panel = window.data_panel
    for text in (panel.status.text(), panel.status.toolTip(), window.statusBar().currentMessage()):
        assert "all 1,797 rows are unreadable" in text
        assert "64 pixel values where a 48×48 face has 2,304" in text
    assert panel.status.wordWrap()
