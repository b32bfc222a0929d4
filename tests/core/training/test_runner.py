"""run_training: the one training the window, nnstudio train and the Python API run: seed once,
fit checked once, built or continued, trained, evaluated and recorded."""

import dataclasses

import pytest

from nnstudio.core import template
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.training import TrainingError, TrainingSettings
from nnstudio.core.training.loop import Reporter
from nnstudio.core.training.runner import run_training

XOR = TrainingSettings(epochs=30, batch_size=4, learning_rate=0.1, validation="none")


class Messages(Reporter):
    def __init__(self):
        self.said = []

    def message(self, text):
        self.said.append(text)


def test_a_run_is_trained_evaluated_and_recorded_with_its_seed(keras):
    arch = template("xor-network").architecture
    source = DatasetSource("xor")
    run = run_training(arch, load_dataset(source), XOR.replace(seed=None), source, run_id=7)
    assert run.result.ok
    assert run.trained
    record = run.record
    assert record.id == 7
    assert record.dataset == {"name": "xor"}
    assert record.seed == run.result.seed  # chosen once, recorded
    assert record.settings["seed"] == run.result.seed
    assert record.epochs == 30
    assert len(record.batch_losses) == 30  # one batch an epoch
    assert record.params == 9
    assert run.evaluation.split == "test set"
    assert run.weights.fits(arch)
    assert run.weights.epochs == 30
    assert run.weights.class_names == ("0", "1")


def test_continuing_from_saved_weights_starts_where_they_ended(keras):
    arch = template("xor-network").architecture
    source = DatasetSource("xor")
    dataset = load_dataset(source)
    first = run_training(arch, dataset, XOR.replace(seed=0), source)
    said = Messages()
    more = run_training(
        arch, dataset, XOR.replace(epochs=10, seed=0), source, 2, said, saved=first.weights,
        initial_epoch=first.weights.epochs,
    )  # fmt: skip
    assert more.record.epochs == 40
    assert more.record.first_epoch == 31
    assert more.weights.epochs == 40
    assert any("Loading the trained weights" in text for text in said.said)


def test_a_model_that_does_not_fit_is_refused_before_anything_is_built(keras):
    said = Messages()
    with pytest.raises(TrainingError) as refused:
        run_training(
            template("mnist-cnn").architecture,
            load_dataset("xor"),
            XOR,
            DatasetSource("xor"),
            reporter=said,
        )
    assert refused.value.fixes
    assert said.said == []  # nothing was built


@pytest.mark.parametrize("template_id", ["residual-cnn", "inception-cnn", "densenet-cnn"])
def test_the_graph_templates_learn_the_bundled_digits(keras, template_id):
    """The skip-connection and merge templates train on their own data: one epoch on a
    quarter of the MNIST sample is far above chance (10%)."""
    t = template(template_id)
    dataset = load_dataset(t.dataset)
    dataset = dataclasses.replace(
        dataset, x_train=dataset.x_train[:2000], y_train=dataset.y_train[:2000]
    )
    settings = t.training.replace(epochs=1, seed=0, validation="none")
    run = run_training(t.architecture, dataset, settings, t.dataset)
    assert run.result.ok
    assert run.result.test["accuracy"] > 0.6
    assert run.weights.fits(t.architecture)
