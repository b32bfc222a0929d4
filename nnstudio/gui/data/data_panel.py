"""The Data tab: choose a dataset, see what it holds (size, classes, a grid of samples with their
labels as article 004 shows, the class histogram and imbalance), and load it."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.datasets import (
    BUILTIN,
    FUNCTION_DEFAULTS,
    Dataset,
    DatasetSource,
    download_size_mb,
    needs_download,
)
from nnstudio.core.datasets.downloads import KERAS_SETS, keras_home
from nnstudio.core.datasets.synthetic import TOY_FACES_DEFAULTS
from nnstudio.core.expressions import ExpressionError, parse_expression
from nnstudio.core.toy_faces import EMOTIONS, write_image_folder
from nnstudio.gui import dialogs, theme
from nnstudio.gui.background import Threads
from nnstudio.gui.data.column_table import ColumnTable
from nnstudio.gui.data.data_session import DataSession
from nnstudio.gui.image_grid import ImageGrid
from nnstudio.gui.model.editor import Editor
from nnstudio.gui.widgets import MessageLabel, ValidatedLineEdit

FILE_KINDS = {
    "folder": ("Image folder (one subfolder per class)…", "Choose a folder of class subfolders"),
    "fer-csv": ("FER2013 CSV (emotion,pixels,Usage)…", "FER2013 CSV (*.csv);;All files (*)"),
    "image-csv": ("CSV of image files (filename,label)…", "CSV files (*.csv);;All files (*)"),
    "table": (
        "Table (CSV of numbers and categories)…",
        "Tables (*.csv *.tsv *.tab);;All files (*)",
    ),
}
PREVIEW = 100


def _expression(text: str) -> str:
    try:
        return parse_expression(text).text
    except ExpressionError as e:
        raise ValueError(str(e)) from None


class DataPanel(QWidget):
    """Chooses the project's dataset (through the editor, undoably) and shows the loaded one."""

    #: The user asked to load (or download) the chosen dataset now.
    load_requested = Signal()
    #: The toy faces were written as an image folder (its path), or could not be (None).
    faces_written = Signal(object)

    def __init__(self, editor: Editor, session: DataSession, parent=None) -> None:
        super().__init__(parent)
        self._editor, self._session = editor, session
        self._jobs = Threads(self)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Dataset")
        for name, title in BUILTIN.items():
            self.choice.addItem(title, name)
        self.choice.insertSeparator(self.choice.count())
        for kind, (title, _) in FILE_KINDS.items():
            self.choice.addItem(title, kind)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("no file chosen")
        self.browse = QPushButton("Browse…")
        self.own_file = QPushButton("Use a file I already have…")
        self.own_file.setToolTip(
            "An mnist.npz, a folder with Fashion-MNIST's four .gz files, or "
            "the official cifar-10-python.tar.gz"
        )
        self.use_sample = QPushButton()
        self.use_sample.setToolTip(
            "The bundled sample: 8,000 training and 2,000 test images, offline"
        )
        self.load_button = QPushButton("Load")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.status = MessageLabel()

        self.function_box = QGroupBox("The function")
        self.expression = ValidatedLineEdit(_expression)
        self.expression.setToolTip("y as a function of x, e.g. 2*x + 1, sin(x), x^2 - 3*x")
        self.low, self.high, self.noise = QDoubleSpinBox(), QDoubleSpinBox(), QDoubleSpinBox()
        for spin in (self.low, self.high):
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(3)
        self.noise.setRange(0, 1e6)
        self.noise.setDecimals(3)
        self.count = QSpinBox()
        self.count.setRange(2, 1_000_000)
        form = QFormLayout(self.function_box)
        form.addRow("y =", self.expression)
        form.addRow("x from", self.low)
        form.addRow("to", self.high)
        form.addRow("points", self.count)
        form.addRow("noise (std)", self.noise)

        self.faces_box = QGroupBox("Toy faces")
        self.per_class = QSpinBox()
        self.per_class.setRange(1, 20000)
        self.write_faces = QPushButton("Save as Image Folder…")
        self.write_faces.setToolTip(
            "Write these faces as PNG files in FER2013's layout (train/<emotion>/, test/"
            "<emotion>/), to try the image-folder workflow or other tools on them"
        )
        faces_form = QFormLayout(self.faces_box)
        faces_form.addRow("faces per emotion", self.per_class)
        faces_form.addRow(self.write_faces)

        self.class_weights = QCheckBox("Weigh rare classes more (class weights)")
        self.class_weights.setToolTip(
            "Each class counts as much in training, however few samples "
            "it has: FER2013's 'disgust' has 16x fewer than 'happy'."
        )

        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(QLabel("<b>Dataset</b>"))
        column.addWidget(self.choice)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        column.addLayout(path_row)
        column.addWidget(self.own_file)
        column.addWidget(self.use_sample)
        column.addWidget(self.function_box)
        column.addWidget(self.faces_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.cancel_button)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        column.addWidget(self.class_weights)
        column.addStretch(1)

        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = ImageGrid(cell=44)
        self.histogram_host = QVBoxLayout()
        self.imbalance = QLabel()
        self.imbalance.setWordWrap(True)
        right = QWidget()
        details = QVBoxLayout(right)
        details.addWidget(self.info)
        self.columns = ColumnTable(editor)
        details.addWidget(self.columns)
        self.samples_title = QLabel("<b>Samples</b> (random, with their labels)")
        details.addWidget(self.samples_title)
        details.addWidget(self.preview)
        details.addLayout(self.histogram_host)
        details.addWidget(self.imbalance)
        details.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        splitter = QSplitter()
        left.setMinimumWidth(280)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._histogram = None

        self.choice.activated.connect(self._on_choice)
        self.browse.clicked.connect(self._choose_path)
        self.own_file.clicked.connect(self._choose_own_file)
        self.use_sample.clicked.connect(self._use_sample)
        self.write_faces.clicked.connect(lambda: self.write_toy_faces())
        self.load_button.clicked.connect(self.load_requested)
        self.cancel_button.clicked.connect(session.cancel)
        self.expression.value_edited.connect(lambda v: self._set_option(expression=v))
        self.low.valueChanged.connect(lambda v: self._set_option(low=v))
        self.high.valueChanged.connect(lambda v: self._set_option(high=v))
        self.count.valueChanged.connect(lambda v: self._set_option(count=v))
        self.noise.valueChanged.connect(lambda v: self._set_option(noise=v))
        self.per_class.valueChanged.connect(lambda v: self._set_option(per_class=v))
        self.class_weights.toggled.connect(
            lambda on: editor.set_training(editor.training.replace(class_weights=on))
        )
        editor.dataset_changed.connect(self._on_source_changed)
        editor.training_changed.connect(self._show_class_weights)
        session.loading.connect(self._on_loading)
        session.progress.connect(self._on_progress)
        session.loaded.connect(self._show_dataset)
        session.failed.connect(self._on_failed)
        session.abandoned.connect(lambda: self._set_busy(False))
        self._show_source()
        self._show_class_weights()
        self._set_busy(False)
        if session.dataset is not None:
            self._show_dataset(session.dataset)

    # Choosing ----------------------------------------------------------------------------

    def _on_choice(self, index: int) -> None:
        name = self.choice.itemData(index)
        if name in FILE_KINDS:
            self._choose_path(kind=name)
            return
        if name == self._editor.dataset.name and not self._editor.dataset.path:
            return
        options = dict(FUNCTION_DEFAULTS) if name == "function" else {}
        self._editor.set_dataset(DatasetSource(name, options=options))

    def _choose_path(self, _=False, kind: str | None = None) -> None:
        kind = kind or self._editor.dataset.name
        if kind not in FILE_KINDS:
            return
        caption, filters = FILE_KINDS[kind]
        if kind == "folder":
            path = dialogs.ask_folder(self, caption, self._editor.dataset.path or "")
        else:
            path = dialogs.ask_open_path(self, caption, self._editor.dataset.path or "", filters)
        if path:
            self._editor.set_dataset(DatasetSource(kind, path))
        else:
            self._show_source()

    def _choose_own_file(self) -> None:
        name = self._editor.dataset.name
        if name == "fashion-mnist":
            path = dialogs.ask_folder(self, "Folder with Fashion-MNIST's four .gz files", "")
        else:
            filters = "mnist.npz (*.npz)" if name == "mnist" else "CIFAR-10 archive (*.tar.gz)"
            path = dialogs.ask_open_path(self, "Your copy of the dataset", "", filters)
        if path:
            self._editor.set_dataset(DatasetSource(name, path))

    def _use_sample(self) -> None:
        hint = KERAS_SETS[self._editor.dataset.name].sample_hint
        self._editor.set_dataset(DatasetSource(hint))

    def write_toy_faces(self, parent: str | None = None) -> None:
        """Write the toy faces as an image folder, ``toy-faces`` inside the folder chosen."""
        parent = parent or dialogs.ask_folder(self, "Where to write the toy faces", "")
        if not parent:
            return
        root = Path(parent) / "toy-faces"
        if root.exists() and any(root.iterdir()):
            self._say_error(f"{root} already exists and is not empty; choose another folder.")
            return
        options = {**TOY_FACES_DEFAULTS, **self._editor.dataset.options}
        per_class, test, seed = (int(options[k]) for k in ("per_class", "test_per_class", "seed"))
        self.write_faces.setEnabled(False)
        self.status.setText(f"Writing {len(EMOTIONS) * (per_class + test):,} toy faces to {root}…")
        self._jobs.run(
            write_image_folder,
            root,
            per_class,
            seed,
            test,
            finished=self._on_faces_written,
            failed=self._on_faces_failed,
        )

    def _on_faces_written(self, root) -> None:
        self.write_faces.setEnabled(True)
        self.status.setText(
            f"Wrote the toy faces to {root}: train/ and test/, a folder per emotion. Choose "
            "<b>Image folder</b> above and pick it to train from the files."
        )
        self.faces_written.emit(Path(root))

    def _on_faces_failed(self, message: str) -> None:
        self.write_faces.setEnabled(True)
        self._say_error(f"Cannot write the toy faces: {message}")
        self.faces_written.emit(None)

    def _say_error(self, text: str) -> None:
        """An error, whole: wrapped in the tab, and as the tooltip for copying it elsewhere."""
        self.status.setText(f"<span style='color:{theme.ERROR_COLOR}'>{html.escape(text)}</span>")

    def _set_option(self, **options) -> None:
        source = self._editor.dataset
        if source.options.get(next(iter(options))) != next(iter(options.values())):
            self._editor.set_dataset(source.with_options(**options))

    # Showing -----------------------------------------------------------------------------

    def _show_source(self) -> None:
        source = self._editor.dataset
        index = self.choice.findData(source.name)
        self.choice.setCurrentIndex(max(index, 0))
        self.path.setText(source.path or "")
        file_kind = source.name in FILE_KINDS
        self.path.setVisible(file_kind or bool(source.path))
        self.browse.setVisible(file_kind)
        self.own_file.setVisible(source.name in KERAS_SETS)
        self.function_box.setVisible(source.name == "function")
        self.faces_box.setVisible(source.name == "toy-faces")
        options = {**FUNCTION_DEFAULTS, **source.options}
        for widget, key in (
            (self.low, "low"),
            (self.high, "high"),
            (self.noise, "noise"),
            (self.count, "count"),
        ):
            widget.blockSignals(True)
            widget.setValue(options[key])
            widget.blockSignals(False)
        self.expression.show_value(str(options["expression"]), str(options["expression"]))
        self.per_class.blockSignals(True)
        self.per_class.setValue(int(source.options.get("per_class", 300)))
        self.per_class.blockSignals(False)
        self.use_sample.setVisible(False)
        if needs_download(source):
            size = download_size_mb(source.name)
            self.load_button.setText(f"Download and load ({size:.3g} MB)")
        else:
            self.load_button.setText("Load")

    def _offer_sample(self) -> None:
        """Show "Use the MNIST sample instead" for a full dataset that has a bundled sample."""
        source = self._editor.dataset
        spec = KERAS_SETS.get(source.name)
        if spec is not None and spec.sample_hint and not source.path:
            self.use_sample.setText(f"Use the bundled {spec.title} sample instead")
            self.use_sample.setVisible(True)

    def _on_source_changed(self) -> None:
        self._show_source()
        source = self._editor.dataset
        if not needs_download(source) or self._session.busy:
            return
        # Chosen but not downloaded: say what pressing the button will do, and show no
        # samples of the previous dataset as if they were this one's.
        spec, size = KERAS_SETS[source.name], download_size_mb(source.name)
        self.status.setText(
            f"Not downloaded yet: press <b>Download and load</b> to fetch {size:.3g} MB once, "
            "or use a file you already have."
        )
        self.info.setText(
            f"<b>{spec.title}</b> (full, not on this computer yet)<br>{spec.description}<br>"
            f"<small>{spec.attribution}</small><br><br>It is downloaded from "
            f"{spec.files[0].url.split('/')[2]} into {keras_home() / 'datasets'}, where Keras "
            "keeps its datasets, so later loads need no network."
        )
        self.preview.set_images([], empty_text="The samples appear once it is loaded.")
        if self._histogram is not None:
            self._histogram.setVisible(False)
        self.imbalance.setText("")
        self._offer_sample()

    def _show_class_weights(self) -> None:
        self.class_weights.blockSignals(True)
        self.class_weights.setChecked(self._editor.training.class_weights)
        self.class_weights.blockSignals(False)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.load_button.setEnabled(not busy)

    def _on_loading(self, source: DatasetSource) -> None:
        self._set_busy(True)
        self.progress.setRange(0, 0)
        self.status.setText(f"Loading {BUILTIN.get(source.name, source.path or source.name)}…")

    def _on_progress(self, fraction, text: str) -> None:
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        self.status.setText(text)

    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self._say_error(message)
        previous = self._session.dataset
        if previous is None:
            self.info.setText("<b>No dataset loaded.</b> Fix the problem above, or choose another.")
            self.preview.set_images([], empty_text="")
        else:  # the details below are not the chosen dataset's: say whose they are
            self.info.setText(
                f"<b>Still loaded: {previous.name}</b> (the dataset chosen above could not be "
                f"loaded)<br>{previous.describe()}"
            )
            self._show_samples_or_columns(previous)  # what is loaded, as it says
            self._show_histogram(previous)
        self._show_source()
        self._offer_sample()

    def _show_dataset(self, dataset: Dataset) -> None:
        self._set_busy(False)
        skipped = ""
        if dataset.skipped_count:
            examples = "<br>".join(dataset.skipped[:3])
            skipped = (
                f"<br><span style='color:{theme.WARNING_COLOR}'>{dataset.skipped_count:,} "
                f"unreadable skipped</span>, e.g.<br><small>{examples}</small>"
            )
        self.status.setText(f"Loaded: {dataset.describe()}.")
        self.info.setText(
            f"<b>{dataset.name}</b><br>{dataset.describe()}<br><br>"
            f"{dataset.description.replace(chr(10), '<br>')}<br>"
            f"<small>{dataset.attribution}</small>{skipped}"
        )
        self._show_samples_or_columns(dataset)
        self._show_histogram(dataset)
        self._show_source()

    def _show_samples_or_columns(self, dataset: Dataset) -> None:
        """A table's columns in place of samples (its rows are encoded numbers); a grid or
        lines of samples for anything else."""
        self.columns.show_dataset(dataset)
        table = bool(dataset.columns)
        self.samples_title.setVisible(not table)
        self.preview.setVisible(not table)
        if not table:
            self._show_samples(dataset)

    def _show_samples(self, dataset: Dataset) -> None:
        if not dataset.is_image:
            rows = min(len(dataset.x_train), 8)
            lines = [
                f"x = {', '.join(f'{v:g}' for v in dataset.x_train[i])}  →  y = "
                + (
                    dataset.class_names[int(dataset.y_train[i])]
                    if dataset.class_names
                    else ", ".join(f"{v:g}" for v in np.ravel(dataset.y_train[i]))
                )
                for i in range(rows)
            ]
            self.preview.set_images([], empty_text="\n".join(lines))
            return
        picks = np.random.default_rng(0).choice(
            len(dataset.x_train), min(PREVIEW, len(dataset.x_train)), replace=False
        )
        names = [dataset.class_names[int(dataset.y_train[i])] for i in picks]
        self.preview.set_images(dataset.x_train[picks], names)

    def _show_histogram(self, dataset: Dataset) -> None:
        if self._histogram is None:
            from nnstudio.gui.plots import plot_widget

            self._histogram = plot_widget(self.palette(), "Samples per class", "samples", "")
            self._histogram.setMaximumHeight(220)
            self.histogram_host.addWidget(self._histogram)
        item = self._histogram.getPlotItem()
        item.clear()
        self._histogram.setVisible(bool(dataset.class_names))
        ratio, lines = dataset.imbalance()
        self.class_weights.setVisible(bool(dataset.class_names))
        if not dataset.class_names:
            self.imbalance.setText("")
            return
        from nnstudio.gui.plots import pyqtgraph

        pg = pyqtgraph()
        counts = dataset.counts()
        item.addItem(
            pg.BarGraphItem(
                x=np.arange(len(counts)), height=counts, width=0.7, brush=theme.GROUP_COLORS["Core"]
            )
        )
        item.getAxis("bottom").setTicks([list(enumerate(dataset.class_names))])
        if ratio >= 2:
            self.imbalance.setText(
                f"<span style='color:{theme.WARNING_COLOR}'>Imbalanced: the largest class has "
                f"{ratio:.0f}x the samples of the smallest.</span> "
                + "; ".join(lines)
                + ". Consider class weights (left)."
            )
        else:
            self.imbalance.setText("Balanced classes.")
