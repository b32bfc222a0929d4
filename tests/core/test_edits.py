"""Edits are pure: applying one and then its inverse gives back the architecture."""

import pytest

from nnstudio.core import LayerConfig, template
from nnstudio.core.edits import (
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    ReplaceLayer,
    SetInputShape,
    SetParameter,
)

EDITS = [
    InsertLayer(2, LayerConfig.new("BatchNormalization")),
    RemoveLayer(0),
    ReplaceLayer(1, LayerConfig.new("AveragePooling2D")),
    SetParameter(0, "filters", 16),
    SetParameter(0, "kernel_size", 5),
    MoveLayer(0, 3),
    MoveLayer(4, 1),
    SetInputShape((32, 32, 3)),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: type(e).__name__)
def test_inverse_undoes(edit):
    arch = template("mnist-cnn").architecture
    changed, inverse = edit.apply(arch)
    assert changed != arch
    restored, again = inverse.apply(changed)
    assert restored == arch
    assert again.apply(restored)[0] == changed


def test_move_keeps_the_layer():
    arch = template("mnist-cnn").architecture
    moved, _ = MoveLayer(0, 3).apply(arch)
    assert moved.layers[3] == arch.layers[0]
    assert [layer.type for layer in moved.layers][:4] == [
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
    ]
