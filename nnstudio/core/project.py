"""Projects: the ``.nnstudio`` file, a versioned container for everything about one model.

A project file is a zip archive holding a human-readable ``project.json``::

    {"format": "nnstudio-project", "version": 3, "saved_by": "nnstudio 0.1.0",
     "template": "mnist-cnn",
     "architecture": {"format": "nnstudio-architecture", "version": 1, ...},
     "dataset": {"name": "mnist-sample"},
     "training": {"optimizer": "adam", "epochs": 10, ...},
     "runs": [{"id": 1, "history": {...}, "test": {...}, ...}],
     "weights": {"file": "weights.weights.h5", "fingerprint": "504f5c5f157058ca", "epochs": 10},
     "playground": {"images": [{"name": "happy.png", "path": "/home/me/happy.png",
                                "relative": "happy.png", "crop": [10, 12, 200, 200]},
                               {"name": "pasted image", "file": "playground/1.png"}]}}

and, when the model was trained, its weights in Keras' ``.weights.h5`` format next to it;
images pasted into the Playground (which have no file of their own) are kept as PNG files in
``playground/``. ``MIGRATIONS`` upgrades older files as they are read (version 1 had only the
architecture and a dataset name; version 2 no template and no Playground images); a later
version is refused with a clear message. Nothing is ever pickled.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from nnstudio import __version__
from nnstudio.core import keras_files, versions
from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.datasets import DatasetError, DatasetSource, source_from_dict
from nnstudio.core.datasets.table_encoding import encoding_from_dict
from nnstudio.core.errors import ArchitectureFormatError, NnstudioError
from nnstudio.core.jsonfile import (
    MAX_JSON_BYTES,
    dumps,
    parse_json,
    read_limited,
    write_atomic,
)
from nnstudio.core.params import show
from nnstudio.core.training.runs import RunRecord, run_from_dict
from nnstudio.core.training.settings import TrainingSettings, settings_from_dict

FORMAT = "nnstudio-project"
VERSION = 4
SUFFIX = ".nnstudio"
PROJECT_JSON = "project.json"
WEIGHTS_FILE = "weights.weights.h5"
#: Where the Playground's pasted images are kept in the archive.
PLAYGROUND_FOLDER = "playground/"
#: A pasted image larger than this is not kept in the project.
MAX_PASTED_BYTES = 64 * 1024**2
#: The dataset a new project starts on: the bundled MNIST sample.
DEFAULT_DATASET = "mnist-sample"
#: Weights larger than this are refused (the summary refuses such models anyway).
MAX_WEIGHTS_BYTES = 5 * 1024**3

_KEYS = {
    "format", "version", "saved_by", "template", "dataset", "architecture", "training", "runs",
    "weights", "playground", "canvas",
}  # fmt: skip


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 named the dataset with a string and had no training, runs or weights."""
    doc = dict(doc, version=2)
    if isinstance(doc.get("dataset"), str):
        doc["dataset"] = {"name": doc["dataset"]}
    return doc


def _v2_to_v3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 did not say which template a project came from, nor keep Playground images."""
    return dict(doc, version=3)


def _v3_to_v4(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 did not keep where the person put the graph canvas's cards."""
    return dict(doc, version=4)


MIGRATIONS: dict[int, Any] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


class ProjectFormatError(ArchitectureFormatError):
    """The file cannot be read as an nnstudio project (or architecture)."""


@dataclass(frozen=True)
class Weights:
    """Trained weights (a Keras .weights.h5 file) and the architecture they belong to."""

    data: bytes
    fingerprint: str
    epochs: int
    #: The classes of the outputs, in order, as the dataset named them when the weights were
    #: trained (so that exports and the Playground say "Happy" without reading the data).
    class_names: tuple[str, ...] = ()
    #: How raw samples became the inputs it was trained on and how its answers return to
    #: their own units (a table's encoding, ``table_encoding``), or None.
    preprocessing: Mapping[str, Any] | None = None

    def fits(self, architecture: Architecture) -> bool:
        return self.fingerprint == architecture.fingerprint()


@dataclass(frozen=True)
class PlaygroundImage:
    """An image opened in the Playground: its file (or, for a pasted image, its PNG bytes) and
    the rectangle cropped from it (x, y, width, height in the image's own pixels)."""

    name: str
    path: str | None = None
    data: bytes | None = None
    crop: tuple[float, float, float, float] | None = None

    def to_dict(self, member: str | None, folder: Path | None) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.path is not None:
            out["path"] = self.path
            if folder is not None:
                with contextlib.suppress(ValueError):  # another drive (Windows): no relative
                    out["relative"] = Path(os.path.relpath(self.path, folder)).as_posix()
        if member is not None:
            out["file"] = member
        if self.crop is not None:
            out["crop"] = [float(v) for v in self.crop]
        return out


def _image_from_dict(doc: Any, members: Mapping[str, bytes], folder: Path | None):
    if not isinstance(doc, Mapping) or not isinstance(doc.get("name"), str):
        raise ProjectFormatError("each Playground image needs a name")
    crop = doc.get("crop")
    if crop is not None and (
        not isinstance(crop, list)
        or len(crop) != 4
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in crop)
    ):
        raise ProjectFormatError(f"a Playground image's crop must be 4 numbers; received {crop!r}")
    crop = None if crop is None else tuple(float(v) for v in crop)
    path = doc.get("path")
    relative = doc.get("relative")
    # The project and its images moved together: find them beside it again.
    if (
        isinstance(path, str)
        and folder is not None
        and isinstance(relative, str)
        and not Path(path).exists()
        and (folder / relative).exists()
    ):
        path = str(folder / relative)
    member = doc.get("file")
    data = members.get(member) if isinstance(member, str) else None
    if not isinstance(path, str) and data is None:
        return None  # a pasted image whose data is missing: nothing to show
    return PlaygroundImage(doc["name"], path if isinstance(path, str) else None, data, crop)


@dataclass(frozen=True)
class Project:
    """Everything nnstudio keeps about one model."""

    architecture: Architecture
    dataset: DatasetSource = field(default_factory=lambda: DatasetSource(DEFAULT_DATASET))
    training: TrainingSettings = field(default_factory=TrainingSettings)
    runs: tuple[RunRecord, ...] = ()
    weights: Weights | None = None
    #: The template the project was started from (its id), for its article's recipe.
    template: str | None = None
    #: The images opened in the Playground, in order.
    images: tuple[PlaygroundImage, ...] = ()
    #: Where the person put cards on the graph canvas (by layer or input name: x, y); the
    #: others go where the automatic layout puts them.
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.dataset, str):
            object.__setattr__(self, "dataset", DatasetSource(self.dataset))
        object.__setattr__(self, "runs", tuple(self.runs))
        object.__setattr__(self, "images", tuple(self.images))
        object.__setattr__(
            self, "positions", MappingProxyType({k: tuple(v) for k, v in self.positions.items()})
        )

    def pasted_members(self) -> dict[int, str]:
        """Archive names of the pasted images (those without a file), by their index."""
        pasted = [i for i, image in enumerate(self.images) if image.path is None and image.data]
        return {i: f"{PLAYGROUND_FOLDER}{n}.png" for n, i in enumerate(pasted, start=1)}

    @property
    def name(self) -> str:
        return self.architecture.name

    def replace(self, **changes: Any) -> Project:
        return replace(self, **changes)

    def to_dict(self, folder: str | os.PathLike | None = None) -> dict[str, Any]:
        """project.json's content; ``folder`` (where the file goes) lets image paths be
        saved relative to it too, so that a project moved with its images finds them."""
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "saved_by": f"nnstudio {__version__}",
        }
        if self.template is not None:
            doc["template"] = self.template
        doc |= {
            "architecture": self.architecture.to_dict(),
            "dataset": self.dataset.to_dict(),
            "training": self.training.to_dict(),
            "runs": [run.to_dict() for run in self.runs],
        }
        if self.weights is not None:
            doc["weights"] = {"file": WEIGHTS_FILE, "fingerprint": self.weights.fingerprint,
                              "epochs": self.weights.epochs}  # fmt: skip
            if self.weights.class_names:
                doc["weights"]["class_names"] = list(self.weights.class_names)
            if self.weights.preprocessing is not None:
                doc["weights"]["preprocessing"] = dict(self.weights.preprocessing)
        if self.positions:
            doc["canvas"] = {"positions": {k: list(v) for k, v in self.positions.items()}}
        if self.images:
            members = self.pasted_members()
            where = None if folder is None else Path(folder)
            doc["playground"] = {
                "images": [
                    image.to_dict(members.get(i), where) for i, image in enumerate(self.images)
                ]
            }
        return doc


def _playground_images(doc: Any, members: Mapping[str, bytes], folder: Path | None):
    if doc is None:
        return ()
    images = doc.get("images", []) if isinstance(doc, Mapping) else None
    if not isinstance(images, list):
        raise ProjectFormatError('playground must be {"images": [...]}')
    found = (_image_from_dict(image, members, folder) for image in images)
    return tuple(image for image in found if image is not None)


#: What File > New starts with: an input the size of the default dataset's images, no layers.
EMPTY_MODEL_NAME = "New model"


def empty_project() -> Project:
    """A new project: an input of 28x28x1 (the bundled MNIST sample's images) and nothing else,
    for the person to build on from the palette."""
    return Project(Architecture(EMPTY_MODEL_NAME, (28, 28, 1)))


def project_from_dict(
    doc: Any,
    weights: bytes | None = None,
    members: Mapping[str, bytes] | None = None,
    folder: str | os.PathLike | None = None,
) -> Project:
    """A project from project.json's content, the weights file, the archive's other files
    (pasted images) and the folder the project is in (for images saved relative to it)."""
    if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
        raise ProjectFormatError(
            f'{PROJECT_JSON} is not an nnstudio project ("format" must be "{FORMAT}")'
        )
    doc = versions.migrate(dict(doc), VERSION, MIGRATIONS, "project", ProjectFormatError)
    unknown = [k for k in doc if k not in _KEYS]
    if unknown:
        raise ProjectFormatError(f"unknown key {show(unknown[0])} in {PROJECT_JSON}")
    if "architecture" not in doc:
        raise ProjectFormatError(f"{PROJECT_JSON} has no architecture")
    try:
        architecture = architecture_from_dict(doc["architecture"])
    except ArchitectureFormatError as e:
        raise ProjectFormatError(f"its architecture cannot be read: {e}") from None
    try:
        dataset = source_from_dict(doc.get("dataset", DEFAULT_DATASET))
        training = settings_from_dict(doc.get("training", {}))
        runs = doc.get("runs", [])
        if not isinstance(runs, list):
            raise ProjectFormatError("runs must be a list")
        records = tuple(run_from_dict(r) for r in runs)
    except (NnstudioError, DatasetError) as e:
        raise ProjectFormatError(str(e)) from None
    trained = _trained_weights(doc.get("weights"), weights)
    template = doc.get("template")
    if template is not None and not isinstance(template, str):
        raise ProjectFormatError(f"template must be a template's id; received {show(template)}")
    where = None if folder is None else Path(folder)
    images = _playground_images(doc.get("playground"), members or {}, where)
    positions = _positions(doc.get("canvas"))
    return Project(architecture, dataset, training, records, trained, template, images, positions)


def _trained_weights(info: Any, data: bytes | None) -> Weights | None:
    """The trained weights project.json describes (``info``), with the weights file's
    content; None for a project that was never trained."""
    if info is None:
        return None
    if not isinstance(info, dict) or not isinstance(info.get("fingerprint"), str):
        raise ProjectFormatError("weights must name their file, fingerprint and epochs")
    if data is None:
        raise ProjectFormatError(f"the project names trained weights but has no {WEIGHTS_FILE}")
    names = info.get("class_names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ProjectFormatError("the weights' class_names must be a list of names")
    preprocessing = info.get("preprocessing")
    if preprocessing is not None:
        try:
            encoding_from_dict(preprocessing)
        except DatasetError as e:
            raise ProjectFormatError(f"the weights' preprocessing: {e}") from None
    epochs = int(info.get("epochs", 0))
    return Weights(data, info["fingerprint"], epochs, tuple(names), preprocessing)


def _positions(doc: Any) -> dict[str, tuple[float, float]]:
    if doc is None:
        return {}
    positions = doc.get("positions", {}) if isinstance(doc, Mapping) else None
    ok = isinstance(positions, Mapping) and all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(c, int | float) for c in v)
        for v in positions.values()
    )
    if not ok:
        raise ProjectFormatError('canvas must be {"positions": {"layer name": [x, y], ...}}')
    return {str(k): (float(v[0]), float(v[1])) for k, v in positions.items()}


def project_bytes(project: Project, folder: str | os.PathLike | None = None) -> bytes:
    """The content of a ``.nnstudio`` file (to be saved in ``folder``, if known)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PROJECT_JSON, dumps(project.to_dict(folder)))
        if project.weights is not None:
            archive.writestr(WEIGHTS_FILE, project.weights.data)
        for i, member in project.pasted_members().items():
            archive.writestr(member, project.images[i].data)
    return buffer.getvalue()


def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write a project file atomically: the previous file survives any failure."""
    write_atomic(path, project_bytes(project, Path(path).absolute().parent))


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise ProjectFormatError(f"{name} is too large ({info.file_size:,} bytes)")
    return archive.read(info)


def load_project(path: str | os.PathLike) -> Project:
    """Read a ``.nnstudio`` file; ProjectFormatError (one line) if it cannot be read."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            data = _member(archive, PROJECT_JSON, MAX_JSON_BYTES)
            if data is None:
                raise ProjectFormatError(
                    f"not an nnstudio project: the archive has no {PROJECT_JSON}"
                )
            weights = _member(archive, WEIGHTS_FILE, MAX_WEIGHTS_BYTES)
            members = {
                name: _member(archive, name, MAX_PASTED_BYTES)
                for name in archive.namelist()
                if name.startswith(PLAYGROUND_FOLDER) and name.endswith(".png")
            }
    except zipfile.BadZipFile:
        raise ProjectFormatError(
            "not an nnstudio project: the file is damaged or not a zip archive"
        ) from None
    except FileNotFoundError:
        raise ProjectFormatError("no such file") from None
    except IsADirectoryError:
        raise ProjectFormatError("is a directory, not a file") from None
    except PermissionError:
        raise ProjectFormatError("permission denied") from None
    except (OSError, RuntimeError, ValueError, EOFError) as e:
        raise ProjectFormatError(f"the file cannot be read: {e}") from None
    try:
        doc = parse_json(data)
    except ArchitectureFormatError as e:
        raise ProjectFormatError(f"{PROJECT_JSON}: {e}") from None
    return project_from_dict(doc, weights, members, path.absolute().parent)


def open_file(path: str | os.PathLike) -> Project:
    """Open a project, an architecture JSON file or a Keras model file as a project.

    A zip archive is a project whatever its name, unless it holds a Keras ``config.json``
    and no ``project.json`` (a ``.keras`` file, whose weights come along as trained weights);
    an HDF5 file is a Keras ``.h5`` model; other files are JSON: nnstudio's architecture or
    Keras' ``model.to_json()``. A file named ``*.nnstudio`` must be a zip archive.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise ProjectFormatError("no such file") from None
    except IsADirectoryError:
        raise ProjectFormatError("is a directory, not a file") from None
    except OSError as e:
        raise ProjectFormatError(e.strerror or str(e)) from None
    if head.startswith(b"PK\x03\x04"):
        return _keras_project(path) if _is_keras_archive(path) else load_project(path)
    if path.suffix.lower() == SUFFIX:
        raise ProjectFormatError(
            "not an nnstudio project: the file is damaged or not a zip archive"
        )
    if head == keras_files.HDF5_MAGIC or path.suffix.lower() in keras_files.SUFFIXES:
        return _keras_project(path)
    try:
        data = read_limited(path)
        doc = parse_json(data, duplicates=True)  # fast, and as Keras reads its own JSON
        if keras_files.is_keras_json(doc):
            return _project_of(keras_files.KerasModel(keras_files.architecture_from_keras(doc)))
        return Project(architecture_from_dict(parse_json(data)))  # nnstudio's: strictly
    except ArchitectureFormatError as e:
        raise ProjectFormatError(str(e)) from None


def _is_keras_archive(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return False  # load_project says what is wrong with it
    return keras_files.CONFIG_JSON in names and PROJECT_JSON not in names


def _keras_project(path: Path) -> Project:
    try:
        return _project_of(keras_files.read_keras_file(path))
    except ArchitectureFormatError as e:
        raise ProjectFormatError(str(e)) from None


def _project_of(model: keras_files.KerasModel) -> Project:
    """A new project of a Keras model: its architecture, and its weights as trained weights.

    A model nnstudio exported brings its class names, dataset and training settings (its
    ``nnstudio.json``); one trained elsewhere has none, and the defaults stand.
    """
    arch = model.architecture
    project = Project(arch)
    names: tuple[str, ...] = ()
    preprocessing = None
    info = _exported_info(model.nnstudio_metadata)
    if info is not None:
        names, preprocessing = info.class_names, info.preprocessing
        with contextlib.suppress(DatasetError, NnstudioError, TypeError, ValueError):
            if info.dataset_source is not None:
                project = project.replace(dataset=source_from_dict(dict(info.dataset_source)))
        with contextlib.suppress(NnstudioError, TypeError, ValueError):
            if info.training is not None:
                project = project.replace(training=settings_from_dict(dict(info.training)))
    if model.weights is not None:
        weights = Weights(model.weights, arch.fingerprint(), 0, names, preprocessing)
        project = project.replace(weights=weights)
    return project


def _exported_info(data: bytes | None):
    """The ModelInfo nnstudio wrote into an exported model, or None (absent or unreadable: the
    model still opens, without it)."""
    if data is None:
        return None
    from nnstudio.core.exporting.metadata import MetadataError, info_from_json

    try:
        return info_from_json(data)
    except MetadataError:
        return None
