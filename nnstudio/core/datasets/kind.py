"""A kind of dataset, as nnstudio knows it: its name and title, how it is loaded, what it is known
to hold without loading it, how a script loads it, and which paths are of this kind. Each kind (or
family of kinds) is one module of ``datasets.kinds``; ``datasets.kinds.KINDS`` lists them all, in
the order the Data tab offers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nnstudio.core.datasets.base import Cancelled, Dataset, DatasetSource, Progress

#: (source, model input shape or None, progress, cancelled) -> the dataset.
Loader = Callable[[DatasetSource, "tuple | None", Progress, Cancelled], Dataset]


def _unknown(source: DatasetSource) -> None:
    return None


@dataclass(frozen=True)
class DatasetKind:
    name: str
    #: As the Data tab lists it ("MNIST sample (bundled)").
    title: str
    load: Loader
    #: (source, model input shape, title) -> the DataCode of its load_data() in a script, or
    #: None: the script then loads it with nnstudio.
    script: Callable | None = None
    #: (title, class names) known without loading a byte, or None.
    known: Callable[[DatasetSource], tuple[str, tuple[str, ...]] | None] = _unknown
    #: Whether a path is of this kind (for a path typed or passed to nnstudio train).
    recognise: Callable[[Path], bool] | None = None
    #: A file or folder of the person's, chosen in the Data tab.
    file: bool = False
    #: Its samples are uint8 images (scaled by 1/255 for the model).
    images: bool = False
    #: It is read at the size and colour of a model that takes images.
    reads_at_model_size: bool = False
    #: (source, the trained model's preprocessing) -> the DataCode of its load_data(), for a
    #: kind whose data a model takes only once encoded (a table), or None.
    preprocessed_script: Callable | None = None
