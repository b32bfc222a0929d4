"""Small widgets shared by the panels."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QWidget

from nnstudio.gui import theme

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|None|none|\?")


def numbers_in(text: str) -> list[str]:
    """The numbers of a text such as "28, 28, 1", "28x28x1" or "(1, 2), (0, 3)"."""
    leftover = _NUMBER.sub("", text)
    if re.search(r"[^\s,;x×()\[\]]", leftover):
        raise ValueError("use numbers separated by commas, such as 28, 28, 1")
    return _NUMBER.findall(text)


def parse_shape(text: str) -> tuple[int | None, ...]:
    """An input shape typed by a person: "28, 28, 1"; "?" or "None" leaves a size open."""
    sizes = []
    for item in numbers_in(text):
        if item in ("?", "None", "none"):
            sizes.append(None)
            continue
        value = float(item)
        if value != int(value):
            raise ValueError(f"sizes are whole numbers; received {item}")
        sizes.append(int(value))
    if not sizes:
        raise ValueError("type the sizes, such as 28, 28, 1 for a grayscale image")
    return tuple(sizes)


def parse_numbers(text: str) -> list[float]:
    """Input values typed by a person: "0, 1" or "3.5"."""
    items = numbers_in(text)
    if any(item in ("?", "None", "none") for item in items):
        raise ValueError("every input needs a value; ? and None are not numbers")
    return [float(item) for item in items]


def format_sizes(sizes) -> str:
    return ", ".join("?" if s is None else str(s) for s in sizes)


class ValidatedLineEdit(QLineEdit):
    """A line edit that parses as you type: a valid text emits ``value_edited``; an invalid one
    turns the field red and says why (tooltip and, if given, a message label)."""

    value_edited = Signal(object)
    #: The field gained focus: a new editing session (undo merges within one session).
    session_started = Signal()

    def __init__(
        self, parser: Callable[[str], Any], message: QLabel | None = None, parent: QWidget = None
    ):
        super().__init__(parent)
        self._parser = parser
        self._message = message
        self._help = ""
        self.textEdited.connect(self._on_text_edited)

    def setToolTip(self, text: str) -> None:
        self._help = text
        super().setToolTip(text)

    def set_text_quietly(self, text: str) -> None:
        """Show a value that came from the model: no signal, no error."""
        if text != self.text():
            self.setText(text)
        self._show_error(None)

    def show_value(self, value: Any, text: str) -> None:
        """Show the model's value, unless the field is being typed in and already says it."""
        if self.hasFocus():
            try:
                if self._parser(self.text()) == value:
                    return
            except ValueError:
                pass
        self.set_text_quietly(text)

    @property
    def error(self) -> str | None:
        return self.property("error") or None

    def _on_text_edited(self, text: str) -> None:
        try:
            value = self._parser(text)
        except ValueError as e:
            self._show_error(str(e))
            return
        self._show_error(None)
        self.value_edited.emit(value)

    def _show_error(self, message: str | None) -> None:
        self.setProperty("error", message or "")
        if message:
            self.setStyleSheet(f"QLineEdit {{ border: 2px solid {theme.ERROR_COLOR}; }}")
            super().setToolTip(message)
        else:
            self.setStyleSheet("")
            super().setToolTip(self._help)
        if self._message is not None:
            self._message.setText(message or "")
            self._message.setVisible(bool(message))

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.session_started.emit()
        super().focusInEvent(event)


class MessageLabel(QLabel):
    """A word-wrapped, selectable label for messages, whose tooltip is always the whole text
    (plain), so that nothing it says is lost where the layout has little room."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(plain_text(text))


def plain_text(text: str) -> str:
    """A label's rich text as plain text (tags dropped, entities decoded)."""
    if "<" not in text and "&" not in text:
        return text
    return html.unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]*>", "", text)))


class StatusLabel(QWidget):
    """A word-wrapped label for text that changes often (training's progress, five times a
    second). QLabel.setText asks its layout to lay out again, and the request climbs to the
    window, which lays out every widget in it each time: half of what the window cost a
    training. Here the label sits in a widget without a layout, where that request stops; this
    widget changes height (and so the window's layout) only when the number of lines does."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fit()

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:
        if text != self.label.text():
            self.label.setText(text)
            self._fit()

    def _fit(self) -> None:
        height = self.label.heightForWidth(max(self.width(), 1))
        if height < 0:
            height = self.label.sizeHint().height()
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)
        self.label.setGeometry(0, 0, self.width(), height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the label has this widget's font
            self._fit()

    def sizeHint(self) -> QSize:
        return QSize(min(self.label.sizeHint().width(), 300), self.minimumHeight())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.minimumHeight())
