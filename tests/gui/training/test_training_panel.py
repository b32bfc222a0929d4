"""Training in the window: train, watch, pause, stop, continue, reset, and every way a run can
go wrong ending with a message in a window that still works."""

import numpy as np
from PySide6.QtGui import QColor

from nnstudio.core.datasets import DatasetSource
from nnstudio.core.training import loop
from tests.gui.trainings import open_template, train, wait_for_dataset


def test_xor_trains_in_the_window_and_shows_its_truth_table(window, qtbot):
    window.tabs.setCurrentWidget(window.training_panel)
    open_template(window, qtbot, "xor-network")  # the article's settings: 500 epochs
    panel = window.training_panel
    assert not panel.continue_button.isEnabled()
    assert panel.weights_label.text() == "Weights: new (not trained)."

    outcome = train(window, qtbot)

    assert outcome.result.status == "completed"
    assert panel.progress.value() == panel.progress.maximum()
    assert "Epoch 500: loss 0.002545, accuracy 1, learning rate 0.1" in panel.log.toPlainText()
    xs, ys = panel.plots.data["loss_epoch"]
    assert len(xs) == 500
    assert ys[-1] < ys[0]  # it learned
    assert len(panel.plots.curves["loss_epoch"].getData()[0]) == 500  # and all is drawn
    assert len(panel.plots.data["loss_batch"][0]) == 500  # one batch of 4 rows per epoch
    # The evaluation tab shows the truth table, every row right.
    evaluation = window.evaluation_panel
    assert evaluation.stack.currentWidget() is evaluation.rows
    table = evaluation.rows
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    truth = [("0, 0", "0"), ("0, 1", "1"), ("1, 0", "1"), ("1, 1", "0")]
    assert [(r[0], r[1]) for r in rows] == truth
    assert all(r[1] == r[3] for r in rows)
    # The run is recorded with its weights; the project has unsaved changes.
    (run,) = window.editor.runs
    assert run.status == "completed"
    assert run.epochs == 500
    assert len(run.history["loss"]) == 500
    assert window.editor.weights.epochs == 500
    assert window.isWindowModified()
    assert panel.continue_button.isEnabled()
    assert panel.weights_label.text() == "Weights: trained for 500 epochs."


def test_continue_then_reset(window, qtbot):
    window.tabs.setCurrentWidget(window.training_panel)
    open_template(window, qtbot, "xor-network", epochs=20)
    train(window, qtbot)
    outcome = train(window, qtbot, resume=True)
    assert outcome.result.epochs_done == 40
    assert window.trainer.epochs_done == 40
    assert [run.epochs for run in window.editor.runs] == [20, 40]
    assert len(window.editor.runs[1].history["loss"]) == 20  # the epochs it trained
    # The curves continue from epoch 21 instead of starting again.
    assert window.training_panel.plots.data["loss_epoch"][0][-1] == 40
    assert window.continue_action.isEnabled()

    window.training_panel.reset_button.click()
    assert window.trainer.epochs_done == 0
    assert window.editor.weights is None
    assert not window.training_panel.continue_button.isEnabled()
    assert not window.reset_weights_action.isEnabled()
    assert len(window.editor.runs) == 2  # the record of what was done stays


def test_editing_the_model_means_train_starts_afresh(window, qtbot):
    open_template(window, qtbot, "xor-network", epochs=5)
    train(window, qtbot)
    window.editor.set_parameter(0, "units", 3)
    assert not window.training_panel.continue_button.isEnabled()
    assert "another version of the model" in window.training_panel.weights_label.text()
    window.editor.undo_stack.undo()
    assert window.training_panel.continue_button.isEnabled()


def test_pause_resume_and_stop_between_batches(window, qtbot):
    window.tabs.setCurrentWidget(window.training_panel)
    open_template(window, qtbot, "mnist-cnn", epochs=3)
    panel, trainer = window.training_panel, window.trainer
    with qtbot.waitSignal(trainer.batches, timeout=120_000):
        panel.train_button.click()
    assert not panel.train_button.isEnabled()
    assert not window.train_action.isEnabled()

    panel.pause_button.click()
    assert trainer.state == "paused"
    assert panel.pause_button.text() == "Resume"
    assert "Paused" in panel.status.text()
    qtbot.wait(300)  # batches already on their way arrive
    done = panel.progress.value()
    qtbot.wait(700)
    assert panel.progress.value() == done  # nothing trains while paused
    window.training_panel.form.batch_size.setValue(32)  # the window is usable meanwhile
    assert window.editor.training.batch_size == 32

    with qtbot.waitSignal(trainer.epoch_done, timeout=120_000):
        panel.pause_button.click()  # resume
    assert panel.progress.value() > done
    with qtbot.waitSignal(trainer.finished, timeout=60_000) as blocker:
        panel.stop_button.click()
    outcome = blocker.args[0]
    assert outcome.result.status == "stopped"
    assert 1 <= outcome.result.epochs_done < 3
    # The weights trained so far are kept: evaluated, saved in the project, continuable.
    assert window.evaluation_panel.evaluation.accuracy > 0.8
    assert window.editor.weights.epochs == outcome.result.epochs_done
    assert panel.continue_button.isEnabled()
    assert panel.train_button.isEnabled()
    assert window.editor.runs[-1].status == "stopped"


def test_stopped_in_its_first_epoch_the_model_can_still_continue(window, qtbot):
    open_template(window, qtbot, "mnist-cnn", epochs=1)
    panel, trainer = window.training_panel, window.trainer
    with qtbot.waitSignal(trainer.batches, timeout=120_000):
        panel.train_button.click()
    with qtbot.waitSignal(trainer.finished, timeout=60_000) as blocker:
        panel.stop_button.click()
    # Keras ends the epoch it stops in: the batches trained count as the first epoch.
    result = blocker.args[0].result
    assert (result.status, result.epochs_done) == ("stopped", 1)
    assert result.message == "stopped after 1 epoch"
    assert panel.weights_label.text() == "Weights: trained for 1 epoch."
    assert panel.continue_button.isEnabled()
    assert panel.reset_button.isEnabled()
    outcome = train(window, qtbot, resume=True)
    assert outcome.result.epochs_done == 2
    assert panel.weights_label.text() == "Weights: trained for 2 epochs."
    panel.reset_button.click()
    assert not panel.continue_button.isEnabled()
    assert panel.weights_label.text() == "Weights: new (not trained)."


def test_a_diverging_training_stops_with_advice(window, qtbot):
    open_template(window, qtbot, "linear-function", optimizer="sgd", learning_rate=10.0, epochs=5)
    outcome = train(window, qtbot)
    assert outcome.result.status == "diverged"
    assert "Lower the learning rate (now 10)" in outcome.result.message
    status = window.training_panel.status.text()
    assert "infinite or NaN" in status
    assert QColor(status.split("color:")[1][:7]).isValid()  # shown as an error
    assert "infinite or NaN" in window.statusBar().currentMessage()
    assert window.editor.runs[-1].status == "diverged"
    assert window.training_panel.train_button.isEnabled()


def test_a_failure_in_training_ends_the_run_with_a_message(window, qtbot, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("OOM when allocating tensor with shape [60000, 784]")

    open_template(window, qtbot, "xor-network", epochs=5)
    with monkeypatch.context() as patch:  # (not monkeypatch.undo: that restores the dialogs too)
        patch.setattr(loop, "train", broken)
        outcome = train(window, qtbot)
    assert outcome.result.status == "failed"
    assert "MemoryError" in outcome.result.message
    assert "MemoryError" in window.training_panel.status.text()
    assert window.trainer.state == "idle"
    assert window.training_panel.train_button.isEnabled()
    assert train(window, qtbot).result.ok  # and the window trains again


def test_a_model_that_cannot_take_the_dataset_is_refused_with_a_message(window, qtbot, answers):
    """Article 002's CNN wants images; XOR's rows are pairs of numbers."""
    answers.fit_answer = False
    window.editor.set_dataset(DatasetSource("xor"))
    wait_for_dataset(window, qtbot)
    assert answers.fit_asked  # choosing the dataset offered the changes that make it fit
    window.train_action.trigger()
    title, text = answers.errors[-1]
    assert title == "Cannot train this model"
    assert "Conv2D" in text or "input" in text
    assert window.trainer.state == "idle"
    assert window.editor.runs == ()


def test_accepting_the_fix_makes_the_model_fit_and_trains(window, qtbot, answers):
    window.files.new_from_template("logic-gate-perceptron")
    answers.fit_answer = True
    window.editor.set_dataset(DatasetSource("function"))  # one input, a number out
    wait_for_dataset(window, qtbot)
    assert window.editor.architecture.input_shape == (1,)
    window.editor.set_training(window.editor.training.replace(epochs=2))
    assert train(window, qtbot).result.ok
    assert np.isfinite(window.editor.runs[-1].history["loss"][-1])


def test_the_plots_are_saved_as_one_png(window, qtbot, answers, tmp_path):
    from PySide6.QtGui import QImage

    open_template(window, qtbot, "xor-network", epochs=20)
    window.tabs.setCurrentWidget(window.training_panel)
    train(window, qtbot)
    answers.save_path = tmp_path / "curves.png"
    window.training_panel.save_plots_button.click()
    assert answers.errors == []
    image = QImage(str(tmp_path / "curves.png"))
    assert image.width() == 1200
    # Loss, accuracy and learning rate, one under the other.
    assert image.height() > 3 * 150
    assert answers.suggested.endswith("xor-network-2-2-1-plots.png")
    assert not window.training_panel.save_plots(str(tmp_path / "missing" / "c.png"))
    assert answers.errors[-1][0] == "Cannot save the plots"


def test_an_image_folder_is_read_again_at_a_new_input_size(window, qtbot, answers, tmp_path):
    from nnstudio.core.toy_faces import write_image_folder

    root = write_image_folder(tmp_path / "faces", 3, seed=2)
    wait_for_dataset(window, qtbot)
    answers.fit_answer = True
    window.editor.set_dataset(DatasetSource("folder", str(root)))
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.sample_shape == (28, 28, 1)  # the model's size
    asked = len(answers.fit_asked)  # the 7 classes: the last layer's units
    window.editor.set_training(window.editor.training.replace(epochs=1, batch_size=8))
    window.editor.set_input_shape((48, 48, 1))
    # Train reads the folder again at 48×48 instead of proposing to undo the edit.
    outcome = train(window, qtbot)
    assert outcome.result.ok, outcome.result.message
    assert window.data_session.dataset.sample_shape == (48, 48, 1)
    assert len(answers.fit_asked) == asked
    assert tuple(window.editor.architecture.input_shape) == (48, 48, 1)


def test_pauses_are_left_out_of_the_eta_and_speed(window, monkeypatch):
    import time
    from types import SimpleNamespace

    from nnstudio.gui.training import training_panel

    now = [100.0]
    clock = SimpleNamespace(perf_counter=lambda: now[0], strftime=time.strftime)
    monkeypatch.setattr(training_panel, "time", clock)
    panel = window.training_panel
    panel._batch_start = 90.0  # ten seconds of training so far
    panel._time_pauses("paused")
    now[0] = 160.0  # a minute's pause
    panel._time_pauses("running")
    assert now[0] - panel._batch_start == 10.0


def test_a_model_of_two_inputs_and_outputs_says_what_the_data_would_have_to_provide(
    window, qtbot, answers, tmp_path
):
    """Such a model is built, summarised and exported in the window; training it says why not."""
    import json

    doc = {
        "format": "nnstudio-architecture",
        "version": 2,
        "name": "Two heads",
        "inputs": [{"name": "image", "shape": [28, 28, 1]}, {"name": "extra", "shape": [4]}],
        "layers": [
            {"type": "Flatten", "name": "flat", "inputs": ["image"]},
            {"type": "Concatenate", "name": "both", "inputs": ["flat", "extra"]},
            {"type": "Dense", "name": "digit", "units": 10, "activation": "softmax"},
            {"type": "Dense", "name": "size", "units": 1, "inputs": ["both"]},
        ],
        "outputs": ["digit", "size"],
    }
    path = tmp_path / "two.json"
    path.write_text(json.dumps(doc))
    window.files.open_path(path)
    assert window.editor.architecture.name == "Two heads"
    assert window.editor.summary.ok
    wait_for_dataset(window, qtbot)
    window.train_action.trigger()
    title, text = answers.errors[-1]
    assert title == "Cannot train this model"
    assert "takes 2 inputs (image, extra) and gives 2 outputs" in text
    assert "would have to provide 2 arrays of samples and 2 of targets" in text
    assert window.trainer.state == "idle"
    assert window.editor.runs == ()
    # Both heads on the 788 values of the image and the extra ones, as Keras counts them.
    assert window.editor.summary.total_params == 788 * 10 + 10 + 788 + 1
    assert window.editor.summary.output_shapes == ((None, 10), (None, 1))
