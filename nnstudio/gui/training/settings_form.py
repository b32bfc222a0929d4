"""The training settings as a form: every change goes to the editor (undoable; typing in one
field is one step), and the form shows what the editor holds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.training import LOSSES, OPTIMIZERS, Augmentation, TrainingSettings
from nnstudio.core.training.settings import FLIPS, MONITORS
from nnstudio.gui.model.editor import Editor

VALIDATION_LABELS = {
    "split": "hold out part of the training data",
    "test": "the test set",
    "none": "none",
}


def _combo(items: dict[str, str], labels: dict[str, str] | None = None) -> QComboBox:
    """A combo of values with their tooltips (and labels, else the value itself)."""
    combo = QComboBox()
    for i, (value, about) in enumerate(items.items()):
        combo.addItem((labels or {}).get(value, value.replace("_", " ")), value)
        combo.setItemData(i, about, Qt.ItemDataRole.ToolTipRole)
    return combo


def _spin(low: float, high: float, decimals: int = 0, special: str = "", step: float = 1):
    spin = QSpinBox() if decimals == 0 else QDoubleSpinBox()
    if decimals:
        spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    if special:
        spin.setSpecialValueText(special)
    return spin


class TrainingSettingsForm(QWidget):
    def __init__(self, editor: Editor, parent=None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._field: str | None = None
        self._session = 0
        self.optimizer = _combo({k: v[2] for k, v in OPTIMIZERS.items()})
        self.learning_rate = _spin(0, 10, 6, "default", 0.0005)
        self.momentum = _spin(0, 0.99, 3, step=0.05)
        self.nesterov = QCheckBox("Nesterov momentum")
        self.loss = _combo(LOSSES)
        self.loss_note = QLabel()
        self.loss_note.setWordWrap(True)
        self.batch_size = _spin(1, 100000)
        self.epochs = _spin(1, 100000)
        self.validation = _combo(
            {
                "split": "Keras' validation_split: the last part of the training data",
                "test": "Validate on the test set (article 001 does)",
                "none": "No validation",
            },
            VALIDATION_LABELS,
        )
        self.validation_split = _spin(0.01, 0.9, 2, step=0.05)
        self.shuffle = QCheckBox("Shuffle the training data every epoch")
        self.seed = _spin(-1, 2**31 - 2, special="random")
        self.early_stopping = QCheckBox("Stop when it stops improving")
        self.early_monitor = _combo(dict.fromkeys(MONITORS, ""))
        self.early_patience = _spin(0, 1000)
        self.restore_best = QCheckBox("Keep the best weights")
        self.reduce_lr = QCheckBox("Lower the learning rate on a plateau")
        self.reduce_monitor = _combo(dict.fromkeys(MONITORS, ""))
        self.reduce_factor = _spin(0.01, 0.99, 2, step=0.1)
        self.reduce_patience = _spin(0, 1000)
        self.flip = _combo(dict.fromkeys(FLIPS, ""))
        self.rotation, self.zoom, self.shear, self.translation = (
            _spin(0, 0.99, 2, "off", 0.05) for _ in range(4)
        )

        tips = {
            self.learning_rate: "How big each step is; 'default' uses the optimizer's own.",
            self.batch_size: "Samples per step: larger is faster, smaller learns more often.",
            self.epochs: "How many times training goes through the whole training data.",
            self.seed: "The same seed gives the same result; 'random' picks one for each run.",
            self.rotation: "Random rotation, as a fraction of a full turn.",
            self.zoom: "Random zoom, as a fraction (article 000: zoom_range 0.2).",
            self.shear: "Random shear (article 000: shear_range 0.2).",
            self.translation: "Random shift, as a fraction of the size.",
        }
        for widget, tip in tips.items():
            widget.setToolTip(tip)

        basics = QFormLayout()
        basics.addRow("Optimizer", self.optimizer)
        basics.addRow("Learning rate", self.learning_rate)
        basics.addRow("Momentum", self.momentum)
        basics.addRow("", self.nesterov)
        basics.addRow("Loss", self.loss)
        basics.addRow("", self.loss_note)
        basics.addRow("Batch size", self.batch_size)
        basics.addRow("Epochs", self.epochs)
        basics.addRow("Validate on", self.validation)
        basics.addRow("Validation share", self.validation_split)
        basics.addRow("", self.shuffle)
        basics.addRow("Seed", self.seed)
        callbacks = QGroupBox("Callbacks")
        form = QFormLayout(callbacks)
        form.addRow(self.early_stopping)
        form.addRow("monitor", self.early_monitor)
        form.addRow("patience (epochs)", self.early_patience)
        form.addRow(self.restore_best)
        form.addRow(self.reduce_lr)
        form.addRow("monitor", self.reduce_monitor)
        form.addRow("factor", self.reduce_factor)
        form.addRow("patience (epochs)", self.reduce_patience)
        augmentation = QGroupBox("Augmentation (images, training batches only)")
        form = QFormLayout(augmentation)
        form.addRow("flip", self.flip)
        form.addRow("rotation", self.rotation)
        form.addRow("zoom", self.zoom)
        form.addRow("shear", self.shear)
        form.addRow("translation", self.translation)
        layout = QVBoxLayout(self)
        layout.addLayout(basics)
        layout.addWidget(callbacks)
        layout.addWidget(augmentation)
        layout.addStretch(1)

        self._bindings = {
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "loss": self.loss,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "validation": self.validation,
            "validation_split": self.validation_split,
            "shuffle": self.shuffle,
            "seed": self.seed,
            "early_stopping": self.early_stopping,
            "early_stopping_monitor": self.early_monitor,
            "early_stopping_patience": self.early_patience,
            "restore_best_weights": self.restore_best,
            "reduce_lr": self.reduce_lr,
            "reduce_lr_monitor": self.reduce_monitor,
            "reduce_lr_factor": self.reduce_factor,
            "reduce_lr_patience": self.reduce_patience,
            "aug.flip": self.flip,
            "aug.rotation": self.rotation,
            "aug.zoom": self.zoom,
            "aug.shear": self.shear,
            "aug.translation": self.translation,
        }
        for name, widget in self._bindings.items():
            signal = (
                widget.currentIndexChanged
                if isinstance(widget, QComboBox)
                else widget.toggled
                if isinstance(widget, QCheckBox)
                else widget.valueChanged
            )
            signal.connect(lambda *_, n=name: self._on_edit(n))
        editor.training_changed.connect(self.show_settings)
        self.show_settings()

    # Reading and writing -----------------------------------------------------------------

    def _value(self, widget):
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        return widget.value()

    def settings(self) -> TrainingSettings:
        values = {k: self._value(w) for k, w in self._bindings.items() if not k.startswith("aug.")}
        values["learning_rate"] = values["learning_rate"] or None
        values["seed"] = None if values["seed"] < 0 else values["seed"]
        augmentation = Augmentation(
            **{k[4:]: self._value(w) for k, w in self._bindings.items() if k.startswith("aug.")}
        )
        return self._editor.training.replace(**values, augmentation=augmentation)

    def _on_edit(self, name: str) -> None:
        if name != self._field:
            self._field, self._session = name, self._editor.new_session()
        self._editor.set_training(self.settings(), self._session)
        self._update_enabled()

    def show_settings(self) -> None:
        settings = self._editor.training
        values = {
            **settings.to_dict(),
            **{f"aug.{k}": v for k, v in settings.to_dict()["augmentation"].items()},
        }
        values["learning_rate"] = settings.learning_rate or 0
        values["seed"] = -1 if settings.seed is None else settings.seed
        for name, widget in self._bindings.items():
            widget.blockSignals(True)
            value = values[name]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(value)
            else:
                widget.setValue(value)
            widget.blockSignals(False)
        default = OPTIMIZERS[settings.optimizer][1]
        self.learning_rate.setSpecialValueText(f"default ({default:g})")
        self._update_enabled()

    def _update_enabled(self) -> None:
        s = self._editor.training
        self.momentum.setEnabled(s.optimizer == "sgd")
        self.nesterov.setEnabled(s.optimizer == "sgd")
        self.validation_split.setEnabled(s.validation == "split")
        for widget in (self.early_monitor, self.early_patience, self.restore_best):
            widget.setEnabled(s.early_stopping)
        for widget in (self.reduce_monitor, self.reduce_factor, self.reduce_patience):
            widget.setEnabled(s.reduce_lr)

    def show_plan(self, text: str) -> None:
        """What "auto" chose, or why the model cannot be trained on the dataset."""
        self.loss_note.setText(f"<small>{text}</small>")
