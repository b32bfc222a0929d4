"""Fixes that repair instead of stacking: when a layer that takes an image (a Conv2D, a pooling)
receives a vector because a Flatten (or a Reshape, or a global pooling) before it turned the
image into one, the fix is to remove or move that layer, not to reshape its output back.

Each candidate edit is tried on a copy of the architecture and kept only when the layer that
failed then works; the one leaving the fewest problems is offered first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nnstudio.core.architecture import Architecture, Shape
from nnstudio.core.edits import Fix, MoveLayer, RemoveLayer
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
