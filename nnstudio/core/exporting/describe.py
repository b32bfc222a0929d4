"""The ModelInfo of a model made in nnstudio: its class names, input scaling and outputs, from
the dataset it was trained on, read cheaply from the dataset's source where possible (the bundled
samples, the Keras sets, gates and functions are known without loading a byte)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnstudio.core.architecture import Architecture
from nnstudio.core.datasets import KINDS, Dataset, DatasetError, DatasetSource, kind, load_dataset
from nnstudio.core.exporting.metadata import ModelInfo
from nnstudio.core.summary import summarize
from nnstudio.core.training.settings import TrainingSettings
from nnstudio.core.training.tasks import Plan, TrainingError, plan

#: Datasets of uint8 images, which the training pipeline divides by 255.
IMAGE_SOURCES = frozenset(k.name for k in KINDS if k.images)


def _known(source: DatasetSource) -> tuple[str, tuple[str, ...]] | None:
    """(title, class names) of a source, if known without loading it."""
    return kind(source.name).known(source)


def _loaded(source: DatasetSource, architecture: Architecture) -> tuple[str, tuple[str, ...]]:
    """(title, class names) from the data itself: a folder's class subfolders, a CSV of
    images loaded; numbered classes if the data cannot be read any more."""
    if source.name == "folder" and Path(source.path or "").is_dir():
        from nnstudio.core.datasets.folders import find_splits

        root = Path(source.path or "")
        train, _ = find_splits(root)
        names = sorted(d.name for d in train.iterdir() if d.is_dir() and not d.name.startswith("."))
        if len(names) >= 2:
            return root.name, tuple(names)
    try:
        dataset = load_dataset(source, tuple(architecture.input_shape))
        return dataset.name, dataset.class_names
    except DatasetError:
        units = summarize(architecture).output_shape[-1] or 1
        return "", tuple(str(i) for i in range(max(units, 2)))


def stand_in(architecture: Architecture, class_names: tuple[str, ...], title: str) -> Dataset:
    """A one-sample dataset of the right shapes, for ``plan``: what the model is trained on,
    without the data."""
    x = np.zeros((1, *(d or 1 for d in architecture.input_shape)), dtype=np.float32)
    if class_names:
        y = np.zeros(1, dtype=np.int64)
    else:
        units = summarize(architecture).output_shape[-1] or 1
        y = np.zeros((1, units), dtype=np.float32)
    return Dataset(DatasetSource("stand-in"), title, x, y, class_names=class_names)


def training_plan(
    architecture: Architecture, class_names: tuple[str, ...], settings: TrainingSettings
) -> Plan | None:
    """The loss, targets and metric training uses for these classes; None if they do not fit."""
    try:
        return plan(architecture, stand_in(architecture, class_names, ""), settings)
    except TrainingError:
        return None


def outputs_of(task_plan: Plan | None) -> str:
    """What the outputs are, from the loss they were trained with."""
    if task_plan is None:
        return "unknown"
    if task_plan.from_logits:
        return "logits"
    if task_plan.loss in ("categorical_crossentropy", "binary_crossentropy"):
        return "probabilities"  # from_logits is False only after a softmax or sigmoid
    return "values"


def model_info(
    architecture: Architecture,
    source: DatasetSource,
    settings: TrainingSettings,
    dataset: Dataset | None = None,
    class_names: tuple[str, ...] = (),
    preprocessing=None,
) -> ModelInfo:
    """The metadata of a model of ``architecture`` trained on ``source`` with ``settings``.

    Pass the ``dataset`` when it is loaded already, or the ``class_names`` saved with the
    weights; otherwise class names come from the source (an image folder's subfolders; a CSV
    of images is loaded); and the ``preprocessing`` saved with them (a table's encoding),
    when the dataset is not loaded.
    """
    if preprocessing is None and dataset is not None and dataset.preprocessing is not None:
        preprocessing = dataset.preprocessing.to_dict()
    if dataset is not None:
        title, names = dataset.name, dataset.class_names
        image = dataset.x_train.dtype == np.uint8
    else:
        known = _known(source)
        if class_names:
            title = known[0] if known else Path(source.path or source.name).stem
            names = tuple(class_names)
        else:
            title, names = known or _loaded(source, architecture)
        image = source.name in IMAGE_SOURCES
    return ModelInfo(
        name=architecture.name,
        task="classification" if names else "regression",
        class_names=names,
        input_shape=tuple(architecture.input_shape),
        scaling="pixels/255" if image else "table" if preprocessing is not None else "none",
        outputs=outputs_of(training_plan(architecture, names, settings)),
        dataset=title,
        architecture=architecture.to_dict(),
        training=settings.to_dict(),
        dataset_source=source.to_dict(),
        preprocessing=None if preprocessing is None else dict(preprocessing),
    )
