"""Everything the window shows belongs to the project that is open: going from template to
template never shows another project's curves, results, model or images, and a reopened
project brings its own back (its last run, its Playground images)."""

import numpy as np
import pytest
from PIL import Image

from nnstudio.gui.evaluation.evaluation_panel import UNTRAINED
from nnstudio.gui.playground.playground_panel import NO_MODEL
from nnstudio.gui.training.training_panel import NOT_TRAINED
from tests.gui.trainings import TRAINING_TIMEOUT, open_template, train, wait_for_dataset


def curve_points(window) -> int:
    plots = window.training_panel.plots
    return sum(len(xs) for xs, _ in plots.data.values())


def test_training_results_do_not_follow_into_the_next_template(window, qtbot):
    """Issue: after f(x) = 2x+1, the face-emotion template still said "Completed 100
    epochs... mae 0.0004" with the old curves."""
    window.tabs.setCurrentWidget(window.training_panel)
    open_template(window, qtbot, "linear-function", epochs=5)
    outcome = train(window, qtbot)
    assert outcome.result.ok
    panel = window.training_panel
    assert panel.status.text().startswith("Completed 5 epochs")
    assert curve_points(window) > 0
    assert window.evaluation_panel.evaluation is not None

    window.files.new_from_template("emotion-cnn")
    assert panel.status.text() == NOT_TRAINED
    assert curve_points(window) == 0
    assert panel.progress.value() == 0
    assert "mae" not in panel.log.toPlainText()
    assert "Opened Face emotion CNN: not trained yet." in panel.log.toPlainText()
    assert window.evaluation_panel.evaluation is None
    assert window.evaluation_panel.headline.text() == UNTRAINED
    assert window.runs_panel.table.rowCount() == 0


def test_the_playground_forgets_the_previous_projects_model_drawing_and_images(
    window, qtbot, tmp_path
):
    """Issue: the Playground kept the previous model's labels and feature maps, and its Images
    list survived into other projects, re-answered by the wrong model."""
    open_template(window, qtbot, "xor-network", epochs=20)
    train(window, qtbot)
    playground = window.playground
    window.tabs.setCurrentWidget(playground)
    qtbot.waitUntil(lambda: playground.predictor is not None, timeout=60_000)
    playground.values.inputs.setText("0, 1")
    playground.values.inputs.returnPressed.emit()
    assert playground.values.answer.text()
    assert playground.inside.layers.count() > 0

    window.files.new_from_template("mnist-cnn")
    assert playground.predictor is None
    assert playground.status.text() == NO_MODEL
    assert playground.values.inputs.text() == ""
    assert playground.values.answer.text() == ""
    assert playground.values.table.rowCount() == 0
    assert playground.inside.layers.count() == 0
    assert playground.inside.prediction is None
    assert playground.images.entries == []
    assert window.models.current is None


def test_images_belong_to_their_project_and_come_back_with_it(window, qtbot, tmp_path):
    photo = tmp_path / "face.png"
    Image.fromarray(np.full((60, 80), 128, np.uint8)).save(photo)
    window.files.new_from_template("emotion-cnn")
    page = window.playground.images
    page.add_files([photo])
    qtbot.waitUntil(lambda: page.loading == 0 and len(page.entries) == 1, timeout=20_000)
    page.set_crop((10.0, 5.0, 40.0, 40.0))
    assert window.editor.modified
    assert window.editor.images[0].path == str(photo)
    assert window.editor.images[0].crop == (10.0, 5.0, 40.0, 40.0)
    project = tmp_path / "faces.nnstudio"
    window.files._write(project)

    window.files.new_from_template("mnist-cnn")
    assert page.entries == []
    assert page.table.rowCount() == 0

    window.files.open(project)
    qtbot.waitUntil(lambda: page.loading == 0 and len(page.entries) == 1, timeout=20_000)
    assert page.entries[0].image.name == "face.png"
    assert page.entries[0].crop == (10.0, 5.0, 40.0, 40.0)
    assert not window.editor.modified  # showing them again is no change


def test_a_reopened_project_shows_its_last_run(window, qtbot, tmp_path):
    open_template(window, qtbot, "xor-network", epochs=12)
    train(window, qtbot)
    project = tmp_path / "xor.nnstudio"
    window.files._write(project)
    window.files.new_from_template("logic-gate-perceptron")
    assert window.training_panel.status.text() == NOT_TRAINED

    window.tabs.setCurrentWidget(window.training_panel)
    window.files.open(project)
    panel = window.training_panel
    assert panel.status.text().startswith("Last run (run 1 of 1): Completed 12 epochs.")
    assert "Test: " in panel.status.text()
    xs, _ = panel.plots.data["loss_epoch"]
    assert xs == list(range(1, 13))
    assert len(panel.plots.data["loss_batch"][0]) > 0
    assert "Run 1</b> scored accuracy" in window.evaluation_panel.headline.text()


def test_opening_another_project_while_training_asks_and_drops_that_run(window, qtbot, answers):
    open_template(window, qtbot, "mnist-mlp", epochs=50, batch_size=32)
    window.training_panel.train_button.click()
    qtbot.waitUntil(lambda: window.training_panel.progress.value() > 0, timeout=TRAINING_TIMEOUT)

    answers.stop_training_answer = False
    assert not window.files.new_from_template("xor-network")
    assert answers.stop_training_asked == 1
    assert window.editor.architecture.name == "MNIST MLP 784-784-32-10"
    assert window.trainer.running

    answers.stop_training_answer = True
    with qtbot.waitSignal(window.trainer.discarded, timeout=TRAINING_TIMEOUT):
        assert window.files.new_from_template("xor-network")
    assert window.editor.runs == ()
    assert window.training_panel.status.text() == NOT_TRAINED
    assert curve_points(window) == 0
    assert not window.trainer.trained
    assert window.models.current is None
    wait_for_dataset(window, qtbot)
    assert window.training_panel.train_button.isEnabled()


def test_a_train_waiting_for_its_data_does_not_start_in_the_next_project(window, qtbot):
    window.files.new_from_template("emotion-cnn")
    assert window.data_session.busy  # the toy faces are being drawn
    window.training_panel.train_button.click()  # waits for them
    window.files.new_from_template("xor-network")
    wait_for_dataset(window, qtbot)
    qtbot.wait(200)
    assert not window.trainer.running
    assert window.editor.runs == ()


def test_a_dataset_still_loading_is_given_up_for_the_next_projects(
    window, qtbot, answers, tmp_path
):
    """The toy faces still loading when a project on full MNIST (not downloaded) opened:
    the window offered to fit the MNIST CNN to the toy faces."""
    from nnstudio.core.datasets import DatasetSource
    from nnstudio.core.project import save_project
    from nnstudio.core.templates import template

    path = tmp_path / "full.nnstudio"
    save_project(template("mnist-cnn").project().replace(dataset=DatasetSource("mnist")), path)
    window.files.new_from_template("emotion-cnn")
    assert window.data_session.busy
    window.files.open(path)
    assert not window.data_session.busy
    qtbot.wait(3000)  # long enough for the toy faces to have come
    assert answers.fit_asked == []
    assert window.editor.architecture == template("mnist-cnn").architecture
    assert window.data_session.source != DatasetSource("toy-faces")
    assert "Not downloaded yet" in window.data_panel.status.text()
    assert not window.editor.modified


def test_open_asks_nothing_and_stops_nothing_until_the_file_is_read(
    window, qtbot, answers, tmp_path
):
    open_template(window, qtbot, "mnist-mlp", epochs=50, batch_size=32)
    window.training_panel.train_button.click()
    qtbot.waitUntil(lambda: window.training_panel.progress.value() > 0, timeout=TRAINING_TIMEOUT)
    answers.open_path = ""  # the person cancels the dialog
    window.open_action.trigger()
    assert window.trainer.state == "running"
    broken = tmp_path / "broken.nnstudio"
    broken.write_bytes(b"not a zip")
    assert not window.files.open(broken)
    assert answers.stop_training_asked == 0
    assert window.trainer.state == "running"
    window.trainer.stop()
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=TRAINING_TIMEOUT)


def test_an_image_of_the_project_whose_file_is_gone_stays_in_the_project(window, qtbot, tmp_path):
    """Review: the message said a missing image would be left out when the project was next
    saved; it was kept by a save, then dropped silently by the next edit."""
    kept, gone = tmp_path / "kept.png", tmp_path / "gone.png"
    for path in (kept, gone):
        Image.fromarray(np.full((40, 40), 90, np.uint8)).save(path)
    window.files.new_from_template("emotion-cnn")
    page = window.playground.images
    page.add_files([kept, gone])
    qtbot.waitUntil(lambda: page.loading == 0 and len(page.entries) == 2, timeout=20_000)
    project = tmp_path / "faces.nnstudio"
    window.files._write(project)
    gone.unlink()
    window.files.open(project)
    qtbot.waitUntil(lambda: page.loading == 0 and len(page.entries) == 1, timeout=20_000)
    assert "kept in the project, in case the files come back" in page.message.text()
    assert [image.name for image in window.editor.images] == ["kept.png", "gone.png"]
    page.set_crop((1.0, 1.0, 20.0, 20.0))  # an edit keeps the image that could not open
    assert [image.name for image in window.editor.images] == ["kept.png", "gone.png"]


def test_empty_plots_keep_nothing_of_the_previous_runs_ranges(window, qtbot):
    window.tabs.setCurrentWidget(window.training_panel)
    open_template(window, qtbot, "linear-function", epochs=3)
    train(window, qtbot)
    window.files.new_from_template("xor-network")
    plots = window.training_panel.plots
    for name in ("loss", "metric"):
        low, high = plots._view(name).viewRange()[1]
        assert low == pytest.approx(-0.02, abs=0.01)
        assert high == pytest.approx(1.02, abs=0.01)
