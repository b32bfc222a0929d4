"""``nnstudio predict MODEL IMAGE... [--top K] [--json]``: image files classified by a trained
model (a .keras file, or a project with trained weights), printed as article 000 prints them
(``Happy - 91.68%``) or as a JSON array. A file that cannot be read is reported on stderr and
the others are still answered. A model trained on a table answers the rows of CSV files
(``nnstudio predict MODEL rows.csv [--out answers.csv]``)."""

from __future__ import annotations

import argparse
import json
import sys

from nnstudio.cli.status import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE

DEFAULT_TOP = 3


def _positive(text: str) -> int:
    try:
        k = int(text)
    except ValueError:
        k = 0
    if k < 1:
        raise argparse.ArgumentTypeError(f"K is a number of classes, 1 or more; received {text!r}")
    return k


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "predict",
        help="classify image files (or answer a CSV's rows) with a trained model",
        description="Feed image files to a trained model (a .keras file, or a .nnstudio "
        "project with trained weights), each resized and converted to what the model takes, "
        "and print its most probable classes, as 'Happy - 91.68%'; a model trained on a table "
        "answers the rows of CSV files instead (--out writes a copy with the answers). Exit "
        "status: 0 every image "
        "answered, 1 the model cannot answer images (untrained, not an image model), 2 the "
        "model or some image cannot be read.",
    )
    parser.add_argument("model", metavar="MODEL", help=".keras model or .nnstudio project")
    parser.add_argument(
        "images",
        nargs="+",
        metavar="IMAGE_OR_CSV",
        help="image files (PNG, JPEG, BMP, GIF, TIFF, WebP), or for a model trained on a table "
        "CSV files of rows to answer",
    )
    parser.add_argument(
        "--out",
        metavar="ANSWERS.csv",
        help="for rows of a CSV: write a copy of the file with the answers in a column",
    )
    parser.add_argument(
        "--top",
        type=_positive,
        default=DEFAULT_TOP,
        metavar="K",
        help=f"show the K most probable classes (default {DEFAULT_TOP})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print a JSON array, one object per image: {"file", "probabilities": {class: p}, '
        '"top": [{"class", "probability"}, ...]}, or {"file", "error"}',
    )


def run(args: argparse.Namespace) -> int:
    from nnstudio.core.errors import NnstudioError
    from nnstudio.core.exporting import ModelFileError, open_trained
    from nnstudio.core.playground.classify import classify_files
    from nnstudio.core.project import ProjectFormatError

    try:
        model, info = open_trained(args.model)
    except (ModelFileError, ProjectFormatError) as e:
        print(f"nnstudio: {args.model}: {e}", file=sys.stderr)
        return EXIT_UNREADABLE
    except NnstudioError as e:  # untrained, weights of another model, metadata unusable
        print(f"nnstudio: {args.model}: {e}", file=sys.stderr)
        return EXIT_INVALID
    if info.table_encoding is not None:
        return _answer_rows(model, info, args)
    try:
        answers = classify_files(model, info, args.images)
    except NnstudioError as e:  # not an image model; outputs that do not fit its classes
        print(f"nnstudio: {args.model}: {e}", file=sys.stderr)
        return EXIT_INVALID
    status = EXIT_OK
    for answer in answers:
        if not answer.ok:
            print(f"nnstudio: {answer.error}", file=sys.stderr)
            status = EXIT_UNREADABLE
    if args.json:
        print(json.dumps([a.to_dict(args.top) for a in answers], indent=2, ensure_ascii=False))
        return status
    answered = [a for a in answers if a.ok]
    for i, answer in enumerate(answered):
        if len(args.images) > 1:
            print(("\n" if i else "") + f"== {answer.file} ==")
        print(answer.text(args.top))
    return status


def _answer_rows(model, info, args) -> int:
    """A model trained on a table answers each CSV's rows: a line per row, or with --json an
    array of {"file", "rows": [{"row", "class", "probabilities", "top"} or {"row", "value"}]}."""
    from nnstudio.core.errors import NnstudioError
    from nnstudio.core.playground.table_answers import answer_file, write_answers

    if args.out and len(args.images) > 1:
        print("nnstudio: --out writes the answers of one CSV file; give one", file=sys.stderr)
        return EXIT_INVALID
    status, report = EXIT_OK, []
    for file in args.images:
        try:
            table, answers = answer_file(model, info, file)
            if args.out:
                write_answers(table, answers, info, args.out)
        except (NnstudioError, OSError) as e:
            print(f"nnstudio: {file}: {e}", file=sys.stderr)
            report.append({"file": file, "error": str(e)})
            status = EXIT_UNREADABLE
            continue
        report.append({"file": file, "rows": [a.to_dict(args.top) for a in answers]})
        if not args.json:
            if len(args.images) > 1:
                print(f"== {file} ==")
            for a in answers:
                print(f"row {a.row}: {a.text(args.top)}")
            if args.out:
                print(f"Wrote {len(answers):,} answers to {args.out}")
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return status
