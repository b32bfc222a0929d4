"""Projects: the ``.nnstudio`` file, a versioned container for everything about one model.

A project file is a zip archive holding a human-readable ``project.json``::

    {"format": "nnstudio-project", "version": 1, "saved_by": "nnstudio 0.1.0",
     "dataset": "mnist-sample",
     "architecture": {"format": "nnstudio-architecture", "version": 1, ...}}

Later versions add training settings, trained weights (as Keras weight files next to
``project.json``) and run history; ``MIGRATIONS`` upgrades older files as they are read, and a
later version is refused with a clear message. Nothing is ever pickled.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nnstudio import __version__
from nnstudio.core import versions
from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.errors import ArchitectureFormatError
from nnstudio.core.jsonfile import MAX_JSON_BYTES, dumps, parse_json, read_json, write_atomic
from nnstudio.core.params import show

FORMAT = "nnstudio-project"
VERSION = 1
MIGRATIONS: dict[int, Any] = {}
SUFFIX = ".nnstudio"
PROJECT_JSON = "project.json"
#: The dataset a new project starts on: the bundled MNIST sample.
DEFAULT_DATASET = "mnist-sample"

_KEYS = {"format", "version", "saved_by", "dataset", "architecture"}


class ProjectFormatError(ArchitectureFormatError):
    """The file cannot be read as an nnstudio project (or architecture)."""


@dataclass(frozen=True)
class Project:
    """Everything nnstudio keeps about one model."""

    architecture: Architecture
    #: The dataset the model's input follows (the dataset panel arrives with training).
    dataset: str = DEFAULT_DATASET

    @property
    def name(self) -> str:
        return self.architecture.name

    def replace(self, **changes: Any) -> Project:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "saved_by": f"nnstudio {__version__}",
            "dataset": self.dataset,
            "architecture": self.architecture.to_dict(),
        }


def project_from_dict(doc: Any) -> Project:
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
    dataset = doc.get("dataset", DEFAULT_DATASET)
    if not isinstance(dataset, str):
        raise ProjectFormatError(f"dataset must be a string; received {show(dataset)}")
    try:
        architecture = architecture_from_dict(doc["architecture"])
    except ArchitectureFormatError as e:
        raise ProjectFormatError(f"its architecture cannot be read: {e}") from None
    return Project(architecture, dataset)


def project_bytes(project: Project) -> bytes:
    """The content of a ``.nnstudio`` file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PROJECT_JSON, dumps(project.to_dict()))
    return buffer.getvalue()


def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write a project file atomically: the previous file survives any failure."""
    write_atomic(path, project_bytes(project))


def load_project(path: str | os.PathLike) -> Project:
    """Read a ``.nnstudio`` file; ProjectFormatError (one line) if it cannot be read."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(PROJECT_JSON)
            except KeyError:
                raise ProjectFormatError(
                    f"not an nnstudio project: the archive has no {PROJECT_JSON}"
                ) from None
            if info.file_size > MAX_JSON_BYTES:
                raise ProjectFormatError(f"{PROJECT_JSON} is too large ({info.file_size:,} bytes)")
            data = archive.read(info)
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
    return project_from_dict(doc)


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
