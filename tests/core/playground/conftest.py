"""Two small models trained for real, once per test process, for ``core.playground.classify``
and ``nnstudio predict`` (tests/cli/conftest.py shares the fixture): a CNN on the toy faces
(48x48 grayscale, softmax over named emotions) and an MLP on 1,000 MNIST digits (784 flat
inputs, logits). Each is saved as .keras and as a project, with real test images as PNG files."""

import dataclasses
import functools
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from nnstudio.core import Architecture, LayerConfig
from nnstudio.core.datasets import load_dataset
from nnstudio.core.project import Project, save_project
from nnstudio.core.training import TrainingSettings

IMAGES = 6


def faces_cnn():
    return Architecture(
        "Faces CNN",
        (48, 48, 1),
        (
            LayerConfig.create("Conv2D", filters=4, kernel_size=3, activation="relu"),
            LayerConfig.create("MaxPooling2D", pool_size=4),
            LayerConfig.create("Flatten"),
            LayerConfig.create("Dense", units=7, activation="softmax"),
        ),
    )


def digits_mlp():
    return Architecture(
        "Digits MLP",
        (784,),
        (
            LayerConfig.create("Dense", units=16, activation="relu"),
            LayerConfig.create("Dense", units=10, activation="linear"),  # logits
        ),
    )


def _small(dataset, n_train):
    return dataclasses.replace(
        dataset,
        x_train=dataset.x_train[:n_train],
        y_train=dataset.y_train[:n_train],
        x_test=dataset.x_test[:IMAGES],
        y_test=dataset.y_test[:IMAGES],
    )


def _train(arch, dataset):
    from nnstudio.core.exporting import model_info, weights_of
    from nnstudio.core.training.runner import run_training

    settings = TrainingSettings(epochs=1, validation="none", seed=0)
    outcome = run_training(arch, dataset, settings, dataset.source)
    model, result = outcome.model, outcome.result
    assert result.status == "completed", result.message
    info = model_info(arch, dataset.source, settings, dataset)
    weights = weights_of(model, arch, result.epochs_done)
    project = Project(arch, dataset.source, settings, weights=weights)
    return SimpleNamespace(arch=arch, dataset=dataset, model=model, info=info, project=project)


@functools.cache
def _trained():
    """Trained once per process, whichever conftest asks first."""
    faces = _train(faces_cnn(), _small(load_dataset("toy-faces"), 700))
    digits = _train(digits_mlp(), _small(load_dataset("mnist-sample"), 1000))
    return faces, digits


def _saved(trained, folder, stem):
    """The model as .keras and as a project, its test images as PNG files, and the model's
    own outputs for them."""
    from nnstudio.core.exporting import export_model

    x = trained.dataset.x_test
    images = []
    for i, pixels in enumerate(x):
        path = folder / f"{stem}_{i}.png"
        Image.fromarray(pixels[..., 0]).save(path)
        images.append(path)
    project = folder / f"{stem}.nnstudio"
    save_project(trained.project, project)
    batch = trained.info.prepare(x).reshape(len(x), *trained.arch.input_shape)
    return SimpleNamespace(
        **vars(trained),
        keras_file=export_model(trained.model, trained.info, "keras", folder / f"{stem}.keras"),
        project_file=project,
        images=images,
        expected=np.asarray(trained.model.predict(batch, verbose=0)),
    )


@pytest.fixture(scope="session")
def predict_models(keras, tmp_path_factory):
    """SimpleNamespace(faces=..., digits=...), each with model, info, keras_file,
    project_file, images (PNG paths) and expected (the model's outputs for them)."""
    faces, digits = _trained()
    folder = tmp_path_factory.mktemp("predict")
    return SimpleNamespace(
        faces=_saved(faces, folder, "face"), digits=_saved(digits, folder, "digit")
    )
