"""The .nnstudio project file: a zip with a human-readable project.json."""

import json
import zipfile

import pytest

from nnstudio.core import project as project_module
from nnstudio.core import save_architecture, template
from nnstudio.core.project import (
    PROJECT_JSON,
    Project,
    ProjectFormatError,
    load_project,
    open_file,
    save_project,
)


def test_round_trip_and_readable_json(tmp_path):
    project = Project(template("emotion-cnn").architecture, dataset="toy-faces")
    path = tmp_path / "faces.nnstudio"
    save_project(project, path)
    assert load_project(path) == project
    with zipfile.ZipFile(path) as archive:
        doc = json.loads(archive.read(PROJECT_JSON))
    assert doc["format"] == "nnstudio-project"
    assert doc["version"] == 1
    assert doc["architecture"]["name"] == "Face emotion CNN"


def test_open_file_accepts_architecture_json(tmp_path):
    path = tmp_path / "arch.json"
    save_architecture(template("mnist-mlp").architecture, path)
    project = open_file(path)
    assert project.architecture == template("mnist-mlp").architecture
    assert project.dataset == "mnist-sample"


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
    monkeypatch.setattr(project_module, "VERSION", 2)
    monkeypatch.setitem(project_module.MIGRATIONS, 1, lambda d: dict(d, version=2))
    assert load_project(path).name == "XOR network (2-2-1)"
