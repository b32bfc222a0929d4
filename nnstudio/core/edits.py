"""Edits of an architecture as pure commands: ``apply`` returns the new architecture and the
edit that undoes it. The GUI's undo stack and the one-click fixes of ``summarize`` both use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnstudio.core.architecture import Architecture, LayerConfig, Shape


@dataclass(frozen=True)
class InsertLayer:
    index: int
    layer: LayerConfig

    def apply(self, arch: Architecture) -> tuple[Architecture, RemoveLayer]:
        layers = list(arch.layers)
        layers.insert(self.index, self.layer)
        return arch.replace(layers=tuple(layers)), RemoveLayer(self.index)

    def describe(self) -> str:
        return f"Insert {self.layer.type}"


@dataclass(frozen=True)
class RemoveLayer:
    index: int

    def apply(self, arch: Architecture) -> tuple[Architecture, InsertLayer]:
        layers = list(arch.layers)
        removed = layers.pop(self.index)
        return arch.replace(layers=tuple(layers)), InsertLayer(self.index, removed)

    def describe(self) -> str:
        return "Remove layer"


@dataclass(frozen=True)
class ReplaceLayer:
    index: int
    layer: LayerConfig

    def apply(self, arch: Architecture) -> tuple[Architecture, ReplaceLayer]:
        layers = list(arch.layers)
        old, layers[self.index] = layers[self.index], self.layer
        return arch.replace(layers=tuple(layers)), ReplaceLayer(self.index, old)

    def describe(self) -> str:
        return f"Change {self.layer.type}"


@dataclass(frozen=True)
class SetParameter:
    index: int
    name: str
    value: Any

    def apply(self, arch: Architecture) -> tuple[Architecture, SetParameter]:
        old = arch.layers[self.index]
        new_arch, _ = ReplaceLayer(self.index, old.with_param(self.name, self.value)).apply(arch)
        return new_arch, SetParameter(self.index, self.name, old.params[self.name])

    def describe(self) -> str:
        return f"Set {self.name}"


@dataclass(frozen=True)
class SetInputs:
    """Connect a layer to these layers or model inputs (by name; none: the layer before it)."""

    index: int
    inputs: tuple[str, ...]

    def apply(self, arch: Architecture) -> tuple[Architecture, SetInputs]:
        old = arch.layers[self.index]
        new_arch, _ = ReplaceLayer(self.index, old.with_inputs(self.inputs)).apply(arch)
        return new_arch, SetInputs(self.index, old.inputs)

    def describe(self) -> str:
        return "Connect layer"


@dataclass(frozen=True)
class MoveLayer:
    source: int
    target: int

    def apply(self, arch: Architecture) -> tuple[Architecture, MoveLayer]:
        layers = list(arch.layers)
        layers.insert(self.target, layers.pop(self.source))
        return arch.replace(layers=tuple(layers)), MoveLayer(self.target, self.source)

    def describe(self) -> str:
        return "Move layer"


@dataclass(frozen=True)
class SetInputShape:
    shape: Shape

    def apply(self, arch: Architecture) -> tuple[Architecture, SetInputShape]:
        return arch.replace(input_shape=tuple(self.shape)), SetInputShape(arch.input_shape)

    def describe(self) -> str:
        return "Set input shape"


@dataclass(frozen=True)
class SetModelName:
    name: str

    def apply(self, arch: Architecture) -> tuple[Architecture, SetModelName]:
        return arch.replace(name=self.name), SetModelName(arch.name)

    def describe(self) -> str:
        return "Rename model"


@dataclass(frozen=True)
class ReplaceArchitecture:
    """Replace the whole stack and input (importing an architecture file)."""

    architecture: Architecture

    def apply(self, arch: Architecture) -> tuple[Architecture, ReplaceArchitecture]:
        return self.architecture, ReplaceArchitecture(arch)

    def describe(self) -> str:
        return "Import architecture"


@dataclass(frozen=True)
class Batch:
    """Several edits as one step (delete or duplicate a multi-selection)."""

    edits: tuple[Edit, ...]

    def apply(self, arch: Architecture) -> tuple[Architecture, Batch]:
        inverses = []
        for edit in self.edits:
            arch, inverse = edit.apply(arch)
            inverses.append(inverse)
        return arch, Batch(tuple(reversed(inverses)))

    def describe(self) -> str:
        return self.edits[0].describe() if len(self.edits) == 1 else f"{len(self.edits)} edits"


Edit = (
    InsertLayer
    | RemoveLayer
    | ReplaceLayer
    | SetParameter
    | SetInputs
    | MoveLayer
    | SetInputShape
    | SetModelName
    | ReplaceArchitecture
    | Batch
)


@dataclass(frozen=True)
class Fix:
    """A one-click repair that ``summarize`` proposes for a problem."""

    description: str
    edit: Edit

    def apply(self, arch: Architecture) -> Architecture:
        return self.edit.apply(arch)[0]
