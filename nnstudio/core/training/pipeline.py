"""The input pipeline: uint8 images stay uint8 in memory and become float32 in [0, 1] one batch
at a time (``tf.data`` with prefetch), augmented on training batches only, reshaped to what
the model takes (MNIST's 28×28×1 images feed article 004's 784-input MLP as they are)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.core import backend
from nnstudio.core.datasets import Dataset
from nnstudio.core.training.settings import Augmentation, TrainingSettings
from nnstudio.core.training.tasks import Plan


@dataclass(frozen=True)
class Splits:
    """The arrays training uses: fit on train, watch validation, report test."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    validation_name: str  # "validation split", "test set" or ""


def split(dataset: Dataset, settings: TrainingSettings) -> Splits:
    """Hold out the last part of the training data for validation, as Keras'
    validation_split does, or validate on the test set."""
    x, y = dataset.x_train, dataset.y_train
    if settings.validation == "test" and dataset.has_test:
        return Splits(x, y, dataset.x_test, dataset.y_test, "test set")
    if settings.validation == "split" and len(x) >= 2:
        n_val = max(1, round(len(x) * settings.validation_split))
        if n_val < len(x):
            return Splits(x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:], "validation split")
    return Splits(x, y, None, None, "")


def encode_targets(y: np.ndarray, plan: Plan) -> np.ndarray:
    """Targets in the form the loss wants."""
    if plan.targets == "sparse":
        return y.astype(np.int32)
    if plan.targets == "binary":
        return y.astype(np.float32).reshape(-1, 1)
    if plan.targets == "one_hot":
        return np.eye(plan.num_outputs, dtype=np.float32)[y.astype(np.int64)]
    return y.astype(np.float32).reshape(len(y), -1)


def augmentation_model(keras, augmentation: Augmentation, seed: int):
    """Keras preprocessing layers for the chosen augmentation, or None."""
    layers = []
    if augmentation.flip != "none":
        mode = {"both": "horizontal_and_vertical"}.get(augmentation.flip, augmentation.flip)
        layers.append(keras.layers.RandomFlip(mode, seed=seed))
    if augmentation.rotation:
        layers.append(keras.layers.RandomRotation(augmentation.rotation, seed=seed))
    if augmentation.zoom:
        layers.append(keras.layers.RandomZoom(augmentation.zoom, seed=seed))
    if augmentation.shear:
        s = augmentation.shear
        layers.append(keras.layers.RandomShear(x_factor=s, y_factor=s, seed=seed))
    if augmentation.translation:
        t = augmentation.translation
        layers.append(keras.layers.RandomTranslation(t, t, seed=seed))
    return keras.Sequential(layers, name="augmentation") if layers else None


def tf_dataset(
    x: np.ndarray,
    y: np.ndarray,
    plan: Plan,
    batch_size: int,
    *,
    shuffle: bool = False,
    seed: int = 0,
    augment=None,
    sample_weights: np.ndarray | None = None,
):
    """A batched, prefetched tf.data pipeline of (inputs, targets[, weights])."""
    tf = backend.tensorflow()
    targets = encode_targets(y, plan)
    tensors = (x, targets) if sample_weights is None else (x, targets, sample_weights)
    data = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    data = data.batch(batch_size)
    image = x.dtype == np.uint8
    shape = tuple(-1 if d is None else d for d in plan.input_shape)
    if x.dtype == np.float32 and x.shape[1:] == shape and augment is None:
        # Numbers the model takes as they are: a map would only cost time in every epoch
        # (about 6 ms, which is most of an epoch of a logic gate).
        return data.prefetch(tf.data.AUTOTUNE)

    def prepare(inputs, *rest):
        inputs = tf.cast(inputs, tf.float32)
        if image:
            inputs = inputs / 255.0
            if augment is not None:
                inputs = augment(inputs, training=True)
        return (tf.reshape(inputs, (-1, *shape)), *rest)

    # Augmentation draws from its layers' random state batch by batch: batches prepared in
    # parallel would draw in whichever order they ran, and the same seed would no longer give
    # the same result. Prefetching still overlaps it with training.
    parallel = None if augment is not None else tf.data.AUTOTUNE
    data = data.map(prepare, num_parallel_calls=parallel)
    return data.prefetch(tf.data.AUTOTUNE)
