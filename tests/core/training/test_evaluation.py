"""Evaluation: the confusion matrix and per-class scores, checked by hand."""

import numpy as np
import pytest

from nnstudio.core import template
from nnstudio.core.datasets import load_dataset
from nnstudio.core.training import TrainingSettings, plan
from nnstudio.core.training.evaluation import Evaluation, confusion_matrix, evaluate, per_class
from nnstudio.core.training.loop import seeded_model, train


def test_confusion_and_per_class_scores():
    y_true = np.array([0, 0, 0, 1, 1, 2])
    y_pred = np.array([0, 0, 1, 1, 2, 2])
    matrix = confusion_matrix(y_true, y_pred, 3)
    assert matrix.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    precision, recall, f1, support = per_class(matrix)
    assert precision.tolist() == pytest.approx([1.0, 0.5, 0.5])
    assert recall.tolist() == pytest.approx([2 / 3, 0.5, 1.0])
    assert f1[0] == pytest.approx(0.8)
    assert support.tolist() == [3, 2, 1]
    assert per_class(np.zeros((2, 2), dtype=np.int64))[0].tolist() == [0.0, 0.0]


def test_evaluation_views():
    outputs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.45, 0.55]], dtype=np.float32)
    e = Evaluation("test set", np.zeros((4, 2)), np.array([0, 1, 1, 0]), outputs, ("a", "b"))
    assert e.y_pred.tolist() == [0, 1, 0, 1]
    assert e.accuracy == 0.5
    assert e.misclassified().tolist() == [2, 3]  # 0.6 is a more confident mistake than 0.55
    assert e.cell(1, 0).tolist() == [2]
    binary = Evaluation(
        "test set",
        np.zeros((2, 1)),
        np.array([1, 0]),
        np.array([[0.7], [0.2]], dtype=np.float32),
        ("0", "1"),
    )
    assert binary.y_pred.tolist() == [1, 0]
    regression = Evaluation(
        "test set",
        np.zeros((2, 1)),
        np.array([[1.0], [2.0]]),
        np.array([[1.5], [2.0]], dtype=np.float32),
        (),
    )
    errors = regression.errors()
    assert errors["mse"] == 0.125
    assert errors["mae"] == 0.25
    assert errors["rmse"] == pytest.approx(0.125**0.5)


def test_evaluate_a_trained_model(keras):
    arch, dataset = template("mnist-mlp").architecture, load_dataset("mnist-sample")
    settings = TrainingSettings(epochs=1, batch_size=128, seed=0)
    p = plan(arch, dataset, settings)
    model = seeded_model(arch, 0)
    result = train(model, dataset, settings, p)
    e = evaluate(model, dataset, p)
    assert e.split == "test set"
    assert e.outputs.shape == (2000, 10)
    assert e.accuracy == pytest.approx(result.test["accuracy"], abs=1e-6)
    assert e.loss == pytest.approx(result.test["loss"], rel=1e-4)
    assert e.confusion.sum() == 2000
