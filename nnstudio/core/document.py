"""The architecture being edited, with its summary kept fresh, announcing every change.

It is Qt-free: listeners are plain callables. The window's list model adapts these events to
Qt's row insertions, removals and moves (as napari's evented list and its Qt item model do), and
its undo stack pushes the edits that ``apply`` returns the inverse of.
"""

from __future__ import annotations

from collections.abc import Callable

from nnstudio.core.architecture import Architecture
from nnstudio.core.edits import (
    Batch,
    Edit,
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    ReplaceArchitecture,
    ReplaceLayer,
    SetInputs,
    SetInputShape,
    SetModelName,
    SetParameter,
)
from nnstudio.core.summary import Summary, summarize


class Signal:
    """A list of callbacks: enough for the core to announce changes without Qt."""

    def __init__(self) -> None:
        self._slots: list[Callable] = []

    def connect(self, slot: Callable) -> None:
        self._slots.append(slot)

    def disconnect(self, slot: Callable) -> None:
        self._slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self._slots):
            slot(*args)


class Document:
    """An architecture under edit. Events fire after the change, one per layer touched."""

    def __init__(self, architecture: Architecture) -> None:
        self.layer_inserted = Signal()  # (index)
        self.layer_removed = Signal()  # (index)
        self.layer_moved = Signal()  # (source, target)
        self.layer_changed = Signal()  # (index)
        self.model_changed = Signal()  # () the input shape or the name
        self.reset = Signal()  # () everything was replaced
        self.summary_changed = Signal()  # (summary)
        self._architecture = architecture
        self._summary = summarize(architecture)

    @property
    def architecture(self) -> Architecture:
        return self._architecture

    @property
    def summary(self) -> Summary:
        return self._summary

    def apply(self, edit: Edit) -> Edit:
        """Apply an edit, announce it, refresh the summary; return the edit that undoes it."""
        inverse = self._apply(edit)
        self._summarize()
        return inverse

    def replace(self, architecture: Architecture) -> None:
        """Replace the whole architecture (a file was opened)."""
        self._architecture = architecture
        self.reset.emit()
        self._summarize()

    def _summarize(self) -> None:
        self._summary = summarize(self._architecture, self._summary)
        self.summary_changed.emit(self._summary)

    def _apply(self, edit: Edit) -> Edit:
        if isinstance(edit, Batch):
            inverses = [self._apply(e) for e in edit.edits]
            return Batch(tuple(reversed(inverses)))
        self._architecture, inverse = edit.apply(self._architecture)
        if isinstance(edit, InsertLayer):
            self.layer_inserted.emit(edit.index)
        elif isinstance(edit, RemoveLayer):
            self.layer_removed.emit(edit.index)
        elif isinstance(edit, MoveLayer):
            self.layer_moved.emit(edit.source, edit.target)
        elif isinstance(edit, ReplaceLayer | SetParameter | SetInputs):
            self.layer_changed.emit(edit.index)
        elif isinstance(edit, SetInputShape | SetModelName):
            self.model_changed.emit()
        elif isinstance(edit, ReplaceArchitecture):
            self.reset.emit()
        return inverse
