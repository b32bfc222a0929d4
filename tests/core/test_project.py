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
    assert doc["version"] == 3
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
    monkeypatch.setattr(project_module, "VERSION", 3)
    monkeypatch.setitem(project_module.MIGRATIONS, 2, lambda d: dict(d, version=3))
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
    assert doc["version"] == 3
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
