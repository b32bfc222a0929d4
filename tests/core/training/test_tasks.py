"""Plans: which loss, targets and metric a model and a dataset imply, and fixes when they do
not fit."""

import pytest

from nnstudio.core import template
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.edits import SetInputShape, SetParameter
from nnstudio.core.training import TrainingError, TrainingSettings, plan

AUTO = TrainingSettings()


@pytest.mark.parametrize(
    ("model", "data", "loss", "targets", "metric"),
    [
        ("mnist-cnn", "mnist-sample", "categorical_crossentropy", "sparse", "accuracy"),
        ("mnist-mlp", "mnist-sample", "categorical_crossentropy", "sparse", "accuracy"),
        ("digits-cnn", "fashion-mnist-sample", "categorical_crossentropy", "sparse", "accuracy"),
        ("logic-gate-perceptron", "and", "mse", "binary", "accuracy"),  # article 001's choice
        ("xor-network", "xor", "binary_crossentropy", "binary", "accuracy"),
        ("linear-function", "function", "mse", "value", "mae"),
    ],
)
def test_plans_for_the_articles(model, data, loss, targets, metric):
    p = plan(template(model).architecture, load_dataset(data), AUTO)
    assert (p.loss, p.targets, p.metric, p.from_logits) == (loss, targets, metric, False)


def test_an_mlp_takes_images_as_flat_vectors():
    p = plan(template("mnist-mlp").architecture, load_dataset("mnist-sample"), AUTO)
    assert p.input_shape == (784,)


def test_a_dataset_that_does_not_fit_the_input_proposes_its_shape():
    faces = load_dataset(DatasetSource("toy-faces", options={"per_class": 2, "test_per_class": 0}))
    with pytest.raises(TrainingError) as e:
        plan(template("mnist-cnn").architecture, faces, AUTO)
    assert "samples are 48×48×1 (2,304 values) but the model's input is 28×28×1" in str(e.value)
    (_, edit) = e.value.fixes[0]
    assert edit == SetInputShape((48, 48, 1))


def test_an_mlp_on_other_images_is_given_their_flat_size():
    """Not the images' own 48×48×1: the MLP's Dense layers would then answer per pixel row."""
    faces = load_dataset(DatasetSource("toy-faces", options={"per_class": 2, "test_per_class": 0}))
    mlp = template("mnist-mlp").architecture
    with pytest.raises(TrainingError) as e:
        plan(mlp, faces, AUTO)
    fixes = dict(e.value.fixes)
    assert fixes["Set the input shape to 2304 (the 48×48×1 samples, flattened)"] == SetInputShape(
        (2304,)
    )
    fitted = mlp.replace(input_shape=(2304,))
    fitted, _ = SetParameter(len(mlp.layers) - 1, "units", 7).apply(fitted)
    assert plan(fitted, faces, AUTO).input_shape == (2304,)


def test_wrong_number_of_outputs_proposes_units_and_softmax():
    faces = load_dataset(DatasetSource("toy-faces", options={"per_class": 2, "test_per_class": 0}))
    arch = template("mnist-cnn").architecture.replace(input_shape=(48, 48, 1))
    with pytest.raises(TrainingError) as e:
        plan(arch, faces, AUTO)
    assert "outputs 10 values per sample but the dataset has 7 classes" in str(e.value)
    assert [edit for _, edit in e.value.fixes] == [SetParameter(6, "units", 7)]
    regression = template("mnist-mlp").architecture.replace(input_shape=(1,))
    with pytest.raises(TrainingError) as e:
        plan(regression, load_dataset("function"), AUTO)
    assert [edit for _, edit in e.value.fixes] == [
        SetParameter(2, "units", 1),
        SetParameter(2, "activation", "linear"),
    ]


def test_a_linear_output_is_trained_on_logits():
    arch = template("mnist-mlp").architecture
    last = arch.layers[-1].with_param("activation", "linear")
    p = plan(arch.replace(layers=(*arch.layers[:-1], last)), load_dataset("mnist-sample"), AUTO)
    assert p.from_logits


@pytest.mark.parametrize(
    ("model", "data", "loss", "message"),
    [
        ("linear-function", "function", "categorical_crossentropy", "a loss for classes"),
        ("xor-network", "xor", "categorical_crossentropy", "needs one output per class"),
        ("mnist-cnn", "mnist-sample", "binary_crossentropy", "use categorical cross-entropy"),
    ],
)
def test_a_loss_that_cannot_work_is_refused(model, data, loss, message):
    with pytest.raises(TrainingError, match=message):
        plan(template(model).architecture, load_dataset(data), AUTO.replace(loss=loss))


def test_other_losses_use_one_hot_targets():
    p = plan(
        template("mnist-cnn").architecture, load_dataset("mnist-sample"), AUTO.replace(loss="mse")
    )
    assert p.targets == "one_hot"


def test_an_invalid_model_cannot_be_planned():
    arch = template("mnist-cnn").architecture.replace(input_shape=(3, 3, 1))
    with pytest.raises(TrainingError, match="the model has errors"):
        plan(arch, load_dataset("mnist-sample"), AUTO)
