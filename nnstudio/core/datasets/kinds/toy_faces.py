"""The toy faces: synthetic 48x48 cartoons of FER2013's 7 emotions, drawn by nnstudio, so that the
face workflow runs offline. A script loads them with nnstudio (no other library draws them)."""

from __future__ import annotations

from nnstudio.core.datasets.base import DatasetSource
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.synthetic import toy_faces_dataset


def _load(source, input_shape, progress, cancelled):
    return toy_faces_dataset(source)


def _known(source: DatasetSource):
    from nnstudio.core.toy_faces import EMOTIONS  # imports Pillow

    return "Toy faces (synthetic)", tuple(e.capitalize() for e in EMOTIONS)


KINDS = (
    DatasetKind("toy-faces", "Toy faces, 7 emotions (synthetic)", _load, None, _known, images=True),
)
