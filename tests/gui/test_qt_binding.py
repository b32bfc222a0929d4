"""Guards against Qt binding bugs nnstudio has met (see pyproject.toml)."""

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView


class _Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 3

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return "x" if role == Qt.ItemDataRole.DisplayRole else None


def test_model_data_of_none_keeps_none_alive(qtbot):
    """PySide6 6.12.0 dropped a reference to None whenever a Python model's data() was None,
    and the window died after a few seconds of editing ("deallocating None")."""
    model = _Model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(200):
        index.data(Qt.ItemDataRole.UserRole)
        view.viewport().repaint()
    assert sys.getrefcount(None) >= before - 20  # a few may be in use elsewhere
