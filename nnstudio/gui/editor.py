"""The project being edited in the window: every change goes through the undo stack.

Widgets never change the architecture themselves; they call these methods, which push an
undoable command of a pure core edit.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from itertools import count
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnstudio.core.architecture import Architecture, LayerConfig, Shape
from nnstudio.core.document import Document
from nnstudio.core.edits import (
    Batch,
    Edit,
    Fix,
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    ReplaceLayer,
    SetInputShape,
    SetModelName,
    SetParameter,
)
from nnstudio.core.project import Project
from nnstudio.core.summary import Summary
from nnstudio.gui.undo import AttributeCommand, EditCommand


class Editor(QObject):
    """The project being edited: the architecture as an evented document, the dataset and
    training settings, the runs and trained weights, and the undo stack."""

    #: A different project was loaded (the undo history starts afresh).
    project_replaced = Signal()
    #: The dataset source or the training settings changed.
    dataset_changed = Signal()
    training_changed = Signal()
    #: A run was recorded, or runs were removed.
    runs_changed = Signal()
    #: The Playground's images of the project changed (added, removed, cropped).
    images_changed = Signal()
    #: Unsaved changes appeared or were saved.
    modified_changed = Signal(bool)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = Document(project.architecture)
        self.dataset = project.dataset
        self.training = project.training
        self.runs = project.runs
        self.weights = project.weights
        self.template = project.template
        self.images = project.images
        self.undo_stack = QUndoStack(self)
        #: True while load() tells the views about another project.
        self.replacing = False
        self._sessions = count(1)
        self._unsaved_results = False
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # State -------------------------------------------------------------------------------

    @property
    def architecture(self) -> Architecture:
        return self.document.architecture

    @property
    def summary(self) -> Summary:
        return self.document.summary

    @property
    def project(self) -> Project:
        return Project(
            self.architecture,
            self.dataset,
            self.training,
            self.runs,
            self.weights,
            self.template,
            self.images,
        )

    @property
    def modified(self) -> bool:
        """Unsaved edits, or runs and weights that came after the last save."""
        return not self.undo_stack.isClean() or self._unsaved_results

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean or self._unsaved_results)

    def mark_saved(self) -> None:
        self._unsaved_results = False
        self.undo_stack.setClean()
        self.modified_changed.emit(False)

    def load(self, project: Project) -> None:
        """Replace the project; the undo history starts afresh and counts as saved."""
        self.dataset, self.training = project.dataset, project.training
        self.runs, self.weights = project.runs, project.weights
        self.template, self.images = project.template, project.images
        self.undo_stack.clear()
        self.document.replace(project.architecture)
        self.mark_saved()
        self.replacing = True
        try:
            self.project_replaced.emit()
            self.dataset_changed.emit()
            self.training_changed.emit()
            self.runs_changed.emit()
        finally:
            self.replacing = False

    def record_results(self, runs, weights) -> None:
        """Keep a finished run (and the weights it trained): not undoable, but unsaved."""
        self.runs, self.weights = tuple(runs), weights
        self._unsaved_results = True
        self.runs_changed.emit()
        self.modified_changed.emit(True)

    def set_images(self, images) -> None:
        """The Playground's images changed: not undoable (like a run), but unsaved."""
        images = tuple(images)
        if images != self.images:
            self.images = images
            self._unsaved_results = True
            self.images_changed.emit()
            self.modified_changed.emit(True)

    def set_dataset(self, source) -> None:
        """Choose the dataset (undoable)."""
        if source != self.dataset:
            self.undo_stack.push(AttributeCommand(self, "dataset", source, "Choose dataset"))

    def set_training(self, settings, session: int = 0) -> None:
        """Change the training settings (undoable; typing in one field is one step)."""
        if settings != self.training:
            self.undo_stack.push(
                AttributeCommand(self, "training", settings, "Change training settings", session)
            )

    def new_session(self) -> int:
        """A new merge session: edits of one field merge only within one session."""
        return next(self._sessions)

    def push(self, edit: Edit, text: str, merge_key: Hashable = None) -> None:
        self.undo_stack.push(EditCommand(self.document, edit, text, merge_key))

    # Layers ------------------------------------------------------------------------------

    def insert_layer(self, type_name: str, index: int | None = None) -> int:
        """Add a new layer of a catalogue type (at the end by default); returns its row."""
        index = len(self.architecture.layers) if index is None else index
        self.push(InsertLayer(index, LayerConfig.new(type_name)), f"Add {type_name}")
        return index

    def remove_layers(self, rows: Iterable[int]) -> None:
        rows = sorted(set(rows), reverse=True)
        if not rows:
            return
        layers = self.architecture.layers
        text = f"Delete {layers[rows[0]].type}" if len(rows) == 1 else f"Delete {len(rows)} layers"
        self.push(Batch(tuple(RemoveLayer(r) for r in rows)), text)

    def duplicate_layers(self, rows: Iterable[int]) -> list[int]:
        """Copies of the rows, in order, right after the last of them; returns their rows."""
        rows = sorted(set(rows))
        if not rows:
            return []
        at = rows[-1] + 1
        layers = self.architecture.layers
        copies = [layers[r].with_name(None) for r in rows]
        edits = tuple(InsertLayer(at + k, c) for k, c in enumerate(copies))
        what = layers[rows[0]].type if len(rows) == 1 else f"{len(rows)} layers"
        self.push(Batch(edits), f"Duplicate {what}")
        return list(range(at, at + len(rows)))

    def move_rows_to(self, rows: Iterable[int], target: int) -> list[int]:
        """Move rows, keeping their order, to stand before ``target`` (a row of the current
        stack, or its length for the end); returns their new rows."""
        rows = sorted(set(rows))
        n = len(self.architecture.layers)
        if not rows:
            return []
        rest = [i for i in range(n) if i not in rows]
        at = sum(1 for i in rest if i < target)
        final = rest[:at] + rows + rest[at:]
        # Realise the new order position by position: each move puts the right layer at
        # position p, and the positions before p never move again.
        order = list(range(n))
        edits = []
        for position, wanted in enumerate(final):
            source = order.index(wanted)
            if source != position:
                edits.append(MoveLayer(source, position))
                order.insert(position, order.pop(source))
        if edits:
            what = (
                self.architecture.layers[rows[0]].type if len(rows) == 1 else f"{len(rows)} layers"
            )
            self.push(Batch(tuple(edits)), f"Move {what}")
        return list(range(at, at + len(rows)))

    def move_layers(self, rows: Iterable[int], delta: int) -> list[int]:
        """Move rows one step up (-1) or down (+1), as Alt+Up and Alt+Down do."""
        rows = sorted(set(rows))
        if not rows:
            return rows
        n = len(self.architecture.layers)
        if delta < 0 and rows[0] > 0:
            return self.move_rows_to(rows, rows[0] - 1)
        if delta > 0 and rows[-1] < n - 1:
            return self.move_rows_to(rows, rows[-1] + 2)
        return rows

    def set_parameter(self, index: int, name: str, value: Any, session: int = 0) -> None:
        layer = self.architecture.layers[index]
        self.push(
            SetParameter(index, name, value),
            f"Set {layer.type} {name}",
            ("param", index, name, session),
        )

    def rename_layer(self, index: int, name: str | None, session: int = 0) -> None:
        layer = self.architecture.layers[index]
        self.push(
            ReplaceLayer(index, layer.with_name(name)), "Rename layer", ("name", index, session)
        )

    def set_input_shape(self, shape: Shape, session: int = 0) -> None:
        self.push(SetInputShape(tuple(shape)), "Set input shape", ("input", session))

    def set_model_name(self, name: str, session: int = 0) -> None:
        self.push(SetModelName(name), "Rename model", ("model-name", session))

    def apply_fix(self, fix: Fix) -> None:
        self.push(fix.edit, fix.description)
