"""One small CNN trained for real on the bundled MNIST sample, once for all export tests."""

import dataclasses
from types import SimpleNamespace

import pytest

from nnstudio.core import Architecture, LayerConfig
from nnstudio.core.datasets import load_dataset
from nnstudio.core.project import Project
from nnstudio.core.training import TrainingSettings


def small_cnn(name="Small CNN"):
    return Architecture(
        name,
        (28, 28, 1),
        (
            LayerConfig.create("Conv2D", filters=8, kernel_size=3, activation="relu"),
            LayerConfig.create("MaxPooling2D", pool_size=2),
            LayerConfig.create("Flatten"),
            LayerConfig.create("Dense", units=10, activation="softmax"),
        ),
    )


@pytest.fixture(scope="session")
def trained(keras):
    """A CNN after one epoch on 1,000 MNIST images; its project; 200 real test images."""
    from nnstudio.core.exporting import model_info, weights_of
    from nnstudio.core.training.runner import run_training

    sample = load_dataset("mnist-sample")
    dataset = dataclasses.replace(
        sample,
        x_train=sample.x_train[:1000],
        y_train=sample.y_train[:1000],
        x_test=sample.x_test[:200],
        y_test=sample.y_test[:200],
    )
    arch = small_cnn()
    settings = TrainingSettings(epochs=1, validation="none", seed=0)
    outcome = run_training(arch, dataset, settings, dataset.source)
    model, result = outcome.model, outcome.result
    assert result.status == "completed"
    info = model_info(arch, dataset.source, settings, dataset)
    weights = weights_of(model, arch, result.epochs_done)
    project = Project(arch, dataset.source, settings, weights=weights)
    x = info.prepare(dataset.x_test)
    return SimpleNamespace(
        model=model,
        info=info,
        project=project,
        dataset=dataset,
        x=x,
        expected=model.predict(x, verbose=0),
    )


def faces_cnn():
    """A CNN for 48x48 faces that starts with an augmentation layer (RandomFlip)."""
    return Architecture(
        "Faces CNN",
        (48, 48, 1),
        (
            LayerConfig.create("RandomFlip", mode="horizontal"),
            LayerConfig.create("Conv2D", filters=4, kernel_size=3, activation="relu"),
            LayerConfig.create("MaxPooling2D", pool_size=4),
            LayerConfig.create("Flatten"),
            LayerConfig.create("Dense", units=7, activation="softmax"),
        ),
    )


@pytest.fixture(scope="session")
def faces(keras):
    """A CNN trained for one epoch on a few toy faces: classes "Angry" to "Neutral"."""
    from nnstudio.core.datasets import DatasetSource
    from nnstudio.core.exporting import model_info
    from nnstudio.core.training.runner import run_training

    source = DatasetSource("toy-faces", options={"per_class": 20, "test_per_class": 5})
    dataset = load_dataset(source)
    arch = faces_cnn()
    settings = TrainingSettings(epochs=1, batch_size=32, validation="none", seed=0)
    outcome = run_training(arch, dataset, settings, dataset.source)
    model, result = outcome.model, outcome.result
    assert result.status == "completed"
    info = model_info(arch, source, settings, dataset)
    x = info.prepare(dataset.x_test)
    return SimpleNamespace(
        model=model, info=info, dataset=dataset, x=x, expected=model.predict(x, verbose=0)
    )
