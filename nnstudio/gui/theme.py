"""Icons and colours: one colour and icon per layer group, readable on light and dark themes."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from nnstudio.core.resources import resource
from nnstudio.core.summary import ERROR

GROUP_COLORS = {
    "Core": "#4C8FD6",
    "Convolution": "#F08A24",
    "Pooling": "#4FA84A",
    "Regularization": "#A877C9",
    "Normalization": "#3BB0A8",
    "Reshaping": "#B58A62",
    "Augmentation": "#E0609C",
}
ERROR_COLOR = "#D64545"
WARNING_COLOR = "#D99A1E"


def group_color(group: str) -> QColor:
    return QColor(GROUP_COLORS.get(group, "#888888"))


@cache
def group_icon(group: str) -> QIcon:
    return QIcon(str(resource("icons", f"{group.lower()}.svg")))


@cache
def app_icon() -> QIcon:
    return QIcon(str(resource("icons", "nnstudio.svg")))


def severity_color(severity: str | None) -> QColor | None:
    if severity is None:
        return None
    return QColor(ERROR_COLOR if severity == ERROR else WARNING_COLOR)


def severity_icon(severity: str) -> QIcon:
    pixmap = (
        QStyle.StandardPixmap.SP_MessageBoxCritical
        if severity == ERROR
        else QStyle.StandardPixmap.SP_MessageBoxWarning
    )
    return QApplication.style().standardIcon(pixmap)


def tinted(color: QColor, alpha: int) -> QColor:
    out = QColor(color)
    out.setAlpha(alpha)
    return out


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def muted_text(palette: QPalette) -> QColor:
    """Secondary text: halfway between the text and the background."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )
