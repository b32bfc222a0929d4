"""How to train: optimizer, loss, batches, epochs, validation, seed, callbacks, augmentation.

Settings are plain values, saved in project files and given to ``nnstudio train``; reading
them checks every value, because a project file may have been edited by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from nnstudio.core.errors import NnstudioError

#: Optimizers with their Keras class names and default learning rates.
OPTIMIZERS = {
    "sgd": ("SGD", 0.01, "Stochastic gradient descent; add momentum to speed it up."),
    "rmsprop": ("RMSprop", 0.001, "Scales each step by a running average of recent gradients."),
    "adam": ("Adam", 0.001, "Momentum and RMSprop together: the usual first choice."),
    "adamw": ("AdamW", 0.001, "Adam with decoupled weight decay."),
    "adagrad": ("Adagrad", 0.001, "Smaller steps for often-updated weights."),
    "adadelta": ("Adadelta", 0.001, "Adagrad that does not stop learning."),
    "nadam": ("Nadam", 0.001, "Adam with Nesterov momentum."),
}

#: Losses a person can choose; "auto" picks one from the dataset and the model's output.
LOSSES = {
    "auto": "Chosen from the task: cross-entropy for classes, mean squared error for numbers.",
    "categorical_crossentropy": "Cross-entropy over the classes (softmax output).",
    "binary_crossentropy": "Cross-entropy for a yes/no output (sigmoid).",
    "mse": "Mean squared error.",
    "mae": "Mean absolute error.",
    "huber": "Squared error for small errors, absolute for large ones.",
    "hinge": "The SVM loss, for yes/no outputs.",
    "squared_hinge": "The squared SVM loss, for yes/no outputs.",
}

VALIDATIONS = ("split", "test", "none")
MONITORS = ("val_loss", "val_accuracy", "loss", "accuracy")
FLIPS = ("none", "horizontal", "vertical", "both")


class SettingsError(NnstudioError, ValueError):
    """Training settings that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Augmentation:
    """Random changes of the training images (article 000's ImageDataGenerator), applied with
    Keras preprocessing layers to training batches only. 0 means off."""

    flip: str = "none"
    rotation: float = 0.0
    zoom: float = 0.0
    shear: float = 0.0
    translation: float = 0.0

    @property
    def active(self) -> bool:
        return self.flip != "none" or any((self.rotation, self.zoom, self.shear, self.translation))


@dataclass(frozen=True)
class TrainingSettings:
    """Defaults measured on the bundled MNIST sample with article 002's CNN: 15 epochs reach
    0.97 test accuracy (0.9765 with the default seed 0, tested; seeds 1-2 give 0.973 and
    0.9695: the sample's 2,000 test images move the figure by about 0.004), 3 epochs 0.95
    (benchmarks/train_cli.py)."""

    optimizer: str = "adam"
    #: None: the optimizer's own default (0.01 for SGD, 0.001 for the others).
    learning_rate: float | None = None
    momentum: float = 0.0
    nesterov: bool = False
    loss: str = "auto"
    batch_size: int = 64
    epochs: int = 15
    #: "split": hold out the last validation_split of the training data; "test": validate on
    #: the test split; "none".
    validation: str = "split"
    validation_split: float = 0.1
    shuffle: bool = True
    #: None: a new random seed for each run (recorded with the run). Same seed, same result.
    seed: int | None = 0
    early_stopping: bool = False
    early_stopping_monitor: str = "val_loss"
    early_stopping_patience: int = 3
    restore_best_weights: bool = True
    reduce_lr: bool = False
    reduce_lr_monitor: str = "val_loss"
    reduce_lr_factor: float = 0.5
    reduce_lr_patience: int = 2
    class_weights: bool = False
    augmentation: Augmentation = field(default_factory=Augmentation)

    @property
    def effective_learning_rate(self) -> float:
        return (
            self.learning_rate if self.learning_rate is not None else OPTIMIZERS[self.optimizer][1]
        )

    def replace(self, **changes: Any) -> TrainingSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def problems(self) -> list[str]:
        """What is wrong with these values (empty when they can be used)."""
        return [
            *self._optimizer_problems(),
            *self._schedule_problems(),
            *self._callback_problems(),
            *_augmentation_problems(self.augmentation),
        ]

    def _optimizer_problems(self) -> list[str]:
        """The optimizer, the loss and the step sizes."""
        out = []
        if self.optimizer not in OPTIMIZERS:
            out.append(
                f"optimizer must be one of {', '.join(OPTIMIZERS)}; received {self.optimizer!r}"
            )
        if self.loss not in LOSSES:
            out.append(f"loss must be one of {', '.join(LOSSES)}; received {self.loss!r}")
        if self.learning_rate is not None and not 0 < self.learning_rate <= 10:
            out.append(f"learning_rate must be in (0, 10]; received {self.learning_rate:g}")
        if not 0 <= self.momentum < 1:
            out.append(f"momentum must be in [0, 1); received {self.momentum:g}")
        return out

    def _schedule_problems(self) -> list[str]:
        """The batches, the epochs and the validation data."""
        out = []
        if not 1 <= self.batch_size <= 1_000_000:
            out.append(f"batch_size must be at least 1; received {self.batch_size}")
        if not 1 <= self.epochs <= 100_000:
            out.append(f"epochs must be at least 1; received {self.epochs}")
        if self.validation not in VALIDATIONS:
            out.append(f"validation must be one of {', '.join(VALIDATIONS)}")
        if self.validation == "split" and not 0 < self.validation_split < 1:
            out.append(f"validation_split must be in (0, 1); received {self.validation_split:g}")
        return out

    def _callback_problems(self) -> list[str]:
        """Early stopping and the learning rate's reduction on a plateau."""
        out = []
        for monitor in (self.early_stopping_monitor, self.reduce_lr_monitor):
            if monitor not in MONITORS:
                out.append(f"a monitor must be one of {', '.join(MONITORS)}; received {monitor!r}")
        if self.early_stopping_patience < 0 or self.reduce_lr_patience < 0:
            out.append("patience must be at least 0")
        if not 0 < self.reduce_lr_factor < 1:
            out.append(f"reduce_lr_factor must be in (0, 1); received {self.reduce_lr_factor:g}")
        return out

    def check(self) -> TrainingSettings:
        problems = self.problems()
        if problems:
            raise SettingsError("; ".join(problems))
        return self


def _augmentation_problems(a: Augmentation) -> list[str]:
    """What is wrong with the augmentation's values (empty when they can be used)."""
    out = []
    if a.flip not in FLIPS:
        out.append(f"flip must be one of {', '.join(FLIPS)}; received {a.flip!r}")
    for name in ("rotation", "zoom", "shear", "translation"):
        if not 0 <= getattr(a, name) < 1:
            out.append(f"augmentation {name} must be in [0, 1); received {getattr(a, name):g}")
    return out


def _typed(name: str, value: Any, default: Any) -> Any:
    """Values of the JSON type of the default (ints accepted for floats, None where allowed)."""
    if value is None and name in ("learning_rate", "seed"):
        return None
    kind = type(default) if default is not None else (int if name == "seed" else float)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{name} must be {kind.__name__}; received {value!r}")
    return value


def settings_from_dict(doc: Any) -> TrainingSettings:
    """Read saved settings; unknown keys and wrong types are errors, missing keys defaults."""
    if not isinstance(doc, dict):
        raise SettingsError(f"training settings must be an object; received {doc!r}")
    defaults = TrainingSettings()
    known = {f.name for f in fields(TrainingSettings)}
    unknown = sorted(set(doc) - known)
    if unknown:
        raise SettingsError(f"unknown training setting {unknown[0]!r}")
    values = {}
    for name, value in doc.items():
        if name == "augmentation":
            names = {f.name for f in fields(Augmentation)}
            if not isinstance(value, dict) or set(value) - names:
                raise SettingsError(
                    f"augmentation must be an object with {', '.join(sorted(names))}"
                )
            base = Augmentation()
            values[name] = Augmentation(
                **{k: _typed(k, v, getattr(base, k)) for k, v in value.items()}
            )
        else:
            values[name] = _typed(name, value, getattr(defaults, name))
    return TrainingSettings(**values).check()
