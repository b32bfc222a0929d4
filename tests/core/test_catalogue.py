"""The catalogue matches Keras: names, defaults, and what the issue asks each group to hold."""

import inspect

import pytest

from nnstudio.core.architecture import Architecture, LayerConfig, to_snake_case
from nnstudio.core.building import keras_class
from nnstudio.core.catalogue import CATALOGUE, GROUPS, LAYER_TYPES, MODEL_TYPES, by_group
from nnstudio.core.params import REQUIRED
from nnstudio.core.shapes import MERGES, RULES
from nnstudio.core.summary import summarize

EXPECTED_GROUPS = {
    "Core": ["Dense", "Activation", "LeakyReLU", "ReLU", "ELU", "PReLU", "Softmax", "Identity"],
    "Convolution": ["Conv2D", "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D"],
    "Pooling": [
        "MaxPooling2D",
        "AveragePooling2D",
        "GlobalAveragePooling2D",
        "GlobalMaxPooling2D",
    ],
    "Regularization": ["Dropout", "SpatialDropout2D"],
    "Normalization": ["BatchNormalization", "LayerNormalization", "Normalization", "LayerScale"],
    "Reshaping": [
        "Flatten",
        "Reshape",
        "ZeroPadding2D",
        "UpSampling2D",
        "Rescaling",
        "Cropping2D",
        "Permute",
    ],
    "Merging": [
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
        "Concatenate",
        "CustomScaleLayer",
    ],
    "Augmentation": [
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
        "RandomTranslation",
        "RandomContrast",
        "RandomShear",
    ],
}


def test_groups_hold_the_layers_the_palette_offers():
    assert list(GROUPS) == list(EXPECTED_GROUPS)
    assert {g: [t.name for t in types] for g, types in by_group().items()} == EXPECTED_GROUPS


def test_every_layer_has_a_shape_rule():
    # A block's shapes are its own architecture's (summary.py), not a rule's.
    blocks = {t.name for t in MODEL_TYPES}
    assert blocks == {"Sequential", "Functional"}
    assert all(t.nested and not t.params for t in MODEL_TYPES)
    assert set(RULES) | set(MERGES) | blocks == set(CATALOGUE)
    assert set(MERGES) == {t.name for t in LAYER_TYPES if t.merge}


def test_augmentation_layers_are_marked_training_only():
    assert {t.name for t in LAYER_TYPES if t.training_only} == set(EXPECTED_GROUPS["Augmentation"])


@pytest.mark.parametrize("spec", LAYER_TYPES, ids=lambda t: t.name)
def test_help_is_one_line(spec):
    texts = [spec.help, *(p.help for p in spec.params)]
    assert all(t and "\n" not in t and len(t) < 120 for t in texts)


@pytest.mark.parametrize("name", ["Dense", "Conv2D", "SeparableConv2D", "DepthwiseConv2D"])
def test_weighted_layers_expose_activation_bias_and_initializer(name):
    params = CATALOGUE[name].param_map
    assert {"activation", "use_bias"} <= set(params)
    initializers = [p for p in params if p.endswith("initializer")]
    assert initializers
    for p in initializers:
        assert {"glorot_uniform", "he_normal", "zeros"} <= set(params[p].choices)


def _keras_default(value):
    """Keras writes some defaults in another form than nnstudio's canonical one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, list):
        return tuple(value)
    return value


@pytest.mark.parametrize("spec", LAYER_TYPES, ids=lambda t: t.name)
def test_names_and_defaults_are_keras_own(keras, spec):
    signature = inspect.signature(keras_class(keras, spec).__init__).parameters
    for p in spec.params:
        assert p.name in signature, f"{spec.name} has no argument {p.name}"
        keras_default = signature[p.name].default
        if p.default is REQUIRED:
            assert keras_default is inspect.Parameter.empty, p.name
            continue
        ours = p.to_keras(p.default)
        if p.name == "activation" and keras_default is None:
            assert ours == "linear"  # Keras' None is the linear activation
        elif p.name == "padding" and spec.name == "ZeroPadding2D":
            assert ours == ((1, 1), (1, 1))
            assert keras_default == (1, 1)
        elif p.name.endswith("initializer"):  # Keras writes some as classes: "Zeros"
            assert ours == to_snake_case(keras_default), p.name
        elif isinstance(ours, tuple) and isinstance(keras_default, int):
            assert ours == (keras_default, keras_default), p.name
        else:
            assert ours == _keras_default(keras_default), p.name


@pytest.mark.parametrize("spec", LAYER_TYPES, ids=lambda t: t.name)
def test_new_layers_start_valid(spec):
    layer = LayerConfig.new(spec.name)
    assert all(p.start_value is not None or not p.required for p in spec.params)
    flat = spec.name in ("Dense", "Activation", "LeakyReLU", "Dropout", "Reshape")
    shape = (16,) if flat else (32, 32, 3)
    if spec.name == "LayerScale":  # scales as many channels as it is given: 32
        shape = (8, 8, 32)
    if spec.merge:  # a merge joins branches: the input, and a layer of the same shape
        branch = LayerConfig.create("Activation", "branch", activation="relu")
        layer = layer.with_name("merge").with_inputs(("input_layer", "branch"))
        summary = summarize(Architecture("new", shape, (branch, layer)))
    else:
        summary = summarize(Architecture("new", shape, (layer,)))
    assert summary.ok, summary.errors
