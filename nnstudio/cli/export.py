"""``nnstudio export MODEL_OR_PROJECT --format FORMAT [--out PATH]``: a trained model (a .keras
file, or a project with trained weights) written as .keras, a SavedModel, TFLite, ONNX or a
Python script, with its class names and input scaling inside."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nnstudio.cli.status import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE

FORMAT_HELP = (
    "keras (.keras), savedmodel (a TensorFlow SavedModel folder), tflite (TensorFlow Lite), "
    'onnx (needs the export extra: pip install -e ".[export]"), python (a Keras script that '
    "rebuilds and trains the model)"
)


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "export",
        help="export a trained model as .keras, SavedModel, TFLite, ONNX or Python",
        description="Write a trained model (a .keras file, or a .nnstudio project with trained "
        "weights) in another format, with its class names and input scaling inside. The python "
        "format needs no trained weights: it writes the script that trains the model. Exit "
        "status: 0 exported, 1 the model cannot be exported so (untrained, unknown format, "
        "conversion failed, a package missing), 2 the file cannot be read.",
    )
    parser.add_argument(
        "model", metavar="MODEL_OR_PROJECT", help=".keras model, .nnstudio project or JSON"
    )
    parser.add_argument("--format", required=True, metavar="FORMAT", help=FORMAT_HELP)
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="where to write (default: beside the input, with the format's suffix)",
    )


def _script_info(path: Path):
    """The metadata the python format is written from, without TensorFlow: a project's, or the
    nnstudio.json exported with a model."""
    from nnstudio.core.exporting import (
        ExportError,
        MetadataError,
        ModelFileError,
        is_model_file,
        model_info,
        read_info,
    )
    from nnstudio.core.project import open_file

    if not is_model_file(path):
        project = open_file(path)
        weights = project.weights
        names = weights.class_names if weights is not None else ()
        return model_info(project.architecture, project.dataset, project.training, None, names)
    try:
        info = read_info(path)
    except (ExportError, MetadataError) as e:
        raise ModelFileError(str(e)) from None
    if info is None:
        raise ModelFileError(
            "carries no nnstudio metadata: the python format rebuilds a model from the "
            "architecture and training settings nnstudio saves with it; export the script "
            "from the model's project instead"
        )
    return info


def _report(info, fmt: str, written: Path) -> None:
    print(f"Exported {info.name} as {fmt} to {written}")
    if info.class_names:
        shown = ", ".join(info.class_names[:12]) + (", ..." if len(info.class_names) > 12 else "")
        numbered = " (numbered: the model carries no class names)" if info.guessed else ""
        print(f"Classes: {shown}{numbered}")
    print(f"Inputs: {info.scaling_text}")
    if fmt == "python":
        print(f"Train it again with: python {written}")


def run(args: argparse.Namespace) -> int:
    from nnstudio.core.errors import NnstudioError
    from nnstudio.core.exporting import (
        FORMATS,
        ExportError,
        ModelFileError,
        default_path,
        export_model,
        open_trained,
    )
    from nnstudio.core.project import ProjectFormatError

    fmt = args.format.strip().lower()
    if fmt not in FORMATS:
        print(
            f"nnstudio: unknown export format {args.format!r}; use one of {', '.join(FORMATS)}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    path = Path(args.model)
    if not path.exists():
        print(f"nnstudio: {args.model}: no such file", file=sys.stderr)
        return EXIT_UNREADABLE
    out = Path(args.out) if args.out else default_path(path, fmt)
    try:
        # The script trains the model: it needs no weights (nor TensorFlow to write it).
        model, info = (None, _script_info(path)) if fmt == "python" else open_trained(path)
    except (ModelFileError, ProjectFormatError) as e:
        print(f"nnstudio: {args.model}: {e}", file=sys.stderr)
        return EXIT_UNREADABLE
    except NnstudioError as e:  # untrained, weights of another model, an invalid model
        print(f"nnstudio: {args.model}: {e}", file=sys.stderr)
        return EXIT_INVALID
    try:
        written = export_model(model, info, fmt, out)
    except ExportError as e:
        print(f"nnstudio: cannot export {args.model} as {fmt}: {e}", file=sys.stderr)
        return EXIT_INVALID
    _report(info, fmt, written)
    return EXIT_OK
