"""The articles' trainings, reproduced: their settings, their kind of result."""

import numpy as np
import pytest

from nnstudio.core import template
from nnstudio.core.datasets import load_dataset
from nnstudio.core.training import TrainingSettings, plan
from nnstudio.core.training.evaluation import evaluate, learned_weights
from nnstudio.core.training.loop import seeded_model, train


def trained(model_id, data, settings):
    arch, dataset = template(model_id).architecture, load_dataset(data)
    p = plan(arch, dataset, settings)
    model = seeded_model(arch, settings.seed)
    return model, train(model, dataset, settings, p), dataset, p


def test_article_000_one_neuron_learns_2x_plus_1(keras):
    """mse, RMSprop, batch 10, 100 epochs: the article finds [2.0007, 1.0005]."""
    settings = TrainingSettings(optimizer="rmsprop", batch_size=10, epochs=100, validation="none")
    model, result, _, _ = trained("linear-function", "function", settings)
    kernel, bias = learned_weights(model)
    assert kernel.item() == pytest.approx(2.0, abs=0.01)
    assert bias.item() == pytest.approx(1.0, abs=0.01)
    assert result.history["loss"][-1] < 1e-4


def test_article_001_perceptron_learns_and_with_sgd(keras):
    settings = TrainingSettings(
        optimizer="sgd", learning_rate=0.01, batch_size=1, epochs=200, validation="none"
    )
    model, _, dataset, p = trained("logic-gate-perceptron", "and", settings)
    assert evaluate(model, dataset, p).y_pred.tolist() == [0, 0, 0, 1]


def test_articles_001_003_xor_needs_the_hidden_layer(keras):
    settings = TrainingSettings(learning_rate=0.1, batch_size=4, epochs=500, validation="none")
    model, _, dataset, p = trained("xor-network", "xor", settings)
    assert evaluate(model, dataset, p).y_pred.tolist() == [0, 1, 1, 0]
    perceptron, _, dataset, p = trained("logic-gate-perceptron", "xor", settings)
    assert evaluate(perceptron, dataset, p).accuracy < 1.0  # one neuron cannot


def test_article_002_cnn_reaches_095_in_three_epochs(keras):
    """The issue's target, with nnstudio's default settings (on the 8,000-image sample)."""
    _, result, _, _ = trained("mnist-cnn", "mnist-sample", TrainingSettings(epochs=3))
    assert result.test["accuracy"] >= 0.95
    assert np.isfinite(result.test["loss"])


def test_article_002_cnn_reaches_097_with_the_windows_defaults(keras):
    """What a first launch trains when the user presses Train: the default template with its
    own settings (nnstudio's defaults: 15 epochs of 64, Adam, seed 0) on the sample."""
    t = template("mnist-cnn")
    _, result, _, _ = trained(t.id, t.dataset.name, t.training)
    assert t.training == TrainingSettings()
    assert result.epochs_done == 15
    assert result.test["accuracy"] >= 0.97
