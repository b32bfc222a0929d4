"""Undo: a thin QUndoCommand around the core's pure edits.

Consecutive edits with the same merge key (typing in one field) merge into one step, as
Orange's paint-data widget merges a drag; a merge that ends where it started is dropped.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtGui import QUndoCommand

from nnstudio.core.document import Document
from nnstudio.core.edits import Edit

_MERGE_ID = 1


class EditCommand(QUndoCommand):
    def __init__(self, document: Document, edit: Edit, text: str, merge_key: Hashable = None):
        super().__init__(text)
        self._document = document
        self._edit = edit
        self._inverse: Edit | None = None
        self._before = document.architecture
        self.merge_key = merge_key

    def redo(self) -> None:
        self._inverse = self._document.apply(self._edit)

    def undo(self) -> None:
        self._document.apply(self._inverse)

    def id(self) -> int:
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        # Keep the inverse of the first edit: undo restores the state before typing began.
        self._edit = other._edit
        self.setObsolete(self._document.architecture == self._before)
        return True


class AttributeCommand(QUndoCommand):
    """Set an attribute of the editor (the dataset, the training settings) and announce it."""

    def __init__(self, editor, name: str, value, text: str, session: int | None = None):
        super().__init__(text)
        self._editor = editor
        self._name = name
        self._new = value
        self._old = getattr(editor, name)
        self._session = session

    def _set(self, value) -> None:
        setattr(self._editor, self._name, value)
        getattr(self._editor, f"{self._name}_changed").emit()

    def redo(self) -> None:
        self._set(self._new)

    def undo(self) -> None:
        self._set(self._old)

    def id(self) -> int:
        return _MERGE_ID + 1 if self._session else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, AttributeCommand):
            return False
        if (other._name, other._session) != (self._name, self._session):
            return False
        self._new = other._new
        self.setObsolete(self._new == self._old)
        return True
