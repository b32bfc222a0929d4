"""Keras model files on the command line: summary, train and --continue read a .keras archive,
Keras' JSON and an .h5 file as they read nnstudio's own files."""

import json

import pytest

from nnstudio.cli import main
from nnstudio.core import project, save_architecture, template


def _cnn(keras):
    """A small functional CNN with a skip connection, as a Keras script would save it."""
    layers = keras.layers
    inputs = keras.Input((28, 28, 1), name="digits")
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_a")(inputs)
    y = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_b")(x)
    x = layers.Add(name="skip")([x, y])
    x = layers.MaxPooling2D(name="pool")(x)
    x = layers.Flatten(name="flat")(x)
    outputs = layers.Dense(10, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="saved_cnn")


@pytest.fixture(scope="module")
def saved(keras, tmp_path_factory):
    folder = tmp_path_factory.mktemp("keras_models")
    model = _cnn(keras)
    model.save(folder / "cnn.keras")
    model.save(folder / "cnn.h5")
    (folder / "cnn.json").write_text(model.to_json(), encoding="utf-8")
    return folder, model


@pytest.mark.parametrize("name", ["cnn.keras", "cnn.json", "cnn.h5"])
def test_summary_reads_keras_files_with_keras_names_and_counts(saved, capsys, name):
    folder, model = saved
    assert main(["summary", "--json", str(folder / name)]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["ok"]
    rows = {row["name"]: row for row in result["layers"]}
    for layer in model.layers[1:]:
        assert rows[layer.name]["params"] == layer.count_params()
        assert tuple(rows[layer.name]["output_shape"]) == tuple(layer.output.shape)
    assert rows["skip"]["inputs"] == ["conv_a", "conv_b"]
    assert result["total_params"] == model.count_params()
    assert main(["summary", str(folder / name)]) == 0
    out = capsys.readouterr().out
    assert 'Model: "saved_cnn"' in out
    assert f"Total params: {model.count_params():,}" in out


def _train_json(capsys, *args):
    assert main(["train", *map(str, args), "--dataset", "mnist-sample", "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_train_and_continue_a_keras_archive(saved, capsys, tmp_path):
    folder, _ = saved
    trained = tmp_path / "trained.keras"
    first = _train_json(capsys, folder / "cnn.keras", "--epochs", "2", "--seed", "0",
                        "--out", trained)  # fmt: skip
    assert first["model"] == "saved_cnn"
    assert first["epochs"] == 2
    assert "run" not in first  # a .keras file is never rewritten
    reopened = project.open_file(trained)
    assert reopened.weights.class_names  # nnstudio's export names the classes
    assert reopened.dataset.name == "mnist-sample"
    # With a learning rate too small to move anything, --continue starts (and stays) where
    # the trained weights are, far below a fresh start's loss.
    still = ("--epochs", "1", "--learning-rate", "1e-9", "--seed", "1")
    continued = _train_json(capsys, trained, "--continue", *still)
    fresh = _train_json(capsys, trained, *still)
    assert continued["history"]["loss"][0] < 0.8 * fresh["history"]["loss"][0]
    assert continued["history"]["loss"][0] == pytest.approx(first["history"]["loss"][-1], rel=0.5)


def test_continue_without_weights_says_what_to_do(saved, capsys, tmp_path):
    folder, _ = saved
    arch = tmp_path / "arch.json"
    save_architecture(template("mnist-mlp").architecture, arch)
    for path in (arch, folder / "cnn.json"):
        status = main(["train", str(path), "--dataset", "mnist-sample", "--continue"])
        assert status == 1
        err = capsys.readouterr().err
        assert "no trained weights to continue from" in err
        assert "without --continue" in err


def test_a_lambda_model_is_refused_by_name(keras, capsys, tmp_path):
    inputs = keras.Input((4,))
    outputs = keras.layers.Lambda(lambda x: x + 1, name="plus_one")(inputs)
    path = tmp_path / "lambda.json"
    path.write_text(keras.Model(inputs, outputs).to_json(), encoding="utf-8")
    assert main(["summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert "plus_one" in err
    assert "Traceback" not in err
    assert main(["train", str(path), "--dataset", "xor"]) == 2
    assert "plus_one" in capsys.readouterr().err
