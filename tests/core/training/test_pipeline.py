"""The input pipeline: uint8 in memory, scaled per batch, shaped for the model."""

import numpy as np

from nnstudio.core import template
from nnstudio.core.datasets import load_dataset
from nnstudio.core.training import Augmentation, TrainingSettings, plan
from nnstudio.core.training.pipeline import augmentation_model, encode_targets, split, tf_dataset


def test_validation_split_is_the_last_part_like_keras():
    d = load_dataset("mnist-sample")
    parts = split(d, TrainingSettings(validation_split=0.1))
    assert len(parts.x_train) == 7200
    assert parts.x_val is d.x_train[-800:].base or np.array_equal(parts.x_val, d.x_train[-800:])
    assert parts.validation_name == "validation split"
    assert split(d, TrainingSettings(validation="test")).validation_name == "test set"
    assert split(d, TrainingSettings(validation="none")).x_val is None


def test_images_are_scaled_per_batch_and_reshaped_for_an_mlp(keras):
    d = load_dataset("mnist-sample")
    p = plan(template("mnist-mlp").architecture, d, TrainingSettings())
    x, y = next(iter(tf_dataset(d.x_train[:100], d.y_train[:100], p, 32)))
    assert x.shape == (32, 784)
    assert x.dtype.name == "float32"
    assert float(x.numpy().max()) <= 1.0
    np.testing.assert_allclose(x.numpy()[0], d.x_train[0].ravel() / 255.0, rtol=1e-6)
    assert y.numpy().tolist() == d.y_train[:32].tolist()
    assert d.x_train.dtype == np.uint8  # memory keeps uint8


def test_targets_take_the_form_the_loss_wants():
    y = np.array([0, 2, 1])

    class P:
        num_outputs = 3

    for targets, expected in [
        ("sparse", [0, 2, 1]),
        ("one_hot", [[1, 0, 0], [0, 0, 1], [0, 1, 0]]),
        ("binary", [[0], [2], [1]]),
    ]:
        P.targets = targets
        assert encode_targets(y, P).tolist() == expected


def test_augmentation_changes_training_images_only(keras):
    model = augmentation_model(keras, Augmentation(flip="horizontal", zoom=0.3), seed=0)
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    assert not np.allclose(model(images, training=True).numpy(), images)
    assert np.allclose(model(images, training=False).numpy(), images)
    assert augmentation_model(keras, Augmentation(), seed=0) is None
