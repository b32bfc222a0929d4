"""The Training tab: settings, controls, progress with ETA and samples/s, live curves, a log.
It only draws: the work happens on the training controller's worker thread."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.articles import compare_run, note
from nnstudio.core.formatting import counted
from nnstudio.core.training.loop import RunInfo
from nnstudio.core.training.runs import result_sentence
from nnstudio.gui import dialogs, theme
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.training.article_note import ArticleBox, comparison_html
from nnstudio.gui.training.settings_form import TrainingSettingsForm
from nnstudio.gui.training.training_controller import Outcome, TrainingController
from nnstudio.gui.widgets import MessageLabel, StatusLabel

LOG_LINES = 2000
NOT_TRAINED = "Not trained yet. Choose a dataset in the Data tab, then Train."


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def epoch_summary(logs: dict) -> str:
    """An epoch's figures as Keras prints them: training, then validation, then the rate."""
    order = sorted(logs, key=lambda k: (k == "learning_rate", k.startswith("val_"), k != "loss"))
    return ", ".join(f"{k.replace('_', ' ')} {logs[k]:.4g}" for k in order)


class TrainingPanel(QWidget):
    #: Train (False) or continue training (True).
    train_requested = Signal(bool)
    reset_requested = Signal()
    #: The person asked for the template's article's data and settings.
    recipe_requested = Signal()

    def __init__(self, editor: Editor, controller: TrainingController, parent=None) -> None:
        super().__init__(parent)
        self._editor, self._controller = editor, controller
        self.form = TrainingSettingsForm(editor)
        self.article = ArticleBox()
        self.article.recipe_requested.connect(self.recipe_requested)
        #: The last result beside the article's figure.
        self.comparison = MessageLabel()
        self.comparison.hide()
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Train a new model from fresh weights (Ctrl+T)")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop after this batch, keeping the weights trained so far")
        self.continue_button = QPushButton("Continue training")
        self.continue_button.setToolTip("Train for more epochs from the current weights")
        self.reset_button = QPushButton("Reset weights")
        self.reset_button.setToolTip("Forget the trained weights; the next run starts afresh")
        self.save_plots_button = QPushButton("Save Plots…")
        self.save_plots_button.setToolTip("Save the loss, accuracy and learning-rate plots as PNG")
        self.progress = QProgressBar()
        self.progress.setFormat("%p%")
        self.status = StatusLabel(NOT_TRAINED)
        self.weights_label = QLabel()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log.setPlaceholderText("What training did and said appears here.")
        self.plots_host = QVBoxLayout()
        self.plots = None

        # Two rows, so the tab stays narrow enough to leave the palette and inspector room.
        start_row, control_row = QHBoxLayout(), QHBoxLayout()
        for row, row_buttons in (
            (start_row, (self.train_button, self.continue_button)),
            (control_row, (self.pause_button, self.stop_button, self.reset_button)),
        ):
            for button in row_buttons:
                row.addWidget(button)
            row.addStretch(1)
        start_row.addWidget(self.save_plots_button)
        right = QWidget()
        column = QVBoxLayout(right)
        column.addLayout(start_row)
        column.addLayout(control_row)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        column.addWidget(self.comparison)
        column.addWidget(self.weights_label)
        column.addLayout(self.plots_host, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(right)
        split.addWidget(self.log)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 1)
        split.setSizes([620, 110])  # the plots get the room; the log a few lines
        settings = QWidget()
        settings_column = QVBoxLayout(settings)
        settings_column.setContentsMargins(0, 0, 0, 0)
        settings_column.addWidget(self.article)
        settings_column.addWidget(self.form, 1)
        scroll = self.settings_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(settings)
        # Opened as wide as the form needs (the article's texts wrap to that width); narrower
        # than that, it scrolls sideways rather than cut the fields at their right. Its small
        # minimum keeps the tab from squeezing the Model tab's docks (the window's central
        # area is as wide as its widest tab needs).
        scroll.setMinimumWidth(300)
        self._settings_width = (
            settings.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 8
        )
        outer = QSplitter()
        outer.addWidget(scroll)
        outer.addWidget(split)
        outer.setStretchFactor(1, 1)
        outer.setSizes([self._settings_width, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(outer)

        self.train_button.clicked.connect(lambda: self.train_requested.emit(False))
        self.continue_button.clicked.connect(lambda: self.train_requested.emit(True))
        self.pause_button.clicked.connect(self._toggle_pause)
        self.stop_button.clicked.connect(controller.stop)
        self.reset_button.clicked.connect(self.reset_requested)
        self.save_plots_button.clicked.connect(lambda: self.save_plots())
        controller.started.connect(self.on_started)
        controller.batches.connect(self.on_batches)
        controller.epoch_done.connect(self.on_epoch)
        controller.message.connect(self.append_log)
        controller.state_changed.connect(self.update_buttons)
        controller.state_changed.connect(self._time_pauses)
        controller.finished.connect(self.on_finished)
        controller.discarded.connect(self._on_discarded)
        editor.project_replaced.connect(self.show_project)
        for signal in (
            editor.dataset_changed,
            editor.training_changed,
            editor.document.summary_changed,
        ):
            signal.connect(self.show_article)
        self._info: RunInfo | None = None
        #: The recorded run whose curves the plots show (until the next run starts).
        self.shown_run = None
        #: The metric of the task as it stands ("accuracy" or "mae"), for the empty plots.
        self._task_metric = "accuracy"
        self._batch_start = 0.0
        self._paused_at: float | None = None
        self._samples = 0
        self.update_buttons()
        self.show_article()

    def ensure_plots(self) -> None:
        """Create the plots (importing pyqtgraph) the first time the tab is shown."""
        if self.plots is None:
            from nnstudio.gui.plots import TrainingPlots

            self.plots = TrainingPlots()
            self.plots_host.addWidget(self.plots)
            if self.shown_run is not None:
                self.plots.show_run(self.shown_run)
            else:
                self.plots.set_metric(self._task_metric)

    def showEvent(self, event) -> None:
        self.ensure_plots()
        super().showEvent(event)

    # Controls ----------------------------------------------------------------------------

    def _toggle_pause(self) -> None:
        if self._controller.state == "paused":
            self._controller.resume()
        else:
            self._controller.pause()

    def save_plots(self, path: str | None = None) -> bool:
        """Save the plots as one PNG (asking where when no path is given)."""
        from nnstudio.gui.plots import save_png

        self.ensure_plots()
        plots = [self.plots.loss, self.plots.metric_plot, self.plots.rate]
        stem = dialogs.file_stem(self._editor.architecture.name)
        suggestion = os.path.join(os.path.expanduser("~"), f"{stem}-plots.png")
        written = dialogs.save_with(
            self,
            "save the plots",
            suggestion,
            dialogs.PNG_FILTER,
            lambda p: save_png(plots, p),
            path,
        )
        if written:
            self.append_log(f"Saved the plots to {written}")
        return bool(written)

    def update_buttons(self, *_) -> None:
        state = self._controller.state
        running = state in ("running", "paused", "stopping")
        can_continue = self._controller.can_continue(self._editor.architecture)
        self.train_button.setEnabled(not running)
        self.continue_button.setEnabled(not running and can_continue)
        self.reset_button.setEnabled(not running and self._controller.trained)
        self.pause_button.setEnabled(state in ("running", "paused"))
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.stop_button.setEnabled(state in ("running", "paused"))
        done = self._controller.epochs_done
        if can_continue:
            self.weights_label.setText(f"Weights: trained for {counted(done, 'epoch')}.")
        elif self._controller.trained:
            self.weights_label.setText(
                "Weights: trained for another version of the model; Train starts afresh."
            )
        else:
            self.weights_label.setText("Weights: new (not trained).")
        if self._info is None:
            return  # no run of this project is going on (a previous project's may be stopping)
        if state == "paused":
            self.status.setText("Paused between two batches. Resume, or Stop to keep the weights.")
        elif state == "stopping":
            self.status.setText("Stopping after this batch…")

    def show_article(self, *_) -> None:
        """The template's article as the project stands: recipe, figure, differences."""
        self.article.show_note(note(self._editor.project))

    def show_task(self, metric: str) -> None:
        """The task's metric, once the dataset says it: the empty plots are named for it."""
        self._task_metric = metric
        idle = self._info is None and self.shown_run is None
        if self.plots is not None and idle and not any(x for x, _ in self.plots.data.values()):
            self.plots.set_metric(metric)

    def show_comparison(self, comparison) -> None:
        """The result against the article's figure; what it takes to reach it is in the
        article box beside it (and, whole, in the tooltip and the log)."""
        self.comparison.setText(comparison_html(comparison, whole=False))
        if comparison is not None:
            self.comparison.setToolTip(comparison.text)
        self.comparison.setVisible(comparison is not None)

    def show_project(self) -> None:
        """What the open project's training left, and nothing of the previous project's: its
        last run's result and curves, or "not trained yet"."""
        self._info = None
        self._paused_at = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.log.clear()
        runs = self._editor.runs
        name = self._editor.architecture.name
        self.shown_run = runs[-1] if runs else None
        self.show_article()
        run, project = self.shown_run, self._editor.project
        self.show_comparison(None if run is None else compare_run(project, run))
        if self.plots is not None:
            if self.shown_run is None:
                self.plots.reset("mae" if self._editor.dataset.name == "function" else "accuracy")
            else:
                self.plots.show_run(self.shown_run)
        if self.shown_run is None:
            self.status.setText(NOT_TRAINED)
            self.append_log(f"Opened {name}: not trained yet.")
        else:
            run = self.shown_run
            text = f"Last run (run {run.id} of {len(runs)}): {run.sentence}"
            self.status.setText(
                text if run.ok else f"<span style='color:{theme.ERROR_COLOR}'>{text}</span>"
            )
            self.append_log(f"Opened {name}, trained {counted(len(runs), 'time')}. {text}")
        self.update_buttons()

    def _on_discarded(self, outcome: Outcome) -> None:
        self.append_log("The previous project's training stopped; its run was not recorded here.")

    def append_log(self, text: str) -> None:
        self.log.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")

    # Training events ---------------------------------------------------------------------

    def on_started(self, info: RunInfo) -> None:
        self.shown_run = None
        self.show_comparison(None)
        self.ensure_plots()
        self._info, self._samples = info, 0
        self._batch_start = time.perf_counter()
        self.plots.reset(
            info.metric, info.steps_per_epoch, keep=info.initial_epoch > 0, epochs=info.epochs
        )
        total = (info.epochs - info.initial_epoch) * info.steps_per_epoch
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        validation = (
            f", validating on {info.validation_samples:,} samples ({info.validation})"
            if info.validation_samples
            else ", no validation"
        )
        self.append_log(
            f"Training epochs {info.initial_epoch + 1}-{info.epochs} on {info.samples:,} samples "
            f"in batches of {info.batch_size}{validation}, seed {info.seed}."
        )

    def _time_pauses(self, state: str) -> None:
        """Leave pauses out of the ETA and the samples per second."""
        now = time.perf_counter()
        if state == "paused":
            self._paused_at = now
        elif self._paused_at is not None:
            self._batch_start += now - self._paused_at
            self._paused_at = None

    def on_batches(self, batches: list) -> None:
        if self._info is None or not batches:
            return
        self.plots.add_batches(batches)
        epoch, step, logs = batches[-1]
        info = self._info
        done = (epoch - info.initial_epoch) * info.steps_per_epoch + step + 1
        total = self.progress.maximum()
        self.progress.setValue(done)
        elapsed = time.perf_counter() - self._batch_start
        rate = done * info.batch_size / elapsed if elapsed else 0
        eta = elapsed / done * (total - done) if done else 0
        metric = {k: v for k, v in logs.items() if k != "loss"}
        shown = " · ".join(f"{k} {v:.4f}" for k, v in metric.items())
        self.status.setText(
            f"Epoch {epoch + 1}/{info.epochs} · batch {step + 1}/{info.steps_per_epoch} · "
            f"ETA {_duration(eta)} · {rate:,.0f} samples/s · loss {logs['loss']:.4f}"
            + (f" · {shown}" if shown else "")
        )

    def on_epoch(self, epoch: int, logs: dict) -> None:
        if self._info is None:
            return
        self.plots.add_epoch(epoch, logs)
        self.append_log(f"Epoch {epoch + 1}: {epoch_summary(logs)}")

    def on_finished(self, outcome: Outcome) -> None:
        if self.plots is not None:
            self.plots.flush()
        result = outcome.result
        color = theme.ERROR_COLOR if not result.ok else None
        text = result_sentence(result.message, result.test)
        self.status.setText(f"<span style='color:{color}'>{text}</span>" if color else text)
        self.append_log(text)
        if outcome.record is not None:
            comparison = compare_run(self._editor.project, outcome.record)
            self.show_comparison(comparison)
            if comparison is not None:
                self.append_log(comparison.text)
        if result.ok and result.duration:
            self.append_log(f"{result.duration:.1f} s, {result.samples_per_second:,.0f} samples/s.")
        self.update_buttons()
