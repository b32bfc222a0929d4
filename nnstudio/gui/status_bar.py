"""The window's status bar, where no message is ever cut off without saying so: a message too
long for the bar ends in "…", its whole text is the bar's tooltip, and every message stays in
a history (View > Messages) with its time, so a message gone from the bar can be read again."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QStatusBar,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

#: How many messages the history keeps.
HISTORY = 200
#: The text's distance from the bar's left edge, as QStatusBar draws it.
MARGIN = 6


class MessageBar(QStatusBar):
    """A QStatusBar that elides long messages with "…" and remembers them all."""

    #: The person clicked the message (to read the history).
    history_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: deque[tuple[str, str]] = deque(maxlen=HISTORY)
        self.messageChanged.connect(self._on_message_changed)

    def showMessage(self, text: str, timeout: int = 0) -> None:
        if text and (not self.history or self.history[-1][1] != text):
            self.history.append((time.strftime("%H:%M:%S"), text))
        super().showMessage(text, timeout)

    def _on_message_changed(self, text: str) -> None:
        self.setToolTip(f"{text}\n\n(Click for earlier messages: View > Messages)" if text else "")
        self.update()

    def message_rect(self) -> QRect:
        """Where the message is drawn: left of the permanent widgets."""
        right = self.width() - MARGIN
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and child.x() > MARGIN:
                right = min(right, child.x() - MARGIN)
        return QRect(MARGIN, 0, max(right - MARGIN, 0), self.height())

    def shown_text(self) -> str:
        """The message as drawn: whole, or cut at a word and ended with "…"."""
        rect = self.message_rect()
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideRight, rect.width()
        )

    def paintEvent(self, event) -> None:
        message = self.currentMessage()
        if not message:
            super().paintEvent(event)
            return
        # QStatusBar would draw the message clipped at the edge, without a sign that more
        # follows: draw the panel, then the message elided.
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            self.message_rect(),
            Qt.AlignmentFlag.AlignLeading
            | Qt.AlignmentFlag.AlignVCenter
            | Qt.TextFlag.TextSingleLine,
            self.shown_text(),
        )

    def mousePressEvent(self, event) -> None:
        if self.message_rect().contains(event.position().toPoint()):
            self.history_requested.emit()
        super().mousePressEvent(event)


class MessagesDialog(QDialog):
    """Every message of the status bar, newest last, whole and selectable."""

    def __init__(self, history, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Messages")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlainText(
            "\n\n".join(f"{when}  {text}" for when, text in history)
            or "No messages yet: what nnstudio says in the status bar is kept here."
        )
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 360)
