"""nnstudio export: a trained project or .keras model written in every format, from a terminal."""

import sys

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.core import template
from nnstudio.core.datasets import DatasetSource, load_dataset
from nnstudio.core.exporting import FORMATS, read_info
from nnstudio.core.project import Project, save_project
from nnstudio.core.training import TrainingSettings

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)


@pytest.fixture(scope="module")
def gate(keras, tmp_path_factory):
    """A project of the XOR network with trained weights, and what the model predicts."""
    from nnstudio.core.training.runner import run_training

    arch = template("xor-network").architecture
    settings = TrainingSettings(epochs=2, batch_size=2, validation="none", seed=0)
    source = DatasetSource("xor")
    outcome = run_training(arch, load_dataset(source), settings, source)
    model, weights = outcome.model, outcome.weights
    path = tmp_path_factory.mktemp("projects") / "gate.nnstudio"
    save_project(Project(arch, source, settings, weights=weights), path)
    return path, model.predict(X, verbose=0)


def export(*args):
    return main(["export", *map(str, args)])


def error_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, never a traceback
    return err


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_project_in_every_format(gate, capsys, tmp_path, fmt):
    project, _ = gate
    out = tmp_path / f"xor{FORMATS[fmt] or '_savedmodel'}"
    assert export(project, "--format", fmt.upper(), "--out", out) == 0
    printed = capsys.readouterr().out
    assert f"Exported XOR network (2-2-1) as {fmt} to {out}" in printed
    assert "Classes: 0, 1\n" in printed
    assert "Inputs: numbers fed as they are" in printed
    if fmt == "python":
        assert "def build_model():" in out.read_text()
        assert f"Train it again with: python {out}" in printed
    else:
        assert read_info(out).class_names == ("0", "1")


def test_default_paths_beside_the_input(keras, gate, capsys):
    project, expected = gate
    assert export(project, "--format", "keras") == 0
    model_file = project.with_suffix(".keras")
    assert f"to {model_file}\n" in capsys.readouterr().out
    model = keras.saving.load_model(model_file)
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, atol=1e-6)
    # From the .keras: beside it, never over it.
    assert export(model_file, "--format", "keras") == 0
    assert project.with_name("gate_exported.keras").is_file()
    assert export(model_file, "--format", "savedmodel") == 0
    assert (project.with_name("gate_savedmodel") / "saved_model.pb").is_file()


def test_a_keras_model_to_tflite_and_to_a_script(gate, capsys, tmp_path):
    project, _ = gate
    model_file = tmp_path / "xor.keras"
    assert export(project, "--format", "keras", "--out", model_file) == 0
    assert export(model_file, "--format", "tflite", "--out", tmp_path / "xor.tflite") == 0
    assert read_info(tmp_path / "xor.tflite").name == "XOR network (2-2-1)"
    # The script is written from the metadata exported with the model.
    assert export(model_file, "--format", "python") == 0
    assert 'CLASS_NAMES = ["0", "1"]' in (tmp_path / "xor.py").read_text()


def test_a_keras_model_from_elsewhere(keras, capsys, tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
    model.save(tmp_path / "plain.keras")
    assert export(tmp_path / "plain.keras", "--format", "onnx") == 0
    out = capsys.readouterr().out
    assert "Classes: 0, 1, 2, 3 (numbered: the model carries no class names)" in out
    assert (tmp_path / "plain.onnx").is_file()
    assert export(tmp_path / "plain.keras", "--format", "python") == 2
    assert "plain.keras: carries no nnstudio metadata" in error_line(capsys)


def test_an_untrained_project(capsys, tmp_path):
    path = tmp_path / "cnn.nnstudio"
    save_project(Project(template("mnist-cnn").architecture), path)
    assert export(path, "--format", "tflite") == 1
    assert "MNIST CNN has no trained weights: train it first" in error_line(capsys)
    assert not path.with_suffix(".tflite").exists()
    # The script needs no weights: it trains the model.
    assert export(path, "--format", "python") == 0
    assert "def main():" in path.with_suffix(".py").read_text()


def test_an_architecture_file_has_no_weights(capsys, tmp_path):
    from nnstudio.core.resources import resource

    arch = resource("templates", "xor-network.json")
    assert export(arch, "--format", "onnx", "--out", tmp_path / "xor.onnx") == 1
    assert "has no trained weights" in error_line(capsys)


def test_weights_of_another_model(gate, capsys, tmp_path):
    from nnstudio.core.project import load_project

    project = load_project(gate[0])
    arch = project.architecture
    wider = arch.replace(layers=(arch.layers[0].with_param("units", 3), *arch.layers[1:]))
    path = tmp_path / "changed.nnstudio"
    save_project(project.replace(architecture=wider), path)
    assert export(path, "--format", "keras") == 1
    assert "belong to an earlier version of its model" in error_line(capsys)


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--format", "pytorch"], 1, "unknown export format 'pytorch'; use one of keras, "),
        (["--format", "tflite", "--out", "{tmp}/xor.onnx"], 1, "is a .tflite file"),
        (["--format", "keras", "--out", "{tmp}/no/xor.keras"], 1, "no such folder"),
    ],
)
def test_what_cannot_be_exported(gate, capsys, tmp_path, args, status, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert export(gate[0], *args) == status
    assert message in error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_onnx_without_its_packages(gate, capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tf2onnx", None)
    assert export(gate[0], "--format", "onnx", "--out", tmp_path / "xor.onnx") == 1
    line = error_line(capsys)
    assert "needs the package tf2onnx, which is not installed" in line
    assert 'pip install -e ".[export]"' in line


def test_unreadable_inputs(keras, capsys, tmp_path):
    assert export(tmp_path / "gone.keras", "--format", "keras") == 2
    assert "gone.keras: no such file" in error_line(capsys)
    (tmp_path / "broken.keras").write_bytes(b"PK\x03\x04 not really")
    assert export(tmp_path / "broken.keras", "--format", "onnx") == 2
    assert "broken.keras: is not a .keras model" in error_line(capsys)
    (tmp_path / "broken.nnstudio").write_text("{")
    assert export(tmp_path / "broken.nnstudio", "--format", "python") == 2
    assert "not an nnstudio project" in error_line(capsys)
    assert export(tmp_path, "--format", "tflite") == 2
    assert "is a folder, not a model file" in error_line(capsys)
    lambda_model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Lambda(lambda t: t + 1, name="plus")]
    )
    lambda_model.save(tmp_path / "code.keras")
    assert export(tmp_path / "code.keras", "--format", "onnx") == 2
    assert "code.keras: cannot be opened safely: layer 'plus' is a Lambda" in error_line(capsys)
