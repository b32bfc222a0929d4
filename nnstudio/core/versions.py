"""Versioned file formats: refuse what is too new, upgrade what is old, step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nnstudio.core.params import show


def migrate(
    doc: dict[str, Any],
    current: int,
    migrations: dict[int, Callable[[dict[str, Any]], dict[str, Any]]],
    what: str,
    error: type[Exception],
) -> dict[str, Any]:
    """Bring ``doc`` from its ``version`` up to ``current``.

    ``migrations[n]`` turns a version-n document into a version-(n+1) one. A version later than
    ``current`` is refused: it was written by a newer nnstudio.
    """
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise error(f"version must be a positive integer; received {show(version)}")
    if version > current:
        raise error(
            f"this {what} was written by a newer nnstudio (format version {version}; this one "
            f"reads up to {current}); update nnstudio to open it"
        )
    while version < current:
        doc = migrations[version](doc)
        if doc.get("version") != version + 1:
            raise AssertionError(f"the migration from version {version} must produce {version + 1}")
        version += 1
    return doc
