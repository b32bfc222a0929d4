"""Image files classified by a trained model, for ``nnstudio predict``: each file decoded and
prepared as the Playground prepares it (``images``), the readable ones fed in batches, one model
call per batch, and every file answered with its class probabilities or with why it could not be
read.

>>> model, info = open_trained("faces.keras")                   # doctest: +SKIP
>>> [answer] = classify_files(model, info, ["me.jpg"])          # doctest: +SKIP
>>> print(answer.text(1))                                       # doctest: +SKIP
Happy - 91.68%
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting.metadata import ModelInfo
from nnstudio.core.inference import Prediction, probabilities
from nnstudio.core.playground.digits import PlaygroundError, image_format
from nnstudio.core.playground.images import MAX_PIXELS, open_image, prepare

#: Files decoded and prepared before each model call: a few hundred small images in memory.
CHUNK = 256


@dataclass(frozen=True)
class FileAnswer:
    """The model's answer for one image file, or the message saying why it has none."""

    file: str
    prediction: Prediction | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.prediction is not None

    @property
    def probabilities(self) -> dict[str, float]:
        """Every class's probability, in the model's class order ({} for a regression)."""
        p = self.prediction
        if p is None or p.probabilities is None:
            return {}
        return {name: float(v) for name, v in zip(p.class_names, p.probabilities, strict=True)}

    def top(self, k: int = 1) -> list[tuple[str, float]]:
        """The ``k`` most probable classes, the most probable first."""
        return self.prediction.top(k) if self.prediction is not None else []

    def text(self, k: int = 3) -> str:
        """As article 000 prints it, ``Happy - 91.68%`` on a line per class (or the error)."""
        return self.prediction.text(k) if self.prediction is not None else str(self.error)

    def to_dict(self, k: int = 3) -> dict[str, Any]:
        """{"file", "probabilities": {class: p}, "top": [{"class", "probability"}]};
        {"file", "values"} for a regression, {"file", "error"} for a file not answered."""
        if self.prediction is None:
            return {"file": self.file, "error": self.error}
        if self.prediction.probabilities is None:
            return {"file": self.file, "values": self.prediction.outputs.ravel().tolist()}
        return {
            "file": self.file,
            "probabilities": self.probabilities,
            "top": [{"class": name, "probability": p} for name, p in self.top(k)],
        }


def image_input_shape(model, info: ModelInfo) -> tuple[int, ...]:
    """The model's input shape, checked to be an image's (see ``digits.image_format``).

    Raises PlaygroundError when the model has several inputs or outputs, takes inputs of any
    size, or inputs that are not images (the numbers of a table, XOR's two bits).
    """
    inputs = getattr(model, "inputs", None) or []
    outputs = getattr(model, "outputs", None) or []
    if len(inputs) > 1 or len(outputs) > 1:
        raise PlaygroundError(
            f"{info.name} has {len(inputs)} inputs and {len(outputs)} outputs; images are "
            "classified by models of one input and one output"
        )
    shape = tuple(inputs[0].shape[1:]) if inputs else tuple(info.input_shape)
    if None in shape:
        raise PlaygroundError(
            f"{info.name} takes inputs of shape {shape}, of any size where None; images are "
            "resized to the model's size, which must be fixed: give its input one"
        )
    image_format(shape, "image files")
    return shape


def class_probabilities(outputs: np.ndarray, info: ModelInfo) -> np.ndarray | None:
    """Class probabilities (samples, classes) from a batch of the model's outputs, as its
    metadata says they are; None for a regression.

    Probabilities (softmax, sigmoids) are taken as they are, a single sigmoid as [1 - p, p];
    logits go through a softmax (one logit through a sigmoid); "values" were trained against
    0/1 targets (a perceptron's one linear unit is class 1 from 0.5), so they are clipped to
    [0, 1], one as [1 - p, p], several made to sum to 1. Unknown outputs are taken for logits.
    """
    if info.task != "classification":
        return None
    outputs = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    activation = "sigmoid" if info.outputs == "probabilities" else "linear"
    return np.stack([probabilities(row, activation, info.outputs) for row in outputs])


def classify_files(
    model,
    info: ModelInfo,
    files: Sequence[str | os.PathLike],
    *,
    max_pixels: int = MAX_PIXELS,
    batch_size: int = 32,
) -> list[FileAnswer]:
    """Every file's answer, in order: the readable images are fed to the model together (a
    model call per ``CHUNK`` files), each unreadable file answered with its error message.

    Raises PlaygroundError if the model does not take images (see ``image_input_shape``), and
    NnstudioError if its outputs do not fit its class names.
    """
    shape = image_input_shape(model, info)
    answers: list[FileAnswer] = []
    for start in range(0, len(files), CHUNK):
        answers += _classify_chunk(
            model, info, shape, files[start : start + CHUNK], max_pixels, batch_size
        )
    return answers


def _classify_chunk(model, info, shape, files, max_pixels, batch_size) -> list[FileAnswer]:
    pixels: list[np.ndarray] = []
    errors: dict[int, str] = {}
    for i, file in enumerate(files):
        try:
            pixels.append(prepare(open_image(file, max_pixels), shape).reshape(shape))
        except NnstudioError as e:
            errors[i] = str(e)
    predictions = iter(_predict(model, info, np.stack(pixels), batch_size) if pixels else ())
    answers = []
    for i, file in enumerate(files):
        if i in errors:
            answers.append(FileAnswer(str(file), error=errors[i]))
        else:
            answers.append(FileAnswer(str(file), next(predictions)))
    return answers


def _predict(model, info: ModelInfo, pixels: np.ndarray, batch_size: int) -> list[Prediction]:
    """The model's predictions for a batch of uint8 images shaped as its input."""
    outputs = model.predict(info.prepare(pixels), batch_size=batch_size, verbose=0)
    outputs = np.asarray(outputs).reshape(len(pixels), -1)
    probs = class_probabilities(outputs, info)
    if probs is None:
        return [Prediction(row, None, ()) for row in outputs]
    n = probs.shape[1]
    if info.class_names and len(info.class_names) != n:
        raise NnstudioError(
            f"{info.name} gives {n} class probabilities but its metadata names "
            f"{len(info.class_names)} classes ({', '.join(info.class_names[:5])}...); the model "
            "and its metadata do not belong together: export the model again"
        )
    names = tuple(info.label(i) for i in range(n))
    return [Prediction(row, p, names) for row, p in zip(outputs, probs, strict=True)]
