"""Reading JSON that users hand us, and writing files so that a crash never destroys one.

Every way a file can be wrong (missing, a directory, binary, truncated, NaN, duplicate keys,
absurdly nested or large) becomes one ``ArchitectureFormatError`` line that names the problem.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from nnstudio.core.errors import ArchitectureFormatError

#: Larger JSON files are refused before reading: no architecture comes close.
MAX_JSON_BYTES = 16 * 1024 * 1024


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # at C speed; the keys are looked at only when one appears twice
    if len(out) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f"the key {json.dumps(twice)} appears twice in one object")
    return out


def parse_json(text: str | bytes, duplicates: bool = False) -> Any:
    """Parse strict JSON (no NaN or Infinity, no duplicate keys); ArchitectureFormatError.

    ``duplicates=True`` lets a key appear twice (the last one counts, as for Keras, which
    reads its own files so) and parses a large file several times faster.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ArchitectureFormatError(
                "not a text file (it is not UTF-8): is it an architecture JSON file?"
            ) from None
    if not text.strip():
        raise ArchitectureFormatError("the file is empty")
    try:
        hook = None if duplicates else _no_duplicates
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=hook)
    except json.JSONDecodeError as e:
        raise ArchitectureFormatError(
            f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
        ) from None
    except RecursionError:
        raise ArchitectureFormatError("invalid JSON: nested too deeply") from None
    except ValueError as e:
        raise ArchitectureFormatError(f"invalid JSON: {e}") from None


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file, turning every kind of failure into one clear message."""
    return parse_json(read_limited(path))


def read_limited(path: str | os.PathLike) -> bytes:
    """The bytes of a JSON file of at most MAX_JSON_BYTES; ArchitectureFormatError."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ArchitectureFormatError("is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ArchitectureFormatError(
                f"is {size / 2**20:.0f} MB; an architecture file is at most "
                f"{MAX_JSON_BYTES // 2**20} MB"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ArchitectureFormatError("no such file") from None
    except PermissionError:
        raise ArchitectureFormatError("permission denied") from None
    except OSError as e:
        raise ArchitectureFormatError(e.strerror or str(e)) from None


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write a file so that it holds either its old or its new content, never a mix.

    The data goes to a temporary file in the same folder, is flushed to disk, and then replaces
    the target in one rename. A full disk or a crash leaves the previous file untouched.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(doc: dict[str, Any]) -> str:
    """JSON text as nnstudio writes it: one key per line, and one line per item of a list of
    objects (such as the layers), so that files read well and diff well."""

    def value(v: Any) -> str:
        if isinstance(v, list) and v and all(isinstance(item, dict) for item in v):
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in v)
            return f"[\n{items}\n  ]"
        return json.dumps(v, ensure_ascii=False)

    lines = ",\n".join(f"  {json.dumps(k)}: {value(v)}" for k, v in doc.items())
    return "{\n" + lines + "\n}\n"
