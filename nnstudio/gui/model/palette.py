"""The palette: every catalogue layer by group, searchable, to drag or double-click in."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.core.catalogue import by_group
from nnstudio.gui import theme
from nnstudio.gui.model.layer_model import LAYER_TYPE_MIME

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1


GROUP_TIPS = {
    "Augmentation": "Random changes of the training images, to fight overfitting; they do "
    "nothing when predicting.",
    "Merging": "Join branches (a skip connection, an Inception block): add one after a card, "
    "then drag from another card's output port (the dot under it) onto it. The model is then "
    "a graph, shown on the canvas.",
}


class PaletteTree(QTreeWidget):
    """The layer tree; dragging a layer carries its Keras class name."""

    activated_layer = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setRootIsDecorated(True)
        self.setAccessibleName("Layer palette")
        self.itemActivated.connect(self._on_activated)

    def mimeTypes(self) -> list[str]:
        return [LAYER_TYPE_MIME]

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        names = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        if names:
            mime.setData(LAYER_TYPE_MIME, names[0].encode())
            mime.setText(names[0])
        return mime

    def _on_activated(self, item: QTreeWidgetItem, column: int) -> None:
        name = item.data(0, TYPE_ROLE)
        if name:
            self.activated_layer.emit(name)


class Palette(QWidget):
    """Search box over the layer tree. Enter in the search box adds the first match."""

    #: A layer was double-clicked or chosen with Enter: add it after the selection.
    layer_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search layers…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Filter the layers by name or description; Enter adds the first.")
        self.search.setAccessibleName("Search layers")
        self.tree = PaletteTree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._items: dict[str, QTreeWidgetItem] = {}
        for group, types in by_group().items():
            head = QTreeWidgetItem(self.tree, [group])
            head.setIcon(0, theme.group_icon(group))
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            if group in GROUP_TIPS:
                head.setToolTip(0, GROUP_TIPS[group])
            for spec in types:
                item = QTreeWidgetItem(head, [spec.name])
                item.setData(0, TYPE_ROLE, spec.name)
                item.setIcon(0, theme.group_icon(group))
                item.setToolTip(
                    0,
                    f"<b>{spec.name}</b><br>{spec.help}<br><i>Double-click or "
                    "drag into the stack to add it.</i>",
                )
                item.setStatusTip(0, f"{spec.name}: {spec.help}")
                self._items[spec.name] = item
        self.tree.expandAll()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._add_first_match)
        self.tree.activated_layer.connect(self.layer_requested)
        self.search.installEventFilter(self)

    def filter(self, text: str) -> None:
        """Show only the layers whose name or help contains the text."""
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            shown = 0
            for j in range(head.childCount()):
                item = head.child(j)
                name = item.data(0, TYPE_ROLE)
                match = not needle or needle in name.lower() or needle in item.toolTip(0).lower()
                item.setHidden(not match)
                shown += match
            head.setHidden(shown == 0)
            head.setExpanded(True)

    def visible_layers(self) -> list[str]:
        return [
            name
            for name, item in self._items.items()
            if not item.isHidden() and not item.parent().isHidden()
        ]

    def _add_first_match(self) -> None:
        visible = self.visible_layers()
        if self.search.text().strip() and visible:
            self.layer_requested.emit(visible[0])

    def eventFilter(self, obj, event) -> bool:
        # Down from the search box moves into the list, as in a browser's search field.
        is_down = (
            obj is self.search
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        )
        visible = self.visible_layers() if is_down else []
        if visible:
            self.tree.setCurrentItem(self._items[visible[0]])
            self.tree.setFocus()
            return True
        return super().eventFilter(obj, event)
