"""The article beside the training: what the template's article trained on, with which settings,
and what it reached; how this project differs and why; what to expect and what it takes to reach
the article's figure, with the article's recipe one click away. And, beside a result, whether
it reached the article's figure, and why not."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QPushButton, QSizePolicy, QToolButton, QVBoxLayout

from nnstudio.core.articles import Comparison, Note
from nnstudio.core.datasets import BUILTIN, download_size_mb, needs_download
from nnstudio.gui import theme
from nnstudio.gui.widgets import MessageLabel

#: Colours of a comparison: reached, not reached.
REACHED_COLOR = "#3C8D2F"


def comparison_html(comparison: Comparison | None, whole: bool = True) -> str:
    """A comparison as rich text: green when the figure is reached, amber when not; without
    what it takes to get there unless ``whole`` (the Training tab's article box says it)."""
    if comparison is None:
        return ""
    color = {True: REACHED_COLOR, False: theme.WARNING_COLOR}.get(comparison.reached)
    shown = comparison.text if whole else f"{comparison.headline} {comparison.remark}".strip()
    text = html.escape(shown, quote=False)
    return f"<span style='color:{color}'>{text}</span>" if color else text


class ArticleBox(QFrame):
    """The template's article, in the Training tab where the settings are made."""

    #: The person asked for the article's data and settings.
    recipe_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.note: Note | None = None
        #: The article's name and title, wrapped (a group box's own title does not wrap, and
        #: a long one made the settings column wider than its room).
        self.heading = MessageLabel()
        self.text = MessageLabel()
        self.why_button = QToolButton()
        self.why_button.setText("Why does nnstudio start otherwise?")
        self.why_button.setCheckable(True)
        self.why_button.setAutoRaise(True)
        self.why = MessageLabel()
        self.why.hide()
        self.why_button.toggled.connect(self.why.setVisible)
        self.recipe_button = QPushButton()
        self.recipe_button.clicked.connect(self.recipe_requested)
        for label in (self.heading, self.text, self.why):
            label.setMinimumWidth(0)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addWidget(self.why_button)
        layout.addWidget(self.why)
        layout.addWidget(self.recipe_button)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hide()

    def show_note(self, note: Note | None) -> None:
        """The article's note for the open project, or nothing (a project of one's own)."""
        self.note = note
        self.setVisible(note is not None)
        if note is None:
            return
        article = note.article
        self.heading.setText(
            f"<b>From {html.escape(article.name.lower(), quote=False)}:</b> {article.title}"
        )
        paragraphs = [html.escape(p, quote=False) for p in note.paragraphs]
        self.text.setText("<br><br>".join(paragraphs))
        self.why.setText(html.escape(note.why, quote=False))
        self.why_button.setVisible(bool(note.why))
        self.why.setVisible(bool(note.why) and self.why_button.isChecked())
        can = article.dataset is not None and not note.as_article and not note.edited
        self.recipe_button.setVisible(can)
        if can:
            source = article.dataset
            title = BUILTIN.get(source.name, source.name).split(" (")[0]
            size = f" ({download_size_mb(source.name):.3g} MB)" if needs_download(source) else ""
            self.recipe_button.setText(f"Use the Article's Recipe{size}")
            self.recipe_button.setToolTip(
                f"Set the data ({title}) and the training settings to {article.name.lower()}'s, "
                "in one step that Ctrl+Z undoes, and load the data"
                + (f" (it downloads {size.strip(' ()')} once)" if size else "")
            )
