"""Table model of the technician's frame log: time, direction, gateway/bus, meter, frame hex."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.devices import FrameRow

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("FrameLogTableModel", text)


class FrameLogTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("FrameLogTableModel", "Time"),
        QT_TRANSLATE_NOOP("FrameLogTableModel", "Direction"),
        QT_TRANSLATE_NOOP("FrameLogTableModel", "Bus"),
        QT_TRANSLATE_NOOP("FrameLogTableModel", "Meter"),
        QT_TRANSLATE_NOOP("FrameLogTableModel", "Frame (hex)"),
    )
    DIRECTIONS: ClassVar[dict[str, Any]] = {
        "tx": QT_TRANSLATE_NOOP("FrameLogTableModel", "Sent"),
        "rx": QT_TRANSLATE_NOOP("FrameLogTableModel", "Received"),
        "rx-stale": QT_TRANSLATE_NOOP("FrameLogTableModel", "Late answer"),
        "rx-bad": QT_TRANSLATE_NOOP("FrameLogTableModel", "Damaged"),
        "rx-other": QT_TRANSLATE_NOOP("FrameLogTableModel", "Other meter"),
    }

    def __init__(self, capacity: int = 5000) -> None:
        super().__init__()
        self.capacity = capacity
        self._rows: list[FrameRow] = []
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.Monospace)

    def append(self, rows: list[FrameRow]) -> None:
        if not rows:
            return
        overflow = len(self._rows) + len(rows) - self.capacity
        if overflow > 0:
            drop = min(overflow, len(self._rows))
            self.beginRemoveRows(QModelIndex(), 0, drop - 1)
            del self._rows[:drop]
            self.endRemoveRows()
            rows = rows[-self.capacity :]
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def row_at(self, row: int) -> FrameRow:
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
        f = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f.at.astimezone().strftime("%H:%M:%S.") + f"{f.at.microsecond // 1000:03d}"
            if col == 1:
                return _tr(str(self.DIRECTIONS.get(f.direction, f.direction)))
            if col == 2:
                return f"{f.gateway_code}/{f.bus_number}"
            if col == 3:
                return f.address
            return f.hex
        if role == Qt.ItemDataRole.FontRole and col == 4:
            return self._mono
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            if f.direction == "tx":
                return QBrush(QColor("#1565c0"))
            if f.direction != "rx":
                return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.ToolTipRole and f.note:
            return f.note
        return None
