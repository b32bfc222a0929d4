"""Reading Keras models without TensorFlow: keras.applications' image models and models saved
by Keras scripts, compared layer by layer with Keras itself."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from nnstudio.core import summarize
from nnstudio.core.architecture import architecture_from_dict
from nnstudio.core.building import build_model
from nnstudio.core.keras_files import (
    KerasFileError,
    architecture_from_keras,
    read_keras_file,
)

#: One of each family of keras.applications, each with layers the others lack (an operation
#: x + 3 in MobileNetV3, CustomScaleLayer in Inception-ResNet, Cropping2D in NASNet,
#: Normalization and Rescaling in EfficientNet, ReLU(6) in MobileNetV2...), at a small input
#: size where the model allows one, to keep the test quick.
APPLICATIONS = [
    ("ResNet50", (64, 64, 3)),
    ("MobileNetV2", (96, 96, 3)),
    ("MobileNetV3Small", (96, 96, 3)),
    ("EfficientNetB0", (64, 64, 3)),
    ("EfficientNetV2B0", (64, 64, 3)),
    ("InceptionResNetV2", (75, 75, 3)),
    ("NASNetMobile", (224, 224, 3)),
    ("DenseNet121", (64, 64, 3)),
    ("Xception", (71, 71, 3)),
    ("VGG16", (32, 32, 3)),
    # Sequential models inside: the stem and the downsampling blocks.
    ("ConvNeXtTiny", (32, 32, 3)),
]


def assert_same_as_keras(arch, model):
    """Every layer's output shape and weight counts as Keras has them, by name."""
    summary = summarize(arch)
    assert summary.ok, summary.errors[:3]
    names = {layer.name for layer in model.layers}
    for row in summary.layers:
        if row.name not in names:
            # An operation on tensors (x + 3.0 in MobileNetV3) is a node of the config but not
            # a layer of the model; the layers after it check its shape.
            continue
        layer = model.get_layer(row.name)
        assert row.type == type(layer).__name__ or row.type == "Rescaling", row.name
        assert row.output_shape == tuple(layer.output.shape), row.name
        counts = (
            sum(int(np.prod(w.shape)) for w in layer.trainable_weights),
            sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights),
        )
        assert (row.trainable_params, row.non_trainable_params) == counts, row.name
        if row.block is not None:  # a model used as a layer: its own layers too
            assert [r.name for r in row.block.layers] == [
                lay.name for lay in layer.layers if type(lay).__name__ != "InputLayer"
            ]
    assert summary.total_params == model.count_params()


@pytest.mark.parametrize(("name", "shape"), APPLICATIONS, ids=[a[0] for a in APPLICATIONS])
def test_the_applications_read_as_keras_builds_them(keras, name, shape):
    model = getattr(keras.applications, name)(weights=None, input_shape=shape)
    arch = architecture_from_keras(json.loads(model.to_json()))
    keras_names = [layer.name for layer in model.layers if type(layer).__name__ != "InputLayer"]
    ours = [layer.name for layer in arch.layers]
    assert [name for name in ours if name in set(keras_names)] == keras_names
    assert_same_as_keras(arch, model)
    # What nnstudio writes reads back as the same architecture.
    assert architecture_from_dict(json.loads(json.dumps(arch.to_dict()))) == arch


def _small_model(keras):
    """A functional model with a skip connection, a frozen layer, an initializer with its
    own settings and a Dropout with a noise shape: what a Keras script saves."""
    layers = keras.layers
    inputs = keras.Input((8, 8, 3), name="pixels")
    x = layers.Conv2D(
        4,
        3,
        padding="same",
        name="stem",
        kernel_initializer=keras.initializers.VarianceScaling(2.0, "fan_out"),
    )(inputs)
    y = layers.BatchNormalization(name="bn", trainable=False)(x)
    y = layers.ReLU(6.0, name="relu6")(y)
    x = layers.Add(name="skip")([x, y])
    x = layers.Dropout(0.2, noise_shape=(None, 1, 1, 4), name="drop")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="small")


def test_a_saved_keras_archive_opens_with_its_weights(keras, tmp_path):
    model = _small_model(keras)
    path = tmp_path / "small.keras"
    model.save(path)
    read = read_keras_file(path)
    arch = read.architecture
    assert arch.inputs[0].name == "pixels"
    assert arch.outputs == ("classes",)
    bn = next(layer for layer in arch.layers if layer.name == "bn")
    assert bn.keras["trainable"] is False
    assert not bn.trainable
    stem = next(layer for layer in arch.layers if layer.name == "stem")
    assert stem.keras["kernel_initializer"]["class_name"] == "VarianceScaling"
    assert_same_as_keras(arch, model)
    # The archive's weights load into the model nnstudio builds, which then answers as the
    # saved one does.
    assert read.weights is not None
    rebuilt = build_model(arch)
    weights = tmp_path / "w.weights.h5"
    weights.write_bytes(read.weights)
    rebuilt.load_weights(weights)
    x = np.random.default_rng(0).random((2, 8, 8, 3), dtype=np.float32)
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    assert not rebuilt.get_layer("bn").trainable


def test_json_and_h5_files_give_the_same_architecture(keras, tmp_path):
    model = _small_model(keras)
    (tmp_path / "model.json").write_text(model.to_json(), encoding="utf-8")
    model.save(tmp_path / "model.h5")
    from_json = read_keras_file(tmp_path / "model.json").architecture
    from_h5 = read_keras_file(tmp_path / "model.h5").architecture
    assert from_json == from_h5 == read_keras_file_from_archive(model, tmp_path)


def read_keras_file_from_archive(model, tmp_path):
    model.save(tmp_path / "again.keras")
    return read_keras_file(tmp_path / "again.keras").architecture


def test_a_sequential_model_reads_as_a_stack(keras):
    layers = [keras.Input((28, 28, 1)), keras.layers.Flatten(name="flat"), keras.layers.Dense(10)]
    model = keras.Sequential(layers, name="mlp")
    arch = architecture_from_keras(json.loads(model.to_json()))
    assert arch.is_stack
    assert arch.input_shape == (28, 28, 1)
    assert [layer.name for layer in arch.layers] == ["flat", model.layers[-1].name]
    assert summarize(arch).total_params == model.count_params()


def _functional_doc(layer):
    """A Keras 3 config of a model of one input and the given layer after it."""
    tensor = {"class_name": "__keras_tensor__",
              "config": {"shape": [None, 4], "keras_history": ["x", 0, 0]}}  # fmt: skip
    return {
        "class_name": "Functional",
        "config": {
            "name": "m",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "name": "x",
                    "config": {"batch_shape": [None, 4], "name": "x"},
                    "inbound_nodes": [],
                },
                {**layer, "inbound_nodes": [{"args": [tensor], "kwargs": {}}]},
            ],
            "input_layers": [["x", 0, 0]],
            "output_layers": [[layer["name"], 0, 0]],
        },
    }


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (
            {
                "class_name": "Lambda",
                "name": "f",
                "config": {"name": "f", "function": {"class_name": "__lambda__"}},
            },
            "layer 'f' is a Lambda",
        ),
        (
            {
                "class_name": "MyLayer",
                "name": "mine",
                "module": "mypackage.layers",
                "registered_name": "mypackage>MyLayer",
                "config": {"name": "mine"},
            },
            "a layer nnstudio does not know",
        ),
        (
            {
                "class_name": "Dense",
                "name": "d",
                "module": "mypackage",
                "registered_name": "mypackage>Dense",
                "config": {"name": "d", "units": 2},
            },
            "a layer nnstudio does not know",
        ),
        (
            {
                "class_name": "Dense",
                "name": "d",
                "config": {
                    "name": "d",
                    "units": 2,
                    "kernel_initializer": {
                        "module": "mypackage",
                        "class_name": "Mine",
                        "config": {},
                    },
                },
            },
            "not of Keras; nnstudio runs no code from other packages",
        ),
        (
            {
                "class_name": "Activation",
                "name": "a",
                "config": {
                    "name": "a",
                    "activation": {
                        "class_name": "function",
                        "config": "mine",
                        "module": "builtins",
                    },
                },
            },
            "Python function",
        ),
        (
            {
                "class_name": "Conv2D",
                "name": "c",
                "config": {
                    "name": "c",
                    "filters": 2,
                    "kernel_size": 3,
                    "data_format": "channels_first",
                },
            },
            "channels_last",
        ),
    ],
    ids=[
        "lambda",
        "custom",
        "custom-named-like-keras",
        "foreign-initializer",
        "function",
        "channels-first",
    ],
)
def test_code_and_unknown_layers_are_refused_by_name(layer, message):
    with pytest.raises(KerasFileError, match=message):
        architecture_from_keras(_functional_doc(layer))


def test_a_shared_layer_and_a_subclassed_model_are_refused():
    doc = _functional_doc({"class_name": "Dense", "name": "d", "config": {"units": 2}})
    node = doc["config"]["layers"][1]["inbound_nodes"][0]
    doc["config"]["layers"][1]["inbound_nodes"] = [node, node]
    with pytest.raises(KerasFileError, match="called 2 times"):
        architecture_from_keras(doc)
    with pytest.raises(KerasFileError, match="subclassed model"):
        architecture_from_keras({"class_name": "MyModel", "config": {}})


def test_a_keras_2_config_reads(keras):
    """tf.keras 2's to_json: nodes as [[name, node, index, kwargs]], the input shape as
    batch_input_shape, LeakyReLU's alpha, BatchNormalization's axis as a list."""
    doc = {
        "class_name": "Functional",
        "keras_version": "2.15.0",
        "config": {
            "name": "old",
            "layers": [
                {"class_name": "InputLayer", "name": "input_1",
                 "config": {"batch_input_shape": [None, 8, 8, 1], "dtype": "float32",
                            "name": "input_1"}, "inbound_nodes": []},
                {"class_name": "Conv2D", "name": "conv2d",
                 "config": {"name": "conv2d", "filters": 2, "kernel_size": [3, 3],
                            "kernel_initializer": {"class_name": "GlorotUniform",
                                                   "config": {"seed": None}},
                            "bias_initializer": {"class_name": "Zeros", "config": {}},
                            "kernel_regularizer": None, "groups": 1},
                 "inbound_nodes": [[["input_1", 0, 0, {}]]]},
                {"class_name": "BatchNormalization", "name": "bn",
                 "config": {"name": "bn", "axis": [3], "fused": None},
                 "inbound_nodes": [[["conv2d", 0, 0, {}]]]},
                {"class_name": "LeakyReLU", "name": "leaky",
                 "config": {"name": "leaky", "alpha": 0.2},
                 "inbound_nodes": [[["bn", 0, 0, {}]]]},
            ],
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["leaky", 0, 0]],
        },
    }  # fmt: skip
    arch = architecture_from_keras(doc)
    assert [layer.params.get("negative_slope") for layer in arch.layers][-1] == 0.2
    assert arch.layers[1].params["axis"] == 3
    assert not arch.layers[1].keras
    assert summarize(arch).layers[-1].output_shape == (None, 6, 6, 2)


def test_files_that_are_not_keras_models_say_so(tmp_path):
    (tmp_path / "notes.json").write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(KerasFileError, match="not a Keras model config"):
        read_keras_file(tmp_path / "notes.json")
    with zipfile.ZipFile(tmp_path / "x.keras", "w") as z:
        z.writestr("other.txt", "x")
    with pytest.raises(KerasFileError, match=r"no config\.json"):
        read_keras_file(tmp_path / "x.keras")
    (tmp_path / "bin.keras").write_bytes(b"\x00\x01garbage")
    with pytest.raises(KerasFileError, match="not a Keras model file"):
        read_keras_file(tmp_path / "bin.keras")
