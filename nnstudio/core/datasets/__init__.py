"""Every dataset nnstudio can train on, behind one function: ``load_dataset(source)``.

Built-in names: the bundled samples (``mnist-sample``, ``fashion-mnist-sample``), the full
Keras datasets (``mnist``, ``fashion-mnist``, ``cifar10``), ``toy-faces``, the logic gates
(``and``, ``or``, ``not``, ``xor``, ``xnor``) and ``function``. Files: a folder of images
(``folder``), a FER2013 CSV (``fer-csv``), a CSV of image files (``image-csv``) or a table of
numbers and categories (``table``; the bundled one is ``penguins``).
"""

from __future__ import annotations

from pathlib import Path

from nnstudio.core.datasets.base import (
    Cancelled,
    Dataset,
    DatasetCancelled,
    DatasetError,
    DatasetSource,
    Progress,
    never_cancelled,
    no_progress,
)
from nnstudio.core.datasets.downloads import download_size_mb, is_cached, needs_download
from nnstudio.core.datasets.kinds import KINDS, kind
from nnstudio.core.datasets.synthetic import FUNCTION_DEFAULTS

__all__ = [
    "BUILTIN",
    "FILE_KINDS",
    "FUNCTION_DEFAULTS",
    "KINDS",
    "Dataset",
    "DatasetCancelled",
    "DatasetError",
    "DatasetSource",
    "download_size_mb",
    "is_cached",
    "kind",
    "load_dataset",
    "needs_download",
    "shape_it_reads_at",
    "source_from_text",
]

#: The built-in datasets, in the order the dataset panel lists them: name -> title.
BUILTIN: dict[str, str] = {k.name: k.title for k in KINDS if not k.file}
#: The kinds of the person's own files (a folder, CSVs), in the order the panel lists them.
FILE_KINDS = tuple(k.name for k in KINDS if k.file)


def shape_it_reads_at(source: DatasetSource, input_shape) -> tuple | None:
    """The model input shape that decides how ``source`` is read, or None if it does not
    matter: image folders and CSVs of image files are read at the size and colour of a model
    that takes images (unless their options fix both), so another input shape means reading
    them again."""
    if input_shape is None or not kind(source.name).reads_at_model_size:
        return None
    if "size" in source.options and "color" in source.options:
        return None
    shape = tuple(input_shape)
    return shape if len(shape) == 3 and None not in shape else None


def load_dataset(
    source: DatasetSource | str,
    input_shape: tuple | None = None,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> Dataset:
    """Load a dataset into memory (each kind of dataset loads itself: ``datasets.kinds``).

    ``input_shape`` (without the batch axis) is the model's, when one is known: image folders
    and CSVs of images are read at the model's size and colour. Raises ``DatasetError`` with
    a message for people, or ``DatasetCancelled``.
    """
    if isinstance(source, str):
        source = source_from_text(source)
    dataset_kind = kind(source.name)
    if dataset_kind.file and not source.path:
        raise DatasetError(f"a {source.name} dataset needs a path")
    return dataset_kind.load(source, input_shape, progress, cancelled)


def _known() -> str:
    return "use one of " + ", ".join(BUILTIN) + ", or the path of an image folder or a CSV file"


def source_from_text(text: str, **options) -> DatasetSource:
    """A source from what a person types: a built-in name, or a path whose kind is guessed
    from what it is (a folder, a FER2013 CSV, a CSV of image files, an mnist.npz, ...): the
    first kind that recognises it, the full datasets' own files before any folder."""
    name = text.strip().lower()
    if name in BUILTIN:
        return DatasetSource(name, options=options)
    path = Path(text).expanduser()
    if not path.exists():
        raise DatasetError(f"{text!r} is neither a dataset name nor an existing path; {_known()}")
    for candidate in KINDS:
        if candidate.recognise is not None and candidate.recognise(path):
            return DatasetSource(candidate.name, str(path.resolve()), options)
    raise DatasetError(
        f"{path.name}: not a dataset nnstudio can read (an image folder, a table as a .csv or "
        ".tsv file, a FER2013 CSV, a CSV of filename,label, an mnist.npz or Fashion-MNIST's .gz "
        "files)"
    )


def source_from_dict(doc) -> DatasetSource:
    """Read a source saved in a project file (validated: the file may be edited by hand)."""
    if isinstance(doc, str):
        return DatasetSource(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise DatasetError(f"a dataset must be an object with a name; received {doc!r}")
    unknown = set(doc) - {"name", "path", "options"}
    if unknown:
        raise DatasetError(f"unknown key {sorted(unknown)[0]!r} in the dataset")
    path, options = doc.get("path"), doc.get("options", {})
    if path is not None and not isinstance(path, str):
        raise DatasetError(f"the dataset path must be a string; received {path!r}")
    if not isinstance(options, dict):
        raise DatasetError(f"the dataset options must be an object; received {options!r}")
    return DatasetSource(doc["name"], path, options)
