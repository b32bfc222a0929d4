"""Layers on the clipboard: Edit > Copy puts the selected layers there (with their names and
connections, as architecture JSON: pasted into a text editor, they read as such), Edit >
Paste puts copies after the selected card."""

from __future__ import annotations

import json
from collections.abc import Iterable

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from nnstudio.core.architecture import LayerConfig, parse_layer
from nnstudio.core.errors import ArchitectureFormatError

LAYERS_MIME = "application/x-nnstudio-layers"


def copy_layers(layers: Iterable[LayerConfig]) -> None:
    text = json.dumps([layer.to_dict() for layer in layers], indent=1)
    mime = QMimeData()
    mime.setData(LAYERS_MIME, text.encode("utf-8"))
    mime.setText(text)
    QApplication.clipboard().setMimeData(mime)


def pasted_layers() -> tuple[LayerConfig, ...]:
    """The layers on the clipboard (none when it holds something else); ValueError with a
    message when they cannot be read."""
    mime = QApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(LAYERS_MIME):
        return ()
    try:
        doc = json.loads(bytes(mime.data(LAYERS_MIME)).decode("utf-8"))
        if not isinstance(doc, list):
            raise ArchitectureFormatError("the clipboard holds no list of layers")
        return tuple(parse_layer(raw, f"copied layer {i}") for i, raw in enumerate(doc))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"the copied layers cannot be read: {e}") from None
    except ArchitectureFormatError as e:
        raise ValueError(str(e)) from None
