"""Every export format, loaded in its own runtime, predicts what the trained model predicts on
real test images, and says which class is which ("Happy", not "3")."""

import sys
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest

from nnstudio.core.exporting import (
    FORMATS,
    ExportError,
    MetadataError,
    MissingPackageError,
    UntrainedError,
    default_path,
    export_model,
    load_model,
    project_model,
    read_info,
)
from nnstudio.core.exporting.formats import inference_model
from nnstudio.core.exporting.metadata import LABELS_FILE, METADATA_FILE
from tests.core.exporting.conftest import small_cnn

FACES = ("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral")
MODELS = ("trained", "faces")
RUNTIME_FORMATS = ("keras", "savedmodel", "tflite", "onnx")


@pytest.fixture(scope="module")
def exported(request, tmp_path_factory):
    """Both trained models in every format but python: {(model, format): path}."""
    folder = tmp_path_factory.mktemp("exported")
    out = {}
    for name in MODELS:
        case = request.getfixturevalue(name)
        for fmt in RUNTIME_FORMATS:
            path = folder / f"{name}{FORMATS[fmt] or '_savedmodel'}"
            assert export_model(case.model, case.info, fmt, path) == path
            out[name, fmt] = path
    return out


def case_of(request, name):
    return request.getfixturevalue(name)


@pytest.mark.parametrize("name", MODELS)
def test_keras_in_nnstudio_and_in_keras(request, keras, exported, name):
    case = case_of(request, name)
    path = exported[name, "keras"]
    model, info = load_model(path)
    np.testing.assert_allclose(model.predict(case.x, verbose=0), case.expected, atol=1e-5)
    assert info == case.info
    plain = keras.saving.load_model(path)
    np.testing.assert_allclose(plain.predict(case.x, verbose=0), case.expected, atol=1e-5)


@pytest.mark.parametrize("name", MODELS)
def test_savedmodel_in_tensorflow(request, exported, name):
    import tensorflow as tf

    case = case_of(request, name)
    path = exported[name, "savedmodel"]
    loaded = tf.saved_model.load(str(path))
    np.testing.assert_allclose(loaded.serve(case.x).numpy(), case.expected, atol=1e-5)
    serving = loaded.signatures["serving_default"]
    assert list(serving.structured_input_signature[1]) == ["input"]
    labels = (path / "assets" / LABELS_FILE).read_text(encoding="utf-8").splitlines()
    assert labels == list(case.info.class_names)


def run_tflite(path, x):
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    (tensor,) = interpreter.get_input_details()
    interpreter.resize_tensor_input(tensor["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(tensor["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


@pytest.mark.parametrize("name", MODELS)
def test_tflite_in_the_litert_interpreter(request, exported, name):
    case = case_of(request, name)
    path = exported[name, "tflite"]
    np.testing.assert_allclose(run_tflite(path, case.x), case.expected, atol=1e-4)
    with zipfile.ZipFile(path) as archive:  # TFLite's associated files, appended
        assert archive.read(LABELS_FILE).decode().splitlines() == list(case.info.class_names)
        assert METADATA_FILE in archive.namelist()


@pytest.mark.parametrize("name", MODELS)
def test_onnx_in_onnxruntime(request, exported, name):
    import onnx
    import onnxruntime

    case = case_of(request, name)
    path = exported[name, "onnx"]
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input"]
    assert [o.name for o in session.get_outputs()] == ["output_0"]
    (result,) = session.run(None, {"input": case.x})
    np.testing.assert_allclose(result, case.expected, atol=1e-4)
    onnx.checker.check_model(str(path))


@pytest.mark.parametrize("fmt", RUNTIME_FORMATS)
def test_class_names_travel_with_every_format(faces, exported, fmt):
    info = read_info(exported["faces", fmt])
    assert info == faces.info
    assert info.class_names == FACES
    assert info.scaling == "pixels/255"
    assert info.dataset == "Toy faces (synthetic)"
    assert info.label(3) == "Happy"
    assert {info.label(int(i)) for i in faces.expected.argmax(axis=1)} <= set(FACES)
    assert read_info(exported["trained", fmt]).class_names == tuple("0123456789")


def test_augmentation_is_left_out_of_inference_formats(faces, exported):
    import onnx

    names = [type(layer).__name__ for layer in faces.model.layers]
    assert names[0] == "RandomFlip"
    kept = inference_model(faces.model)
    assert [type(layer).__name__ for layer in kept.layers] == names[1:]
    assert kept.count_params() == faces.model.count_params()
    graph = onnx.load(str(exported["faces", "onnx"])).graph
    assert not [n.name for n in graph.node if "flip" in n.name.lower()]
    model, _ = load_model(exported["faces", "keras"])
    assert type(model.layers[0]).__name__ == "RandomFlip"  # the .keras keeps the whole model


@pytest.mark.parametrize("fmt", ["savedmodel", "tflite", "onnx"])
def test_exporting_leaves_the_model_alone_for_other_threads(trained, tmp_path, monkeypatch, fmt):
    """Keras' export empties the exported model's predict_function while it writes; the
    window exports on a worker thread while another may predict with the same model."""
    import keras

    exported_objects = []
    real_export = keras.Model.export

    def spy(self, *args, **kwargs):
        exported_objects.append(self)
        seen = self.predict_function  # what a predict on another thread would find
        result = real_export(self, *args, **kwargs)
        assert self.predict_function is seen
        return result

    monkeypatch.setattr(keras.Model, "export", spy)
    trained.model.predict(trained.x[:2], verbose=0)  # it has a predict_function
    export_model(trained.model, trained.info, fmt, tmp_path / f"m{FORMATS[fmt] or '_sm'}")
    (exported_object,) = exported_objects
    assert exported_object is not trained.model
    shared = [id(w) for w in exported_object.weights]
    assert shared == [id(w) for w in trained.model.weights]  # the same layers and weights
    np.testing.assert_allclose(
        trained.model.predict(trained.x, verbose=0), trained.expected, atol=1e-6
    )


def test_default_paths(tmp_path):
    assert default_path(tmp_path / "faces.nnstudio", "onnx") == tmp_path / "faces.onnx"
    assert default_path(tmp_path / "faces.keras", "savedmodel") == tmp_path / "faces_savedmodel"
    assert default_path(tmp_path / "faces.keras", "keras") == tmp_path / "faces_exported.keras"
    assert default_path(tmp_path / "faces.keras", "python") == tmp_path / "faces.py"


def test_a_savedmodel_is_replaced_but_no_other_folder(trained, exported, tmp_path):
    out = tmp_path / "m_savedmodel"
    export_model(trained.model, trained.info, "savedmodel", out)
    export_model(trained.model, trained.info, "savedmodel", out)  # replaced
    assert (out / "saved_model.pb").is_file()
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "cat.jpg").write_bytes(b"")
    with pytest.raises(ExportError, match="is a folder that is not a SavedModel"):
        export_model(trained.model, trained.info, "savedmodel", photos)
    assert (photos / "cat.jpg").exists()
    (tmp_path / "notes").write_text("x")
    with pytest.raises(ExportError, match="a SavedModel is a folder"):
        export_model(trained.model, trained.info, "savedmodel", tmp_path / "notes")


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("tflite", "model.onnx", "a tflite export is a .tflite file; received 'model.onnx'"),
        ("keras", "model", "name it model.keras"),
        ("keras", "missing/model.keras", "no such folder; create it first"),
        ("pytorch", "model.pt", "unknown export format 'pytorch'; use one of keras, savedmodel"),
    ],
)
def test_wrong_targets_are_refused(trained, tmp_path, fmt, name, message):
    with pytest.raises(ExportError, match=message):
        export_model(trained.model, trained.info, fmt, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_no_model_but_a_script(trained, tmp_path):
    with pytest.raises(ExportError, match="no trained model to export as tflite"):
        export_model(None, trained.info, "tflite", tmp_path / "m.tflite")
    assert export_model(None, trained.info, "python", tmp_path / "m.py").is_file()


def broken_model(error):
    """A stand-in model whose conversion fails halfway, after writing part of its output."""

    def fail(path, *args, **kwargs):
        from pathlib import Path

        Path(path).write_bytes(b"half a model")
        raise error

    return SimpleNamespace(save=fail, export=fail, input_shape=(None, 28, 28, 1), layers=[])


@pytest.mark.parametrize(
    ("fmt", "error", "message"),
    [
        ("savedmodel", RuntimeError("op not supported"), "could not be converted to a SavedModel"),
        ("tflite", ValueError("Lambda"), "converted to TFLite: ValueError: Lambda"),
        ("onnx", KeyError("Conv2D"), "could not be converted to ONNX: KeyError"),
        ("keras", OSError(28, "No space left on device"), "No space left on device"),
    ],
)
def test_a_failed_conversion_leaves_nothing(trained, tmp_path, fmt, error, message):
    out = tmp_path / f"model{FORMATS[fmt] or '_savedmodel'}"
    with pytest.raises(ExportError, match=message) as raised:
        export_model(broken_model(error), trained.info, fmt, out)
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []  # neither the target nor a temporary folder


@pytest.mark.parametrize("package", ["onnx", "tf2onnx"])
def test_onnx_without_its_packages(trained, tmp_path, monkeypatch, package):
    monkeypatch.setitem(sys.modules, package, None)  # import raises ImportError
    with pytest.raises(
        MissingPackageError, match=rf'needs the package {package}.*pip install -e "\.\[export\]"'
    ):
        export_model(trained.model, trained.info, "onnx", tmp_path / "m.onnx")
    assert list(tmp_path.iterdir()) == []


def test_read_info_of_files_without_metadata(keras, tmp_path):
    assert read_info(tmp_path) is None  # a folder without assets/nnstudio.json
    (tmp_path / "notes.txt").write_text("hello")
    assert read_info(tmp_path / "notes.txt") is None
    with pytest.raises(ExportError, match="no such file"):
        read_info(tmp_path / "gone.keras")
    damaged = tmp_path / "damaged.tflite"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr(METADATA_FILE, "{")
    with pytest.raises(MetadataError, match="not valid JSON"):
        read_info(damaged)


def test_a_projects_trained_model(trained):
    model, info = project_model(trained.project)
    np.testing.assert_allclose(model.predict(trained.x, verbose=0), trained.expected, atol=1e-6)
    assert info.class_names == trained.info.class_names
    assert info.dataset == "MNIST sample"
    assert info.scaling == "pixels/255"


def test_a_project_without_fitting_weights(trained):
    untrained = trained.project.replace(weights=None)
    with pytest.raises(UntrainedError, match="has no trained weights: train it first"):
        project_model(untrained)
    arch = small_cnn()
    wider = arch.replace(layers=(*arch.layers[:-1], arch.layers[-1].with_param("units", 12)))
    changed = trained.project.replace(architecture=wider)
    with pytest.raises(UntrainedError, match="belong to an earlier version of its model"):
        project_model(changed)
