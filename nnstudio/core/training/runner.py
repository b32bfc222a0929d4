"""One training, start to record: the function the window, ``nnstudio train`` and the Python API
all run. The seed is chosen once, the model's fit to the dataset checked once, the model built
(or the trained one continued), trained, evaluated on the test set, and the run recorded.

It is a plain function with a reporter (and a TrainingControl to pause and stop it), testable
without Qt; the window runs it on a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnstudio.core.architecture import Architecture
from nnstudio.core.datasets import Dataset, DatasetSource
from nnstudio.core.project import Weights
from nnstudio.core.summary import summarize
from nnstudio.core.training.loop import Reporter, TrainingControl, TrainingResult
from nnstudio.core.training.runs import RunRecord, now, thin
from nnstudio.core.training.settings import TrainingSettings


@dataclass
class RunOutcome:
    """What a training leaves: its result, its record, and (when it trained) the model, its
    weights, its evaluation on the test set and the plan it was trained with."""

    result: TrainingResult
    record: RunRecord | None = None
    model: Any = None
    weights: Weights | None = None
    evaluation: Any = None
    plan: Any = None
    architecture: Architecture | None = None
    #: The learned weights as arrays (Keras' get_weights), for showing them.
    values: list = field(default_factory=list)

    @property
    def trained(self) -> bool:
        return self.model is not None


class _Recording(Reporter):
    """Passes everything on to the caller's reporter, keeping each batch's loss for the run's
    record (thinned)."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.batch_losses: list[float] = []

    def started(self, info) -> None:
        self.reporter.started(info)

    def batch(self, epoch: int, step: int, logs: dict[str, float]) -> None:
        self.batch_losses.append(logs["loss"])
        self.reporter.batch(epoch, step, logs)

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.reporter.epoch(epoch, logs)

    def message(self, text: str) -> None:
        self.reporter.message(text)


def run_training(
    architecture: Architecture,
    dataset: Dataset,
    settings: TrainingSettings,
    source: DatasetSource,
    run_id: int = 1,
    reporter: Reporter | None = None,
    control: TrainingControl | None = None,
    *,
    model: Any = None,
    saved: Weights | None = None,
    initial_epoch: int = 0,
    tensorboard_dir=None,
) -> RunOutcome:
    """Train ``architecture`` on ``dataset`` and record the run as run ``run_id``.

    ``model`` (a trained Keras model of this architecture) or ``saved`` (trained weights that
    fit it) continue training from ``initial_epoch``; otherwise the model is built afresh with
    the run's seed. Raises ``TrainingError`` (with its fixes) before anything is built if the
    model does not fit the dataset, or if TensorBoard logs cannot be written.
    """
    from nnstudio.core.exporting.weights import model_from_weights, weights_of
    from nnstudio.core.training.evaluation import evaluate
    from nnstudio.core.training.loop import check_tensorboard, new_seed, seeded_model, train
    from nnstudio.core.training.tasks import plan

    check_tensorboard(tensorboard_dir)
    reporter = _Recording(reporter or Reporter())
    seed = settings.seed if settings.seed is not None else new_seed()
    settings = settings.replace(seed=seed)
    task = plan(architecture, dataset, settings)
    if model is None and saved is not None:
        reporter.message("Loading the trained weights (TensorFlow loads the first time)…")
        model = model_from_weights(architecture, saved)
    if model is None:
        reporter.message("Building the model (TensorFlow loads the first time)…")
        model, initial_epoch = seeded_model(architecture, seed), 0
    started = now()
    result = train(
        model, dataset, settings, task, reporter, control, initial_epoch, tensorboard_dir
    )
    evaluation = evaluate(model, dataset, task, settings) if result.ok else None
    if evaluation is not None and result.test and not evaluation.is_classification:
        # Numbers in their own units (a table's target is scaled for training), with RMSE
        # and R² besides the loss.
        errors = evaluation.errors()
        result.test = {**result.test, **{k: errors[k] for k in ("mae", "rmse", "r2")}}
    record = RunRecord(
        id=run_id,
        started=started,
        architecture=architecture.to_dict(),
        dataset=source.to_dict(),
        settings=settings.to_dict(),
        status=result.status,
        message=result.message,
        epochs=result.epochs_done,
        duration=result.duration,
        samples_per_second=result.samples_per_second,
        seed=result.seed,
        params=summarize(architecture).total_params or 0,
        history=result.history,
        batch_losses=thin(reporter.batch_losses),
        test=result.test,
    )
    if evaluation is None:
        return RunOutcome(result, record, architecture=architecture)
    weights = weights_of(
        model, architecture, result.epochs_done, dataset.class_names, dataset.preprocessing
    )
    return RunOutcome(
        result,
        record,
        model,
        weights,
        evaluation,
        task,
        architecture,
        list(model.get_weights()),
    )
