"""One input at a time: the Predictor agrees with Keras, gives every layer's activations, and
turns a classifier's outputs into probabilities however its last layer ends."""

import numpy as np
import pytest

from nnstudio.core import template
from nnstudio.core.architecture import architecture_from_dict
from nnstudio.core.building import build_model
from nnstudio.core.datasets import load_dataset
from nnstudio.core.inference import Prediction, PredictionError, Predictor, probabilities
from nnstudio.core.summary import summarize

DIGITS = tuple(str(i) for i in range(10))


@pytest.fixture(scope="module")
def cnn(keras):
    keras.utils.set_random_seed(3)
    arch = template("mnist-cnn").architecture
    return arch, build_model(arch)


@pytest.fixture(scope="module")
def images():
    data = load_dataset("mnist-sample")
    return data.x_test[:8].astype(np.float32) / 255


def test_predictions_agree_with_keras_on_real_images(cnn, images):
    _, model = cnn
    predictor = Predictor(model, DIGITS)
    expected = model.predict(images, verbose=0)
    for image, want in zip(images, expected, strict=True):
        got = predictor(image)
        np.testing.assert_allclose(got.probabilities, want, atol=1e-5)
        assert got.top(1)[0][0] == str(int(np.argmax(want)))


def test_every_layer_activation_comes_back_with_the_summary_shape(cnn, images):
    arch, model = cnn
    prediction = Predictor(model, DIGITS)(images[0])
    rows = summarize(arch).layers
    assert [a.name for a in prediction.activations] == [row.name for row in rows]
    assert [a.values.shape for a in prediction.activations] == [
        tuple(row.output_shape[1:]) for row in rows
    ]
    assert [a.type for a in prediction.activations][:2] == ["Conv2D", "MaxPooling2D"]
    np.testing.assert_array_equal(prediction.activations[-1].values, prediction.outputs)
    # A batch axis of one is accepted as well.
    again = Predictor(model, DIGITS, activations=False)(images[:1])
    np.testing.assert_allclose(again.outputs, prediction.outputs, atol=1e-6)
    assert again.activations == ()


def test_weights_per_layer(cnn):
    _, model = cnn
    weights = Predictor(model, DIGITS).weights()
    assert [(name, kind) for name, kind, _ in weights] == [
        ("conv2d", "Conv2D"),
        ("conv2d_1", "Conv2D"),
        ("dense", "Dense"),
    ]
    assert weights[0][2][0].shape == (3, 3, 1, 32)


def test_wrong_inputs_are_refused_with_the_shapes(cnn):
    _, model = cnn
    predictor = Predictor(model, DIGITS)
    with pytest.raises(PredictionError, match=r"\(28, 28, 1\); received \(784,\)"):
        predictor(np.zeros((1, 784)))
    with pytest.raises(PredictionError, match="one input"):
        predictor(np.zeros((2, 28, 28, 1)))
    with pytest.raises(PredictionError, match="3 class names"):
        Predictor(model, ("a", "b", "c"))(np.zeros((28, 28, 1)))


def test_regression_gives_the_value(keras):
    arch = architecture_from_dict(
        {
            "format": "nnstudio-architecture",
            "version": 1,
            "input_shape": [1],
            "layers": [{"type": "Dense", "units": 1}],
        }
    )
    model = build_model(arch)
    model.set_weights([np.array([[2.0]]), np.array([1.0])])
    result = Predictor(model)(np.array([3.0]))
    assert not result.is_classification
    assert result.outputs.tolist() == [7.0]
    assert result.top() == []
    assert result.text() == "7"


def test_probabilities_however_the_model_ends():
    np.testing.assert_allclose(probabilities(np.array([0.2, 0.8]), "softmax"), [0.2, 0.8])
    np.testing.assert_allclose(probabilities(np.array([0.9]), "sigmoid"), [0.1, 0.9])
    np.testing.assert_allclose(probabilities(np.array([0.0]), "linear"), [0.5, 0.5])
    logits = probabilities(np.array([1.0, 1.0, 1.0 + np.log(2)]), "linear")
    np.testing.assert_allclose(logits, [0.25, 0.25, 0.5])


def test_outputs_trained_as_values_are_read_as_0_or_1_targets(keras):
    """Article 001's perceptron: one linear unit trained with MSE on 0/1 targets; 0.3 means
    class 0 (as evaluation reads it), not a logit giving class 1 at 57%."""
    np.testing.assert_allclose(probabilities([0.3], "linear", "values"), [0.7, 0.3])
    np.testing.assert_allclose(probabilities([1.4], "linear", "values"), [0.0, 1.0])
    np.testing.assert_allclose(probabilities([0.2, 0.6], "linear", "values"), [0.25, 0.75])
    np.testing.assert_allclose(probabilities([-1, -2], "linear", "values"), [0.5, 0.5])
    # A sigmoid stays a probability whatever the metadata says.
    np.testing.assert_allclose(probabilities([0.3], "sigmoid", "values"), [0.7, 0.3])
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([np.array([[0.1], [0.2]], np.float32), np.array([0.0], np.float32)])
    prediction = Predictor(model, ("0", "1"), outputs="values")(np.array([1, 1], np.float32))
    np.testing.assert_allclose(prediction.probabilities, [0.7, 0.3], atol=1e-6)
    assert prediction.top(1)[0][0] == "0"


def test_printed_as_article_000_does():
    prediction = Prediction(
        np.array([0.05, 0.9168, 0.0332]),
        np.array([0.05, 0.9168, 0.0332]),
        ("Angry", "Happy", "Sad"),
    )
    assert prediction.text(2) == "Happy - 91.68%\nAngry - 5.00%"
    assert prediction.top(1) == [("Happy", pytest.approx(0.9168))]
