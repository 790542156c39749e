"""Table model of backup files: time, file name, size, kind, checksum file present."""

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
from PySide6.QtGui import QBrush, QColor

from app.services.backups import BackupFile

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackupTableModel", text)


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class BackupTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("BackupTableModel", "Made at"),
        QT_TRANSLATE_NOOP("BackupTableModel", "File"),
        QT_TRANSLATE_NOOP("BackupTableModel", "Size"),
        QT_TRANSLATE_NOOP("BackupTableModel", "Kind"),
        QT_TRANSLATE_NOOP("BackupTableModel", "Checksum"),
    )

    LABELS = (  # marked for lupdate; translated where shown
        QT_TRANSLATE_NOOP("BackupTableModel", "Scheduled or on demand"),
        QT_TRANSLATE_NOOP("BackupTableModel", "Before a restore"),
        QT_TRANSLATE_NOOP("BackupTableModel", "Present"),
        QT_TRANSLATE_NOOP("BackupTableModel", "Missing"),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[BackupFile] = []

    def set_rows(self, rows: list[BackupFile]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> BackupFile:
        return self._rows[row]

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
        b = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            kind = _tr("Before a restore") if b.label else _tr("Scheduled or on demand")
            return (
                b.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                b.name,
                format_size(b.size),
                kind,
                _tr("Present") if b.has_checksum else _tr("Missing"),
            )[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (b.created_at.isoformat(), b.name, b.size, b.label, int(b.has_checksum))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and not b.has_checksum:
            return QBrush(QColor("#c0392b"))
        return None
