"""The dataset in memory: loaded on a worker thread with progress and cancel, so that a download
or a large folder never freezes the window."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from nnstudio.core.datasets import (
    Dataset,
    DatasetCancelled,
    DatasetError,
    DatasetSource,
    load_dataset,
    shape_it_reads_at,
)
from nnstudio.core.formatting import capitalized
from nnstudio.gui.background import Threads, Worker


class _Loader(Worker):
    """Loads on its thread; its outcomes carry the load's cancel event, which tells the session
    whether the load is still the one it wants."""

    progress = Signal(object, str)
    loaded = Signal(object, object)  # Dataset, cancel event
    failed = Signal(str, object)  # message, cancel event

    def __init__(self, source: DatasetSource, input_shape, cancel: threading.Event) -> None:
        super().__init__()
        self._source, self._input_shape, self._cancel = source, input_shape, cancel

    def work(self) -> None:
        try:
            dataset = load_dataset(
                self._source,
                self._input_shape,
                lambda f, text: self.progress.emit(f, text),
                self._cancel.is_set,
            )
        except DatasetCancelled as e:
            self.failed.emit(capitalized(str(e)) + ".", self._cancel)
        except DatasetError as e:
            self.failed.emit(str(e), self._cancel)
        except Exception as e:  # a message in the window, never a dead window
            self.failed.emit(f"{type(e).__name__}: {e}", self._cancel)
        else:
            self.loaded.emit(dataset, self._cancel)


class DataSession(QObject):
    """Holds the loaded dataset of the project and loads another when asked."""

    loading = Signal(object)  # DatasetSource
    progress = Signal(object, str)  # fraction or None, what is happening
    loaded = Signal(object)  # Dataset
    failed = Signal(str)
    #: A load was given up (another project was opened): nothing is loading any more.
    abandoned = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self.source: DatasetSource | None = None
        #: The model input shape the dataset was read at, where that matters (an image
        #: folder read at the model's size): see ``shape_it_reads_at``.
        self.read_shape: tuple | None = None
        self._reading: tuple | None = None
        self._cancel: threading.Event | None = None
        #: Loads given up without a word (their cancel events): their failure is not news.
        self._abandoned: set[threading.Event] = set()
        self._threads = Threads(self)

    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def load(self, source: DatasetSource, input_shape=None) -> None:
        """Load a dataset (cancelling one still loading)."""
        self.cancel()
        self.source = source
        self._reading = shape_it_reads_at(source, input_shape)
        cancel = self._cancel = threading.Event()
        loader = _Loader(source, input_shape, cancel)
        # Bound methods of this object, so that they run on the GUI thread (a lambda would run
        # on the loader's thread, changing the session under the GUI's feet).
        loader.progress.connect(self._on_progress)
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        self.loading.emit(source)
        self._threads.start(loader)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def abandon(self) -> None:
        """Forget a load still going (another project is open): it reports nothing, and the
        session is back to the dataset it holds."""
        if self._cancel is not None:
            self._abandoned.add(self._cancel)
            self.cancel()
            self.source = self.dataset.source if self.dataset is not None else None
            self.abandoned.emit()

    def _on_progress(self, fraction, text: str) -> None:
        if self._cancel is not None:
            self.progress.emit(fraction, text)

    def _on_loaded(self, dataset: Dataset, cancel: threading.Event) -> None:
        if cancel is not self._cancel:  # a load that was replaced or cancelled
            return
        self._cancel = None
        self.dataset, self.read_shape = dataset, self._reading
        self.loaded.emit(dataset)

    def _on_failed(self, message: str, cancel: threading.Event) -> None:
        if cancel in self._abandoned:
            self._abandoned.discard(cancel)
            return
        if self._cancel is not None and cancel is not self._cancel:
            return  # replaced by another load: its own outcome will be reported
        self._cancel = None
        self.failed.emit(message)

    def wait(self) -> None:
        self.cancel()
        self._threads.wait()
