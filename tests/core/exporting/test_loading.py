"""Opening .keras models safely: code is refused before Keras sees it, models from elsewhere
open with numbered classes, and every unreadable file gets a one-line reason."""

import json
import zipfile

import numpy as np
import pytest

from nnstudio.core import template
from nnstudio.core.exporting import ModelFileError, UnsafeModelError, load_model
from nnstudio.core.exporting.loading import code_needed
from nnstudio.core.project import Project, save_project


def plain_model(keras, units=3):
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(units, activation="softmax")], name="plain"
    )


@pytest.fixture
def no_keras(monkeypatch):
    """Fail the test if the file reaches Keras."""

    def refuse():
        raise AssertionError("Keras was asked to load the model")

    monkeypatch.setattr("nnstudio.core.exporting.loading.backend.keras", refuse)


def one_line(error) -> str:
    text = str(error.value)
    assert "\n" not in text
    return text


def test_a_lambda_layer_is_refused_before_keras_runs_it(keras, tmp_path, no_keras):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2, name="double")]
    )
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(UnsafeModelError) as error:
        load_model(tmp_path / "lambda.keras")
    text = one_line(error)
    assert text.startswith("cannot be opened safely: layer 'double' is a Lambda layer")
    assert "safe_mode=False" in text  # what to do if the file is trusted


def test_a_custom_layer_is_refused(keras, tmp_path, no_keras):
    class Squared(keras.layers.Layer):
        def call(self, x):
            return x * x

    model = keras.Sequential([keras.Input((4,)), Squared(name="square"), keras.layers.Dense(2)])
    model.save(tmp_path / "custom.keras")
    with pytest.raises(UnsafeModelError, match="layer 'square' uses 'Squared' from the Python"):
        load_model(tmp_path / "custom.keras")


@pytest.mark.parametrize(
    ("node", "reason"),
    [
        (
            {"module": None, "class_name": "Sq", "registered_name": "Sq", "config": {}},
            "the model uses the custom object 'Sq', defined in Python code",
        ),
        (
            {"module": "builtins", "class_name": "function", "config": "my_relu"},
            "the model uses the Python function 'my_relu'",
        ),
        (
            {"class_name": "TFSMLayer", "config": {"name": "tfsm", "trainable": True}},
            "layer 'tfsm' is a TFSMLayer, which runs a TensorFlow SavedModel from another file",
        ),
        (
            {"module": "keras_contrib.layers", "class_name": "CRF", "config": {}},
            "the model uses 'CRF' from the Python module 'keras_contrib.layers'",
        ),
        ({"module": "keras.src.layers", "class_name": "Dense", "registered_name": None}, None),
        # Loaded uncompiled: a custom loss does not stop a model from opening.
        (
            {
                "module": "keras",
                "class_name": "Sequential",
                "config": {"layers": []},
                "compile_config": {"loss": {"module": "builtins", "class_name": "function"}},
            },
            None,
        ),
    ],
)
def test_code_in_a_configuration(node, reason):
    assert code_needed({"layers": [node]}) == reason


def test_a_keras_model_without_metadata_gets_numbered_classes(keras, tmp_path):
    model = plain_model(keras)
    model.save(tmp_path / "plain.keras")
    loaded, info = load_model(tmp_path / "plain.keras")
    assert info.class_names == ("0", "1", "2")
    assert info.guessed
    assert (info.name, info.input_shape, info.scaling) == ("plain", (4,), "unknown")
    assert info.outputs == "probabilities"
    x = np.random.default_rng(0).random((5, 4), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def zip_with(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.fixture
def saved_plain(keras, tmp_path):
    path = tmp_path / "plain.keras"
    plain_model(keras).save(path)
    return path


def test_damaged_metadata_is_a_damaged_file(saved_plain):
    with zipfile.ZipFile(saved_plain, "a") as archive:
        archive.writestr("nnstudio.json", '{"format": "nnstudio-model-info", "version": 1}')
    with pytest.raises(ModelFileError, match=r"^is damaged: nnstudio.json: name must be a string"):
        load_model(saved_plain)


def test_a_truncated_model(saved_plain):
    data = saved_plain.read_bytes()
    saved_plain.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError) as error:
        load_model(saved_plain)
    assert one_line(error).startswith("is ")


def written(name, data):
    def make(folder):
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def zipped(members):
    return lambda folder: zip_with(folder / "model.keras", members)


def a_folder(folder):
    (folder / "models").mkdir()
    return folder / "models"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "gone.keras", "does not exist"),
        (written("model.keras", b""), "is empty"),
        (written("model.keras", b"hello"), "is not a .keras model: the file is damaged"),
        (zipped({"notes.txt": "x"}), "the archive has no config.json"),
        (zipped({"config.json": "{"}), "its config.json is not valid JSON"),
        (a_folder, "is a folder, not a model file"),
        (written("model.h5", b"x"), "an HDF5 model of Keras 2"),
        (written("model.tflite", b"x"), "is a TensorFlow Lite model"),
        (written("model.onnx", b"x"), "is an ONNX model"),
    ],
)
def test_unreadable_files_get_one_line(tmp_path, no_keras, make, message):
    path = make(tmp_path)
    with pytest.raises(ModelFileError) as error:
        load_model(path)
    assert message in one_line(error)
    assert not isinstance(error.value, UnsafeModelError)


def test_a_savedmodel_folder_and_a_project(tmp_path, no_keras):
    folder = tmp_path / "model_savedmodel"
    folder.mkdir()
    (folder / "saved_model.pb").write_bytes(b"")
    with pytest.raises(ModelFileError, match=r"is a SavedModel folder.*tf\.saved_model\.load"):
        load_model(folder)
    project = tmp_path / "xor.nnstudio"
    save_project(Project(template("xor-network").architecture), project)
    with pytest.raises(ModelFileError, match=r"is an nnstudio project, not a \.keras model"):
        load_model(project)
    renamed = project.rename(tmp_path / "xor.keras")
    with pytest.raises(ModelFileError, match="is an nnstudio project"):
        load_model(renamed)


def test_keras_refusing_the_file_is_a_model_file_error(saved_plain):
    with zipfile.ZipFile(saved_plain) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["class_name"] = "Dense3000"
    members["config.json"] = json.dumps(config)
    zip_with(saved_plain, members)
    with pytest.raises(ModelFileError) as error:
        load_model(saved_plain)
    assert one_line(error).startswith("cannot be rebuilt by Keras 3")
