"""Keras' own ``model.summary()``, built in the background: the first time, TensorFlow loads
(a few seconds) while the window stays responsive and says so."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QProgressBar, QVBoxLayout

from nnstudio.core import backend
from nnstudio.core.architecture import Architecture
from nnstudio.core.building import keras_summary_text
from nnstudio.gui.background import Threads


class KerasSummaryDialog(QDialog):
    """Shows what Keras itself prints for the current model."""

    def __init__(self, architecture: Architecture, jobs: Threads, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Keras' summary of {architecture.name}")
        self.resize(760, 520)
        self.status = QLabel(
            "Building the model with Keras…"
            if backend.is_loaded()
            else "Loading TensorFlow (the first time takes a few seconds)…"
        )
        self.status.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.text, 1)
        jobs.run(
            keras_summary_text, architecture, finished=self._on_finished, failed=self._on_failed
        )

    @Slot(object)
    def _on_finished(self, text: str) -> None:
        self.busy.hide()
        self.status.setText("What Keras' own model.summary() prints for this model:")
        self.text.setPlainText(text)
        self.text.show()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.busy.hide()
        self.status.setText(f"Keras could not build the model: {message}")
