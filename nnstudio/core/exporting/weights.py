"""Trained weights in and out of a project: a model's weights as the bytes a project keeps, the
model back from them, and a project's trained model with its metadata, ready to export."""

from __future__ import annotations

import tempfile
from pathlib import Path

from nnstudio.core.architecture import Architecture
from nnstudio.core.datasets import Dataset
from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting.metadata import ModelInfo
from nnstudio.core.project import Project, Weights


class UntrainedError(NnstudioError, ValueError):
    """The project has no trained weights (or none that fit its model)."""


def weights_of(
    model,
    architecture: Architecture,
    epochs: int,
    class_names: tuple[str, ...] = (),
    preprocessing=None,
) -> Weights:
    """The model's weights as the bytes of a Keras .weights.h5 file, with the names of the
    classes they were trained on and the preprocessing of its inputs (a ``TableEncoding``, or
    its dict), if any."""
    if preprocessing is not None and not isinstance(preprocessing, dict):
        preprocessing = preprocessing.to_dict()
    with tempfile.TemporaryDirectory(prefix="nnstudio-") as folder:
        path = Path(folder) / "model.weights.h5"
        model.save_weights(path)
        data = path.read_bytes()
    return Weights(data, architecture.fingerprint(), epochs, tuple(class_names), preprocessing)


def model_from_weights(architecture: Architecture, weights: Weights):
    """A model with saved weights loaded (the project was saved after training)."""
    from nnstudio.core.building import build_model

    model = build_model(architecture)
    with tempfile.TemporaryDirectory(prefix="nnstudio-") as folder:
        path = Path(folder) / "model.weights.h5"
        path.write_bytes(weights.data)
        model.load_weights(path)
    return model


def project_model(project: Project, dataset: Dataset | None = None) -> tuple[object, ModelInfo]:
    """The project's trained Keras model and its metadata.

    ``dataset``: the project's dataset, if it is loaded already (its class names are used);
    otherwise they come from the project's dataset source. Raises ``UntrainedError`` for a
    project without trained weights, or whose weights belong to another version of its model.
    """
    from nnstudio.core.exporting.describe import model_info

    weights = project.weights
    if weights is None:
        raise UntrainedError(
            f"{project.name} has no trained weights: train it first, in the window (then save "
            "the project) or with nnstudio train PROJECT --out MODEL.keras (then export "
            "MODEL.keras)"
        )
    if not weights.fits(project.architecture):
        raise UntrainedError(
            f"the weights saved in {project.name} belong to an earlier version of its model "
            "(the layers changed since it was trained): train it again and save the project"
        )
    model = model_from_weights(project.architecture, weights)
    info = model_info(
        project.architecture,
        project.dataset,
        project.training,
        dataset,
        weights.class_names,
        weights.preprocessing,
    )
    return model, info
