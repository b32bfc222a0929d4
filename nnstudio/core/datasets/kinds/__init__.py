"""Every kind of dataset, one module each: ``KINDS`` in the order the Data tab lists them (the
built-in ones, then the files of one's own), and ``kind(name)``. A new kind is one new module
here, added to ``_MODULES``."""

from __future__ import annotations

from nnstudio.core.datasets.base import DatasetError
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.kinds import (
    fer_csv,
    folder,
    function,
    gates,
    image_csv,
    keras_sets,
    samples,
    table,
    toy_faces,
)

_MODULES = (samples, keras_sets, toy_faces, gates, function, folder, fer_csv, image_csv, table)
#: The built-in ones first (a module such as ``table`` has both), in their modules' order.
KINDS: tuple[DatasetKind, ...] = tuple(
    sorted((k for module in _MODULES for k in module.KINDS), key=lambda k: k.file)
)
_BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> DatasetKind:
    """The kind of dataset of this name; DatasetError naming the known ones if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise DatasetError(f"unknown dataset {name!r}; use one of {', '.join(_BY_NAME)}") from None
