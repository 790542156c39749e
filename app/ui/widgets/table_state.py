"""Remember a table's column widths and order across sessions (machine-local QSettings)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QTableView, QTreeView


class HeaderStateKeeper(QObject):
    """Restores the header state saved under ``key`` now, saves it whenever a column moves or
    is resized (cheap: QSettings writes are batched)."""

    def __init__(self, view: QTableView | QTreeView, key: str) -> None:
        super().__init__(view)
        header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
        self.header = header
        self.key = f"tables/{key}/header"
        saved = QSettings().value(self.key)
        self.restored = bool(saved is not None and header.restoreState(saved))
        self._saved = saved
        header.sectionResized.connect(self._save)
        header.sectionMoved.connect(self._save)

    def _save(self, *_args: object) -> None:
        if not shiboken6.isValid(self.header):
            return  # the table is being destroyed
        state = self.header.saveState()
        if state != self._saved:  # a model change re-lays sections out without changing them
            self._saved = state
            QSettings().setValue(self.key, state)
