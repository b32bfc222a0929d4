"""Help > Getting started: the steps of a first model (``core.tour``) in a panel beside the work,
ticked as the person does them, the next one highlighted with a "Show me" button that takes
them to where it is done."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.tour import STEPS, current_step, progress
from nnstudio.gui import theme


class StepRow(QFrame):
    """One step: a mark (done, next, to do), its title and, for the next one, its text."""

    def __init__(self, number: int, parent=None) -> None:
        super().__init__(parent)
        self.step = STEPS[number]
        self.number = number
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        if self.step.key == "new":
            self.button = QPushButton("New Empty Model")
            self.button.setToolTip("File > New: a model with only its input (asks to save first)")
        else:
            self.button = QPushButton("Show me")
            self.button.setToolTip(f"Go where this is done: {self.step.title.lower()}")
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 4)
        column.addWidget(self.label)
        column.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)

    def show_state(self, done: bool, current: bool) -> None:
        mark = "✓" if done else ("➜" if current else "○")
        title = html.escape(self.step.title)
        text = f"{mark} <b>{self.number + 1}. {title}</b>"
        if current:
            text += f"<br>{html.escape(self.step.text)}"
        self.label.setText(text)
        self.label.setEnabled(not done or current)
        self.button.setVisible(current)
        accent = theme.GROUP_COLORS["Core"]
        self.setStyleSheet(
            f"StepRow {{ border: 2px solid {accent}; border-radius: 6px; }}" if current else ""
        )


class GettingStarted(QWidget):
    """The steps, ticked from the project and from what the window has shown."""

    #: The person asked to be shown where a step is done (its key).
    show_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.seen: set[str] = set()
        self.done: list[bool] = [False] * len(STEPS)
        intro = QLabel(
            "Build a first network, an MLP that reads handwritten digits, train it and try it. "
            "Each step is ticked when it is done; <b>Show me</b> takes you there."
        )
        intro.setWordWrap(True)
        self.rows = [StepRow(i) for i in range(len(STEPS))]
        self.finished = QLabel(
            "<b>Done!</b> Your network reads digits. Next: File > New from Template opens the "
            "articles' models (a CNN does better on images), and the Runs tab compares what you "
            "train."
        )
        self.finished.setWordWrap(True)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(intro)
        for row in self.rows:
            column.addWidget(row)
            row.button.clicked.connect(lambda _=False, k=row.step.key: self.show_requested.emit(k))
        column.addWidget(self.finished)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def note_seen(self, what: str, project) -> None:
        """The window showed something a step asks for ("data", "evaluation", "answer")."""
        if what not in self.seen:
            self.seen.add(what)
            self.refresh(project)

    def refresh(self, project) -> None:
        self.done = progress(project, self.seen)
        current = current_step(self.done)
        for i, row in enumerate(self.rows):
            row.show_state(self.done[i], i == current)
        self.finished.setVisible(current is None)

    @property
    def current(self) -> int | None:
        return current_step(self.done)
