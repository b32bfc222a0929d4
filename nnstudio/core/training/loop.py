"""Training as a plain function: ``train(model, dataset, settings, plan, reporter, control)``.

No Qt here. The window runs it on a worker thread and turns the reporter's calls into signals;
``nnstudio train`` prints them as a progress bar; tests pass a plain object. Pause and stop
act between batches (Keras' ``model.stop_training``, as its TerminateOnNaN callback does).
"""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnstudio.core import backend
from nnstudio.core.datasets import Dataset
from nnstudio.core.formatting import counted
from nnstudio.core.training.pipeline import augmentation_model, split, tf_dataset
from nnstudio.core.training.settings import OPTIMIZERS, TrainingSettings
from nnstudio.core.training.tasks import Plan

COMPLETED, STOPPED, EARLY_STOPPED, DIVERGED, FAILED = (
    "completed",
    "stopped",
    "early-stopped",
    "diverged",
    "failed",
)


class TrainingControl:
    """Pause, resume and stop, asked from any thread, obeyed between batches."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        #: How long training has waited, paused (left out of its duration and speed).
        self.paused_seconds = 0.0

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def checkpoint(self) -> bool:
        """Wait while paused; True if training must stop."""
        if not self._running.is_set():
            began = time.perf_counter()
            self._running.wait()
            self.paused_seconds += time.perf_counter() - began
        return self._stop.is_set()


@dataclass(frozen=True)
class RunInfo:
    epochs: int
    initial_epoch: int
    steps_per_epoch: int
    samples: int
    batch_size: int
    validation: str
    validation_samples: int
    seed: int
    #: "accuracy" for classes, "mae" for numbers.
    metric: str = "accuracy"


class Reporter:
    """What training tells the world; override what you need. Called on the training thread."""

    def started(self, info: RunInfo) -> None: ...

    def batch(self, epoch: int, step: int, logs: dict[str, float]) -> None:
        """After each batch: ``loss`` of this batch, the epoch's running ``accuracy``/``mae``."""

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        """After each epoch: Keras' logs (loss, accuracy, val_loss, ...) and learning_rate."""

    def message(self, text: str) -> None: ...


@dataclass
class TrainingResult:
    status: str
    message: str
    history: dict[str, list[float]] = field(default_factory=dict)
    epochs_done: int = 0
    duration: float = 0.0
    samples_per_second: float = 0.0
    test: dict[str, float] | None = None
    seed: int = 0

    @property
    def ok(self) -> bool:
        return self.status not in (DIVERGED, FAILED)


def new_seed() -> int:
    return int.from_bytes(os.urandom(4), "little") % (2**31 - 1)


#: What each model was compiled with (see ``_compiled_with``), without touching the model.
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _compiled_with(settings: TrainingSettings, plan: Plan) -> tuple:
    """The settings ``compile_model`` turns into the optimizer and the loss."""
    sgd = settings.optimizer == "sgd"
    return (
        settings.optimizer,
        float(settings.effective_learning_rate),
        settings.momentum if sgd else None,
        settings.nesterov if sgd else None,
        plan.loss,
        plan.from_logits,
        plan.targets,
        plan.metric_scale,
    )


def compile_model(model, settings: TrainingSettings, plan: Plan) -> None:
    """Compile with the chosen optimizer, the plan's loss and an accuracy (or mae) metric."""
    _COMPILED[model] = _compiled_with(settings, plan)
    keras = backend.keras()
    name = settings.optimizer
    kwargs: dict[str, Any] = {"learning_rate": float(settings.effective_learning_rate)}
    if name == "sgd":
        kwargs.update(momentum=settings.momentum, nesterov=settings.nesterov)
    optimizer = getattr(keras.optimizers, OPTIMIZERS[name][0])(**kwargs)
    losses = keras.losses
    if plan.loss == "categorical_crossentropy":
        cls = (
            losses.SparseCategoricalCrossentropy
            if plan.targets == "sparse"
            else losses.CategoricalCrossentropy
        )
        loss = cls(from_logits=plan.from_logits)
    elif plan.loss == "binary_crossentropy":
        loss = losses.BinaryCrossentropy(from_logits=plan.from_logits)
    else:
        loss = plan.loss
    model.compile(optimizer=optimizer, loss=loss, metrics=[_metric(keras, plan)])


def _metric(keras, plan: Plan):
    """Accuracy for classes; the mean absolute error for numbers, in their own units."""
    metrics = keras.metrics
    if plan.metric == "mae" and plan.metric_scale != 1.0:  # in the targets' own units
        scale = float(plan.metric_scale)

        def mae(y_true, y_pred):
            return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1) * scale

        return metrics.MeanMetricWrapper(mae, name="mae")
    if plan.metric == "mae":
        return metrics.MeanAbsoluteError(name="mae")
    if plan.targets == "sparse":
        return metrics.SparseCategoricalAccuracy(name="accuracy")
    if plan.targets == "one_hot":
        return metrics.CategoricalAccuracy(name="accuracy")
    return metrics.BinaryAccuracy(name="accuracy", threshold=0.0 if plan.from_logits else 0.5)


def _progress_callback(keras, reporter: Reporter, control: TrainingControl, state: dict):
    class Progress(keras.callbacks.Callback):
        """Reports every batch, obeys pause and stop, and stops on a loss that is not finite."""

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch, self._previous = epoch, 0.0

        def on_train_batch_end(self, step, logs=None):
            logs = logs or {}
            mean = float(logs.get("loss", math.nan))
            # Keras logs the epoch's running mean; this batch's own loss follows from it.
            loss = (step + 1) * mean - step * self._previous
            self._previous = mean
            size, n = state["batch_size"], state["n"]
            state["samples"] += min(size, n - step * size)
            if not math.isfinite(mean):
                state["diverged"] = (self._epoch, step)
                self.model.stop_training = True
                return
            values = {k: float(v) for k, v in logs.items() if k != "loss"}
            reporter.batch(self._epoch, step, {"loss": loss, **values})
            if control.checkpoint():
                state["stopped"] = True
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items()}
            rate = self.model.optimizer.learning_rate
            logs["learning_rate"] = float(keras.ops.convert_to_numpy(rate))
            state["history"].setdefault("learning_rate", []).append(logs["learning_rate"])
            reporter.epoch(epoch, logs)

    return Progress()


def _callbacks(keras, settings: TrainingSettings, has_validation: bool, tensorboard_dir):
    out = []
    if settings.early_stopping:
        monitor = settings.early_stopping_monitor
        out.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor
                if has_validation or not monitor.startswith("val_")
                else monitor[4:],
                patience=settings.early_stopping_patience,
                restore_best_weights=settings.restore_best_weights,
                mode="max" if "accuracy" in monitor else "min",
            )
        )
    if settings.reduce_lr:
        monitor = settings.reduce_lr_monitor
        out.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor=monitor
                if has_validation or not monitor.startswith("val_")
                else monitor[4:],
                factor=settings.reduce_lr_factor,
                patience=settings.reduce_lr_patience,
                mode="max" if "accuracy" in monitor else "min",
                min_lr=1e-7,
            )
        )
    if tensorboard_dir:
        out.append(keras.callbacks.TensorBoard(log_dir=str(tensorboard_dir)))
    return out


def check_tensorboard(tensorboard_dir) -> None:
    """Raise ``TrainingError`` before any work if TensorBoard logs are asked for and cannot be
    written: Keras' TensorBoard callback needs the ``tensorboard`` package (which TensorFlow
    no longer installs) and would otherwise fail as the first epoch begins."""
    import importlib.util
    from pathlib import Path

    from nnstudio.core.training.tasks import TrainingError

    if not tensorboard_dir:
        return
    if importlib.util.find_spec("tensorboard") is None:
        raise TrainingError(
            "TensorBoard logs need the tensorboard package, which is not installed. "
            'Install it with: pip install -e ".[tensorboard]" in nnstudio\'s folder (or pip '
            "install tensorboard), or train without --tensorboard."
        )
    path = Path(tensorboard_dir)
    if path.exists() and not path.is_dir():
        raise TrainingError(
            f"TensorBoard logs go into a folder, and {path} is a file; choose a folder."
        )


def _failure(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    name = type(error).__name__
    if name == "ResourceExhaustedError" or isinstance(error, MemoryError):
        return (
            "out of memory: the model or the batches are too large for this computer; "
            "lower the batch size, or use fewer units or filters"
        )
    return f"training failed: {name}: {text[:300]}"


def seeded_model(architecture, seed: int):
    """A new model whose initial weights follow from the seed: the seed must be set before
    the model is built, since Keras draws the weights then. Same seed, same result."""
    from nnstudio.core.building import build_model

    backend.keras().utils.set_random_seed(seed)
    return build_model(architecture)


def _compile_for_run(
    model, settings: TrainingSettings, plan: Plan, initial_epoch: int, reporter: Reporter
) -> None:
    """Compile a new run's model; a continued run keeps its optimizer's state unless the
    optimizer, learning rate or loss changed, which then apply from here on (the optimizer
    starts afresh; the weights are kept)."""
    compiled = getattr(model, "optimizer", None) is not None
    if not compiled or initial_epoch == 0:
        compile_model(model, settings, plan)
    elif _COMPILED.get(model) != _compiled_with(settings, plan):
        compile_model(model, settings, plan)
        reporter.message(
            f"The optimizer or loss changed: continuing with {settings.optimizer} at learning "
            f"rate {settings.effective_learning_rate:g} from the current weights (the "
            "optimizer's own state starts afresh)."
        )


def _sample_weights(dataset: Dataset, settings: TrainingSettings, plan: Plan, y_train):
    """Each training sample's class weight, where class weights are asked for and the
    targets are classes; else None."""
    if not settings.class_weights or plan.targets == "value":
        return None
    table = dataset.class_weights()
    return np.array([table[int(c)] for c in y_train], dtype=np.float32)


def _augmenter(keras, settings: TrainingSettings, x_train, seed: int, reporter: Reporter):
    """The model that changes training images at random, or None: without augmentation, or
    for samples that are not images (which the reporter is told)."""
    if settings.augmentation.active and x_train.ndim == 4:
        return augmentation_model(keras, settings.augmentation, seed)
    if settings.augmentation.active:
        reporter.message("Augmentation applies to images only; this dataset has none.")
    return None


def train(
    model,
    dataset: Dataset,
    settings: TrainingSettings,
    plan: Plan,
    reporter: Reporter | None = None,
    control: TrainingControl | None = None,
    initial_epoch: int = 0,
    tensorboard_dir=None,
) -> TrainingResult:
    """Train ``model`` for ``settings.epochs`` more epochs; never raises for training itself."""
    keras = backend.keras()
    reporter = reporter or Reporter()
    control = control or TrainingControl()
    seed = settings.seed if settings.seed is not None else new_seed()
    keras.utils.set_random_seed(seed)
    _compile_for_run(model, settings, plan, initial_epoch, reporter)
    parts = split(dataset, settings)
    weights = _sample_weights(dataset, settings, plan, parts.y_train)
    augment = _augmenter(keras, settings, parts.x_train, seed, reporter)
    train_data = tf_dataset(
        parts.x_train,
        parts.y_train,
        plan,
        settings.batch_size,
        shuffle=settings.shuffle,
        seed=seed,
        augment=augment,
        sample_weights=weights,
    )
    val_data = None
    if parts.x_val is not None:
        val_data = tf_dataset(parts.x_val, parts.y_val, plan, settings.batch_size)
    steps = math.ceil(len(parts.x_train) / settings.batch_size)
    info = RunInfo(
        initial_epoch + settings.epochs,
        initial_epoch,
        steps,
        len(parts.x_train),
        settings.batch_size,
        parts.validation_name,
        0 if parts.x_val is None else len(parts.x_val),
        seed,
        plan.metric,
    )
    state: dict[str, Any] = {
        "samples": 0,
        "batch_size": settings.batch_size,
        "history": {},
        "n": len(parts.x_train),
        "stopped": False,
        "diverged": None,
    }
    callbacks = [
        _progress_callback(keras, reporter, control, state),
        *_callbacks(keras, settings, val_data is not None, tensorboard_dir),
    ]
    reporter.started(info)
    start = time.perf_counter() + control.paused_seconds  # pauses are not training time
    try:
        history = model.fit(
            train_data,
            validation_data=val_data,
            epochs=info.epochs,
            initial_epoch=initial_epoch,
            callbacks=callbacks,
            verbose=0,
            shuffle=False,  # the pipeline shuffles, with the seed
        ).history
    except Exception as e:  # a message for the user, never a traceback
        duration = time.perf_counter() - start - control.paused_seconds
        return TrainingResult(FAILED, _failure(e), duration=duration, seed=seed)
    duration = time.perf_counter() - start - control.paused_seconds
    history = {k: [float(v) for v in values] for k, values in history.items()}
    history.setdefault("learning_rate", state["history"].get("learning_rate", []))
    done = initial_epoch + len(history.get("loss", []))
    result = TrainingResult(
        COMPLETED,
        "",
        history,
        done,
        duration,
        state["samples"] / duration if duration else 0.0,
        None,
        seed,
    )
    if state["diverged"] is not None:
        epoch, step = state["diverged"]
        result.status = DIVERGED
        result.message = (
            f"the loss became infinite or NaN at epoch {epoch + 1}, batch {step + 1}: training "
            f"diverged. Lower the learning rate (now {settings.effective_learning_rate:g}), for "
            "instance by 10x, or scale the inputs"
        )
        return result
    if state["stopped"]:
        result.status, result.message = STOPPED, f"stopped after {counted(done, 'epoch')}"
    elif done < info.epochs:
        result.status = EARLY_STOPPED
        result.message = (
            f"early stopping after {counted(done, 'epoch')}: the monitored value stopped improving"
        )
    else:
        result.message = f"completed {counted(done, 'epoch')}"
    if dataset.has_test:
        test_data = tf_dataset(dataset.x_test, dataset.y_test, plan, max(settings.batch_size, 256))
        try:
            scores = model.evaluate(test_data, verbose=0, return_dict=True)
            result.test = {k: float(v) for k, v in scores.items()}
        except Exception as e:
            reporter.message(f"evaluating on the test set failed: {_failure(e)}")
    return result
