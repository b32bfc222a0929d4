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

from nnstudio.core import graph_edits
from nnstudio.core.architecture import Architecture, LayerConfig, Shape
from nnstudio.core.document import Document
from nnstudio.core.edits import (
    Batch,
    Fix,
    InsertLayer,
    MoveLayer,
    RemoveLayer,
    ReplaceArchitecture,
    ReplaceLayer,
    SetInputShape,
    SetModelName,
    SetParameter,
)
from nnstudio.core.project import Project
from nnstudio.core.session import (
    Session,
    SetDataset,
    SetImages,
    SetPositions,
    SetResults,
    SetRuns,
    SetTraining,
)
from nnstudio.core.summary import Summary
from nnstudio.gui.model.undo import EditCommand


class Editor(QObject):
    """The window's side of the project under edit: the core's Session (architecture, dataset,
    settings, runs, weights, images), its events as Qt signals, and the undo stack that wraps
    its edits."""

    #: A different project was loaded (the undo history starts afresh).
    project_replaced = Signal()
    #: The dataset source or the training settings changed.
    dataset_changed = Signal()
    training_changed = Signal()
    #: A run was recorded, or runs were removed.
    runs_changed = Signal()
    #: The Playground's images of the project changed (added, removed, cropped).
    images_changed = Signal()
    #: The cards' positions on the graph canvas changed (moved, or arranged again).
    positions_changed = Signal()
    #: Unsaved changes appeared or were saved.
    modified_changed = Signal(bool)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = Session(project)
        for name in (
            "dataset_changed",
            "training_changed",
            "runs_changed",
            "images_changed",
            "positions_changed",
        ):
            getattr(self.session, name).connect(getattr(self, name).emit)
        self.session.replaced.connect(self.project_replaced.emit)
        self.undo_stack = QUndoStack(self)
        self._sessions = count(1)
        self._unsaved_results = False
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # State -------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        return self.session.document

    @property
    def architecture(self) -> Architecture:
        return self.session.architecture

    @property
    def summary(self) -> Summary:
        return self.session.summary

    @property
    def project(self) -> Project:
        return self.session.project

    @property
    def dataset(self):
        return self.session.dataset

    @property
    def training(self):
        return self.session.training

    @property
    def runs(self):
        return self.session.runs

    @property
    def weights(self):
        return self.session.weights

    @property
    def template(self):
        return self.session.template

    @property
    def images(self):
        return self.session.images

    @property
    def positions(self):
        return self.session.positions

    def set_positions(self, positions, text: str = "Move cards") -> None:
        """Where the graph canvas's cards go (undoable; empty: the automatic layout)."""
        positions = dict(positions)
        if positions != dict(self.positions):
            self.push(SetPositions(positions), text)

    @property
    def replacing(self) -> bool:
        """True while another project is being announced (load)."""
        return self.session.replacing

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
        self.undo_stack.clear()
        self._unsaved_results = False
        self.undo_stack.setClean()
        self.session.load(project)
        self.mark_saved()

    def _unsaved(self, edit) -> None:
        """Apply an edit that is not undone (a run recorded, an image opened) but unsaved."""
        self.session.apply(edit)
        self._unsaved_results = True
        self.modified_changed.emit(True)

    def record_results(self, runs, weights) -> None:
        """Keep a finished run (and the weights it trained): not undoable, but unsaved."""
        self._unsaved(SetResults(tuple(runs), weights))

    def set_images(self, images) -> None:
        """The Playground's images changed: not undoable (like a run), but unsaved."""
        images = tuple(images)
        if images != self.images:
            self._unsaved(SetImages(images))

    def set_dataset(self, source) -> None:
        """Choose the dataset (undoable)."""
        if source != self.dataset:
            self.push(SetDataset(source), "Choose dataset")

    def set_training(self, settings, session: int = 0) -> None:
        """Change the training settings (undoable; typing in one field is one step)."""
        if settings != self.training:
            merge = ("training", session) if session else None
            self.push(SetTraining(settings), "Change training settings", merge)

    def delete_runs(self, kept, text: str) -> None:
        """Keep only these runs (undoable)."""
        self.push(SetRuns(tuple(kept)), text)

    def new_session(self) -> int:
        """A new merge session: edits of one field merge only within one session."""
        return next(self._sessions)

    def push(self, edit, text: str, merge_key: Hashable = None) -> None:
        self.undo_stack.push(EditCommand(self.session, edit, text, merge_key))

    # Layers ------------------------------------------------------------------------------

    def insert_layer(self, type_name: str, index: int | None = None) -> int:
        """Add a new layer of a catalogue type (at the end by default); returns its row."""
        index = len(self.architecture.layers) if index is None else index
        self.push(InsertLayer(index, LayerConfig.new(type_name)), f"Add {type_name}")
        return index

    def remove_layers(self, rows: Iterable[int]) -> None:
        """Delete layers; in a graph, what took a deleted layer takes what it took."""
        rows = sorted(set(rows), reverse=True)
        if not rows:
            return
        arch = self.architecture
        layers = arch.layers
        text = f"Delete {layers[rows[0]].type}" if len(rows) == 1 else f"Delete {len(rows)} layers"
        if arch.is_stack:
            self.push(Batch(tuple(RemoveLayer(r) for r in rows)), text)
        else:
            names = arch.layer_names()
            self._push_graph(graph_edits.remove_layers(arch, [names[r] for r in rows]), text)

    # Graph edits (by Keras name; each one undoable step) --------------------------------

    def _push_graph(self, arch: Architecture, text: str) -> None:
        if arch != self.architecture:
            self.push(ReplaceArchitecture(arch), text)

    def add_after(self, source: str | None, type_name: str) -> int:
        """Add a layer taking ``source`` (a layer or input; None: the model's output, or its
        input when it has no layers), which what took ``source`` takes instead; its row."""
        arch = self.architecture
        if source is None:
            names = arch.layer_names()
            source = (arch.outputs or names[-1:] or (arch.inputs[0].name,))[0]
        new, row = graph_edits.insert_after(arch, source, type_name)
        self._push_graph(new, f"Add {type_name} after {source}")
        return row

    def add_into(self, source: str, target: str, type_name: str) -> int:
        """Add a layer on the connection from ``source`` to ``target``; its row."""
        new, row = graph_edits.insert_into(self.architecture, source, target, type_name)
        self._push_graph(new, f"Insert {type_name} between {source} and {target}")
        return row

    def paste_layers(self, layers, after: str | None) -> list[int]:
        """Copies of these layers after ``after`` (None: the output); their rows."""
        new, rows = graph_edits.paste(self.architecture, layers, after)
        what = layers[0].type if len(layers) == 1 else f"{len(layers)} layers"
        self._push_graph(new, f"Paste {what}")
        return rows

    def ungroup_block(self, row: int) -> list[int]:
        """Replace the block (a model used as a layer) at ``row`` by its own layers, to edit
        them one by one; their rows."""
        name = self.summary.layers[row].name
        new, rows = graph_edits.ungroup(self.architecture, name)
        self._push_graph(new, f"Ungroup {name}")
        return rows

    def connect_layers(self, source: str, target: str) -> None:
        """``target`` takes ``source`` (one more input of a merge; instead, for others)."""
        new = graph_edits.connect(self.architecture, source, target)
        self._push_graph(new, f"Connect {source} to {target}")

    def disconnect_layers(self, source: str, target: str) -> None:
        new = graph_edits.disconnect(self.architecture, source, target)
        self._push_graph(new, f"Disconnect {source} from {target}")

    def duplicate_layers(self, rows: Iterable[int]) -> list[int]:
        """Copies of the rows, in order, right after the last of them; returns their rows. In
        a graph, the copy follows the selection's last layer, as a block pasted after it."""
        rows = sorted(set(rows))
        if not rows:
            return []
        if not self.architecture.is_stack:
            names = self.architecture.layer_names()
            copies = graph_edits.copied_layers(self.architecture, [names[r] for r in rows])
            return self.paste_layers(copies, names[rows[-1]])
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
