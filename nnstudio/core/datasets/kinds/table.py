"""A table of one's own: a CSV (or TSV, or semicolon-separated) file of numbers and categories,
one column to predict (``table_dataset``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nnstudio.core.datasets.kind import DatasetKind

#: The bundled table: Palmer penguins (CC0), its species to classify by default.
PENGUINS_FILE = "penguins.csv"
PENGUINS_TARGET = "species"


def _load(source, input_shape, progress, cancelled):
    from nnstudio.core.datasets.table_dataset import table_dataset  # imports pandas

    return table_dataset(source, progress, cancelled)


def _script(source, preprocessing):
    from nnstudio.core.datasets.table_script import table_script

    return table_script(source, preprocessing, source.path or "table.csv")


def _penguins_script(source, preprocessing):
    from importlib.resources import as_file

    from nnstudio.core.datasets.table_script import table_script
    from nnstudio.core.resources import resource

    with as_file(resource("datasets", PENGUINS_FILE)) as path:
        return table_script(source, preprocessing, str(path))


def _load_penguins(source, input_shape, progress, cancelled):
    from importlib.resources import as_file

    from nnstudio.core.datasets.table_dataset import table_dataset
    from nnstudio.core.resources import resource

    with as_file(resource("datasets", PENGUINS_FILE)) as path:
        options = {"target": PENGUINS_TARGET, **source.options}
        dataset = table_dataset(source.with_options(**options), progress, cancelled, path=path)
    return replace(
        dataset,
        source=source,
        name="Palmer penguins",
        attribution="Palmer penguins: data by Dr. Kristen Gorman and the Palmer Station LTER "
        "(Horst, Hill and Gorman, 2020), CC0.",
    )


def _known_penguins(source):
    if source.options.get("target", PENGUINS_TARGET) != PENGUINS_TARGET:
        return None
    return "Palmer penguins", ("Adelie", "Chinstrap", "Gentoo")


def _recognise(path: Path) -> bool:
    from nnstudio.core.datasets.table_file import is_table_file

    return is_table_file(path)


KINDS = (
    DatasetKind(
        "penguins",
        "Palmer penguins (bundled table)",
        _load_penguins,
        known=_known_penguins,
        preprocessed_script=_penguins_script,
    ),
    DatasetKind(
        "table",
        "Table (CSV of numbers and categories)",
        _load,
        recognise=_recognise,
        file=True,
        preprocessed_script=_script,
    ),
)
