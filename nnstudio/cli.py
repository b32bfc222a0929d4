"""The ``nnstudio`` command.

``nnstudio`` opens the window, ``nnstudio FILE`` opens a project or architecture file in it.
``nnstudio summary`` never imports TensorFlow, so it answers in a fraction of a second. Whatever
goes wrong, the user gets one line naming the file and the problem, never a traceback.

Exit status of ``summary``: 0 every architecture is valid, 1 some architecture is invalid, 2 some
file cannot be read as an architecture.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from nnstudio import __version__

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
EXIT_INTERNAL = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnstudio",
        usage="nnstudio [FILE] | nnstudio COMMAND ...",
        description="Build, train and test Keras neural networks. Without a command, nnstudio "
        "opens its window, with FILE (a .nnstudio project or an architecture JSON) in it.",
    )
    parser.add_argument("--version", action="version", version=f"nnstudio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    summary = commands.add_parser(
        "summary",
        help="print the Keras-style summary of architecture files",
        description="Print each architecture's layers, output shapes and parameter counts, as "
        "Keras' model.summary() would, and what is wrong with it. Exit status: 0 all valid, 1 "
        "some architecture is invalid, 2 some file cannot be read.",
    )
    summary.add_argument("files", nargs="+", metavar="FILE", help="architecture JSON files")
    summary.add_argument(
        "--json", action="store_true", help="print a JSON array, one object per file"
    )
    return parser


def _supports_unicode(stream) -> bool:
    try:
        "┏━┃✗".encode(getattr(stream, "encoding", None) or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def _summary(files: Sequence[str], as_json: bool) -> int:
    from nnstudio.core import ArchitectureFormatError, load_architecture, summarize
    from nnstudio.core.report import format_summary

    status = EXIT_OK
    results = []
    unicode = _supports_unicode(sys.stdout)
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
            print(format_summary(summary, unicode=unicode))
    if as_json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    return status


COMMANDS = ("summary",)


def _window(path: str | None) -> int:
    from nnstudio.gui.app import run  # Qt is imported only for the window

    return run(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (len(argv) == 1 and argv[0] not in COMMANDS and not argv[0].startswith("-")):
        return _window(argv[0] if argv else None)
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "summary":
            return _summary(args.files, args.json)
        parser.print_help()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``nnstudio summary x.json | head``): not an error.
        sys.stderr.close()
        return EXIT_OK
    except Exception as e:  # the last line of defence: a message, never a traceback
        print(
            f"nnstudio: internal error: {type(e).__name__}: {e}. Please report it.", file=sys.stderr
        )
        return EXIT_INTERNAL
