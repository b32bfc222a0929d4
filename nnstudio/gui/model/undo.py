"""Undo: a thin QUndoCommand around the core's pure edits.

Consecutive edits with the same merge key (typing in one field) merge into one step, as
Orange's paint-data widget merges a drag; a merge that ends where it started is dropped.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtGui import QUndoCommand

_MERGE_ID = 1


class EditCommand(QUndoCommand):
    """A core edit on the undo stack: of the architecture or of the project (``target`` is the
    Session, or a Document for the architecture alone)."""

    def __init__(self, target, edit, text: str, merge_key: Hashable = None):
        super().__init__(text)
        self._target = target
        self._edit = edit
        self._inverse = None
        self._before = self._state()
        self.merge_key = merge_key

    def _state(self):
        target = self._target
        return target.project if hasattr(target, "project") else target.architecture

    def redo(self) -> None:
        self._inverse = self._target.apply(self._edit)

    def undo(self) -> None:
        self._target.apply(self._inverse)

    def id(self) -> int:
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        # Keep the inverse of the first edit: undo restores the state before typing began.
        self._edit = other._edit
        self.setObsolete(self._state() == self._before)
        return True
