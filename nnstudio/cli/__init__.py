"""The ``nnstudio`` command.

``nnstudio`` opens the window, ``nnstudio FILE`` opens a project or architecture file in it,
``nnstudio summary`` prints summaries (without importing TensorFlow), ``nnstudio train``
trains, ``nnstudio export`` writes a trained model as .keras, SavedModel, TFLite, ONNX or
Python and ``nnstudio predict`` classifies image files with one. Whatever goes wrong, the user
gets a message naming the file and the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nnstudio import __version__
from nnstudio.cli.status import EXIT_INTERNAL, EXIT_OK


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
    summary.add_argument(
        "--expand-nested",
        action="store_true",
        help="list the layers of each block (a model used as a layer) under it, as Keras' "
        "summary(expand_nested=True) does (the JSON always has them)",
    )
    from nnstudio.cli import export, predict, train

    train.add_parser(commands)
    export.add_parser(commands)
    predict.add_parser(commands)
    return parser


COMMANDS = ("summary", "train", "export", "predict")


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
            from nnstudio.cli import summary

            return summary.run(args.files, args.json, args.expand_nested)
        if args.command == "train":
            from nnstudio.cli import train

            return train.run(args)
        if args.command == "export":
            from nnstudio.cli import export

            return export.run(args)
        if args.command == "predict":
            from nnstudio.cli import predict

            return predict.run(args)
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
