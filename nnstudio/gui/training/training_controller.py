"""Training in the background: the core's ``train`` on a worker thread, its reporter turned into
Qt signals (batch updates throttled, so the GUI thread only draws), pause/resume/stop through
the core's TrainingControl, and the trained model kept for continuing, evaluating and saving.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from nnstudio.core.architecture import Architecture
from nnstudio.core.datasets import Dataset, DatasetSource
from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting.weights import model_from_weights
from nnstudio.core.project import Weights
from nnstudio.core.training.loop import Reporter, RunInfo, TrainingControl, TrainingResult
from nnstudio.core.training.runner import RunOutcome, run_training
from nnstudio.core.training.settings import TrainingSettings
from nnstudio.gui.background import Threads, Worker

#: Batch updates reach the window at most this often (seconds): five times a second looks live,
#: and every update the window draws is CPU the training does not get (on two cores, 20 a
#: second cost a tenth of the training's speed).
BATCH_INTERVAL = 0.2


class _SignalReporter(Reporter):
    """The core's reporter, on the training thread: it only emits signals."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self._last = 0.0
        self._pending: list[tuple[int, int, dict]] = []

    def started(self, info: RunInfo) -> None:
        self.worker.started.emit(info)

    def batch(self, epoch: int, step: int, logs: dict[str, float]) -> None:
        self._pending.append((epoch, step, logs))
        now_ = time.perf_counter()
        if now_ - self._last >= BATCH_INTERVAL:
            self._last = now_
            self.worker.batches.emit(self._pending)
            self._pending = []

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        if self._pending:
            self.worker.batches.emit(self._pending)
            self._pending = []
        self.worker.epoch_done.emit(epoch, logs)

    def message(self, text: str) -> None:
        self.worker.message.emit(text)


@dataclass
class Outcome(RunOutcome):
    """A run's (or an evaluation's) outcome, with the project it belongs to."""

    #: The project it belongs to (TrainingController.generation when it started).
    generation: int = 0


class _Worker(Worker):
    started = Signal(object)
    batches = Signal(list)
    epoch_done = Signal(int, dict)
    message = Signal(str)
    finished = Signal(object)

    def __init__(self, job, generation: int) -> None:
        super().__init__()
        self._job = job
        self.generation = generation

    def work(self) -> None:
        try:
            outcome = self._job(self)
        except NnstudioError as e:
            outcome = Outcome(TrainingResult("failed", str(e)))
        except Exception as e:  # a message in the window, never a dead window
            message = f"training failed: {type(e).__name__}: {e}"
            outcome = Outcome(TrainingResult("failed", message))
        outcome.generation = self.generation
        self.finished.emit(outcome)


class TrainingController(QObject):
    """Starts, pauses, stops and continues training; keeps the trained model."""

    started = Signal(object)  # RunInfo
    batches = Signal(list)  # [(epoch, step, logs)]
    epoch_done = Signal(int, dict)
    message = Signal(str)
    finished = Signal(object)  # Outcome
    state_changed = Signal(str)  # "idle", "running", "paused", "stopping"
    #: The trained weights were reset or replaced (by a project's).
    weights_changed = Signal()
    #: A run of a project that is no longer open ended (its outcome is dropped).
    discarded = Signal(object)  # Outcome

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = None
        self.architecture: Architecture | None = None
        self.epochs_done = 0
        self.plan = None
        self.state = "idle"
        #: Which project the controller works for: each project opened gets a new number, and
        #: what a run of an earlier one reports (its curves, its model) is not shown.
        self.generation = 0
        self._saved: tuple[Architecture, Weights] | None = None
        self._control: TrainingControl | None = None
        self._threads = Threads(self)

    # Control --------------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    @property
    def running(self) -> bool:
        return self.state in ("running", "paused", "stopping")

    def pause(self) -> None:
        if self._control and self.state == "running":
            self._control.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self._control and self.state == "paused":
            self._control.resume()
            self._set_state("running")

    def stop(self) -> None:
        if self._control and self.running:
            self._control.stop()
            self._set_state("stopping")

    def reset(self) -> None:
        """Forget the trained weights: the next run starts from new ones."""
        self.model, self.epochs_done, self.plan = None, 0, None
        self.architecture, self._saved = None, None
        self.weights_changed.emit()

    @property
    def trained(self) -> bool:
        """Whether there are trained weights: a run's (even one stopped in its first epoch,
        which has trained some batches) or a project's."""
        return self.model is not None or self._saved is not None

    def adopt(self, architecture: Architecture, weights: Weights | None) -> None:
        """Work for another project: take the weights saved in it, if they fit the model
        (loaded when needed). A run still stopping belongs to the previous project: what it
        reports from now on is dropped."""
        self.generation += 1
        self.reset()
        self._saved = (architecture, weights) if weights and weights.fits(architecture) else None
        self.architecture = architecture if self._saved else None
        self.epochs_done = weights.epochs if self._saved else 0
        self.weights_changed.emit()

    def can_continue(self, architecture: Architecture) -> bool:
        return (
            self.trained
            and self.architecture is not None
            and (self.architecture.fingerprint() == architecture.fingerprint())
        )

    # Running --------------------------------------------------------------------------

    def train(
        self,
        architecture: Architecture,
        dataset: Dataset,
        settings: TrainingSettings,
        dataset_source: DatasetSource,
        run_id: int,
        resume: bool = False,
    ) -> None:
        """Train (or continue) on a worker thread; ``finished`` brings the Outcome."""
        if self.running:
            return
        continuing = resume and self.can_continue(architecture)
        control = self._control = TrainingControl()

        def job(worker: _Worker) -> Outcome:
            outcome = run_training(
                architecture,
                dataset,
                settings,
                dataset_source,
                run_id,
                _SignalReporter(worker),
                control,
                model=self.model if continuing else None,
                saved=self._saved[1] if continuing and self._saved else None,
                initial_epoch=self.epochs_done if continuing else 0,
            )
            return Outcome(**vars(outcome))

        self._run(job)

    def evaluate(self, architecture: Architecture, dataset: Dataset, settings: TrainingSettings):
        """Evaluate the trained model (a run's, or a reopened project's) on the worker thread."""

        def job(worker: _Worker) -> Outcome:
            from nnstudio.core.training.evaluation import evaluate
            from nnstudio.core.training.loop import compile_model
            from nnstudio.core.training.tasks import plan

            task = plan(architecture, dataset, settings)
            model = self.model
            if model is None:
                worker.message.emit("Loading the trained weights (TensorFlow loads at first)…")
                model = model_from_weights(*self._saved)
            if getattr(model, "optimizer", None) is None:  # so that it can say its loss
                compile_model(model, settings, task)
            worker.message.emit(f"Evaluating the model on {dataset.name}…")
            evaluation = evaluate(model, dataset, task, settings)
            result = TrainingResult("evaluated", f"evaluated the model on the {evaluation.split}")
            values = list(model.get_weights())
            return Outcome(result, None, model, None, evaluation, task, architecture, values)

        self._run(job)

    def _run(self, job) -> None:
        worker = _Worker(job, self.generation)
        worker.started.connect(self._on_started)
        worker.batches.connect(self._on_batches)
        worker.epoch_done.connect(self._on_epoch)
        worker.message.connect(self._on_message)
        worker.finished.connect(self._on_finished)
        self._set_state("running")
        self._threads.start(worker)

    # What the worker reports reaches the window only while its project is open (the slots
    # run on this thread; a worker's signal must reach a bound method, never a lambda).

    def _current(self) -> bool:
        worker = self.sender()
        return getattr(worker, "generation", self.generation) == self.generation

    def _on_started(self, info) -> None:
        if self._current():
            self.started.emit(info)

    def _on_batches(self, batches) -> None:
        if self._current():
            self.batches.emit(batches)

    def _on_epoch(self, epoch, logs) -> None:
        if self._current():
            self.epoch_done.emit(epoch, logs)

    def _on_message(self, text) -> None:
        if self._current():
            self.message.emit(text)

    def _on_finished(self, outcome: Outcome) -> None:
        if outcome.generation != self.generation:
            self._control = None
            self._set_state("idle")
            self.discarded.emit(outcome)
            return
        if outcome.model is not None:
            self.model, self.plan = outcome.model, outcome.plan
            self.architecture = outcome.architecture
            if outcome.weights is not None:
                self.epochs_done = outcome.weights.epochs
        self._control = None
        self._set_state("idle")
        self.finished.emit(outcome)

    def wait(self) -> None:
        """Stop and wait for the worker (the window is closing)."""
        if self._control:
            self._control.stop()
        self._threads.wait()
