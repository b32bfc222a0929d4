"""The bundled templates: every model of the articles nnstudio is built from, with the dataset
and training settings its article uses (its recipe)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.datasets import DatasetSource, source_from_dict
from nnstudio.core.jsonfile import parse_json
from nnstudio.core.project import Project
from nnstudio.core.resources import resource
from nnstudio.core.training.settings import TrainingSettings, settings_from_dict

ARTICLES_SECTION = "The articles' models"
GRAPHS_SECTION = "Skip connections and merges (graphs)"
DATA_SECTION = "Other kinds of data (tables)"
#: The template a first launch opens: article 002's MNIST CNN.
DEFAULT_TEMPLATE = "mnist-cnn"


@dataclass(frozen=True)
class Template:
    id: str
    architecture: Architecture
    #: The dataset the article trains the model on (or its offline stand-in).
    dataset: DatasetSource
    #: The article's training settings (nnstudio's defaults for what it does not say).
    training: TrainingSettings
    #: Where the settings come from, in a sentence.
    recipe: str

    @property
    def name(self) -> str:
        return self.architecture.name

    @property
    def description(self) -> str:
        return self.architecture.description

    @property
    def section(self) -> str:
        """Where the Templates menu lists it: the articles' models, the graphs past them, or
        the models of other kinds of data (a table)."""
        from nnstudio.core.articles import article_of

        if article_of(self.id) is not None:
            return ARTICLES_SECTION
        return GRAPHS_SECTION if not self.architecture.is_stack else DATA_SECTION

    def project(self) -> Project:
        """A new project: the model, its article's dataset and training settings, no runs."""
        return Project(self.architecture, self.dataset, self.training, template=self.id)


@cache
def templates() -> tuple[Template, ...]:
    """All templates, in menu order."""
    folder = resource("templates")
    index = json.loads(folder.joinpath("index.json").read_text(encoding="utf-8"))["templates"]
    return tuple(
        Template(
            entry["id"],
            architecture_from_dict(parse_json(folder.joinpath(f"{entry['id']}.json").read_bytes())),
            source_from_dict(entry["dataset"]),
            settings_from_dict(entry["training"]),
            entry["recipe"],
        )
        for entry in index
    )


def template(id_: str) -> Template:
    """One template by id (its file name without ``.json``); KeyError if there is none."""
    for t in templates():
        if t.id == id_:
            return t
    raise KeyError(f"no template {id_!r}; there are: {', '.join(t.id for t in templates())}")
