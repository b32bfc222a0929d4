"""The Runs tab: every run recorded, curves overlaid, what differs tabled, deleting undoable -
and all of it, with the trained weights, kept in the project file."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from nnstudio.gui.main_window import MainWindow
from nnstudio.gui.settings import Settings
from tests.gui.trainings import open_template, train, wait_for_dataset


def table(panel) -> dict[str, list[str]]:
    t = panel.table
    return {
        t.verticalHeaderItem(r).text(): [t.item(r, c).text() for c in range(t.columnCount())]
        for r in range(t.rowCount())
    }


def two_xor_runs(window, qtbot):
    """Article 003's way of working: train, change one thing, train again."""
    open_template(window, qtbot, "xor-network", epochs=30)
    train(window, qtbot)
    window.editor.set_parameter(0, "units", 8)
    window.editor.set_training(window.editor.training.replace(epochs=40))
    train(window, qtbot)


def test_runs_are_listed_overlaid_and_compared(window, qtbot):
    two_xor_runs(window, qtbot)
    window.tabs.setCurrentWidget(window.runs_panel)
    panel = window.runs_panel
    assert panel.list.count() == 2
    assert (
        panel.list.item(0).text().startswith("Run 2: XOR network (2-2-1), 40 epochs")
    )  # newest first
    assert panel.checked_ids() == [2, 1]
    rows = table(panel)
    # Only what differs, then the results of each.
    assert rows["layers"][0] != rows["layers"][1]
    assert rows["epochs"] == ["30", "40"]  # in the order they ran
    assert "dataset" not in rows  # the same for both
    assert set(rows) >= {"parameters", "status", "time", "final accuracy", "final loss"}
    # No validation here: the curves offered are those the runs have.
    offered = [panel.metric_box.itemData(i) for i in range(panel.metric_box.count())]
    assert offered == ["accuracy", "loss", "learning_rate"]
    assert sorted(len(c.getData()[0]) for c in panel.plot.curves) == [30, 40]

    panel.list.item(1).setCheckState(Qt.CheckState.Unchecked)  # untick run 1
    assert panel.checked_ids() == [2]
    assert len(panel.plot.curves) == 1
    assert table(panel)["epochs"] == ["40"]


def test_a_continued_run_is_drawn_where_its_epochs_were(window, qtbot):
    """Article 003's "more epochs": the continuation takes up at epoch 6, not at 1."""
    open_template(window, qtbot, "xor-network", epochs=5)
    train(window, qtbot)
    window.editor.set_training(window.editor.training.replace(epochs=3))
    assert train(window, qtbot, resume=True).result.ok
    window.tabs.setCurrentWidget(window.runs_panel)
    panel = window.runs_panel
    first, more = sorted(panel.plot.curves, key=lambda c: len(c.getData()[0]), reverse=True)
    assert list(first.getData()[0]) == [1, 2, 3, 4, 5]
    assert list(more.getData()[0]) == [6, 7, 8]


def test_deleting_runs_is_undoable(window, qtbot):
    two_xor_runs(window, qtbot)
    window.tabs.setCurrentWidget(window.runs_panel)
    panel = window.runs_panel
    assert not panel.delete_button.isEnabled()  # nothing selected yet
    panel.list.setCurrentRow(1)  # run 1
    assert panel.delete_button.isEnabled()
    panel.list.setFocus()
    QTest.keyClick(panel.list, Qt.Key.Key_Delete)
    assert [run.id for run in window.editor.runs] == [2]
    assert window.undo_action.text() == "&Undo Delete 1 run(s)"
    window.undo_action.trigger()
    assert [run.id for run in window.editor.runs] == [1, 2]
    assert panel.list.count() == 2


def test_a_saved_project_keeps_its_runs_and_weights(window, qtbot, answers, tmp_path):
    open_template(window, qtbot, "xor-network", epochs=20)
    train(window, qtbot)
    answers.save_path = tmp_path / "xor"
    window.save_action.trigger()
    assert not window.isWindowModified()

    ini = QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat)
    reopened = MainWindow(settings=Settings(ini))
    qtbot.addWidget(reopened)
    reopened.files.open_path(tmp_path / "xor.nnstudio")
    wait_for_dataset(reopened, qtbot)
    assert reopened.editor.dataset.name == "xor"
    assert reopened.editor.training.epochs == 20
    assert [run.epochs for run in reopened.editor.runs] == [20]
    assert reopened.editor.runs[0].history == window.editor.runs[0].history
    assert reopened.editor.weights == window.editor.weights
    panel = reopened.training_panel
    assert panel.weights_label.text() == "Weights: trained for 20 epochs."
    assert panel.continue_button.isEnabled()
    # Continuing starts from the saved weights: the loss goes on from where it was.
    outcome = train(reopened, qtbot, resume=True)
    assert outcome.result.epochs_done == 40
    before, after = window.editor.runs[0].history["loss"], reopened.editor.runs[-1].history["loss"]
    assert abs(after[0] - before[-1]) < 0.03
    assert after[0] < before[0] - 0.05  # not a fresh start
    reopened.files.maybe_save = lambda: True
    reopened.close()


def test_a_runs_history_and_plot_are_saved_as_csv_and_png(window, qtbot, answers, tmp_path):
    import csv

    from PySide6.QtGui import QImage

    two_xor_runs(window, qtbot)
    panel = window.runs_panel
    window.tabs.setCurrentWidget(panel)
    assert not panel.csv_button.isEnabled()  # which run? none highlighted yet
    panel.list.setCurrentRow(1)  # newest first: the first run
    assert panel.csv_button.isEnabled()
    answers.save_path = tmp_path / "run.csv"
    panel.csv_button.click()
    rows = list(csv.DictReader((tmp_path / "run.csv").read_text().splitlines()))
    assert {"epoch", "loss", "accuracy"} <= set(rows[0])
    assert [r["epoch"] for r in rows] == [str(i) for i in range(1, 31)]
    assert float(rows[0]["loss"]) == panel.current_run().history["loss"][0]
    answers.save_path = tmp_path / "runs.png"
    panel.png_button.click()
    image = QImage(str(tmp_path / "runs.png"))
    assert image.width() == 1200
    assert image.height() > 300
    # A folder that cannot be written: a message, nothing else.
    assert not panel.save_history(str(tmp_path / "missing" / "run.csv"))
    assert answers.errors[-1][0] == "Cannot save the history"
