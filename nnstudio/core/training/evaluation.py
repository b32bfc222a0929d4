"""How well a trained model does: loss and accuracy, the confusion matrix, per-class precision,
recall and F1, the misclassified examples; for numbers, predictions against the truth and the
learned weights (article 000 finds about [2.0007, 1.0005] for 2x + 1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.core.datasets import Dataset
from nnstudio.core.datasets.synthetic import true_function
from nnstudio.core.training.pipeline import split, tf_dataset
from nnstudio.core.training.settings import TrainingSettings
from nnstudio.core.training.tasks import Plan


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int) -> np.ndarray:
    """Counts: row = true class, column = predicted class."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    return matrix


def per_class(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 and support of each class (0 where undefined)."""
    true_positive = np.diag(matrix).astype(np.float64)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, true_positive / predicted, 0.0)
        recall = np.where(actual > 0, true_positive / actual, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1, actual


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Predictions on the evaluation split and what follows from them."""

    #: What was predicted: "test set", "validation split" or "training data (...)".
    split: str
    x: np.ndarray
    y_true: np.ndarray
    #: Class probabilities (N, classes) for classification; predicted values for numbers.
    outputs: np.ndarray
    class_names: tuple[str, ...]
    loss: float | None = None
    #: For a function dataset: (x, f(x)) without noise, the curve the model should learn.
    truth: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def is_classification(self) -> bool:
        return bool(self.class_names)

    @property
    def y_pred(self) -> np.ndarray:
        if not self.is_classification:
            return self.outputs
        if self.outputs.shape[1] == 1:  # one yes/no output
            return (self.outputs[:, 0] >= 0.5).astype(np.int64)
        return self.outputs.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        return float((self.y_pred == self.y_true).mean()) if self.is_classification else 0.0

    @property
    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.y_true, self.y_pred, len(self.class_names))

    def per_class(self):
        return per_class(self.confusion)

    def misclassified(self) -> np.ndarray:
        """Indices of the wrong predictions, the most confident mistakes first."""
        wrong = np.flatnonzero(self.y_pred != self.y_true)
        if self.outputs.shape[1] > 1:
            confidence = self.outputs[wrong].max(axis=1)
            wrong = wrong[np.argsort(-confidence, kind="stable")]
        return wrong

    def cell(self, true_class: int, predicted_class: int) -> np.ndarray:
        """Indices of the samples of one confusion-matrix cell."""
        return np.flatnonzero((self.y_true == true_class) & (self.y_pred == predicted_class))

    @property
    def figures(self) -> dict[str, float]:
        """The headline figures, named as a run's test figures are (accuracy or mae, loss)."""
        out = {"accuracy": self.accuracy} if self.is_classification else dict(self.errors())
        if self.loss is not None:
            out["loss"] = self.loss
        return out

    def errors(self) -> dict[str, float]:
        """For numbers: the mean squared and absolute errors, the root of the mean squared
        error (in the target's units) and R² (1 is perfect, 0 no better than always answering
        the mean)."""
        truth = self.y_true.reshape(len(self.y_true), -1).astype(np.float64)
        difference = self.outputs.reshape(len(self.y_true), -1) - truth
        mse = float((difference**2).mean())
        spread = float(((truth - truth.mean(axis=0)) ** 2).mean())
        return {
            "mse": mse,
            "mae": float(np.abs(difference).mean()),
            "rmse": float(np.sqrt(mse)),
            "r2": 1.0 - mse / spread if spread > 0 else 0.0,
        }


def evaluate(
    model, dataset: Dataset, plan: Plan, settings: TrainingSettings | None = None
) -> Evaluation:
    """Predict the test split. A dataset without one (only a dataset made in Python: the
    loaders hold out a test set) is evaluated on the validation split the settings hold out,
    or else on the training data, and the split's name says which."""
    if dataset.has_test:
        x, y, where = dataset.x_test, dataset.y_test, "test set"
    else:
        parts = split(dataset, settings) if settings is not None else None
        if parts is not None and parts.x_val is not None:
            x, y, where = parts.x_val, parts.y_val, parts.validation_name
        else:
            x, y = dataset.x_train, dataset.y_train
            where = "training data (the dataset has no test set)"
    data = tf_dataset(x, y, plan, 256)
    outputs = np.asarray(model.predict(data, verbose=0), dtype=np.float32)
    if plan.from_logits:
        outputs = _probabilities(outputs)
    loss = None
    if getattr(model, "optimizer", None) is not None:  # a compiled model can say its loss
        loss = float(model.evaluate(data, verbose=0, return_dict=True)["loss"])
    if not dataset.class_names:
        outputs = outputs.reshape(len(y), -1)
        if dataset.preprocessing is not None:  # scaled for training: back in its own units
            outputs = dataset.preprocessing.in_units(outputs).astype(np.float32)
            y = dataset.preprocessing.in_units(y).astype(np.float32)
    truth = None
    if x.ndim == 2 and x.shape[1] == 1 and len(x):
        grid = np.linspace(float(x.min()), float(x.max()), 200)
        curve = true_function(dataset.source, grid)
        truth = None if curve is None else (grid, curve)
    return Evaluation(where, x, y, outputs, dataset.class_names, loss, truth)


def _probabilities(logits: np.ndarray) -> np.ndarray:
    if logits.shape[1] == 1:
        return 1.0 / (1.0 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def learned_weights(model) -> list[np.ndarray]:
    """The model's weights, as Keras' get_weights gives them (article 000 prints these)."""
    return [np.asarray(w) for w in model.get_weights()]
