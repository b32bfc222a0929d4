"""What travels with every exported model, so that a reloaded model still answers "Happy", not
"3", and is fed what it was trained on: ``ModelInfo``, written as ``nnstudio.json``::

    {"format": "nnstudio-model-info", "version": 1, "name": "Emotion CNN",
     "task": "classification", "class_names": ["Angry", ..., "Neutral"],
     "input_shape": [48, 48, 1], "scaling": "pixels/255", "outputs": "probabilities",
     "dataset": "Toy faces (synthetic)", "saved_by": "nnstudio 0.1.0",
     "architecture": {...}, "training": {...}, "dataset_source": {"name": "toy-faces"}}

The last three say how the model was made (nnstudio's architecture JSON, the training settings,
where the data came from, a folder's path included) and are what the Python export rebuilds the
training from; a model exported from elsewhere has none of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nnstudio import __version__
from nnstudio.core import versions
from nnstudio.core.errors import NnstudioError

FORMAT = "nnstudio-model-info"
VERSION = 1
#: The name of the metadata wherever a format keeps files (.keras, SavedModel, TFLite) or keys
#: (ONNX's metadata_props).
METADATA_FILE = "nnstudio.json"
#: One class name per line, beside the metadata (TFLite's own convention for labels).
LABELS_FILE = "labels.txt"
#: Larger metadata is refused when reading: no model's comes close.
MAX_METADATA_BYTES = 4 * 1024 * 1024

TASKS = ("classification", "regression")
#: How raw inputs become what the model takes.
SCALINGS = {
    "pixels/255": "images' pixels (0-255) divided by 255, so inputs are in [0, 1]",
    "none": "numbers fed as they are",
    "table": "a table's rows: numbers normalised and categories one-hot by the training "
    "rows' statistics (its preprocessing)",
    "unknown": "unknown (the model carries no nnstudio metadata); images are assumed to be "
    "pixels / 255, as nnstudio trains them",
}
#: What the model's outputs are.
OUTPUTS = {
    "probabilities": "class probabilities (softmax or sigmoid)",
    "logits": "class scores before softmax or sigmoid (logits)",
    "values": "numbers (a regression, or one linear unit read as class 1 from 0.5)",
    "unknown": "unknown (the model carries no nnstudio metadata)",
}
_KEYS = {
    "format", "version", "name", "task", "class_names", "input_shape", "scaling", "outputs",
    "dataset", "saved_by", "architecture", "training", "dataset_source", "preprocessing",
}  # fmt: skip


class MetadataError(NnstudioError, ValueError):
    """Model metadata that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class ModelInfo:
    """What a model means: its classes, the inputs it takes, and how it was made."""

    name: str
    task: str
    #: One name per output class; empty for a regression.
    class_names: tuple[str, ...]
    #: Without the batch axis; None where any size goes.
    input_shape: tuple[int | None, ...]
    scaling: str = "unknown"
    outputs: str = "unknown"
    #: The dataset's title ("MNIST sample"), "" when unknown.
    dataset: str = ""
    architecture: Mapping[str, Any] | None = None
    training: Mapping[str, Any] | None = None
    dataset_source: Mapping[str, Any] | None = None
    #: A table's encoding (``table_encoding``): raw rows in, answers in their own units.
    preprocessing: Mapping[str, Any] | None = None
    saved_by: str = f"nnstudio {__version__}"
    #: True when the model had no metadata and this was guessed from its output size.
    guessed: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "class_names", tuple(self.class_names))
        object.__setattr__(self, "input_shape", tuple(self.input_shape))

    @property
    def scaling_text(self) -> str:
        return SCALINGS.get(self.scaling, self.scaling)

    @property
    def outputs_text(self) -> str:
        return OUTPUTS.get(self.outputs, self.outputs)

    def replace(self, **changes: Any) -> ModelInfo:
        return replace(self, **changes)

    def prepare(self, x: np.ndarray) -> np.ndarray:
        """Raw inputs (a batch) as the model takes them: float32, pixels / 255 for images.

        With unknown scaling, uint8 arrays are taken for pixels and divided by 255 too.
        """
        x = np.asarray(x)
        divide = self.scaling == "pixels/255" or (self.scaling == "unknown" and x.dtype == np.uint8)
        x = x.astype(np.float32)
        return x / 255.0 if divide else x

    @property
    def table_encoding(self):
        """The TableEncoding of a model trained on a table, or None."""
        if self.preprocessing is None:
            return None
        from nnstudio.core.datasets.table_encoding import encoding_from_dict

        return encoding_from_dict(dict(self.preprocessing))

    def label(self, index: int) -> str:
        """The name of class ``index`` ("3" where there is no name for it)."""
        return self.class_names[index] if 0 <= index < len(self.class_names) else str(index)

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "task": self.task,
            "class_names": list(self.class_names),
            "input_shape": list(self.input_shape),
            "scaling": self.scaling,
            "outputs": self.outputs,
            "dataset": self.dataset,
            "saved_by": self.saved_by,
        }
        for key in ("architecture", "training", "dataset_source", "preprocessing"):
            value = getattr(self, key)
            if value is not None:
                doc[key] = dict(value)
        return doc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n"

    def labels_text(self) -> str:
        """labels.txt: one class name per line."""
        return "".join(" ".join(name.splitlines()) + "\n" for name in self.class_names)


MIGRATIONS: dict[int, Any] = {}


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise MetadataError(f"{METADATA_FILE}: {message}")


def _is_dim(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)


def info_from_dict(doc: Any) -> ModelInfo:
    """Read metadata; MetadataError (one line) if it is not nnstudio's or is damaged."""
    _check(
        isinstance(doc, Mapping) and doc.get("format") == FORMAT,
        f'not nnstudio model metadata ("format" must be "{FORMAT}")',
    )
    doc = versions.migrate(dict(doc), VERSION, MIGRATIONS, "model metadata", MetadataError)
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise MetadataError(f"{METADATA_FILE}: unknown key {unknown[0]!r}")
    names, shape = doc.get("class_names", []), doc.get("input_shape")
    _check(isinstance(doc.get("name"), str), "name must be a string")
    _check(doc.get("task") in TASKS, f"task must be one of {', '.join(TASKS)}")
    _check(
        isinstance(names, list) and all(isinstance(n, str) for n in names),
        "class_names must be a list of strings",
    )
    _check(
        isinstance(shape, list) and bool(shape) and all(_is_dim(d) for d in shape),
        f"input_shape must be a list of positive sizes or nulls; received {shape!r}",
    )
    _check(
        doc.get("scaling", "unknown") in SCALINGS, f"scaling must be one of {', '.join(SCALINGS)}"
    )
    _check(doc.get("outputs", "unknown") in OUTPUTS, f"outputs must be one of {', '.join(OUTPUTS)}")
    for key in ("dataset", "saved_by"):
        _check(isinstance(doc.get(key, ""), str), f"{key} must be a string")
    for key in ("architecture", "training", "dataset_source", "preprocessing"):
        _check(doc.get(key) is None or isinstance(doc[key], dict), f"{key} must be an object")
    if doc.get("preprocessing") is not None:
        _check_preprocessing(doc["preprocessing"])
    return ModelInfo(
        name=doc["name"],
        task=doc["task"],
        class_names=tuple(names),
        input_shape=tuple(shape),
        scaling=doc.get("scaling", "unknown"),
        outputs=doc.get("outputs", "unknown"),
        dataset=doc.get("dataset", ""),
        architecture=doc.get("architecture"),
        training=doc.get("training"),
        dataset_source=doc.get("dataset_source"),
        preprocessing=doc.get("preprocessing"),
        saved_by=doc.get("saved_by", ""),
    )


def _check_preprocessing(doc: dict) -> None:
    from nnstudio.core.datasets import DatasetError
    from nnstudio.core.datasets.table_encoding import encoding_from_dict

    try:
        encoding_from_dict(doc)
    except DatasetError as e:
        raise MetadataError(f"{METADATA_FILE}: preprocessing: {e}") from None


def info_from_json(data: str | bytes) -> ModelInfo:
    """Read ``nnstudio.json``'s text."""
    if len(data) > MAX_METADATA_BYTES:
        raise MetadataError(f"{METADATA_FILE} is too large ({len(data):,} bytes)")
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as e:
        raise MetadataError(f"{METADATA_FILE} is not valid JSON: {e}") from None
    return info_from_dict(doc)


def guessed_info(name: str, input_shape: tuple, output_shape: tuple, activation: str) -> ModelInfo:
    """What can be said of a model without metadata (a .keras from elsewhere): a classifier with
    classes "0" to "n-1", one per output; scaling unknown (see SCALINGS["unknown"])."""
    units = output_shape[-1] if output_shape and isinstance(output_shape[-1], int) else 1
    outputs = "probabilities" if activation in ("softmax", "sigmoid") else "unknown"
    return ModelInfo(
        name=name,
        task="classification",
        class_names=tuple(str(i) for i in range(units if units > 1 else 2)),
        input_shape=tuple(input_shape),
        scaling="unknown",
        outputs=outputs,
        saved_by="",
        guessed=True,
    )
