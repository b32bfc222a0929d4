"""Projects: the ``.nnstudio`` file, a versioned container for everything about one model.

A project file is a zip archive holding a human-readable ``project.json``::

    {"format": "nnstudio-project", "version": 2, "saved_by": "nnstudio 0.1.0",
     "architecture": {"format": "nnstudio-architecture", "version": 1, ...},
     "dataset": {"name": "mnist-sample"},
     "training": {"optimizer": "adam", "epochs": 10, ...},
     "runs": [{"id": 1, "history": {...}, "test": {...}, ...}],
     "weights": {"file": "weights.weights.h5", "fingerprint": "504f5c5f157058ca", "epochs": 10}}

and, when the model was trained, its weights in Keras' ``.weights.h5`` format next to it.
``MIGRATIONS`` upgrades older files as they are read (version 1 had only the architecture and
a dataset name); a later version is refused with a clear message. Nothing is ever pickled.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nnstudio import __version__
from nnstudio.core import versions
from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.datasets import DatasetError, DatasetSource, source_from_dict
from nnstudio.core.errors import ArchitectureFormatError, NnstudioError
from nnstudio.core.jsonfile import MAX_JSON_BYTES, dumps, parse_json, read_json, write_atomic
from nnstudio.core.params import show
from nnstudio.core.training.runs import RunRecord, run_from_dict
from nnstudio.core.training.settings import TrainingSettings, settings_from_dict

FORMAT = "nnstudio-project"
VERSION = 2
SUFFIX = ".nnstudio"
PROJECT_JSON = "project.json"
WEIGHTS_FILE = "weights.weights.h5"
#: The dataset a new project starts on: the bundled MNIST sample.
DEFAULT_DATASET = "mnist-sample"
#: Weights larger than this are refused (the summary refuses such models anyway).
MAX_WEIGHTS_BYTES = 5 * 1024**3

_KEYS = {"format", "version", "saved_by", "dataset", "architecture", "training", "runs", "weights"}


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 named the dataset with a string and had no training, runs or weights."""
    doc = dict(doc, version=2)
    if isinstance(doc.get("dataset"), str):
        doc["dataset"] = {"name": doc["dataset"]}
    return doc


MIGRATIONS: dict[int, Any] = {1: _v1_to_v2}


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

    def fits(self, architecture: Architecture) -> bool:
        return self.fingerprint == architecture.fingerprint()


@dataclass(frozen=True)
class Project:
    """Everything nnstudio keeps about one model."""

    architecture: Architecture
    dataset: DatasetSource = field(default_factory=lambda: DatasetSource(DEFAULT_DATASET))
    training: TrainingSettings = field(default_factory=TrainingSettings)
    runs: tuple[RunRecord, ...] = ()
    weights: Weights | None = None

    def __post_init__(self) -> None:
        if isinstance(self.dataset, str):
            object.__setattr__(self, "dataset", DatasetSource(self.dataset))
        object.__setattr__(self, "runs", tuple(self.runs))

    @property
    def name(self) -> str:
        return self.architecture.name

    def replace(self, **changes: Any) -> Project:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "saved_by": f"nnstudio {__version__}",
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
        return doc


def project_from_dict(doc: Any, weights: bytes | None = None) -> Project:
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
    trained = None
    info = doc.get("weights")
    if info is not None:
        if not isinstance(info, dict) or not isinstance(info.get("fingerprint"), str):
            raise ProjectFormatError("weights must name their file, fingerprint and epochs")
        if weights is None:
            raise ProjectFormatError(f"the project names trained weights but has no {WEIGHTS_FILE}")
        names = info.get("class_names", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ProjectFormatError("the weights' class_names must be a list of names")
        trained = Weights(weights, info["fingerprint"], int(info.get("epochs", 0)), tuple(names))
    return Project(architecture, dataset, training, records, trained)


def project_bytes(project: Project) -> bytes:
    """The content of a ``.nnstudio`` file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PROJECT_JSON, dumps(project.to_dict()))
        if project.weights is not None:
            archive.writestr(WEIGHTS_FILE, project.weights.data)
    return buffer.getvalue()


def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write a project file atomically: the previous file survives any failure."""
    write_atomic(path, project_bytes(project))


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
    return project_from_dict(doc, weights)


def open_file(path: str | os.PathLike) -> Project:
    """Open a project, or a bare architecture JSON file as a new project.

    A zip archive is a project whatever its name; anything else is read as architecture JSON,
    unless it is named ``*.nnstudio``.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            is_zip = f.read(4) == b"PK\x03\x04"
    except FileNotFoundError:
        raise ProjectFormatError("no such file") from None
    except IsADirectoryError:
        raise ProjectFormatError("is a directory, not a file") from None
    except OSError as e:
        raise ProjectFormatError(e.strerror or str(e)) from None
    if is_zip:
        return load_project(path)
    if path.suffix.lower() == SUFFIX:
        raise ProjectFormatError(
            "not an nnstudio project: the file is damaged or not a zip archive"
        )
    try:
        return Project(architecture_from_dict(read_json(path)))
    except ArchitectureFormatError as e:
        raise ProjectFormatError(str(e)) from None
