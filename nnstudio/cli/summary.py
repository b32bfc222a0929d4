"""``nnstudio summary FILE... [--json]``: Keras-style tables without importing TensorFlow."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from nnstudio.cli.status import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE


def supports_unicode(stream) -> bool:
    try:
        "┏━┃✗".encode(getattr(stream, "encoding", None) or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def run(files: Sequence[str], as_json: bool, expand_nested: bool = False) -> int:
    from nnstudio.core import ArchitectureFormatError, load_architecture, summarize
    from nnstudio.core.report import format_summary

    status = EXIT_OK
    results = []
    unicode = supports_unicode(sys.stdout)
    for i, path in enumerate(files):
        try:
            arch = load_architecture(path)
        except ArchitectureFormatError as e:
            status = max(status, EXIT_UNREADABLE)
            if as_json:
                results.append(
                    {"file": path, "ok": False, "errors": [{"layer": None, "message": str(e)}]}
                )
            else:
                print(f"nnstudio: {path}: {e}", file=sys.stderr)
            continue
        summary = summarize(arch)
        if not summary.ok:
            status = max(status, EXIT_INVALID)
        if as_json:
            results.append({"file": path, **summary.to_dict()})
        else:
            if len(files) > 1:
                print(("\n" if i else "") + f"== {path} ==")
            print(format_summary(summary, unicode=unicode, expand_nested=expand_nested))
    if as_json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    return status
