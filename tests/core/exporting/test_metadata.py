"""The metadata that travels with every exported model (nnstudio.json), and what nnstudio says
about the models it makes: class names, input scaling, outputs. No TensorFlow here."""

import json

import numpy as np
import pytest

from nnstudio.core import Architecture, LayerConfig, template
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.exporting import MetadataError, ModelInfo, info_from_dict, model_info
from nnstudio.core.exporting.metadata import MAX_METADATA_BYTES, guessed_info, info_from_json
from nnstudio.core.training import TrainingSettings
from tests.core.exporting.conftest import small_cnn

FACES = ("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral")


def faces_info(**changes):
    info = ModelInfo(
        name="Emotion CNN",
        task="classification",
        class_names=FACES,
        input_shape=(48, 48, 1),
        scaling="pixels/255",
        outputs="probabilities",
        dataset="Toy faces (synthetic)",
        architecture=template("emotion-cnn").architecture.to_dict(),
        training=TrainingSettings().to_dict(),
        dataset_source={"name": "toy-faces"},
    )
    return info.replace(**changes)


def test_round_trip():
    info = faces_info()
    assert info_from_json(info.to_json()) == info
    doc = json.loads(info.to_json())
    assert doc["format"] == "nnstudio-model-info"
    assert doc["version"] == 1
    assert doc["class_names"][3] == "Happy"
    assert doc["saved_by"].startswith("nnstudio ")
    bare = faces_info(architecture=None, training=None, dataset_source=None, input_shape=(None, 3))
    assert "architecture" not in bare.to_dict()
    assert info_from_dict(bare.to_dict()) == bare


def test_labels_and_names():
    info = faces_info()
    assert info.labels_text() == "Angry\nDisgust\nFear\nHappy\nSad\nSurprise\nNeutral\n"
    assert info.label(3) == "Happy"
    assert info.label(9) == "9"
    assert faces_info(class_names=("a\nb", "c")).labels_text() == "a b\nc\n"
    assert "divided by 255" in info.scaling_text
    assert "probabilities" in info.outputs_text


def test_prepare_scales_as_training_did():
    pixels = np.full((2, 2, 2, 1), 255, np.uint8)
    assert faces_info().prepare(pixels).dtype == np.float32
    assert faces_info().prepare(pixels).max() == 1.0
    assert faces_info(scaling="none").prepare(pixels).max() == 255.0
    # No metadata: uint8 arrays are taken for pixels, numbers go in as they are.
    assert faces_info(scaling="unknown").prepare(pixels).max() == 1.0
    assert faces_info(scaling="unknown").prepare(np.array([[3.0]])).max() == 3.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "nnstudio-project"}, "not nnstudio model metadata"),
        ({"version": 99}, "written by a newer nnstudio"),
        ({"version": "1"}, "version must be a positive integer"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"name": 3}, "name must be a string"),
        ({"task": "clustering"}, "task must be one of classification, regression"),
        ({"class_names": "Angry"}, "class_names must be a list of strings"),
        ({"class_names": [1, 2]}, "class_names must be a list of strings"),
        ({"input_shape": []}, "input_shape must be a list of positive sizes"),
        ({"input_shape": [48, 0, 1]}, "input_shape must be a list of positive sizes"),
        ({"input_shape": [True, 48]}, "input_shape must be a list of positive sizes"),
        ({"input_shape": "48x48"}, "received '48x48'"),
        ({"scaling": "pixels/256"}, "scaling must be one of pixels/255, none, table, unknown"),
        ({"outputs": "votes"}, "outputs must be one of"),
        ({"dataset": ["faces"]}, "dataset must be a string"),
        ({"architecture": "cnn"}, "architecture must be an object"),
        ({"training": [1]}, "training must be an object"),
    ],
)
def test_bad_fields_are_refused_with_a_reason(change, message):
    doc = {**faces_info().to_dict(), **change}
    with pytest.raises(MetadataError, match=message):
        info_from_dict(doc)


def test_damaged_and_oversized_metadata():
    with pytest.raises(MetadataError, match=r"nnstudio\.json is not valid JSON"):
        info_from_json('{"format": ')
    with pytest.raises(MetadataError, match="not nnstudio model metadata"):
        info_from_json("[1, 2]")
    with pytest.raises(MetadataError, match=r"nnstudio\.json is too large"):
        info_from_json(b" " * (MAX_METADATA_BYTES + 1))
    with pytest.raises(MetadataError, match="not valid JSON"):
        info_from_json("[" * 100_000 + "]" * 100_000)


def test_a_model_without_metadata_gets_numbered_classes():
    info = guessed_info("mystery", (28, 28, 1), (None, 10), "softmax")
    assert info.class_names == tuple(str(i) for i in range(10))
    assert (info.guessed, info.scaling, info.outputs) == (True, "unknown", "probabilities")
    one = guessed_info("gate", (2,), (None, 1), "linear")
    assert one.class_names == ("0", "1")
    assert one.outputs == "unknown"


def dense_model(units, activation, input_shape=(2,)):
    return Architecture(
        "Dense model",
        input_shape,
        (LayerConfig.create("Dense", units=units, activation=activation),),
    )


SETTINGS = TrainingSettings(epochs=1)


@pytest.mark.parametrize(
    ("source", "arch", "expected"),
    [
        ("mnist-sample", small_cnn(), ("MNIST sample", tuple("0123456789"), "pixels/255")),
        ("fashion-mnist-sample", small_cnn(), ("Fashion-MNIST sample", None, "pixels/255")),
        ("cifar10", dense_model(10, "softmax", (32, 32, 3)), ("CIFAR-10", None, "pixels/255")),
        ("xor", dense_model(1, "sigmoid"), ("XOR gate", ("0", "1"), "none")),
        ("function", dense_model(1, "linear", (1,)), ("f(x) = 2*x + 1", (), "none")),
    ],
)
def test_model_info_from_a_source_without_loading_it(source, arch, expected):
    info = model_info(arch, DatasetSource(source), SETTINGS)
    title, names, scaling = expected
    assert (info.dataset, info.scaling) == (title, scaling)
    if names is not None:
        assert info.class_names == names
    assert info.task == ("classification" if info.class_names else "regression")
    assert info.input_shape == tuple(arch.input_shape)
    assert info.architecture == arch.to_dict()
    assert info.training == SETTINGS.to_dict()
    assert info.dataset_source == {"name": source}


def test_model_info_of_toy_faces_says_happy():
    arch = template("emotion-cnn").architecture
    info = model_info(arch, DatasetSource("toy-faces"), SETTINGS)
    assert info.class_names == FACES
    assert info.label(3) == "Happy"
    assert info.outputs == "probabilities"
    loaded = load_dataset(DatasetSource("toy-faces", options={"per_class": 1, "test_per_class": 0}))
    assert model_info(arch, loaded.source, SETTINGS, loaded).class_names == FACES


@pytest.mark.parametrize(
    ("units", "activation", "source", "outputs"),
    [
        (10, "softmax", "mnist-sample", "probabilities"),
        (10, "linear", "mnist-sample", "logits"),
        (1, "sigmoid", "xor", "probabilities"),
        (1, "linear", "xor", "values"),  # the articles' perceptron, trained on mse
        (1, "linear", "function", "values"),
        (3, "softmax", "mnist-sample", "unknown"),  # does not fit its dataset
    ],
)
def test_outputs_follow_from_the_loss(units, activation, source, outputs):
    shape = (1,) if source == "function" else (2,) if source == "xor" else (28, 28, 1)
    layers = (LayerConfig.create("Flatten"),) if len(shape) > 1 else ()
    arch = Architecture(
        "m", shape, (*layers, LayerConfig.create("Dense", units=units, activation=activation))
    )
    assert model_info(arch, DatasetSource(source), SETTINGS).outputs == outputs


def test_a_folder_that_is_gone_gets_numbered_classes(tmp_path):
    arch = dense_model(3, "softmax", (8, 8, 1))
    info = model_info(arch, DatasetSource("folder", str(tmp_path / "gone")), SETTINGS)
    assert info.class_names == ("0", "1", "2")
    assert info.scaling == "pixels/255"


def test_class_names_saved_with_the_weights_need_no_data(tmp_path):
    """A project trained on a folder that has since moved still says which class is which."""
    arch = dense_model(3, "softmax", (8, 8, 1))
    source = DatasetSource("folder", str(tmp_path / "gone" / "pets"))
    info = model_info(arch, source, SETTINGS, None, ("cat", "dog", "fish"))
    assert info.class_names == ("cat", "dog", "fish")
    assert info.dataset == "pets"


def test_a_folders_class_names_are_its_subfolders_without_reading_images(tmp_path):
    for split, name in (("train", "cat"), ("train", "dog"), ("train", "fish"), ("test", "cat")):
        (tmp_path / "pets" / split / name).mkdir(parents=True)
    (tmp_path / "pets" / "train" / "cat" / "1.png").write_bytes(b"not even an image")
    arch = dense_model(3, "softmax", (8, 8, 1))
    info = model_info(arch, DatasetSource("folder", str(tmp_path / "pets")), SETTINGS)
    assert info.class_names == ("cat", "dog", "fish")
    assert info.dataset == "pets"
