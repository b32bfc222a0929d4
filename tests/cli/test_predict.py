"""nnstudio predict: image files classified by a trained model from a terminal."""

import json

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.core.datasets import DatasetSource
from nnstudio.core.project import Project, save_project
from nnstudio.core.training import TrainingSettings


def predict(capsys, *argv):
    status = main(["predict", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def test_one_image_is_answered_as_article_000_prints_it(predict_models, capsys):
    faces = predict_models.faces
    status, out, err = predict(capsys, faces.keras_file, faces.images[0])
    assert status == 0, err
    names, expected = faces.info.class_names, faces.expected[0]
    order = np.argsort(-expected, kind="stable")[:3]
    assert out.splitlines() == [f"{names[i]} - {expected[i] * 100:.2f}%" for i in order]


def test_several_images_are_headed_by_their_names_and_top_k_is_kept(predict_models, capsys):
    faces = predict_models.faces
    status, out, _ = predict(capsys, faces.keras_file, *faces.images[:2], "--top", "1")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"== {faces.images[0]} =="
    assert lines[2:4] == ["", f"== {faces.images[1]} =="]
    best = faces.info.class_names[int(faces.expected[1].argmax())]
    assert lines[4].startswith(f"{best} - ")
    assert len(lines) == 5


@pytest.mark.parametrize("source", ["keras_file", "project_file"])
def test_json_has_every_class_and_the_top_k(predict_models, capsys, source):
    digits = predict_models.digits
    status, out, _ = predict(
        capsys, getattr(digits, source), *digits.images, "--json", "--top", "2"
    )
    assert status == 0
    report = json.loads(out)
    assert [r["file"] for r in report] == [str(p) for p in digits.images]
    for entry, logits in zip(report, digits.expected, strict=True):
        assert set(entry) == {"file", "probabilities", "top"}
        assert list(entry["probabilities"]) == [str(i) for i in range(10)]
        probabilities = np.array(list(entry["probabilities"].values()))
        np.testing.assert_allclose(probabilities, softmax(logits), atol=1e-5)  # logits
        assert len(entry["top"]) == 2
        assert entry["top"][0] == {
            "class": str(int(logits.argmax())),
            "probability": pytest.approx(probabilities.max()),
        }
        assert entry["top"][0]["probability"] >= entry["top"][1]["probability"]


def test_top_k_larger_than_the_classes_gives_them_all(predict_models, capsys):
    faces = predict_models.faces
    status, out, _ = predict(capsys, faces.keras_file, faces.images[0], "--top", "100")
    assert status == 0
    assert sorted(line.split(" - ")[0] for line in out.splitlines()) == sorted(
        faces.info.class_names
    )


@pytest.mark.parametrize("k", ["0", "-1", "two"])
def test_top_k_must_be_a_positive_number(predict_models, capsys, k):
    with pytest.raises(SystemExit) as exit_:
        main(["predict", "model.keras", "x.png", "--top", k])
    assert exit_.value.code == 2
    assert "K is a number of classes, 1 or more" in capsys.readouterr().err


def test_bad_images_are_reported_and_the_others_answered(predict_models, capsys, tmp_path):
    faces = predict_models.faces
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    missing = tmp_path / "missing.jpg"
    files = [faces.images[0], missing, text, faces.images[1]]
    status, out, err = predict(capsys, faces.keras_file, *files)
    assert status == 2
    assert f"nnstudio: {missing} cannot be read: No such file" in err
    assert f"nnstudio: {text} is not an image file" in err
    assert f"== {faces.images[0]} ==" in out
    assert f"== {faces.images[1]} ==" in out
    assert str(missing) not in out

    status, out, err = predict(capsys, faces.keras_file, *files, "--json")
    assert status == 2
    report = json.loads(out)
    assert [set(r) for r in report] == [
        {"file", "probabilities", "top"},
        {"file", "error"},
        {"file", "error"},
        {"file", "probabilities", "top"},
    ]
    assert "cannot be read" in report[1]["error"]
    assert "notes.png" in err


def test_an_unsafe_model_is_refused(keras, capsys, tmp_path):
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Lambda(lambda x: x * 2)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    image = tmp_path / "x.png"
    status, out, err = predict(capsys, path, image)
    assert status == 2
    assert out == ""
    assert f"nnstudio: {path}: cannot be opened safely" in err
    assert "Lambda" in err


def test_an_untrained_project_is_refused(predict_models, capsys, tmp_path):
    faces = predict_models.faces
    path = tmp_path / "untrained.nnstudio"
    save_project(Project(faces.arch, DatasetSource("toy-faces"), TrainingSettings()), path)
    status, out, err = predict(capsys, path, faces.images[0])
    assert status == 1
    assert out == ""
    assert "has no trained weights: train it first" in err


def test_a_model_that_does_not_take_images_is_a_clear_message(keras, capsys, tmp_path):
    from nnstudio.core import template
    from nnstudio.core.building import build_model
    from nnstudio.core.exporting import export_model, model_info

    arch = template("xor-network").architecture
    info = model_info(arch, DatasetSource("xor"), TrainingSettings())
    path = export_model(build_model(arch), info, "keras", tmp_path / "xor.keras")
    status, out, err = predict(capsys, path, tmp_path / "x.png")
    assert status == 1
    assert out == ""
    assert "which is not an image; received image files" in err
    assert err.startswith(f"nnstudio: {path}: ")


@pytest.mark.parametrize("name", ["missing.keras", "missing.nnstudio"])
def test_a_missing_model_is_named(capsys, tmp_path, name):
    status, _, err = predict(capsys, tmp_path / name, tmp_path / "x.png")
    assert status == 2
    assert err.startswith(f"nnstudio: {tmp_path / name}: ")
    assert "no such file" in err or "does not exist" in err
