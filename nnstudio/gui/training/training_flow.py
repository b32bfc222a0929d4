"""From "Train" to a recorded run: load the dataset if needed, check that the model fits it
(offering the fixes), train on the worker thread, then record the run, keep the weights and
show the evaluation. Choosing a dataset offers to fit the model to it (asking first)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from nnstudio.core.articles import article_of, article_recipe
from nnstudio.core.datasets import (
    BUILTIN,
    Dataset,
    download_size_mb,
    needs_download,
    shape_it_reads_at,
)
from nnstudio.core.edits import Batch
from nnstudio.core.formatting import capitalized
from nnstudio.core.training import TrainingError, fit_fixes, plan
from nnstudio.gui import dialogs
from nnstudio.gui.data.data_session import DataSession
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.training.training_controller import Outcome, TrainingController


class TrainingFlow(QObject):
    #: Something worth a line in the status bar.
    message = Signal(str)
    #: A run finished with an evaluation to show: (evaluation, weights list).
    evaluated = Signal(object, object)

    def __init__(
        self, window, editor: Editor, session: DataSession, controller: TrainingController
    ) -> None:
        super().__init__(window)
        self._window, self._editor = window, editor
        self._session, self._controller = session, controller
        self._pending = None  # a Train or an Evaluate waiting for its dataset
        self._offer_fit = False
        self._choosing_recipe = False
        editor.dataset_changed.connect(self._on_dataset_chosen)
        editor.project_replaced.connect(self._on_project_replaced)
        session.loaded.connect(self._on_loaded)
        session.failed.connect(self._on_load_failed)
        controller.finished.connect(self._on_finished)

    # Datasets ----------------------------------------------------------------------------

    def load_dataset(self) -> None:
        self._session.load(self._editor.dataset, tuple(self._editor.architecture.input_shape))

    def load_unless_downloading(self) -> None:
        """Load the chosen dataset, unless it would be downloaded first: that waits for the
        person to press Download and load (or Train), knowing how large it is."""
        source = self._editor.dataset
        if needs_download(source):
            self.message.emit(
                f"{BUILTIN.get(source.name, source.name)} is not on this computer yet: "
                f"press Download and load ({download_size_mb(source.name):.3g} MB) in the "
                "Data tab, or use a file you already have."
            )
            return
        self.load_dataset()

    def _on_dataset_chosen(self) -> None:
        if self._editor.replacing or self._choosing_recipe:
            return  # a project opened (it loads its own) or the recipe loads it at once
        if self._session.source != self._editor.dataset:
            self._offer_fit = True
            self.load_unless_downloading()

    def _on_project_replaced(self) -> None:
        """Another project: nothing of the previous one goes on (a Train or an Evaluate
        waiting for its data, a load still reading its dataset, an offer to fit its data)."""
        self._offer_fit = False
        self._pending = None
        if self._session.busy and self._session.source != self._editor.dataset:
            self._session.abandon()
        self._controller.adopt(self._editor.architecture, self._editor.weights)
        self.load_unless_downloading()

    def _on_load_failed(self, message: str) -> None:
        self._pending = None
        self.message.emit(f"The dataset could not be loaded: {message}")

    def _on_loaded(self, dataset: Dataset) -> None:
        if self._offer_fit:
            self._offer_fit = False
            self.offer_fit(dataset)
        if self._pending is not None:
            then, self._pending = self._pending, None
            then()

    def offer_fit(self, dataset: Dataset) -> None:
        """If the model does not take the dataset, propose the changes that make it fit."""
        arch = self._editor.architecture
        fixes = fit_fixes(arch, dataset)
        if not fixes:
            return
        if dialogs.ask_fit(self._window, dataset.name, [text for text, _ in fixes]):
            self._editor.push(
                Batch(tuple(edit for _, edit in fixes)), f"Fit the model to {dataset.name}"
            )
            self.message.emit(f"The model now fits {dataset.name} (Ctrl+Z to undo).")

    # Training ----------------------------------------------------------------------------

    def _dataset(self) -> Dataset | None:
        """The loaded dataset, if it is the chosen one as the model needs it read (an image
        folder is read again at a new input size)."""
        session, source = self._session, self._editor.dataset
        shape = shape_it_reads_at(source, self._editor.architecture.input_shape)
        ready = session.source == source and not session.busy and session.read_shape == shape
        return session.dataset if ready else None

    def _dataset_then(self, then) -> Dataset | None:
        """The loaded dataset; or None, having started loading it so as to ``then()``."""
        dataset = self._dataset()
        if dataset is None:
            self._pending = then
            if not self._session.busy or self._session.source != self._editor.dataset:
                self.load_dataset()
            self.message.emit("Loading the dataset first…")
        return dataset

    def train(self, resume: bool = False) -> None:
        if self._controller.running:
            return
        dataset = self._dataset_then(lambda: self.train(resume))
        if dataset is None:
            return
        arch, settings = self._editor.architecture, self._editor.training
        try:
            plan(arch, dataset, settings)
        except TrainingError as e:
            self._refused(e, resume)
            return
        ids = [run.id for run in self._editor.runs]
        self._controller.train(
            arch, dataset, settings, self._editor.dataset, max(ids, default=0) + 1, resume
        )
        self.message.emit("Training… (the window stays usable; Pause and Stop act between batches)")

    def _refused(self, error: TrainingError, resume: bool) -> None:
        message = capitalized(str(error))
        if error.fixes and dialogs.ask_fit(
            self._window, self._session.dataset.name, [text for text, _ in error.fixes]
        ):
            self._editor.push(Batch(tuple(edit for _, edit in error.fixes)), "Fit the model")
            self.train(resume)
            return
        dialogs.show_error(self._window, "Cannot train this model", message)
        self.message.emit(message)

    def evaluate(self) -> None:
        """Evaluate the trained weights on the dataset's test set (on the worker thread)."""
        if self._controller.running:
            return
        arch = self._editor.architecture
        if not self._controller.can_continue(arch):
            text = (
                "The trained weights belong to another version of the model; train this one first."
                if self._controller.trained
                else "There is no trained model to evaluate yet: train one first."
            )
            self.message.emit(text)
            return
        dataset = self._dataset_then(self.evaluate)
        if dataset is None:
            return
        settings = self._editor.training
        try:
            plan(arch, dataset, settings)
        except TrainingError as e:
            message = capitalized(str(e))
            dialogs.show_error(self._window, "Cannot evaluate on this dataset", message)
            self.message.emit(message)
            return
        self._controller.evaluate(arch, dataset, settings)
        self.message.emit(f"Evaluating the model on {dataset.name}…")

    def use_article_recipe(self) -> None:
        """The template's article's data and training settings, in one undoable step, and
        the data loaded (downloaded first if it must be: that is what the person asked)."""
        project = self._editor.project
        recipe = article_recipe(project)
        if recipe is None:
            return
        dataset, training = recipe
        name = article_of(project.template).name
        stack = self._editor.undo_stack
        self._choosing_recipe = True
        try:
            stack.beginMacro(f"Use {name.lower()}'s recipe")
            self._editor.set_dataset(dataset)
            self._editor.set_training(training)
            stack.endMacro()
        finally:
            self._choosing_recipe = False
        self._offer_fit = True  # the article's data may not fit an edited input
        self.load_dataset()
        self.message.emit(
            f"{name}'s data and settings (Ctrl+Z to undo): loading {BUILTIN.get(dataset.name, '')}…"
        )

    def reset(self) -> None:
        self._controller.reset()
        self._editor.record_results(self._editor.runs, None)
        self.message.emit("The weights were reset: the next run starts from new ones.")

    def _on_finished(self, outcome: Outcome) -> None:
        result = outcome.result
        if outcome.record is not None:
            weights = outcome.weights if outcome.weights is not None else self._editor.weights
            self._editor.record_results((*self._editor.runs, outcome.record), weights)
        if outcome.evaluation is not None:
            self.evaluated.emit(outcome.evaluation, outcome.values)
        text = capitalized(result.message)
        if outcome.record is None and outcome.evaluation is not None:
            evaluation = outcome.evaluation
            text = f"Evaluated the model on the {evaluation.split}"
            if evaluation.is_classification:
                text += f": accuracy {evaluation.accuracy:.2%}"
        elif result.test and "accuracy" in result.test:
            text += f": test accuracy {result.test['accuracy']:.2%}"
        self.message.emit(text + ".")
