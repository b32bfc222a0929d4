"""Every dataset nnstudio can train on, behind one function: ``load_dataset(source)``.

Built-in names: the bundled samples (``mnist-sample``, ``fashion-mnist-sample``), the full
Keras datasets (``mnist``, ``fashion-mnist``, ``cifar10``), ``toy-faces``, the logic gates
(``and``, ``or``, ``not``, ``xor``, ``xnor``) and ``function``. Files: a folder of images
(``folder``), a FER2013 CSV (``fer-csv``) or a CSV of image files (``image-csv``).
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
    csv_header,
    never_cancelled,
    no_progress,
)
from nnstudio.core.datasets.bundled import SAMPLES, load_sample
from nnstudio.core.datasets.downloads import (
    KERAS_SETS,
    download_size_mb,
    is_cached,
    load_keras_set,
    needs_download,
)
from nnstudio.core.datasets.synthetic import (
    FUNCTION_DEFAULTS,
    GATES,
    function_dataset,
    gate_dataset,
    toy_faces_dataset,
)

__all__ = [
    "BUILTIN",
    "FUNCTION_DEFAULTS",
    "Dataset",
    "DatasetCancelled",
    "DatasetError",
    "DatasetSource",
    "download_size_mb",
    "is_cached",
    "load_dataset",
    "needs_download",
    "shape_it_reads_at",
    "source_from_text",
]

#: The built-in datasets, in the order the dataset panel lists them: name -> title.
BUILTIN: dict[str, str] = {
    "mnist-sample": "MNIST sample (bundled)",
    "fashion-mnist-sample": "Fashion-MNIST sample (bundled)",
    "mnist": "MNIST, full (download, 11.5 MB)",
    "fashion-mnist": "Fashion-MNIST, full (download, 30 MB)",
    "cifar10": "CIFAR-10 (download, 163 MB)",
    "toy-faces": "Toy faces, 7 emotions (synthetic)",
    **{name: f"{title} gate" for name, (title, _, _) in GATES.items()},
    "function": "A function y = f(x)",
}
FILE_KINDS = ("folder", "fer-csv", "image-csv")


def shape_it_reads_at(source: DatasetSource, input_shape) -> tuple | None:
    """The model input shape that decides how ``source`` is read, or None if it does not
    matter: image folders and CSVs of image files are read at the size and colour of a model
    that takes images (unless their options fix both), so another input shape means reading
    them again."""
    if source.name not in ("folder", "image-csv") or input_shape is None:
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
    """Load a dataset into memory.

    ``input_shape`` (without the batch axis) is the model's, when one is known: image folders
    and CSVs of images are read at the model's size and colour. Raises ``DatasetError`` with
    a message for people, or ``DatasetCancelled``.
    """
    if isinstance(source, str):
        source = source_from_text(source)
    name = source.name
    if name in SAMPLES:
        return load_sample(name)
    if name in KERAS_SETS:
        return load_keras_set(source, progress, cancelled)
    if name == "toy-faces":
        return toy_faces_dataset(source)
    if name in GATES:
        return gate_dataset(source)
    if name == "function":
        return function_dataset(source)
    if name in FILE_KINDS and not source.path:
        raise DatasetError(f"a {name} dataset needs a path")
    if name == "folder":
        from nnstudio.core.datasets.folders import folder_dataset

        return folder_dataset(source, input_shape, progress, cancelled)
    if name == "fer-csv":
        from nnstudio.core.datasets.tables import fer_csv_dataset

        return fer_csv_dataset(source, progress, cancelled)
    if name == "image-csv":
        from nnstudio.core.datasets.tables import image_csv_dataset

        return image_csv_dataset(source, input_shape, progress, cancelled)
    raise DatasetError(f"unknown dataset {name!r}; {_known()}")


def _known() -> str:
    return "use one of " + ", ".join(BUILTIN) + ", or the path of an image folder or a CSV file"


def source_from_text(text: str, **options) -> DatasetSource:
    """A source from what a person types: a built-in name, or a path whose kind is guessed
    from what it is (a folder, a FER2013 CSV, a CSV of image files, an mnist.npz, ...)."""
    name = text.strip().lower()
    if name in BUILTIN:
        return DatasetSource(name, options=options)
    path = Path(text).expanduser()
    if not path.exists():
        raise DatasetError(f"{text!r} is neither a dataset name nor an existing path; {_known()}")
    resolved = str(path.resolve())
    if path.is_dir():
        if (path / "train-images-idx3-ubyte.gz").exists():
            return DatasetSource("fashion-mnist", resolved, options)
        return DatasetSource("folder", resolved, options)
    if path.suffix.lower() == ".npz":
        return DatasetSource("mnist", resolved, options)
    if path.name.lower().endswith((".tar.gz", ".tgz")):
        return DatasetSource("cifar10", resolved, options)
    try:
        header = csv_header(path)
    except DatasetError:
        header = []  # not a text file: not a dataset either, said below
    if "pixels" in header:
        return DatasetSource("fer-csv", resolved, options)
    if "label" in header:
        return DatasetSource("image-csv", resolved, options)
    raise DatasetError(
        f"{path.name}: not a dataset nnstudio can read (an image folder, a FER2013 CSV, a CSV of "
        "filename,label, an mnist.npz or Fashion-MNIST's .gz files)"
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
