"""How a model and a dataset fit together: the loss, the form of the targets, the metrics,
and what to change when they do not fit ("the model outputs 64 values but the dataset has
10 classes: set the last Dense to 10 units with softmax")."""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnstudio.core.architecture import Architecture
from nnstudio.core.datasets import Dataset
from nnstudio.core.edits import Edit, SetInputShape, SetParameter
from nnstudio.core.errors import NnstudioError
from nnstudio.core.formatting import format_shape
from nnstudio.core.summary import summarize
from nnstudio.core.training.settings import TrainingSettings

CLASS_LOSSES = ("categorical_crossentropy", "binary_crossentropy", "hinge", "squared_hinge")


class TrainingError(NnstudioError, ValueError):
    """The model cannot be trained on this dataset as it stands; the message says why."""

    def __init__(self, message: str, fixes: tuple[tuple[str, Edit], ...] = ()):
        super().__init__(message)
        self.fixes = fixes


@dataclass(frozen=True)
class Plan:
    """Everything training needs to know about the task."""

    #: The Keras loss name, and whether the model's outputs are logits for it.
    loss: str
    from_logits: bool
    #: "sparse" class indices, "one_hot" vectors, "binary" 0/1 columns, or "value" numbers.
    targets: str
    #: "accuracy" for classes, "mae" for numbers.
    metric: str
    #: The shape one sample must have for the model (without the batch axis).
    input_shape: tuple
    num_outputs: int
    #: Shown to the user: "categorical cross-entropy (chosen for 10 classes)".
    loss_label: str
    #: What one unit of the targets is in their own units: a table's number to predict is
    #: scaled for training (by its standard deviation), its error reported in its units.
    metric_scale: float = 1.0


def _last_activation(arch: Architecture) -> str:
    """The activation the model's output comes out of: its output layer's, or (through layers
    that only pass values on: Dropout, Flatten, Reshape) the one before it."""
    from nnstudio.core.graph import resolve

    graph = resolve(arch)
    index = graph.index(graph.outputs[0]) if graph.outputs else None
    while index is not None:
        layer = arch.layers[index]
        activation = layer.params.get("activation")
        if activation is not None:
            return activation
        if layer.type not in ("Dropout", "Flatten", "Reshape"):
            return "linear"
        index = graph.index(graph.inbound[index][0])
    return "linear"


def _input_fits(sample: tuple, model: tuple) -> bool:
    if len(sample) == len(model) and all(
        m is None or m == s for s, m in zip(sample, model, strict=True)
    ):
        return True
    return None not in model and math.prod(sample) == math.prod(model)


def input_fix(arch: Architecture, dataset: Dataset) -> tuple[str, Edit] | None:
    """Setting the input shape to the dataset's, if the model's does not take its samples.

    A model with a flat input (an MLP: Dense layers on a vector) gets the samples' size as one
    vector, which training flattens them to: given the images' own shape, its Dense layers
    would act on each pixel row and answer one vector per row instead of per sample.
    """
    if _input_fits(dataset.sample_shape, tuple(arch.input_shape)):
        return None
    shape = dataset.sample_shape
    if len(arch.input_shape) == 1 and len(shape) > 1:
        size = math.prod(shape)
        return (
            f"Set the input shape to {size} (the {'×'.join(map(str, shape))} samples, flattened)",
            SetInputShape((size,)),
        )
    return (f"Set the input shape to {', '.join(map(str, shape))}", SetInputShape(shape))


def output_fixes(arch: Architecture, dataset: Dataset) -> list[tuple[str, Edit]]:
    """Making the last Dense layer match the dataset: one unit per class with softmax (or one
    sigmoid unit for two classes), or one linear unit per number to predict."""
    index = next(
        (i for i in range(len(arch.layers) - 1, -1, -1) if arch.layers[i].type == "Dense"), None
    )
    if index is None:
        return []
    layer = arch.layers[index]
    units, activation = layer.params["units"], layer.params["activation"]
    if dataset.task == "regression":
        wanted_units, wanted_activation = (
            (dataset.y_train.shape[1] if dataset.y_train.ndim > 1 else 1),
            "linear",
        )
    elif units == 1 and dataset.num_classes == 2:
        return []
    else:
        wanted_units, wanted_activation = dataset.num_classes, "softmax"
    fixes = []
    if units != wanted_units:
        fixes.append(
            (
                f"Set the last Dense layer to {wanted_units} units",
                SetParameter(index, "units", wanted_units),
            )
        )
    if activation != wanted_activation and not (
        dataset.task == "regression" and units == wanted_units
    ):
        fixes.append(
            (
                f"Use {wanted_activation} on the last layer",
                SetParameter(index, "activation", wanted_activation),
            )
        )
    return fixes


def fit_fixes(arch: Architecture, dataset: Dataset) -> list[tuple[str, Edit]]:
    """Every change that makes the model take the dataset's samples and answer its task:
    "fit the model to the dataset" (the window offers it; ``nnstudio train --fit`` applies
    it)."""
    return [f for f in (input_fix(arch, dataset), *output_fixes(arch, dataset)) if f]


def fitted(arch: Architecture, dataset: Dataset) -> tuple[Architecture, list[str]]:
    """The architecture fitted to the dataset, and what was changed."""
    fixes = fit_fixes(arch, dataset)
    for _, edit in fixes:
        arch = edit.apply(arch)[0]
    return arch, [text for text, _ in fixes]


def plan(arch: Architecture, dataset: Dataset, settings: TrainingSettings, summary=None) -> Plan:
    """How to train this model on this dataset; TrainingError with fixes if it cannot.
    ``summary``: the architecture's, where the caller has it (the window's, after an edit)."""
    summary = summary if summary is not None else summarize(arch)
    _check_model(arch, summary)
    _check_input(arch, dataset)
    units, activation = _output_width(summary), _last_activation(arch)
    if dataset.task == "regression":
        return _regression_plan(arch, dataset, settings, units)
    if units == 1 and dataset.num_classes == 2:
        return _yes_no_plan(arch, settings, activation)
    return _classes_plan(arch, dataset, settings, units, activation)


def _check_model(arch: Architecture, summary) -> None:
    """TrainingError unless the model is valid, with one input and one output."""
    if not summary.ok:
        raise TrainingError("the model has errors: " + summary.errors[0].message)
    inputs, outputs = len(arch.inputs), len(summary.output_shapes)
    if inputs > 1 or outputs > 1:
        names = ", ".join(i.name for i in arch.inputs)
        raise TrainingError(
            f"the model takes {inputs} input{'s' * (inputs > 1)} ({names}) and gives {outputs} "
            f"output{'s' * (outputs > 1)}; a dataset here gives one input and one target per "
            f"sample, so it would have to provide {inputs} arrays of samples and {outputs} of "
            "targets. Train a model with one input and one output, or export it (File > "
            "Export, nnstudio export) and train it in Python with your own arrays"
        )


def _check_input(arch: Architecture, dataset: Dataset) -> None:
    """TrainingError, with the fix, if the model's input does not take the dataset's samples."""
    shape = dataset.sample_shape
    fix = input_fix(arch, dataset)
    if fix is not None:
        raise TrainingError(
            f"the dataset's samples are {_dims(shape)} ({math.prod(shape):,} values) but the "
            f"model's input is {_dims(arch.input_shape)}: {fix[0].lower()}?",
            (fix,),
        )


def _output_width(summary) -> int:
    """How many values the model gives per sample; TrainingError unless it gives one vector."""
    out = summary.output_shape
    if len(out) != 2 or out[1] is None:
        raise TrainingError(
            f"the model's output is {format_shape(out)}; it must be one vector per sample "
            "(None, n): add Flatten and a Dense layer at the end"
        )
    return out[1]


def _regression_plan(
    arch: Architecture, dataset: Dataset, settings: TrainingSettings, units: int
) -> Plan:
    """Numbers to predict: one output per number, and a loss for numbers (mse by default)."""
    loss = settings.loss
    width = dataset.y_train.shape[1] if dataset.y_train.ndim > 1 else 1
    if units != width:
        raise TrainingError(
            f"the model outputs {units} values per sample but there are {width} numbers to predict",
            tuple(output_fixes(arch, dataset)),
        )
    if loss in ("auto", *CLASS_LOSSES):
        if loss != "auto":
            raise TrainingError(
                f"{loss} is a loss for classes; this dataset has numbers to "
                "predict: use mse, mae or huber"
            )
        loss = "mse"
    return Plan(
        loss,
        False,
        "value",
        "mae",
        tuple(arch.input_shape),
        units,
        _label(loss, "chosen for numbers" if settings.loss == "auto" else ""),
        dataset.preprocessing.target.std if dataset.preprocessing is not None else 1.0,
    )


def _yes_no_plan(arch: Architecture, settings: TrainingSettings, activation: str) -> Plan:
    """Two classes and one output: a yes/no answer, as 0/1 targets."""
    loss = settings.loss
    if loss == "auto":
        # A sigmoid says yes or no; a linear unit is the articles' perceptron, trained on
        # the squared error.
        loss = "binary_crossentropy" if activation == "sigmoid" else "mse"
    if loss == "categorical_crossentropy":
        raise TrainingError(
            "categorical cross-entropy needs one output per class; with a "
            "single output use binary cross-entropy"
        )
    from_logits = loss == "binary_crossentropy" and activation != "sigmoid"
    return Plan(
        loss,
        from_logits,
        "binary",
        "accuracy",
        tuple(arch.input_shape),
        1,
        _label(loss, "chosen for two classes and one output" if settings.loss == "auto" else ""),
    )


def _classes_plan(
    arch: Architecture, dataset: Dataset, settings: TrainingSettings, units: int, activation: str
) -> Plan:
    """Classes: one output per class, as class indices (or one-hot vectors for other losses)."""
    k = dataset.num_classes
    loss = settings.loss
    if units != k:
        raise TrainingError(
            f"the model outputs {units} values per sample but the dataset has {k} classes: "
            f"the last layer needs {k} units (one per class)",
            tuple(output_fixes(arch, dataset)),
        )
    if loss == "auto":
        loss = "categorical_crossentropy"
    if loss == "categorical_crossentropy":
        return Plan(
            loss,
            activation != "softmax",
            "sparse",
            "accuracy",
            tuple(arch.input_shape),
            k,
            _label(loss, f"chosen for {k} classes" if settings.loss == "auto" else ""),
        )
    if loss == "binary_crossentropy":
        raise TrainingError(
            f"binary cross-entropy is for one yes/no output; with {k} classes "
            "use categorical cross-entropy"
        )
    return Plan(loss, False, "one_hot", "accuracy", tuple(arch.input_shape), k, _label(loss, ""))


def _dims(shape) -> str:
    return "×".join("?" if d is None else str(d) for d in shape)


def _label(loss: str, why: str) -> str:
    names = {
        "categorical_crossentropy": "categorical cross-entropy",
        "binary_crossentropy": "binary cross-entropy",
        "mse": "mean squared error",
        "mae": "mean absolute error",
        "huber": "Huber",
        "hinge": "hinge",
        "squared_hinge": "squared hinge",
    }
    return names.get(loss, loss) + (f" ({why})" if why else "")
