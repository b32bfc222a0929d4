"""Trained models in and out of the window: which model the Playground uses (the one just
trained, the project's saved one, or a .keras file opened with File > Open Model), and File >
Export Trained Model in every format of ``core.exporting``. Loading, building and converting
run on worker threads: TensorFlow's converters take seconds, the window never waits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from nnstudio.core.exporting import (
    FORMATS,
    ModelInfo,
    export_model,
    load_model,
    model_from_weights,
    model_info,
)
from nnstudio.core.formatting import counted
from nnstudio.gui import dialogs
from nnstudio.gui.background import Threads
from nnstudio.gui.data.data_session import DataSession
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.playground.playground_panel import PlaygroundPanel
from nnstudio.gui.settings import Settings
from nnstudio.gui.training.training_controller import Outcome, TrainingController

MODEL_FILTER = "Keras models (*.keras);;All files (*)"
#: Format -> (menu text, what it is, file filter of the save dialog).
EXPORTS = {
    "keras": ("&Keras Model (.keras)…", "a Keras model", "Keras models (*.keras)"),
    "savedmodel": (
        "TensorFlow &SavedModel (folder)…",
        "a TensorFlow SavedModel",
        "SavedModel folder (*)",
    ),
    "tflite": ("TensorFlow &Lite (.tflite)…", "a TFLite model", "TFLite models (*.tflite)"),
    "onnx": ("&ONNX (.onnx)…", "an ONNX model", "ONNX models (*.onnx)"),
    "python": (
        "&Python Script with Training (.py)…",
        "a Python script that rebuilds and trains the model",
        "Python script (*.py)",
    ),
}
EXPORT_TIPS = {
    "keras": "The trained model as Keras saves it, class names inside; File > Open Model "
    "reads it back",
    "savedmodel": "A TensorFlow SavedModel folder (model.export) for TF Serving and "
    "tf.saved_model.load; class names in assets/labels.txt",
    "tflite": "A TensorFlow Lite / LiteRT flatbuffer for phones and small devices; class "
    "names packed inside",
    "onnx": "An ONNX model for onnxruntime and other runtimes (needs the export extra: "
    'pip install -e ".[export]" in nnstudio\'s folder); class names in its metadata',
    "python": "A standalone Keras script: build_model(), the data loading and the training "
    "settings; run it to train the model again",
}


@dataclass
class PlaygroundModel:
    """The model the Playground uses and what it means."""

    model: object
    info: ModelInfo
    #: Where it came from, for messages: "trained in the window" or a file's name.
    origin: str


def _export(model, info: ModelInfo, fmt: str, path: str, saved=None):
    """Build the model from saved weights if need be, then export it (on a worker thread)."""
    if model is None and saved is not None:
        model = model_from_weights(*saved)
    return fmt, info, export_model(model, info, fmt, path)


def _open(path: Path):
    return (path, *load_model(path))


def _build(project: int, architecture, weights):
    return project, architecture, model_from_weights(architecture, weights)


class ModelFiles(QObject):
    """Opens .keras models into the Playground and exports the trained model."""

    #: A status-bar message.
    message = Signal(str)
    #: A model file was opened into the Playground.
    opened = Signal(object)  # PlaygroundModel
    #: An export finished (the path written) or failed (None).
    exported = Signal(object)

    def __init__(
        self,
        window: QWidget,
        editor: Editor,
        trainer: TrainingController,
        session: DataSession,
        playground: PlaygroundPanel,
        settings: Settings,
    ) -> None:
        super().__init__(window)
        self._window, self._editor, self._trainer = window, editor, trainer
        self._session, self._playground, self._settings = session, playground, settings
        self._jobs = Threads(self)
        self.current: PlaygroundModel | None = None
        self._building = False
        # What each running job is about, for its failure message: two exports (or opens)
        # may run at once. Slots run on this thread (a worker's signal must reach a bound
        # method of this object, never a lambda) and find their job as the signal's sender.
        self._about: dict[object, object] = {}
        trainer.finished.connect(self._on_trained)
        trainer.weights_changed.connect(self._on_weights_changed)
        editor.project_replaced.connect(self._on_project_replaced)
        playground.images.edited.connect(self._on_images_edited)
        #: Bumped by each project opened: a model still being built for the previous one
        #: (from its saved weights) is dropped when it comes.
        self._project = 0

    @property
    def busy(self) -> bool:
        return self._jobs.busy

    def wait(self) -> None:
        self._jobs.wait()

    # The Playground's model --------------------------------------------------------------

    def _info(self, architecture) -> ModelInfo:
        """What the window's trained model means, from the project and the loaded dataset."""
        project = self._editor.project
        dataset = self._session.dataset
        if dataset is not None and self._session.source != project.dataset:
            dataset = None
        weights = project.weights
        fits = weights is not None and weights.fits(architecture)
        names = weights.class_names if fits else ()
        preprocessing = weights.preprocessing if fits else None  # what it was trained with
        return model_info(
            architecture, project.dataset, project.training, dataset, names, preprocessing
        )

    def _trained_description(self, architecture) -> str:
        epochs = self._trainer.epochs_done
        text = f"{architecture.name}, trained {counted(epochs, 'epoch')}"
        dataset = self._session.dataset
        return text + (f" on {dataset.name}" if dataset is not None else "")

    def _on_trained(self, outcome: Outcome) -> None:
        if outcome.model is None or outcome.architecture is None:
            return
        info = self._info(outcome.architecture)
        if outcome.evaluation is not None and outcome.evaluation.class_names:
            info = info.replace(class_names=tuple(outcome.evaluation.class_names))
        self._use(
            PlaygroundModel(outcome.model, info, "trained in the window"),
            self._trained_description(outcome.architecture),
        )

    def _on_project_replaced(self) -> None:
        """Nothing of the previous project stays in the Playground: its model (or the file
        opened there), its drawing, its answers; the new project's images come instead."""
        self._project += 1
        self._building = False
        self.current = None
        self._playground.show_project(self._editor.images)
        if self._playground.isVisible():
            self.ensure_model()

    def _on_images_edited(self) -> None:
        self._editor.set_images(self._playground.images.project_images())

    def _on_weights_changed(self) -> None:
        if self._trainer.model is None and (self.current is None or self._is_windows()):
            self.current = None
            self._playground.clear_model()
            if self._playground.isVisible():
                self.ensure_model()

    def _is_windows(self) -> bool:
        return self.current is not None and self.current.origin == "trained in the window"

    def _saved(self):
        """(architecture, weights) saved in the project for the model as it stands, or None."""
        weights = self._editor.project.weights
        architecture = self._editor.architecture
        if weights is None or not weights.fits(architecture):
            return None
        return architecture, weights

    def ensure_model(self) -> None:
        """Give the Playground the project's saved model if it has none (opening a trained
        project does not import TensorFlow until the Playground is shown)."""
        if self.current is not None or self._building:
            return
        saved = self._saved()
        if saved is None:
            return
        self._building = True
        architecture = saved[0]
        self._playground.status.setText(f"Loading the trained {architecture.name}…")
        job = self._jobs.run(
            _build, self._project, *saved, finished=self._on_built, failed=self._on_build_failed
        )
        self._about[job] = self._project

    def _on_built(self, result) -> None:
        self._job_about(None)
        project, architecture, model = result
        if project != self._project:
            return  # built for a project that is no longer open
        self._building = False
        if self._saved() is None or self._saved()[0] != architecture:
            return  # the model changed meanwhile
        info = self._info(architecture)
        self._use(
            PlaygroundModel(model, info, "trained in the window"),
            self._trained_description(architecture) + " (saved in the project)",
        )

    def _on_build_failed(self, message: str) -> None:
        if self._job_about(self._project) != self._project:
            return  # the model of a project that is no longer open
        self._building = False
        self._playground.clear_model(f"The project's trained model cannot be loaded: {message}")

    def _use(self, current: PlaygroundModel, description: str) -> None:
        self.current = current
        dataset = self._session.dataset if current.origin == "trained in the window" else None
        self._playground.set_model(
            current.model,
            current.info.class_names,
            description,
            dataset,
            current.info.outputs,
            info=current.info,
        )

    # Open Model --------------------------------------------------------------------------

    def open_model(self, path: str | Path | None = None) -> None:
        """Open a .keras model into the Playground (safely: no Lambda layers, no custom
        code), asking which when no path is given."""
        if path is None:
            path = dialogs.ask_open_path(
                self._window, "Open model", self._settings.last_directory, MODEL_FILTER
            )
            if not path:
                return
        path = Path(path)
        self.message.emit(f"Opening {path.name}…")
        job = self._jobs.run(_open, path, finished=self._on_opened, failed=self._on_open_failed)
        self._about[job] = path

    def _job_about(self, default):
        """What the job whose signal is being handled was about (and forget it)."""
        return self._about.pop(self.sender(), default)

    def _on_opened(self, result) -> None:
        self._job_about(None)
        path, model, info = result
        self._settings.last_directory = str(path.parent)
        what = f"{len(info.class_names)} classes" if info.class_names else "a regression"
        description = f"{path.name} ({info.name}, {what})"
        if info.guessed:
            description += ": no class names saved with it, classes are numbered"
        current = PlaygroundModel(model, info, path.name)
        self._use(current, description)
        self.message.emit(f"Opened {path.name} in the Playground")
        self.opened.emit(current)

    def _on_open_failed(self, text: str) -> None:
        path = self._job_about(Path("the model"))
        dialogs.show_error(self._window, "Cannot open the model", f"{path}\n\n{path.name} {text}")
        self.message.emit(f"Cannot open {path.name}: {text}")

    # Export ------------------------------------------------------------------------------

    def can_export(self, fmt: str) -> bool:
        """Whether there is something to export in ``fmt`` (the script needs no weights)."""
        trained = self.current is not None or self._trainer.model is not None
        return fmt == "python" or trained or self._saved() is not None

    def _what_to_export(self, fmt: str):
        """(model or None, info, saved weights or None) of the model to export."""
        if self.current is not None:
            return self.current.model, self.current.info, None
        architecture = self._trainer.architecture or self._editor.architecture
        if self._trainer.model is not None:
            return self._trainer.model, self._info(architecture), None
        saved = self._saved()
        if saved is not None:
            return None, self._info(saved[0]), saved
        return None, self._info(self._editor.architecture), None

    def _suggest(self, fmt: str, info: ModelInfo) -> str:
        suffix = FORMATS[fmt] if fmt != "savedmodel" else "_savedmodel"
        return str(Path(self._settings.last_directory) / f"{dialogs.file_stem(info.name)}{suffix}")

    def export(self, fmt: str, path: str | Path | None = None) -> None:
        """Export the Playground's model (or the window's trained one) as ``fmt``, asking
        where when no path is given."""
        if not self.can_export(fmt):
            dialogs.show_error(
                self._window,
                "Nothing to export yet",
                "There is no trained model yet: train one in the Training tab (or open a "
                "trained project or model), then export it.",
            )
            return
        model, info, saved = self._what_to_export(fmt)
        if path is None:
            _, what, filters = EXPORTS[fmt]
            path = dialogs.ask_save_path(
                self._window, f"Export as {what}", self._suggest(fmt, info), filters
            )
            if not path:
                return
        path = Path(path)
        suffix = FORMATS[fmt]
        if suffix and path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.message.emit(f"Exporting {info.name} as {EXPORTS[fmt][1]}…")
        job = self._jobs.run(
            _export,
            model,
            info,
            fmt,
            str(path),
            saved,
            finished=self._on_exported,
            failed=self._on_export_failed,
        )
        self._about[job] = (fmt, path)

    def _on_exported(self, result) -> None:
        self._job_about(None)
        fmt, info, written = result
        self._settings.last_directory = str(Path(written).parent)
        names = f", with its {len(info.class_names)} class names" if info.class_names else ""
        self.message.emit(f"Exported {info.name} as {EXPORTS[fmt][1]} to {written}{names}")
        self.exported.emit(Path(written))

    def _on_export_failed(self, text: str) -> None:
        fmt, path = self._job_about(("the format", Path("the file")))
        dialogs.show_error(
            self._window, "Cannot export the model", f"{path}\n\nCannot export as {fmt}: {text}"
        )
        self.message.emit(f"Cannot export as {fmt}: {text}")
        self.exported.emit(None)
