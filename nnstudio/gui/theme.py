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
    "Merging": "#5C6BC0",
    "Models": "#00897B",
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


THEMES = ("system", "light", "dark")


def dark_palette() -> QPalette:
    """Fusion in dark colours, for systems whose dark theme Qt does not pick up."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    colors = {
        role.Window: "#2b2d30",
        role.WindowText: "#e4e6ea",
        role.Base: "#1e1f22",
        role.AlternateBase: "#26282b",
        role.ToolTipBase: "#3a3d41",
        role.ToolTipText: "#e4e6ea",
        role.PlaceholderText: "#8b8f96",
        role.Text: "#e4e6ea",
        role.Button: "#3a3d41",
        role.ButtonText: "#e4e6ea",
        role.BrightText: "#ff6b6b",
        role.Link: "#6aa8ff",
        role.Highlight: "#2f65ca",
        role.HighlightedText: "#ffffff",
        role.Light: "#4a4d52",
        role.Midlight: "#404348",
        role.Mid: "#33363a",
        role.Dark: "#191a1c",
        role.Shadow: "#000000",
    }
    for r, color in colors.items():
        palette.setColor(r, QColor(color))
    for r in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(group.Disabled, r, QColor("#7c8087"))
    return palette


def apply_theme(name: str) -> None:
    """Use the system's colours, or Fusion's light or dark ones."""
    app = QApplication.instance()
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    if name == "dark":
        app.setPalette(dark_palette())
    else:
        app.setPalette(app.style().standardPalette())
