"""The Images page of the Playground: open photos (a dialog, drag and drop, paste), see each one's
answer in a table, draw a crop rectangle around the face, and see the image the model gets.

The page holds the images and their crops; the Playground feeds them to the model. Files are
decoded on a worker thread (a 50-megapixel photo takes a moment), never more than
``images.MAX_PIXELS`` of them in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.errors import NnstudioError
from nnstudio.core.formatting import counted
from nnstudio.core.playground.images import Crop, ImageInput, open_image
from nnstudio.core.project import PlaygroundImage
from nnstudio.gui import dialogs
from nnstudio.gui.background import Threads
from nnstudio.gui.image_grid import to_qimage
from nnstudio.gui.plots import plot_widget, pyqtgraph

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
THUMBNAIL = 40
HINT = (
    "Open image files, drop them here or paste one (Ctrl+V). Drag the rectangle's corner and "
    "edges to crop around the face."
)


@dataclass
class Entry:
    """One image of the table: the decoded file, the rectangle cropped from it, and where it
    came from as the project keeps it (a file's path, or a pasted image's PNG bytes)."""

    image: ImageInput
    crop: Crop | None = None
    source: PlaygroundImage | None = None


def open_sources(generation: int, sources: list[PlaygroundImage]):
    """Each image decoded, or the message saying why it cannot be (run on a worker thread);
    tagged with the page's generation, so that images of a project no longer open are
    dropped."""
    out: list[tuple[PlaygroundImage, ImageInput | str]] = []
    for source in sources:
        try:
            if source.path is not None:
                out.append((source, open_image(source.path, name=source.name)))
            else:
                out.append((source, open_image(source.data or b"", name=source.name)))
        except NnstudioError as e:
            out.append((source, str(e)))
    return generation, out


def _local_files(mime: QMimeData) -> list[str]:
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


def _png_bytes(image) -> bytes:
    """A QImage as the bytes of a PNG file."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


class ImagesPage(QWidget):
    """A table of opened images; the current one shown with its crop rectangle."""

    #: The current image or its crop changed: predict again.
    input_changed = Signal()
    #: Images were added or removed (by the person, or with another project's images).
    images_changed = Signal()
    #: The person added, removed or cropped an image: the project's images changed.
    edited = Signal()

    def __init__(self, jobs: Threads, folder: str = "", parent=None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self.folder = folder or os.path.expanduser("~")
        self.entries: list[Entry] = []
        self.loading = 0
        #: Bumped when another project's images replace these: late decodes are dropped.
        self._generation = 0
        #: The project's images that could not be opened (a file moved away): they stay in
        #: the project, after the others, in case the file comes back.
        self.unopened: list[PlaygroundImage] = []
        self._roi = None
        self.setAcceptDrops(True)

        self.open_button = QPushButton("Open Images…")
        self.open_button.setToolTip("Choose image files (PNG, JPEG, BMP, GIF, TIFF, WebP)")
        self.open_button.clicked.connect(self.ask_files)
        self.paste_button = QPushButton("Paste")
        self.paste_button.setToolTip("Paste an image or image files from the clipboard (Ctrl+V)")
        self.paste_button.clicked.connect(self.paste)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected image from the table (Delete)")
        self.remove_button.clicked.connect(self.remove_current)
        self.whole_button = QPushButton("Whole Image")
        self.whole_button.setToolTip("Forget the crop: give the model the whole image")
        self.whole_button.clicked.connect(self.reset_crop)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.paste_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.message = QLabel(HINT)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Image", "Answer", "File"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(THUMBNAIL + 4)
        self.table.setIconSize(QPixmap(THUMBNAIL, THUMBNAIL).size())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setToolTip("Every image opened, with the model's answer for it")
        self.table.itemSelectionChanged.connect(self._show_current)

        self.view = plot_widget(self.palette(), "", "", x_label="", grid=False, legend=False)
        item = self.view.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.getViewBox().invertY(True)
        item.getViewBox().setAspectLocked(True)
        item.getViewBox().setMouseEnabled(False, False)
        # A drag on the image (outside the rectangle) draws a new crop rectangle.
        item.getViewBox().mouseDragEvent = self._draw_crop
        self.view.setToolTip(
            "The image as opened. Drag across it to draw the rectangle the model sees (a face, "
            "say); drag the rectangle or its handles to adjust it; Whole Image undoes the crop."
        )
        self.image_item = pyqtgraph().ImageItem(axisOrder="row-major")
        item.addItem(self.image_item)

        self.seen = QLabel()
        self.seen.setFixedSize(96, 96)
        self.seen.setStyleSheet("background: black")
        self.seen.setToolTip(
            "What the model sees: the crop converted to its colours (grayscale or RGB) and "
            "resized to its input"
        )
        self.details = QLabel()
        self.details.setWordWrap(True)
        about_seen = QVBoxLayout()
        about_seen.addWidget(QLabel("<b>The model sees:</b>"))
        about_seen.addWidget(self.details, 1)
        about_seen.addWidget(self.whole_button, 0, Qt.AlignmentFlag.AlignLeft)
        seen_row = QHBoxLayout()
        seen_row.addWidget(self.seen)
        seen_row.addLayout(about_seen, 1)

        shown = QWidget()
        shown_layout = QVBoxLayout(shown)
        shown_layout.setContentsMargins(0, 0, 0, 0)
        shown_layout.addWidget(self.view, 1)
        shown_layout.addLayout(seen_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(shown)
        split.setSizes([160, 340])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

        QShortcut(QKeySequence.StandardKey.Paste, self, self.paste)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_current)
        self._update_buttons()

    # Adding images -----------------------------------------------------------------------

    def ask_files(self) -> None:
        paths = dialogs.ask_open_paths(self, "Open images", self.folder, IMAGE_FILTER)
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[str | os.PathLike]) -> None:
        """Decode the files on a worker thread; they join the table when ready."""
        paths = [str(p) for p in paths]
        if not paths:
            return
        self.folder = str(Path(paths[-1]).parent)
        names = ", ".join(Path(p).name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        self.message.setText(f"Opening {names}…")
        sources = [PlaygroundImage(Path(p).name, str(Path(p).absolute())) for p in paths]
        self._open(sources, self._on_opened)

    def _open(self, sources: list[PlaygroundImage], finished) -> None:
        self.loading += 1
        self._jobs.run(
            open_sources, self._generation, sources, finished=finished, failed=self._on_failed
        )

    def add_image(self, image: ImageInput) -> None:
        self._add([(PlaygroundImage(image.name), image)])

    def show_images(self, images) -> None:
        """Show another project's images (decoded on a worker thread) instead of these."""
        self._generation += 1
        self.entries = []
        self.unopened = []
        self.table.setRowCount(0)
        self._show_current()
        self._update_buttons()
        self.images_changed.emit()
        self.message.setText(HINT)
        if images:
            self.message.setText(f"Opening the project's {counted(len(images), 'image')}…")
            self._open(list(images), self._on_project_opened)

    def project_images(self) -> tuple[PlaygroundImage, ...]:
        """The images as the project keeps them, with their crops (and those that could not
        be opened, as they were)."""
        shown = [replace(entry.source, crop=entry.crop) for entry in self.entries if entry.source]
        return (*shown, *self.unopened)

    def paste(self) -> None:
        """An image on the clipboard (a screenshot, say), or image files copied in a file
        manager."""
        mime = QGuiApplication.clipboard().mimeData()
        files = _local_files(mime) if mime is not None else []
        if files:
            self.add_files(files)
        elif mime is not None and mime.hasImage():
            self._add_qimage(QGuiApplication.clipboard().image(), "pasted image")
        else:
            self.message.setText(
                "The clipboard holds no image: copy an image (or image files) first, then paste."
            )

    def _add_qimage(self, qimage, name: str) -> None:
        if qimage.isNull():
            self.message.setText(f"The {name} is empty.")
            return
        data = _png_bytes(qimage)
        try:
            image = open_image(data, name=name)
        except NnstudioError as e:
            self.message.setText(str(e))
            return
        self._add([(PlaygroundImage(name, data=data), image)])

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if _local_files(mime) or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        files = _local_files(mime)
        if files:
            self.add_files(files)
        elif mime.hasImage():
            self._add_qimage(mime.imageData(), "dropped image")
        event.acceptProposedAction()

    def _on_failed(self, message: str) -> None:
        self.loading -= 1
        self.message.setText(f"The images could not be opened: {message}")

    def _split(self, result):
        """(opened, errors) of a decode job, or None if it was for another project."""
        self.loading -= 1
        generation, results = result
        if generation != self._generation:
            return None
        opened = [(source, r) for source, r in results if isinstance(r, ImageInput)]
        return opened, [r for _, r in results if isinstance(r, str)]

    def _on_opened(self, result) -> None:
        split = self._split(result)
        if split is None:
            return
        opened, errors = split
        self._add(opened)
        if errors:
            head = f"{counted(len(errors), 'file')} could not be opened:"
            self.message.setText(head + "\n" + "\n".join(f"• {e}" for e in errors))

    def _on_project_opened(self, result) -> None:
        split = self._split(result)
        if split is None:
            return
        opened, errors = split
        _, results = result
        self.unopened = [source for source, r in results if isinstance(r, str)]
        self._add(opened, edited=False)
        if errors:
            head = (
                f"{counted(len(errors), 'image')} of the project could not be opened (kept in "
                "the project, in case the files come back):"
            )
            self.message.setText(head + "\n" + "\n".join(f"• {e}" for e in errors))

    def _add(self, images: list[tuple[PlaygroundImage, ImageInput]], edited: bool = True) -> None:
        if not images:
            return
        for source, image in images:
            self.entries.append(Entry(image, source.crop, source))
            row = self.table.rowCount()
            self.table.insertRow(row)
            thumb = image.image.copy()
            thumb.thumbnail((THUMBNAIL, THUMBNAIL))
            icon = QIcon(QPixmap.fromImage(to_qimage(np.asarray(thumb))))
            first = QTableWidgetItem(icon, "")
            first.setToolTip(image.describe())
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, QTableWidgetItem(""))
            name = QTableWidgetItem(image.name)
            name.setToolTip(image.describe())
            self.table.setItem(row, 2, name)
        self.message.setText(HINT)
        self.table.selectRow(self.table.rowCount() - 1)
        self._update_buttons()
        self.images_changed.emit()
        if edited:
            self.edited.emit()

    # The current image -------------------------------------------------------------------

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def current(self) -> Entry | None:
        row = self.current_row()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def remove_current(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        del self.entries[row]
        self.table.removeRow(row)
        if self.entries:
            self.table.selectRow(min(row, len(self.entries) - 1))
        else:
            self._show_current()
        self._update_buttons()
        self.images_changed.emit()
        self.edited.emit()

    def set_answer(self, row: int, text: str, tip: str = "") -> None:
        item = self.table.item(row, 1)
        if item is not None:
            item.setText(text)
            item.setToolTip(tip or text)

    def show_seen(self, image: np.ndarray | None, text: str = "") -> None:
        """The converted image the model got (None: nothing), and what was done to it."""
        if image is None:
            self.seen.clear()
        else:
            pixmap = QPixmap.fromImage(to_qimage(image))
            self.seen.setPixmap(
                pixmap.scaled(
                    self.seen.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.FastTransformation,
                )
            )
        self.details.setText(text)

    def _show_current(self) -> None:
        entry = self.current()
        self._remove_roi()
        if entry is None:
            self.image_item.clear()
            self.show_seen(None)
            self.input_changed.emit()
            return
        pixels = entry.image.pixels
        self.image_item.setImage(pixels, levels=(0, 255), autoLevels=False)
        height, width = pixels.shape[:2]
        self.view.getPlotItem().getViewBox().autoRange(padding=0.02)
        self._add_roi(entry, width, height)
        self._update_buttons()
        self.input_changed.emit()

    # Cropping ----------------------------------------------------------------------------

    def _scale(self, entry: Entry) -> float:
        """Original pixels per decoded pixel (a huge JPEG is decoded smaller)."""
        return entry.image.original_size[0] / entry.image.image.width

    def _add_roi(self, entry: Entry, width: int, height: int) -> None:
        pg = pyqtgraph()
        if entry.crop is None:
            position, size = (0, 0), (width, height)
        else:
            s = self._scale(entry)
            x, y, w, h = entry.crop
            position, size = (x / s, y / s), (w / s, h / s)
        roi = pg.RectROI(
            position,
            size,
            pen=pg.mkPen("#FFB000", width=2),
            maxBounds=pg.QtCore.QRectF(0, 0, width, height),
            removable=False,
        )
        roi.addScaleHandle((0, 0), (1, 1))
        roi.addScaleHandle((1, 0), (0, 1))
        roi.addScaleHandle((0, 1), (1, 0))
        roi.translatable = entry.crop is not None
        self.view.getPlotItem().addItem(roi)
        roi.sigRegionChanged.connect(self._on_roi_moved)
        self._roi = roi

    def _draw_crop(self, event, axis=None) -> None:
        """A left-button drag on the image: the crop rectangle from where it began to here."""
        entry = self.current()
        if entry is None or self._roi is None or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        box = self.view.getPlotItem().getViewBox()
        start = box.mapSceneToView(event.buttonDownScenePos())
        end = box.mapSceneToView(event.scenePos())
        width, height = entry.image.image.size
        x0, x1 = sorted(min(max(v, 0.0), width) for v in (start.x(), end.x()))
        y0, y1 = sorted(min(max(v, 0.0), height) for v in (start.y(), end.y()))
        if x1 - x0 < 2 or y1 - y0 < 2:
            return  # a click, or a line: no rectangle yet
        self._roi.setPos((x0, y0), update=False)
        self._roi.setSize((x1 - x0, y1 - y0))  # one sigRegionChanged for both

    def _remove_roi(self) -> None:
        if self._roi is not None:
            self._roi.sigRegionChanged.disconnect(self._on_roi_moved)
            self.view.getPlotItem().removeItem(self._roi)
            self._roi = None

    def _on_roi_moved(self) -> None:
        entry = self.current()
        if entry is None or self._roi is None:
            return
        s = self._scale(entry)
        x, y = self._roi.pos()
        w, h = self._roi.size()
        width, height = entry.image.image.size
        whole = x <= 0.5 and y <= 0.5 and w >= width - 1 and h >= height - 1
        entry.crop = None if whole else (x * s, y * s, w * s, h * s)
        self._roi.translatable = not whole  # the whole image: a drag draws a new rectangle
        self._update_buttons()
        if not getattr(self, "_crop_scheduled", False):
            self._crop_scheduled = True
            QTimer.singleShot(0, self._crop_moved)

    def _crop_moved(self) -> None:
        self._crop_scheduled = False
        self.input_changed.emit()
        self.edited.emit()

    def set_crop(self, crop: Crop | None) -> None:
        """Crop the current image to (x, y, width, height) in its original pixels."""
        entry = self.current()
        if entry is None:
            return
        entry.crop = crop
        self._show_current()
        self.edited.emit()

    def reset_crop(self) -> None:
        self.set_crop(None)

    def _update_buttons(self) -> None:
        entry = self.current()
        self.remove_button.setEnabled(entry is not None)
        self.whole_button.setEnabled(entry is not None and entry.crop is not None)
