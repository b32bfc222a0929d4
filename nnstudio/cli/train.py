"""``nnstudio train ARCH_OR_PROJECT --dataset NAME_OR_PATH ...``: the window's training, in a
terminal. It runs the same core function, prints a progress bar and the test metrics, and with
``--json`` ends with one JSON object on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nnstudio.cli.status import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "train",
        help="train a model from the command line",
        description="Train an architecture (or a project, with its dataset and settings) and "
        "print the test metrics. Exit status: 0 trained, 1 the model cannot be trained on the "
        "dataset or training failed, 2 a file or the dataset cannot be read.",
    )
    parser.add_argument(
        "model",
        metavar="ARCH_OR_TEMPLATE",
        help="architecture JSON, .nnstudio project, a Keras model (.keras, .h5, to_json text), "
        "or the name of a template (tabular-mlp, emotion-cnn, ...: nnstudio templates)",
    )
    parser.add_argument(
        "--dataset",
        metavar="NAME_OR_PATH",
        help="mnist-sample, fashion-mnist-sample, mnist, fashion-mnist, cifar10, toy-faces, xor, "
        "and, or, not, xnor, function, or the path of an image folder or a CSV file "
        "(a project's own dataset by default)",
    )
    parser.add_argument("--function", metavar="EXPR", help='f(x) for --dataset function ("2*x+1")')
    parser.add_argument(
        "--target",
        metavar="COLUMN",
        help="for a table (a CSV of numbers and categories): the column to predict (the last "
        "by default)",
    )
    parser.add_argument(
        "--task",
        choices=("classify", "regress"),
        help="for a table: classes or a number (by default from the target: categories or a "
        "few whole numbers are classes)",
    )
    parser.add_argument(
        "--fit",
        action="store_true",
        help="fit the model to the dataset first: its input to the samples, its last Dense "
        "layer to the classes (softmax) or the numbers (linear)",
    )
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--optimizer", help="sgd, rmsprop, adam, adamw, adagrad, adadelta, nadam")
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--validation-split", type=float)
    parser.add_argument("--seed", type=int)
    parser.add_argument(
        "--continue",
        dest="resume",
        action="store_true",
        help="continue from the trained weights of the project or .keras file instead of "
        "starting afresh",
    )
    parser.add_argument("--out", metavar="MODEL.keras", help="save the trained model here")
    parser.add_argument("--tensorboard", metavar="DIR", help="write TensorBoard logs here")
    parser.add_argument("--json", action="store_true", help="end with a JSON object on stdout")


def _settings(base, args):
    changes = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "optimizer": args.optimizer,
        "learning_rate": args.learning_rate,
        "seed": args.seed,
    }
    if args.validation_split is not None:
        changes.update(
            validation="split" if args.validation_split > 0 else "none",
            validation_split=args.validation_split or base.validation_split,
        )
    settings = base.replace(**{k: v for k, v in changes.items() if v is not None})
    return settings.check()


def run(args: argparse.Namespace) -> int:
    from nnstudio.core.datasets import DatasetError, source_from_text
    from nnstudio.core.errors import NnstudioError
    from nnstudio.core.project import open_file
    from nnstudio.core.training import SettingsError
    from nnstudio.core.training.loop import check_tensorboard
    from nnstudio.core.training.tasks import TrainingError

    out = sys.stderr if args.json else sys.stdout

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    def fail(status: int, text: str, report: dict | None = None) -> int:
        """An error on stderr; with --json, also the last line of stdout, for scripts."""
        print(f"nnstudio: {text}", file=sys.stderr, flush=True)
        if args.json:
            report = {**(report or {"status": "error"}), "error": text, "exit_status": status}
            print(json.dumps(report), flush=True)
        return status

    try:
        project = _open_model(args.model, open_file)
    except NnstudioError as e:
        return fail(EXIT_UNREADABLE, f"{args.model}: {e}")
    try:
        settings = _settings(project.training, args)
        source = project.dataset
        if args.dataset is not None:
            source = source_from_text(args.dataset)
        if args.function:
            if args.dataset is not None and source.name != "function":
                raise SettingsError(
                    f"--function sets f(x) for --dataset function, not for {args.dataset}; "
                    "leave it out, or use --dataset function"
                )
            source = source_from_text("function", expression=args.function)
        source = _table_options(source, args)
        check_tensorboard(args.tensorboard)
    except (SettingsError, TrainingError) as e:
        return fail(EXIT_INVALID, str(e))
    except DatasetError as e:
        return fail(EXIT_UNREADABLE, str(e))
    return _train(project, source, settings, args, say, fail)


def _open_model(name: str, open_file):
    """The project of a file, or a template's new project when ``name`` is a template's id and
    no such file exists."""
    from nnstudio.core.templates import templates

    if not Path(name).exists():
        for t in templates():
            if t.id == name:
                return t.project()
    return open_file(name)


def _table_options(source, args):
    """The source with --target and --task, which only a table takes."""
    from nnstudio.core.training import SettingsError

    if args.target is None and args.task is None:
        return source
    from nnstudio.core.datasets import kind

    if kind(source.name).name not in ("table", "penguins"):
        raise SettingsError(
            f"--target and --task choose what to predict in a table (a CSV of numbers and "
            f"categories); the dataset {source.path or source.name} is not one"
        )
    options = {"target": args.target, "task": args.task}
    return source.with_options(**{k: v for k, v in options.items() if v is not None})


def _train(project, source, settings, args, say, fail) -> int:
    from nnstudio.cli.progress import LoadingProgress, TerminalProgress
    from nnstudio.core.datasets import DatasetCancelled, DatasetError, load_dataset
    from nnstudio.core.summary import summarize
    from nnstudio.core.training.runner import run_training
    from nnstudio.core.training.tasks import TrainingError

    architecture = project.architecture
    summary = summarize(architecture)
    problem = _cannot_train(project, summary, args)
    if problem:
        return fail(EXIT_INVALID, problem)
    loading = LoadingProgress(sys.stderr)
    try:
        dataset = load_dataset(source, tuple(architecture.input_shape), loading)
    except (DatasetError, DatasetCancelled) as e:
        loading.done()
        return fail(EXIT_UNREADABLE, f"dataset: {e}{_download_hint(source)}")
    loading.done()
    architecture, summary = _prepared(architecture, summary, dataset, args.fit, say)
    say(
        f"Training {architecture.name} ({summary.total_params:,} parameters) on {dataset.name}: "
        f"{dataset.describe()}"
    )
    say(
        f"{settings.optimizer}, learning rate {settings.effective_learning_rate:g}, batch "
        f"{settings.batch_size}, {settings.epochs} epochs, seed "
        f"{'random' if settings.seed is None else settings.seed}"
    )
    progress = TerminalProgress(sys.stderr)
    run_id = max((run.id for run in project.runs), default=0) + 1
    saved = project.weights if args.resume else None
    try:
        outcome = run_training(
            architecture,
            dataset,
            settings,
            source,
            run_id,
            progress,
            saved=saved,
            initial_epoch=saved.epochs if saved else 0,
            tensorboard_dir=args.tensorboard,
        )
    except TrainingError as e:
        fixes = "; ".join(text for text, _ in e.fixes)
        return fail(
            EXIT_INVALID,
            f"cannot train {architecture.name} on {dataset.name}: {e}"
            + (f" Fix: {fixes}." if fixes else ""),
        )
    result, model = outcome.result, outcome.model
    _say_result(say, result, dataset)
    report = {
        "status": result.status,
        "message": result.message,
        "model": architecture.name,
        "dataset": dataset.name,
        "params": summary.total_params,
        "epochs": result.epochs_done,
        "seed": result.seed,
        "duration": result.duration,
        "samples_per_second": result.samples_per_second,
        "history": result.history,
        **{f"test_{k}": v for k, v in (result.test or {}).items()},
    }
    if args.out and result.ok:
        error = _save_model(model, architecture, source, settings, dataset, args.out)
        if error is not None:
            return fail(EXIT_INVALID, f"cannot save the model to {args.out}: {error}", report)
        say(f"Saved the model to {args.out}")
        report["out"] = str(Path(args.out))
    recorded = _record_in_project(args.model, project, outcome)
    if recorded:
        say(recorded)
        report["run"] = outcome.record.id
    if not result.ok:
        return fail(EXIT_INVALID, result.message, report)
    if args.json:
        print(json.dumps(report), flush=True)
    return EXIT_OK


def _cannot_train(project, summary, args) -> str:
    """Why the project cannot be trained as asked, or ""."""
    if not summary.ok:
        return f"{args.model}: the architecture is invalid: {summary.errors[0].message}"
    weights = project.weights
    if args.resume and (weights is None or not weights.fits(project.architecture)):
        return (
            f"{args.model} has no trained weights to continue from: train it without "
            "--continue first, or open a project or .keras file that holds weights"
        )
    return ""


def _prepared(architecture, summary, dataset, fit: bool, say):
    """The architecture to train and its summary: fitted to the dataset with --fit. A table's
    report (what was read, encoded and left out) is said first."""
    from nnstudio.core.summary import summarize
    from nnstudio.core.training import fitted

    if dataset.columns:
        say(dataset.description)
    if not fit:
        return architecture, summary
    architecture, changes = fitted(architecture, dataset)
    if changes:
        say("Fitted the model to the dataset: " + "; ".join(changes) + ".")
    else:
        say("The model fits the dataset as it is.")
    return architecture, summarize(architecture)


def _download_hint(source) -> str:
    """For a Keras dataset that is not downloaded yet: how to train without it, or ""."""
    from nnstudio.core.datasets import needs_download
    from nnstudio.core.datasets.downloads import KERAS_SETS

    if not needs_download(source):
        return ""
    sample = KERAS_SETS[source.name].sample_hint
    return (
        " From the command line: "
        + (f"--dataset {sample}, or " if sample else "")
        + "--dataset followed by the path of your copy."
    )


def _say_result(say, result, dataset) -> None:
    """How training ended, how fast it went, and the test metrics if there are any."""
    from nnstudio.core.formatting import capitalized

    say(
        capitalized(result.message) + f" in {result.duration:.1f} s "
        f"({result.samples_per_second:,.0f} samples/s), seed {result.seed}."
    )
    if result.test:
        say(
            "Test "
            + ", test ".join(f"{k} {v:.4f}" for k, v in result.test.items())
            + f" ({len(dataset.x_test):,} test samples)"
        )


def _save_model(model, architecture, source, settings, dataset, path: str):
    """Save the trained model as a .keras file, with its class names inside for nnstudio
    predict and File > Open Model: the ExportError if it could not be saved, else None."""
    from nnstudio.core.exporting import ExportError, export_model, model_info

    try:
        info = model_info(architecture, source, settings, dataset)
        export_model(model, info, "keras", path)
    except ExportError as e:
        return e
    return None


def _record_in_project(path: str, project, outcome) -> str:
    """A project trained from the command line keeps the run, as the window's would (and the
    weights it trained): what to say about it, or "" for an architecture file."""
    from nnstudio.core.project import SUFFIX, save_project

    if Path(path).suffix.lower() != SUFFIX:
        return ""
    weights = outcome.weights if outcome.weights is not None else project.weights
    recorded = project.replace(
        architecture=outcome.architecture or project.architecture,  # fitted with --fit
        runs=(*project.runs, outcome.record),
        weights=weights,
    )
    try:
        save_project(recorded, path)
    except OSError as e:
        return f"The run could not be recorded in {path}: {e.strerror or e}"
    return f"Recorded as run {outcome.record.id} in {Path(path).name}"
