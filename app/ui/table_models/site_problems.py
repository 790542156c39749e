"""Table model of the problems a site workbook import found (sheet, row, column, reason)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.domain.site_sheet import Problem, describe

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("SiteProblemModel", text)


class SiteProblemModel(QAbstractTableModel):
    """The reasons are the workbook's own language (Chinese, like its sheet and column names)."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("SiteProblemModel", "Sheet"),
        QT_TRANSLATE_NOOP("SiteProblemModel", "Row"),
        QT_TRANSLATE_NOOP("SiteProblemModel", "Column"),
        QT_TRANSLATE_NOOP("SiteProblemModel", "Problem"),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Problem] = []

    def set_rows(self, rows: list[Problem]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(str(self.COLUMNS[section]))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        values = (p.sheet, p.row, p.column, describe(p.code, p.param))
        if role == Qt.ItemDataRole.DisplayRole:
            return str(values[index.column()])
        if role == Qt.ItemDataRole.UserRole:  # sort role: rows by number
            return values[index.column()]
        return None
