"""Models built from architectures train with Keras, whatever the architecture is called."""

import numpy as np

from nnstudio.core import Architecture, LayerConfig, build_model, template
from nnstudio.core.building import model_name


def test_names_that_tensorflow_refuses_are_made_safe():
    assert model_name(template("mnist-cnn").architecture) == "MNIST_CNN"
    assert model_name(Architecture("f(x) = 2x + 1", (1,))) == "f_x_2x_1"
    assert model_name(Architecture("  ", (1,))) == "model"
    assert model_name(Architecture("_hidden", (1,))) == "hidden"
    assert model_name(Architecture("-dash", (1,))) == "model_-dash"


def test_a_template_with_spaces_in_its_name_trains(keras):
    model = build_model(template("mnist-cnn").architecture)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(np.zeros((4, 28, 28, 1)), np.zeros(4), verbose=0)
    named = Architecture("x", (3,), (LayerConfig.create("Dense", units=1, name="out.layer-1"),))
    model = build_model(named)
    model.compile("sgd", "mse")
    model.fit(np.zeros((2, 3)), np.zeros((2, 1)), verbose=0)
