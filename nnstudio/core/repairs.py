"""Fixes that repair instead of stacking: when a layer that takes an image (a Conv2D, a pooling)
receives a vector because a Flatten (or a Reshape, or a global pooling) before it turned the
image into one, the fix is to remove or move that layer, not to reshape its output back.

Each candidate edit is tried on a copy of the architecture and kept only when the layer that
failed then works; the one leaving the fewest problems is offered first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nnstudio.core.architecture import Architecture, LayerConfig, Shape
from nnstudio.core.edits import (
    Batch,
    Fix,
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    ReplaceLayer,
    SetInputs,
)
from nnstudio.core.formatting import format_shape
from nnstudio.core.shapes import TAKES_IMAGES


@dataclass(frozen=True)
class Repair:
    """What broke the image, and the fixes that undo it (best first)."""

    #: The layer that turned the image into something else, and what it received and made.
    culprit: int
    received: Shape
    made: Shape
    fixes: tuple[Fix, ...]

    def sentence(self, architecture: Architecture, names: Sequence[str]) -> str:
        kind = architecture.layers[self.culprit].type
        return (
            f" {names[self.culprit]} ({kind}) turned the {format_shape(self.received)} image "
            f"into {format_shape(self.made)} before it: remove the {kind}, or move it after "
            "the layers that work on images."
        )


#: (errors, warnings, index of the first error or None) of an architecture, without repairs.
Score = Callable[[Architecture], tuple[int, int, int | None]]


def culprit(
    failing: int, inputs: Sequence[Shape | None], outputs: Sequence[Shape | None]
) -> int | None:
    """The nearest layer before ``failing`` that received an image and output something else."""
    for k in range(failing - 1, -1, -1):
        received, made = inputs[k], outputs[k]
        if received is not None and made is not None and len(received) == 4 and len(made) != 4:
            return k
    return None


def image_repair(
    arch: Architecture,
    names: Sequence[str],
    failing: int,
    inputs: Sequence[Shape | None],
    outputs: Sequence[Shape | None],
    score: Score,
) -> Repair | None:
    """Remove or move the layer that flattened the image layer ``failing`` needed."""
    k = culprit(failing, inputs, outputs)
    if k is None:
        return None
    kind = arch.layers[k].type
    layers = len(arch.layers)
    candidates: list[tuple[tuple, Fix]] = []

    errors_now, warnings_now, _ = score(arch)

    def consider(edit, description: str, order: int) -> bool:
        errors, warnings, first = score(edit.apply(arch)[0])
        # Removing or moving the culprit shifts the failing layer up by one: it must work
        # now, and the model must be better for it, not broken elsewhere instead.
        if first is not None and first <= failing - 1:
            return False
        if errors >= errors_now or (errors == 0 and warnings > warnings_now):
            return False
        candidates.append(((errors, warnings, order), Fix(description, edit)))
        return True

    consider(RemoveLayer(k), f"Remove {kind} ({names[k]}) before {names[failing]}", 0)
    # Move it after the image layers that follow the failing one (to stand before the first
    # layer that does not need an image), or else to the end.
    after_images = next(
        (j for j in range(failing + 1, layers) if arch.layers[j].type not in TAKES_IMAGES), layers
    )
    for j in dict.fromkeys((after_images, layers)):
        if consider(MoveLayer(k, j - 1), f"Move {kind} ({names[k]}) after {names[j - 1]}", 1):
            break
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    return Repair(k, inputs[k], outputs[k], tuple(fix for _, fix in candidates))


# Merges of branches whose shapes differ ---------------------------------------------------


def _projection(source: str, shape: Shape, target: Shape, name: str) -> LayerConfig | None:
    """A layer that turns ``shape`` into ``target``: a strided 1x1 Conv2D for images (ResNet's
    projection shortcut), a Dense for vectors; None if none can."""
    if len(shape) == 4 and len(target) == 4 and None not in (*shape[1:], *target[1:]):
        (h, w), (th, tw) = shape[1:3], target[1:3]
        if h % th or w % tw:
            return None
        return LayerConfig.create(
            "Conv2D", name, (source,), filters=target[3], kernel_size=1, strides=(h // th, w // tw)
        )
    if len(shape) == 2 and len(target) == 2 and target[1] is not None:
        return LayerConfig.create("Dense", name, (source,), units=target[1])
    return None


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


def merge_fixes(
    arch: Architecture,
    names: Sequence[str],
    index: int,
    sources: Sequence[str],
    shapes: Sequence[Shape],
) -> tuple[Fix, ...]:
    """Fixes for a merge whose inputs' shapes differ: project the branches that differ onto
    the smallest one's shape (a strided 1x1 Conv2D on the skip branch), or, when only the
    channels differ, join them with a Concatenate instead. Each is tried on a copy and
    offered only if the merge then works."""
    from nnstudio.core.summary import _summarize  # the summary calls this module

    merge = arch.layers[index]
    target = min(shapes, key=lambda s: (math.prod(d or 1 for d in s[1:-1]), s[-1] or 0))
    taken = set(names)
    projections, kept = [], []
    for source, shape in zip(sources, shapes, strict=True):
        if shape == target:
            kept.append(source)
            continue
        name = _unique(f"{source}_projection", taken)
        taken.add(name)
        layer = _projection(source, shape, target, name)
        if layer is None:
            projections = None
            break
        projections.append(layer)
        kept.append(name)
    fixes = []
    if projections:
        edits = [InsertLayer(index + k, layer) for k, layer in enumerate(projections)]
        edits.append(SetInputs(index + len(projections), tuple(kept)))
        what = "Conv2D" if projections[0].type == "Conv2D" else "Dense"
        branches = ", ".join(p.inputs[0] for p in projections)
        fixes.append(
            Fix(f"Project {branches} with a {what} to {format_shape(target)}", Batch(tuple(edits)))
        )
    same_but_channels = len({(len(s), *s[1:-1]) for s in shapes}) == 1
    if merge.type != "Concatenate" and same_but_channels:
        joined = LayerConfig.create("Concatenate", merge.name, tuple(sources))
        fixes.append(
            Fix("Join them side by side: Concatenate instead", ReplaceLayer(index, joined))
        )

    def works(fix: Fix) -> bool:
        after = _summarize(fix.apply(arch), repair=False)
        return not any(
            p.layer is not None and after.layers[p.layer].name == names[index] for p in after.errors
        )

    return tuple(fix for fix in fixes if works(fix))
