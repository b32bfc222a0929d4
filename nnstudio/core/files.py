"""Loading and saving architecture files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.jsonfile import dumps, write_atomic


def load_architecture(source: str | os.PathLike | Mapping[str, Any] | Architecture) -> Architecture:
    """Validate an architecture given as a file path or a JSON object, and return it.

    A path may name anything File > Open reads: nnstudio's architecture JSON, a project,
    a Keras model (``.keras``, ``.h5``, ``model.to_json()`` text).

    Raises ``ArchitectureFormatError`` (one line, without the file name) when the input cannot
    be read as an architecture. A readable architecture with errors is returned as is:
    ``summarize`` says what is wrong with it.
    """
    if isinstance(source, Architecture):
        return source
    if isinstance(source, Mapping):
        return architecture_from_dict(source)
    from nnstudio.core.project import open_file  # the project reads the files it holds

    return open_file(source).architecture


def architecture_json(arch: Architecture) -> str:
    """The architecture as the JSON text nnstudio writes."""
    return dumps(arch.to_dict())


def save_architecture(arch: Architecture, path: str | os.PathLike) -> None:
    """Write an architecture file atomically (the old file survives any failure)."""
    write_atomic(path, architecture_json(arch).encode("utf-8"))
