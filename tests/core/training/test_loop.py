"""The training loop: reports, pause and stop, divergence, failures, determinism, continuing."""

import threading
import time

import numpy as np
import pytest

from nnstudio.core import template
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.training import Augmentation, TrainingSettings, plan
from nnstudio.core.training.loop import (
    COMPLETED,
    DIVERGED,
    EARLY_STOPPED,
    FAILED,
    STOPPED,
    Reporter,
    TrainingControl,
    seeded_model,
    train,
)
from nnstudio.core.training.runner import run_training

FUNCTION = TrainingSettings(epochs=2, batch_size=50, validation="split", seed=1)


class Recorder(Reporter):
    def __init__(self, on_batch=None):
        self.info, self.batches, self.epochs, self.messages = None, [], [], []
        self.on_batch = on_batch

    def started(self, info):
        self.info = info

    def batch(self, epoch, step, logs):
        self.batches.append((epoch, step, logs))
        if self.on_batch:
            self.on_batch(len(self.batches))

    def epoch(self, epoch, logs):
        self.epochs.append((epoch, logs))

    def message(self, text):
        self.messages.append(text)


def run(model_id, data, settings, reporter=None, control=None):
    arch = template(model_id).architecture
    dataset = load_dataset(data) if isinstance(data, str) else data
    outcome = run_training(
        arch, dataset, settings, dataset.source, 1, reporter or Recorder(), control
    )
    return outcome.model, outcome.result, plan(arch, dataset, settings)


def test_reports_every_batch_and_epoch(keras):
    recorder = Recorder()
    _, result, _ = run("linear-function", "function", FUNCTION, recorder)
    assert result.status == COMPLETED
    assert recorder.info.steps_per_epoch == 18  # 900 training points in batches of 50
    assert recorder.info.validation_samples == 100
    assert len(recorder.batches) == 36
    assert [e for e, _ in recorder.epochs] == [0, 1]
    assert {"loss", "mae", "val_loss", "val_mae", "learning_rate"} <= set(recorder.epochs[0][1])
    # the per-batch losses average to the epoch's loss
    first = [logs["loss"] for epoch, _, logs in recorder.batches if epoch == 0]
    assert np.mean(first[:-1] + first[-1:]) == pytest.approx(result.history["loss"][0], rel=0.1)
    assert result.test.keys() == {"loss", "mae", "rmse", "r2"}
    assert result.samples_per_second > 0
    assert result.epochs_done == 2


def test_stop_between_batches_keeps_the_weights(keras):
    control = TrainingControl()
    recorder = Recorder(on_batch=lambda n: control.stop() if n == 5 else None)
    _, result, _ = run(
        "linear-function", "function", FUNCTION.replace(epochs=50), recorder, control
    )
    assert result.status == STOPPED
    assert result.epochs_done == 1
    assert len(recorder.batches) == 5
    assert result.test is not None  # evaluated with the weights trained so far


def test_pause_waits_between_batches(keras):
    control = TrainingControl()
    resumed = []

    def pause_then_resume(n):
        if n == 3:
            control.pause()
            threading.Timer(
                0.5, lambda: (resumed.append(time.perf_counter()), control.resume())
            ).start()

    recorder = Recorder(on_batch=pause_then_resume)
    start = time.perf_counter()
    _, result, _ = run("linear-function", "function", FUNCTION, recorder, control)
    assert result.status == COMPLETED
    assert resumed
    wall = time.perf_counter() - start
    assert wall >= 0.5
    assert not control.paused
    # The pause is not training time: not in the duration, nor in the samples per second.
    assert control.paused_seconds >= 0.4
    assert result.duration <= wall - control.paused_seconds


def test_a_diverging_loss_stops_with_advice(keras):
    settings = FUNCTION.replace(optimizer="sgd", learning_rate=5.0, epochs=20)
    _, result, _ = run("linear-function", "function", settings)
    assert result.status == DIVERGED
    assert "Lower the learning rate (now 5)" in result.message
    assert not result.ok


def test_a_failure_ends_the_run_with_a_message(keras, monkeypatch):
    arch = template("linear-function").architecture
    dataset = load_dataset("function")
    model = seeded_model(arch, 0)

    def out_of_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(model, "fit", out_of_memory)
    result = train(model, dataset, FUNCTION, plan(arch, dataset, FUNCTION))
    assert result.status == FAILED
    assert "out of memory" in result.message


def test_same_seed_same_result_other_seed_other_result(keras):
    a = run("linear-function", "function", FUNCTION)[1]
    b = run("linear-function", "function", FUNCTION)[1]
    c = run("linear-function", "function", FUNCTION.replace(seed=2))[1]
    assert a.history == b.history
    assert a.history != c.history
    unseeded = run("linear-function", "function", FUNCTION.replace(seed=None))[1]
    again = run("linear-function", "function", FUNCTION.replace(seed=unseeded.seed))[1]
    assert again.history == unseeded.history  # the recorded seed reproduces the run


def test_continue_training_from_the_current_weights(keras):
    model, first, p = run("linear-function", "function", FUNCTION)
    dataset = load_dataset("function")
    more = train(model, dataset, FUNCTION, p, Recorder(), initial_epoch=first.epochs_done)
    assert more.epochs_done == 4
    assert more.history["loss"][0] < first.history["loss"][0]


def test_continuing_with_other_settings_uses_them(keras):
    sgd = FUNCTION.replace(optimizer="sgd", learning_rate=0.01)
    model, first, p = run("linear-function", "function", sgd)
    dataset = load_dataset("function")
    same = Recorder()
    train(model, dataset, sgd, p, same, initial_epoch=first.epochs_done)
    kept = model.optimizer
    assert type(kept).__name__ == "SGD"
    assert not same.messages  # the optimizer and its state carry on
    adam = sgd.replace(optimizer="adam", learning_rate=0.05)
    changed = Recorder()
    train(model, dataset, adam, p, changed, initial_epoch=4)
    assert type(model.optimizer).__name__ == "Adam"
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.05)
    assert "continuing with adam at learning rate 0.05" in changed.messages[0]


def test_early_stopping_and_reduce_lr(keras):
    settings = FUNCTION.replace(
        epochs=40,
        early_stopping=True,
        early_stopping_patience=0,
        reduce_lr=True,
        reduce_lr_patience=0,
        optimizer="sgd",
        learning_rate=0.5,
    )
    _, result, _ = run("linear-function", "function", settings)
    assert result.status in (EARLY_STOPPED, DIVERGED) or result.epochs_done < 40


def test_class_weights_and_augmentation_train_on_images(keras):
    faces = load_dataset(DatasetSource("toy-faces", options={"per_class": 8, "test_per_class": 2}))
    settings = TrainingSettings(
        epochs=1,
        batch_size=16,
        class_weights=True,
        seed=0,
        augmentation=Augmentation(
            flip="horizontal", zoom=0.2, shear=0.2, rotation=0.05, translation=0.1
        ),
    )
    model, result, _ = run("emotion-cnn", faces, settings)
    assert result.status == COMPLETED
    # Same seed, same result, augmentation included (its random draws come in batch order).
    again, repeated, _ = run("emotion-cnn", faces, settings)
    assert repeated.history == result.history
    for mine, theirs in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    recorder = Recorder()
    run(
        "linear-function",
        "function",
        FUNCTION.replace(augmentation=Augmentation(zoom=0.1)),
        recorder,
    )
    assert any("Augmentation applies to images only" in m for m in recorder.messages)
