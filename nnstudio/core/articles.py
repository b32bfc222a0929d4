"""What each template's article did and reached, how nnstudio's start differs and why, and how a
run compares: so that a person always knows why their figure differs from the article's.

Each template in ``resources/templates/index.json`` has an ``article`` entry: the article's
dataset and training settings (its recipe), the figure it reports, why nnstudio opens the model
otherwise (offline, on a bundled sample), what the template reaches there (measured by
``benchmarks/template_figures.py``), and what more epochs on the sample reach.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from nnstudio.core.datasets import BUILTIN, FILE_KINDS, DatasetSource, source_from_dict
from nnstudio.core.formatting import counted
from nnstudio.core.project import Project
from nnstudio.core.resources import resource
from nnstudio.core.training.settings import OPTIMIZERS, TrainingSettings, settings_from_dict

#: An accuracy this close under the article's figure counts as reaching it: a quarter of a
#: point (a test set of 10,000 images moves a figure by about that from seed to seed).
ACCURACY_MARGIN = 0.0025


@dataclass(frozen=True)
class Figure:
    """A figure an article reports: at least ``value`` (up to ``high`` for a range), or for
    errors (``lower``) at most ``value``."""

    metric: str
    value: float
    text: str
    high: float | None = None
    lower: bool = False

    def reached(self, value: float) -> bool:
        if self.lower:
            return value <= self.value
        return value >= self.value - (ACCURACY_MARGIN if self.metric == "accuracy" else 0.0)

    def show(self, value: float) -> str:
        return f"{value:.2%}" if self.metric == "accuracy" else f"{self.metric} {value:.4g}"

    def about(self, value: float) -> str:
        """A measured figure as an expectation: 97.5%, not 97.55% (seeds move it)."""
        return f"{value:.1%}" if self.metric == "accuracy" else f"{self.metric} {value:.1g}"


@dataclass(frozen=True)
class Article:
    template: str
    #: "002": the file in the articles' folder (``../shared/seeds/``).
    number: str
    title: str
    #: The article's data as nnstudio names it, or None where nnstudio cannot fetch it
    #: (FER2013 and "Identify the Digits" need an account on the sites that share them).
    dataset: DatasetSource | None
    #: The article's data in words ("all 60,000 MNIST training images").
    data: str
    training: TrainingSettings
    figure: Figure | None
    #: What the article says in words, where it prints no figure.
    claim: str
    #: Why nnstudio's template starts otherwise.
    why: str
    #: What the template reaches with its own settings on its bundled data (measured).
    sample: float | None
    #: (epochs, figure): what more epochs on the bundled data reach (measured), if that helps.
    closer: tuple[int, float] | None
    #: What to say when the project is trained on another dataset (by its name).
    remarks: dict[str, str]
    #: Other datasets whose figures compare with the article's (a sample of its data).
    comparable: tuple[str, ...] = ()

    def compares(self, dataset: DatasetSource) -> bool:
        """Whether a figure on ``dataset`` says something about the article's: its own data,
        a sample of it, or (where nnstudio cannot fetch it) the person's copy of a file."""
        if self.dataset is None:
            return dataset.name in FILE_KINDS
        return dataset.name == self.dataset.name or dataset.name in self.comparable

    @property
    def metric(self) -> str:
        return self.figure.metric if self.figure else "accuracy"

    @property
    def name(self) -> str:
        return f"Article {self.number}"

    @property
    def figure_text(self) -> str:
        return self.figure.text if self.figure else self.claim


def _article(template_id: str, doc: dict[str, Any]) -> Article:
    figure = doc.get("figure")
    closer = doc.get("closer")
    return Article(
        template_id,
        doc["number"],
        doc["title"],
        source_from_dict(doc["dataset"]) if doc.get("dataset") else None,
        doc["data"],
        settings_from_dict(doc.get("training", {})),
        Figure(
            figure["metric"],
            figure["value"],
            figure["text"],
            figure.get("high"),
            figure.get("lower", False),
        )
        if figure
        else None,
        doc.get("claim", ""),
        doc.get("why", ""),
        doc.get("sample"),
        (closer["epochs"], closer["value"]) if closer else None,
        dict(doc.get("remarks", {})),
        tuple(doc.get("comparable", ())),
    )


@cache
def _articles() -> dict[str, Article]:
    index = json.loads(resource("templates").joinpath("index.json").read_text(encoding="utf-8"))
    return {
        entry["id"]: _article(entry["id"], entry["article"])
        for entry in index["templates"]
        if "article" in entry
    }


def article_of(template_id: str | None) -> Article | None:
    """The article of a template (None for a project that did not come from one)."""
    return _articles().get(template_id) if template_id else None


# Recipes in words -------------------------------------------------------------------------


def recipe(settings: TrainingSettings) -> str:
    """Training settings as a person says them: "Adam, batches of 128, 10 epochs, 10% held out
    for validation"."""
    optimizer = OPTIMIZERS[settings.optimizer][0]
    if settings.learning_rate is not None:
        optimizer += f" at {settings.learning_rate:g}"
    parts = [optimizer, f"batches of {settings.batch_size:,}", counted(settings.epochs, "epoch")]
    if settings.validation != "none":
        parts.append(_validation(settings))
    augmentation = settings.augmentation
    if augmentation.active:
        parts.append("augmented images")
    return ", ".join(parts)


#: The bundled data in words, as they stand in for an article's.
_DATASET_WORDS = {
    "mnist-sample": "the bundled MNIST sample (8,000 training images)",
    "fashion-mnist-sample": "the bundled Fashion-MNIST sample (8,000 training images)",
    "toy-faces": "the toy faces (2,100 synthetic cartoons)",
    "mnist": "all 60,000 MNIST training images",
}


def _dataset_words(source: DatasetSource) -> str:
    if source.name in _DATASET_WORDS:
        return _DATASET_WORDS[source.name]
    if source.name in BUILTIN:
        return "the " + BUILTIN[source.name].split(" (")[0]
    return source.path or source.name


def _instead(mine: str, theirs: str) -> str:
    """ "batches of 64 instead of 128": what both say alike is said once."""
    a, b = mine.split(), theirs.split()
    while len(a) > 1 and len(b) > 1 and a[0] == b[0]:
        a, b = a[1:], b[1:]
    if len(b) > 1 and a[-1] == b[-1]:
        b = b[:-1]
    return f"{mine} instead of {' '.join(b)}"


def _validation(settings: TrainingSettings) -> str:
    if settings.validation == "split":
        return f"{settings.validation_split:.0%} held out for validation"
    return "validating on the test set" if settings.validation == "test" else "no validation"


#: What is compared between the article's settings and the project's, and how it is said.
_SETTINGS = (
    (lambda s: s.optimizer, lambda s: OPTIMIZERS[s.optimizer][0]),
    (
        lambda s: s.effective_learning_rate,
        lambda s: f"a learning rate of {s.effective_learning_rate:g}",
    ),
    (lambda s: s.batch_size, lambda s: f"batches of {s.batch_size:,}"),
    (lambda s: s.epochs, lambda s: counted(s.epochs, "epoch")),
    (
        lambda s: (s.validation, s.validation_split if s.validation == "split" else None),
        _validation,
    ),
    (
        lambda s: s.augmentation,
        lambda s: "augmented images" if s.augmentation.active else "no augmentation",
    ),
)


def _differences(article: Article, dataset: DatasetSource, settings: TrainingSettings) -> list:
    """How the project's data and settings differ from the article's, in words."""
    out = []
    if not _uses_articles_data(article, dataset):
        out.append(f"{_dataset_words(dataset)} instead of {article.data}")
    for value, words in _SETTINGS:
        if value(settings) != value(article.training):
            out.append(_instead(words(settings), words(article.training)))
    return out


# What the window shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """What the Training tab says about a template's article before training: plain text, in
    paragraphs (the first is the article's recipe and figure)."""

    article: Article
    paragraphs: tuple[str, ...]
    #: The project's data and settings already are the article's.
    as_article: bool
    #: The model was edited since it came from the template: the figure no longer applies.
    edited: bool
    #: Why nnstudio's template starts otherwise, while the project is as the template opens.
    why: str = ""


def _template(project: Project):
    from nnstudio.core.templates import template

    return template(project.template)


def _is_the_articles_model(project: Project) -> bool:
    return project.architecture.fingerprint() == _template(project).architecture.fingerprint()


def _as_the_template_opens(project: Project) -> bool:
    """The project's data and settings are still the template's (the seed aside): what the
    template was measured with."""
    template = _template(project)
    seedless = project.training.replace(seed=template.training.seed)
    return project.dataset == template.dataset and seedless == template.training


def _uses_articles_data(article: Article, dataset: DatasetSource) -> bool:
    """The project trains on the article's data: its own, or (where nnstudio cannot fetch it)
    a file of the person's, which is their copy of it."""
    if article.dataset is None:
        return dataset.name in FILE_KINDS
    return dataset.name == article.dataset.name


def note(project: Project) -> Note | None:
    """The article's recipe and figure, how this project differs from it and why, what to
    expect, and what it takes to reach the article's figure."""
    article = article_of(project.template)
    if article is None:
        return None
    head = (
        f"{article.name} ({article.title}) trained this model on {article.data} with "
        f"{recipe(article.training)}: {article.figure_text}."
    )
    if not _is_the_articles_model(project):
        edited = "The model has been edited since: the article's figure is for its own model."
        return Note(article, (head, edited), False, True)
    differences = _differences(article, project.dataset, project.training)
    paragraphs = [head]
    as_opened = _as_the_template_opens(project)
    if not differences:
        paragraphs.append("Here: the article's data and settings.")
    else:
        paragraphs.append("Here: " + "; ".join(differences) + ".")
        if as_opened and article.sample is not None:
            figure = article.figure or Figure("accuracy", 0.0, "")
            paragraphs.append(
                f"Expect about {figure.about(article.sample)} as the template opens (measured)."
            )
        reach = reach_text(article, project.dataset)
        if reach:
            paragraphs.append(reach)
    if project.dataset.name in article.remarks:
        paragraphs.append(article.remarks[project.dataset.name])
    why = article.why if as_opened and differences else ""
    return Note(article, tuple(paragraphs), not differences, False, why)


def reach_text(article: Article, dataset: DatasetSource) -> str:
    """What it takes to reach the article's figure from this dataset."""
    if article.figure is None:
        return ""
    target = article.figure.text.split(" after ")[0]
    ways = []
    if not _uses_articles_data(article, dataset):
        if article.dataset is not None:
            ways.append(
                f"train on {article.data} with the article's recipe (one click: Use the "
                "Article's Recipe)"
            )
        else:
            ways.append(f"train on {article.data} (choose your copy in the Data tab)")
    limit = ""
    if article.closer is not None and dataset.name.endswith("-sample"):
        epochs, value = article.closer
        shown = f"{counted(epochs, 'epoch')}: {article.figure.show(value)}, measured"
        if article.sample is None or value > article.sample:
            ways.append(f"on the sample, more epochs get closer ({shown})")
        else:
            limit = (
                f" More epochs on the sample do not get closer ({shown}): its 8,000 images are "
                "what limits it."
            )
    if not ways:
        return limit.strip()
    return f"To reach {target}: " + "; or ".join(ways) + "." + limit


@dataclass(frozen=True)
class Comparison:
    """A result beside the article's figure: what it is against the article's and why they
    differ (``headline``), a word on this data (``remark``), what it takes to get there."""

    #: True, False, or None where the article prints no figure to compare with.
    reached: bool | None
    headline: str
    remark: str = ""
    reach: str = ""

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.headline, self.remark, self.reach) if part)


def compare(project: Project, test: dict[str, float] | None) -> Comparison | None:
    """How a run's test figures compare with the article's, and why they differ."""
    article = article_of(project.template)
    if article is None or not test:
        return None
    if not _is_the_articles_model(project):
        return Comparison(None, f"The model is no longer {article.name}'s: nothing to compare.")
    figure = article.figure
    if figure is None or figure.metric not in test:
        claim = f" ({article.claim})" if article.claim else ""
        return Comparison(
            None,
            f"{article.name} prints no figure for this model{claim}: compare your runs in "
            "the Runs tab.",
            article.remarks.get(project.dataset.name, ""),
        )
    value = test[figure.metric]
    remark = article.remarks.get(project.dataset.name, "")
    if not article.compares(project.dataset):
        return Comparison(
            None,
            f"{figure.show(value)} on {_dataset_words(project.dataset)}, where {article.name} "
            f"reached {figure.text} on {article.data}: the data are not alike, so the figures "
            "do not compare.",
            remark,
            "" if remark else reach_text(article, project.dataset),
        )
    if figure.reached(value):
        return Comparison(
            True, f"✓ {figure.show(value)}: {article.name}'s figure reached: {figure.text}."
        )
    differences = _differences(article, project.dataset, project.training)
    why = (
        "It differs from the article in: " + "; ".join(differences) + "."
        if differences
        else "Same data and settings as the article: another seed or Keras version moves the "
        "figure; train more epochs."
    )
    reach = reach_text(article, project.dataset)
    return Comparison(
        False,
        f"{figure.show(value)}, where {article.name} reached {figure.text}. {why}",
        remark,
        reach,
    )


def article_recipe(project: Project) -> tuple[DatasetSource, TrainingSettings] | None:
    """The article's data and settings for this project (None if nnstudio cannot fetch its
    data): what "Use the article's recipe" sets. The seed is kept."""
    article = article_of(project.template)
    if article is None or article.dataset is None:
        return None
    return article.dataset, article.training.replace(seed=project.training.seed)


def compare_run(project: Project, run) -> Comparison | None:
    """How a recorded run compares with the article's figure, judged with the data and the
    settings it was trained with (not the project's settings now)."""
    try:
        trained = project.replace(
            architecture=run.model,
            dataset=source_from_dict(run.dataset),
            training=settings_from_dict(run.settings),
        )
    except (ValueError, KeyError, TypeError):  # a hand-edited run: compare with today's
        trained = project
    return compare(trained, run.test)
