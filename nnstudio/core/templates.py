"""The bundled templates: every model of the articles nnstudio is built from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.jsonfile import parse_json
from nnstudio.core.resources import resource

#: The template a first launch opens: article 002's MNIST CNN.
DEFAULT_TEMPLATE = "mnist-cnn"


@dataclass(frozen=True)
class Template:
    id: str
    architecture: Architecture

    @property
    def name(self) -> str:
        return self.architecture.name

    @property
    def description(self) -> str:
        return self.architecture.description


@cache
def templates() -> tuple[Template, ...]:
    """All templates, in menu order."""
    folder = resource("templates")
    order = json.loads(folder.joinpath("index.json").read_text(encoding="utf-8"))["templates"]
    return tuple(
        Template(
            id_,
            architecture_from_dict(parse_json(folder.joinpath(f"{id_}.json").read_bytes())),
        )
        for id_ in order
    )


def template(id_: str) -> Template:
    """One template by id (its file name without ``.json``); KeyError if there is none."""
    for t in templates():
        if t.id == id_:
            return t
    raise KeyError(f"no template {id_!r}; there are: {', '.join(t.id for t in templates())}")
