"""The .nnstudio project file: a zip with a human-readable project.json."""

import json
import zipfile

import pytest

from nnstudio.core import project as project_module
from nnstudio.core import save_architecture, template
from nnstudio.core.datasets import DatasetSource
from nnstudio.core.project import (
    PROJECT_JSON,
    WEIGHTS_FILE,
    Project,
    ProjectFormatError,
    Weights,
    load_project,
    open_file,
    save_project,
)
from nnstudio.core.training import Augmentation, TrainingSettings
from nnstudio.core.training.runs import RunRecord


def _run(id_=1):
    return RunRecord(
        id=id_,
        started="2026-11-22T12:00:00+00:00",
        architecture=template("emotion-cnn").architecture.to_dict(),
        dataset={"name": "toy-faces"},
        settings=TrainingSettings().to_dict(),
        status="completed",
        message="completed 3 epochs",
        epochs=3,
        duration=12.5,
        samples_per_second=480.0,
        seed=0,
        params=226352,
        history={"loss": [1.9, 1.5, 1.2], "accuracy": [0.2, 0.4, 0.6]},
        batch_losses=[2.0, 1.8, 1.4],
        test={"loss": 1.25, "accuracy": 0.58},
    )


def test_round_trip_and_readable_json(tmp_path):
    arch = template("emotion-cnn").architecture
    project = Project(
        arch,
        DatasetSource("toy-faces", options={"per_class": 100}),
        TrainingSettings(epochs=3, batch_size=50, augmentation=Augmentation(flip="horizontal")),
        (_run(1), _run(2)),
        Weights(b"\x89HDF fake weights", arch.fingerprint(), 3, ("Angry", "Happy")),
    )
    path = tmp_path / "faces.nnstudio"
    save_project(project, path)
    assert load_project(path) == project
    with zipfile.ZipFile(path) as archive:
        doc = json.loads(archive.read(PROJECT_JSON))
        assert archive.read(WEIGHTS_FILE) == b"\x89HDF fake weights"
    assert doc["format"] == "nnstudio-project"
    assert doc["version"] == 4
    assert doc["architecture"]["name"] == "Face emotion CNN"
    assert doc["dataset"] == {"name": "toy-faces", "options": {"per_class": 100}}
    assert doc["training"]["augmentation"]["flip"] == "horizontal"
    assert doc["runs"][1]["test"] == {"loss": 1.25, "accuracy": 0.58}
    assert doc["weights"] == {
        "file": WEIGHTS_FILE,
        "fingerprint": arch.fingerprint(),
        "epochs": 3,
        "class_names": ["Angry", "Happy"],
    }


def test_a_version_1_file_is_migrated(tmp_path):
    """Version 1 had only the architecture and a dataset name."""
    path = tmp_path / "old.nnstudio"
    v1 = {
        "format": "nnstudio-project",
        "version": 1,
        "saved_by": "nnstudio 0.1.0",
        "dataset": "fashion-mnist-sample",
        "architecture": template("mnist-cnn").architecture.to_dict(),
    }
    _zip(path, {PROJECT_JSON: json.dumps(v1)})
    project = load_project(path)
    assert project.dataset == DatasetSource("fashion-mnist-sample")
    assert project.training == TrainingSettings()
    assert project.runs == ()
    assert project.weights is None


def test_weights_fit_only_their_architecture():
    arch = template("mnist-cnn").architecture
    weights = Weights(b"", arch.fingerprint(), 1)
    assert weights.fits(arch.replace(name="renamed"))
    assert not weights.fits(arch.replace(input_shape=(32, 32, 1)))


def test_open_file_accepts_architecture_json(tmp_path):
    path = tmp_path / "arch.json"
    save_architecture(template("mnist-mlp").architecture, path)
    project = open_file(path)
    assert project.architecture == template("mnist-mlp").architecture
    assert project.dataset == DatasetSource("mnist-sample")


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"other.txt": "x"}, "the archive has no project.json"),
        ({PROJECT_JSON: "{"}, "project.json: invalid JSON"),
        ({PROJECT_JSON: '{"format": "x"}'}, "is not an nnstudio project"),
        (
            {
                PROJECT_JSON: json.dumps(
                    {"format": "nnstudio-project", "version": 7, "architecture": {}}
                )
            },
            "written by a newer nnstudio",
        ),
        (
            {
                PROJECT_JSON: json.dumps(
                    {
                        "format": "nnstudio-project",
                        "version": 1,
                        "architecture": {
                            "format": "nnstudio-architecture",
                            "version": 1,
                            "input_shape": [2],
                            "layers": [{"type": "Nope"}],
                        },
                    }
                )
            },
            "its architecture cannot be read: layer 0: unknown layer type",
        ),
        (
            {
                PROJECT_JSON: json.dumps(
                    {"format": "nnstudio-project", "version": 1, "architecture": {}, "pickle": "no"}
                )
            },
            'unknown key "pickle"',
        ),
    ],
)
def test_bad_projects_say_what_is_wrong(tmp_path, files, message):
    path = tmp_path / "bad.nnstudio"
    _zip(path, files)
    with pytest.raises(ProjectFormatError) as e:
        open_file(path)
    assert message in str(e.value)


def test_damaged_zip(tmp_path):
    good = tmp_path / "good.nnstudio"
    save_project(Project(template("mnist-cnn").architecture), good)
    broken = tmp_path / "broken.nnstudio"
    broken.write_bytes(good.read_bytes()[:60])
    with pytest.raises(ProjectFormatError, match="damaged or not a zip"):
        open_file(broken)


def test_not_a_project_at_all(tmp_path):
    path = tmp_path / "photo.nnstudio"
    path.write_bytes(b"\xff\xd8\xff\xe0 JFIF")
    with pytest.raises(ProjectFormatError, match="damaged or not a zip archive"):
        open_file(path)
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 JFIF")
    with pytest.raises(ProjectFormatError, match="not a text file"):
        open_file(path)
    with pytest.raises(ProjectFormatError, match="no such file"):
        open_file(tmp_path / "missing.nnstudio")


def test_migration_hook(monkeypatch, tmp_path):
    path = tmp_path / "old.nnstudio"
    save_project(Project(template("xor-network").architecture), path)
    monkeypatch.setattr(project_module, "VERSION", 5)
    monkeypatch.setitem(project_module.MIGRATIONS, 4, lambda d: dict(d, version=5))
    assert load_project(path).name == "XOR network (2-2-1)"


def test_the_template_and_the_playground_images_round_trip(tmp_path):
    """A project keeps the template it came from (for its article's recipe) and the images
    opened in its Playground: files by path (and relative to the project, so that they are
    found when both move), pasted images inside the archive, each with its crop."""
    from nnstudio.core.project import PlaygroundImage

    photos = tmp_path / "work"
    photos.mkdir()
    (photos / "happy.png").write_bytes(b"png of a face")
    project = (
        template("emotion-cnn")
        .project()
        .replace(
            images=(
                PlaygroundImage(
                    "happy.png", str(photos / "happy.png"), crop=(1.0, 2.0, 30.0, 40.0)
                ),
                PlaygroundImage("pasted image", data=b"\x89PNG pasted"),
            )
        )
    )
    assert project.template == "emotion-cnn"
    path = photos / "faces.nnstudio"
    save_project(project, path)
    assert load_project(path) == project
    with zipfile.ZipFile(path) as archive:
        doc = json.loads(archive.read(PROJECT_JSON))
        assert archive.read("playground/1.png") == b"\x89PNG pasted"
    assert doc["version"] == 4
    assert doc["template"] == "emotion-cnn"
    assert doc["playground"]["images"][0]["relative"] == "happy.png"
    assert doc["playground"]["images"][1] == {"name": "pasted image", "file": "playground/1.png"}

    moved = tmp_path / "moved"
    photos.rename(moved)
    reopened = load_project(moved / "faces.nnstudio")
    assert reopened.images[0].path == str(moved / "happy.png")
    assert reopened.images[1].data == b"\x89PNG pasted"


def test_a_version_2_project_migrates_without_template_or_images(tmp_path):
    doc = Project(template("xor-network").architecture).to_dict()
    doc["version"] = 2
    path = tmp_path / "old.nnstudio"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(PROJECT_JSON, json.dumps(doc))
    project = load_project(path)
    assert project.template is None
    assert project.images == ()


def test_bad_playground_entries_are_refused_with_a_message(tmp_path):
    doc = Project(template("xor-network").architecture).to_dict()
    for playground, message in (
        ({"images": "a.png"}, "playground must be"),
        ({"images": [{"path": "a.png"}]}, "needs a name"),
        ({"images": [{"name": "a", "path": "a.png", "crop": [1, 2]}]}, "crop must be 4 numbers"),
    ):
        path = tmp_path / "bad.nnstudio"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(PROJECT_JSON, json.dumps(dict(doc, playground=playground)))
        with pytest.raises(ProjectFormatError, match=message):
            load_project(path)


# Keras model files open as new projects ----------------------------------------------------


def _keras_mlp(keras):
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, "softmax", name="dense"),
        ],
        name="saved_mlp",
    )
    model.build((None, 28, 28, 1))
    return model


def test_a_keras_archive_opens_with_weights_that_fit(keras, tmp_path):
    path = tmp_path / "mlp.keras"
    _keras_mlp(keras).save(path)
    project = open_file(path)
    assert project.name == "saved_mlp"
    assert [layer.name for layer in project.architecture.layers] == ["flatten", "dense"]
    assert project.weights is not None
    assert project.weights.fits(project.architecture)
    assert project.weights.epochs == 0
    assert project.weights.class_names == ()
    assert project.runs == ()
    # Not mistaken for an nnstudio project, and a project named .keras is still a project.
    renamed = tmp_path / "project.keras"
    save_project(Project(template("mnist-mlp").architecture), renamed)
    assert open_file(renamed).architecture == template("mnist-mlp").architecture


def test_an_exported_model_brings_its_classes_dataset_and_settings(keras, tmp_path):
    from nnstudio.core.exporting.metadata import ModelInfo

    path = tmp_path / "exported.keras"
    _keras_mlp(keras).save(path)
    classes = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    info = ModelInfo(
        "saved_mlp", "classification", classes, (28, 28, 1), scaling="pixels/255",
        dataset_source=DatasetSource("fashion-mnist-sample").to_dict(),
        training=TrainingSettings(epochs=7, optimizer="sgd").to_dict(),
    )  # fmt: skip
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("nnstudio.json", info.to_json())
    project = open_file(path)
    assert project.weights.class_names == classes
    assert project.dataset == DatasetSource("fashion-mnist-sample")
    assert project.training.epochs == 7
    assert project.training.optimizer == "sgd"
    # Damaged metadata loses only what it would have told.
    broken = tmp_path / "broken.keras"
    _keras_mlp(keras).save(broken)
    with zipfile.ZipFile(broken, "a") as archive:
        archive.writestr("nnstudio.json", "{not json")
    project = open_file(broken)
    assert project.weights.class_names == ()
    assert project.dataset == Project(project.architecture).dataset


def test_keras_json_and_h5_open_without_weights(keras, tmp_path):
    model = _keras_mlp(keras)
    (tmp_path / "model.json").write_text(model.to_json(), encoding="utf-8")
    model.save(tmp_path / "model.h5")
    from_json, from_h5 = open_file(tmp_path / "model.json"), open_file(tmp_path / "model.h5")
    assert from_json.architecture == from_h5.architecture
    assert from_json.name == "saved_mlp"
    assert from_json.weights is None
    assert from_h5.weights is None  # Keras 2's HDF5 weights layout is not read


def test_a_keras_file_nnstudio_cannot_represent_says_why(keras, tmp_path):
    inputs = keras.Input((4,))
    outputs = keras.layers.Lambda(lambda x: x * 2, name="double")(inputs)
    (tmp_path / "lambda.json").write_text(keras.Model(inputs, outputs).to_json(), "utf-8")
    with pytest.raises(ProjectFormatError, match="double"):
        open_file(tmp_path / "lambda.json")
    (tmp_path / "fake.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(ProjectFormatError):
        open_file(tmp_path / "fake.h5")


def test_the_cards_positions_round_trip_and_older_projects_have_none(tmp_path):
    from tests.core.test_graph import residual

    project = Project(residual(), positions={"a": (10.0, -20.5), "sum": (300, 400)})
    path = tmp_path / "moved.nnstudio"
    save_project(project, path)
    doc = json.loads(zipfile.ZipFile(path).read(PROJECT_JSON))
    assert doc["version"] == 4
    assert doc["canvas"] == {"positions": {"a": [10.0, -20.5], "sum": [300.0, 400.0]}}
    assert load_project(path).positions == {"a": (10.0, -20.5), "sum": (300.0, 400.0)}
    assert load_project(path) == project
    del doc["canvas"]
    doc["version"] = 3
    _zip(path, {PROJECT_JSON: json.dumps(doc)})
    assert load_project(path).positions == {}
    doc["canvas"] = {"positions": {"a": "left"}}
    doc["version"] = 4
    _zip(path, {PROJECT_JSON: json.dumps(doc)})
    with pytest.raises(ProjectFormatError, match="positions"):
        load_project(path)
