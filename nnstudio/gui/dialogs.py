"""The modal questions the window asks. Tests replace these functions (they block)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

PROJECT_FILTER = "nnstudio projects (*.nnstudio)"
OPEN_FILTER = (
    "Projects, architectures and Keras models (*.nnstudio *.json *.keras *.h5 *.hdf5);;"
    "nnstudio projects (*.nnstudio);;Architecture JSON (*.json);;"
    "Keras models (*.keras *.h5 *.hdf5 *.json);;All files (*)"
)
JSON_FILTER = "Architecture JSON (*.json);;All files (*)"
PYTHON_FILTER = "Python script (*.py)"
PNG_FILTER = "PNG image (*.png)"
CSV_FILTER = "CSV file (*.csv)"


def file_stem(name: str) -> str:
    """A model's name as a file name: "Face emotion CNN" -> "face-emotion-cnn"."""
    kept = "".join(c if c.isalnum() or c in " -_" else " " for c in name).strip()
    return "-".join(kept.lower().split()) or "model"


def ask_open_path(parent: QWidget, caption: str, folder: str, filters: str) -> str:
    """A file to open, or "" if the user cancelled."""
    return QFileDialog.getOpenFileName(parent, caption, folder, filters)[0]


def ask_open_paths(parent: QWidget, caption: str, folder: str, filters: str) -> list[str]:
    """Files to open (several may be chosen), or [] if the user cancelled."""
    return QFileDialog.getOpenFileNames(parent, caption, folder, filters)[0]


def ask_save_path(parent: QWidget, caption: str, suggestion: str, filters: str) -> str:
    """A file to save to, or "" if the user cancelled (the dialog asks before overwriting)."""
    return QFileDialog.getSaveFileName(parent, caption, suggestion, filters)[0]


def save_with(
    parent: QWidget, caption: str, suggestion: str, filters: str, write, path: str | None = None
) -> str | None:
    """Ask where to save (unless ``path`` is given), then ``write(path)``; an OSError becomes a
    message box "Cannot <caption>". The path written, or None (cancelled, or it failed)."""
    if path is None:
        path = ask_save_path(parent, caption[:1].upper() + caption[1:], suggestion, filters)
        if not path:
            return None
    try:
        write(path)
    except OSError as e:
        show_error(parent, f"Cannot {caption}", f"{path}\n\n{e.strerror or e}")
        return None
    return path


def ask_unsaved(parent: QWidget, name: str) -> str:
    """ "save", "discard" or "cancel" for a project with unsaved changes."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Unsaved changes",
        f"“{name}” has changes that are not saved.\n\nSave them first?",
        buttons.Save | buttons.Discard | buttons.Cancel,
        buttons.Save,
    )
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def ask_stop_training(parent: QWidget, name: str) -> bool:
    """Whether to stop the training of the open project to open another."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Training is running",
        f"“{name}” is still training.\n\nStop the training (its run is not recorded) and "
        "open the other project?",
        buttons.Yes | buttons.Cancel,
        buttons.Cancel,
    )
    return answer == buttons.Yes


def show_error(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def ask_folder(parent: QWidget, caption: str, folder: str) -> str:
    """A folder, or "" if the user cancelled."""
    return QFileDialog.getExistingDirectory(parent, caption, folder)


def ask_fit(parent: QWidget, dataset: str, changes: list[str]) -> bool:
    """Whether to change the model so that it fits the dataset just chosen."""
    buttons = QMessageBox.StandardButton
    items = "".join(f"<li>{c}</li>" for c in changes)
    answer = QMessageBox.question(
        parent,
        "Fit the model to the dataset?",
        f"The model does not fit <b>{dataset}</b> as it stands:<ul>{items}</ul>"
        "Change the model? (You can undo it.)",
        buttons.Yes | buttons.No,
        buttons.Yes,
    )
    return answer == buttons.Yes
