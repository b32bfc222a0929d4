"""The project under edit, Qt-free: its architecture (a :class:`Document`, with its summary kept
fresh), the dataset chosen, the training settings, the runs and trained weights, the template it
came from and the Playground's images. Every change is a pure edit that ``apply`` answers with
the edit that undoes it; events announce each change. The window's undo stack wraps it (and
``nnstudio`` scripts can use it as they are).

Project edits (``SetDataset``, ``SetTraining``, ``SetRuns``, ``SetResults``, ``SetImages``)
work on the project as architecture edits work on the architecture; a ``Batch`` may hold both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nnstudio.core.datasets import DatasetSource
from nnstudio.core.document import Document, Signal
from nnstudio.core.edits import Batch, Edit
from nnstudio.core.project import PlaygroundImage, Project, Weights
from nnstudio.core.training.runs import RunRecord
from nnstudio.core.training.settings import TrainingSettings


@dataclass(frozen=True)
class SetDataset:
    source: DatasetSource

    def apply(self, project: Project) -> tuple[Project, SetDataset]:
        return project.replace(dataset=self.source), SetDataset(project.dataset)

    def describe(self) -> str:
        return "Choose dataset"


@dataclass(frozen=True)
class SetTraining:
    settings: TrainingSettings

    def apply(self, project: Project) -> tuple[Project, SetTraining]:
        return project.replace(training=self.settings), SetTraining(project.training)

    def describe(self) -> str:
        return "Change training settings"


@dataclass(frozen=True)
class SetRuns:
    """The runs kept (deleting some in the Runs tab)."""

    runs: tuple[RunRecord, ...]

    def apply(self, project: Project) -> tuple[Project, SetRuns]:
        return project.replace(runs=tuple(self.runs)), SetRuns(project.runs)

    def describe(self) -> str:
        return "Delete runs"


@dataclass(frozen=True)
class SetResults:
    """A run recorded (or weights reset): the runs and the trained weights together."""

    runs: tuple[RunRecord, ...]
    weights: Weights | None

    def apply(self, project: Project) -> tuple[Project, SetResults]:
        changed = project.replace(runs=tuple(self.runs), weights=self.weights)
        return changed, SetResults(project.runs, project.weights)

    def describe(self) -> str:
        return "Record the run"


@dataclass(frozen=True)
class SetImages:
    images: tuple[PlaygroundImage, ...]

    def apply(self, project: Project) -> tuple[Project, SetImages]:
        return project.replace(images=tuple(self.images)), SetImages(project.images)

    def describe(self) -> str:
        return "Change the Playground's images"


@dataclass(frozen=True)
class SetPositions:
    """Where the person put the graph canvas's cards (empty: the automatic layout)."""

    positions: Mapping[str, tuple[float, float]]

    def apply(self, project: Project) -> tuple[Project, SetPositions]:
        return project.replace(positions=dict(self.positions)), SetPositions(project.positions)

    def describe(self) -> str:
        return "Move cards"


ProjectEdit = SetDataset | SetTraining | SetRuns | SetResults | SetImages | SetPositions

#: Which event each project edit fires.
_EVENTS = {
    SetDataset: ("dataset_changed",),
    SetTraining: ("training_changed",),
    SetRuns: ("runs_changed",),
    SetResults: ("runs_changed",),
    SetImages: ("images_changed",),
    SetPositions: ("positions_changed",),
}


class Session:
    """The project under edit. Events fire after each change: the architecture's through
    ``document`` (layer by layer), the others here; ``replaced`` when another project is
    loaded, followed by every other event (``replacing`` is true meanwhile)."""

    def __init__(self, project: Project) -> None:
        self.document = Document(project.architecture)
        self._project = project
        self.replaced = Signal()
        self.dataset_changed = Signal()
        self.training_changed = Signal()
        self.runs_changed = Signal()
        self.images_changed = Signal()
        self.positions_changed = Signal()
        #: True while ``load`` announces another project.
        self.replacing = False

    # State -------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project.replace(architecture=self.document.architecture)

    @property
    def architecture(self):
        return self.document.architecture

    @property
    def summary(self):
        return self.document.summary

    @property
    def dataset(self) -> DatasetSource:
        return self._project.dataset

    @property
    def training(self) -> TrainingSettings:
        return self._project.training

    @property
    def runs(self) -> tuple[RunRecord, ...]:
        return self._project.runs

    @property
    def weights(self) -> Weights | None:
        return self._project.weights

    @property
    def template(self) -> str | None:
        return self._project.template

    @property
    def images(self) -> tuple[PlaygroundImage, ...]:
        return self._project.images

    @property
    def positions(self) -> Mapping[str, tuple[float, float]]:
        return self._project.positions

    # Changes -----------------------------------------------------------------------------

    def apply(self, edit: Edit | ProjectEdit) -> Edit | ProjectEdit:
        """Apply an edit of the architecture or of the project, announce it, and return the
        edit that undoes it."""
        if isinstance(edit, Batch) and any(isinstance(e, ProjectEdit) for e in edit.edits):
            return Batch(tuple(reversed([self.apply(e) for e in edit.edits])))
        if not isinstance(edit, ProjectEdit):
            return self.document.apply(edit)
        self._project, inverse = edit.apply(self._project)
        for event in _EVENTS[type(edit)]:
            getattr(self, event).emit()
        return inverse

    def load(self, project: Project) -> None:
        """Another project: everything is replaced and announced."""
        self._project = project
        self.document.replace(project.architecture)
        self.replacing = True
        try:
            for event in (
                self.replaced,
                self.dataset_changed,
                self.training_changed,
                self.runs_changed,
                self.images_changed,
                self.positions_changed,
            ):
                event.emit()
        finally:
            self.replacing = False
