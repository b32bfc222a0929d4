"""Getting started: the steps of a first model, built, trained and tried in the window (an MLP
on the bundled MNIST sample, as article 004 builds one), each with what to do, why, and how to
tell it is done from the project itself. The window (Help > Getting started) ticks them as the
person goes; steps that depend on what was looked at (a tab shown, a digit drawn) are ticked by
the window, from ``Step.seen``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nnstudio.core.project import Project
from nnstudio.core.summary import summarize


@dataclass(frozen=True)
class Step:
    #: A short name, used by the window to know what "Show me" does.
    key: str
    title: str
    #: What to do, and why, in a sentence or two.
    text: str
    #: Done, judged from the project; None when the window judges it (what was seen).
    done: Callable[[Project], bool] | None = None
    #: For a step the window judges: what must have been seen ("data", "evaluation", "answer").
    seen: str | None = None


def _layers(project: Project):
    return project.architecture.layers


def _hidden_dense(project: Project) -> bool:
    layers = _layers(project)
    return any(
        layer.type == "Dense" and layer.params.get("activation") == "relu"
        for layer in layers[1:-1] or layers[1:]
    )


def _output(project: Project) -> bool:
    layers = _layers(project)
    return (
        len(layers) >= 3
        and layers[-1].type == "Dense"
        and layers[-1].params["units"] == 10
        and layers[-1].params.get("activation") == "softmax"
        and summarize(project.architecture).ok
    )


def _trained(project: Project) -> bool:
    fingerprint = project.architecture.fingerprint()
    return any(run.ok and run.model.fingerprint() == fingerprint for run in project.runs)


STEPS: tuple[Step, ...] = (
    Step(
        "new",
        "Start an empty model",
        "File > New gives a model with only its input: 28×28×1, the size of the bundled MNIST "
        "sample's digit images.",
        lambda p: p.template is None,
    ),
    Step(
        "flatten",
        "Add a Flatten layer",
        "Double-click Flatten in the palette. A Dense layer takes a list of numbers, so Flatten "
        "turns each 28×28 image into 784 of them: watch the output shape under the card.",
        lambda p: bool(_layers(p)) and _layers(p)[0].type == "Flatten",
    ),
    Step(
        "hidden",
        "Add a hidden Dense layer",
        "Double-click Dense: 64 units with relu. Each unit weighs all 784 pixels, so the summary "
        "counts 784 × 64 + 64 = 50,240 parameters. Try 128 units in the inspector.",
        _hidden_dense,
    ),
    Step(
        "output",
        "Add the output layer",
        "Add another Dense, then set it to 10 units (one per digit) and softmax in the inspector, "
        "so that the outputs are probabilities that sum to 1.",
        _output,
    ),
    Step(
        "data",
        "Look at the data",
        "The Data tab shows the bundled MNIST sample: 8,000 training and 2,000 test images, a "
        "grid of them with their labels, and how many of each digit there are.",
        seen="data",
    ),
    Step(
        "train",
        "Train it",
        "Press Train in the Training tab (Ctrl+T). The loss falls as the weights learn; the "
        "validation curve, on images held out, says whether it learns or memorises.",
        _trained,
    ),
    Step(
        "evaluate",
        "See how well it does",
        "The Evaluation tab scores the model on the 2,000 test images it never saw: accuracy, "
        "the confusion matrix (click a cell to see its images) and the mistakes.",
        seen="evaluation",
    ),
    Step(
        "try",
        "Ask it yourself",
        "In the Playground, draw a digit with the mouse: the bars show the probability of each "
        "digit as you draw, and Look inside shows what each layer makes of it.",
        seen="answer",
    ),
)


def progress(project: Project, seen: set[str]) -> list[bool]:
    """Which steps are done, from the project and what the window has seen: in order, so that
    a template's CNN (whose last layer is a 10-unit softmax too) ticks none after the first
    step left to do."""
    done, so_far = [], True
    for step in STEPS:
        so_far = so_far and (step.done(project) if step.done is not None else step.seen in seen)
        done.append(so_far)
    return done


def current_step(done: list[bool]) -> int | None:
    """The first step not done yet (None when all are)."""
    return next((i for i, d in enumerate(done) if not d), None)
