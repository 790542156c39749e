"""Table model of alarms (time, severity, kind, place, message, state)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.services.alarms import AlarmView

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlarmTableModel", text)


def local_time(moment: datetime | None, tz: str | None = None) -> str:
    """UX-1: 2026-11-24 14:05 on the site's wall clock (``tz``; else this PC's clock)."""
    if moment is None:
        return ""
    try:
        zone = ZoneInfo(tz) if tz else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


class AlarmTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("AlarmTableModel", "Time"),
        QT_TRANSLATE_NOOP("AlarmTableModel", "Level"),
        QT_TRANSLATE_NOOP("AlarmTableModel", "Kind"),
        QT_TRANSLATE_NOOP("AlarmTableModel", "Room / point"),
        QT_TRANSLATE_NOOP("AlarmTableModel", "Message"),
        QT_TRANSLATE_NOOP("AlarmTableModel", "State"),
    )
    KINDS: ClassVar[dict[str, Any]] = {
        "comm_offline": QT_TRANSLATE_NOOP("AlarmTableModel", "Communication lost"),
        "control_failure": QT_TRANSLATE_NOOP("AlarmTableModel", "Switching failed"),
        "reading_anomaly": QT_TRANSLATE_NOOP("AlarmTableModel", "Reading anomaly"),
        "overload_trip": QT_TRANSLATE_NOOP("AlarmTableModel", "Overload trip"),
        "temperature": QT_TRANSLATE_NOOP("AlarmTableModel", "Temperature"),
        "clock_drift": QT_TRANSLATE_NOOP("AlarmTableModel", "Clock drift"),
        "low_balance": QT_TRANSLATE_NOOP("AlarmTableModel", "Low balance"),
        "arrears_cut": QT_TRANSLATE_NOOP("AlarmTableModel", "Cut for arrears"),
        "meter_fault": QT_TRANSLATE_NOOP("AlarmTableModel", "Meter fault"),
        "tamper": QT_TRANSLATE_NOOP("AlarmTableModel", "Tampering"),
        "command_failed": QT_TRANSLATE_NOOP("AlarmTableModel", "Command failed"),
    }
    SEVERITIES: ClassVar[dict[str, Any]] = {
        "info": QT_TRANSLATE_NOOP("AlarmTableModel", "Info"),
        "warning": QT_TRANSLATE_NOOP("AlarmTableModel", "Warning"),
        "critical": QT_TRANSLATE_NOOP("AlarmTableModel", "Critical"),
    }
    SEVERITY_ORDER: ClassVar[dict[str, int]] = {"info": 0, "warning": 1, "critical": 2}
    STATE_ORDER: ClassVar[dict[str, int]] = {"active": 0, "acknowledged": 1, "cleared": 2}

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[AlarmView] = []
        self.timezone: str | None = None  # the site's, set by the page

    @classmethod
    def kind_label(cls, kind: str) -> str:
        return _tr(cls.KINDS[kind]) if kind in cls.KINDS else kind

    @staticmethod
    def state_label(a: AlarmView) -> str:
        if a.state == "active":
            return QCoreApplication.translate("AlarmTableModel", "Not acknowledged")
        if a.state == "acknowledged":
            if a.acked_by:
                return QCoreApplication.translate("AlarmTableModel", "Acknowledged by {0}").format(
                    a.acked_by
                )
            return QCoreApplication.translate("AlarmTableModel", "Acknowledged")
        return QCoreApplication.translate("AlarmTableModel", "Cleared")

    @staticmethod
    def place(a: AlarmView) -> str:
        parts = [p for p in (a.room_code, a.point_code) if p]
        if not parts and a.meter_address:
            parts.append(
                QCoreApplication.translate("AlarmTableModel", "meter {0}").format(a.meter_address)
            )
        if not parts and a.gateway_code:
            parts.append(
                QCoreApplication.translate("AlarmTableModel", "gateway {0}").format(a.gateway_code)
            )
        return " / ".join(parts)

    def set_rows(self, rows: list[AlarmView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AlarmView:
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
        a = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                local_time(a.raised_at, self.timezone),
                _tr(self.SEVERITIES.get(a.severity, a.severity)),
                self.kind_label(a.kind),
                self.place(a),
                a.message,
                self.state_label(a),
            )[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (
                a.raised_at.timestamp(),
                self.SEVERITY_ORDER.get(a.severity, 1),
                self.kind_label(a.kind),
                self.place(a),
                a.message,
                self.STATE_ORDER.get(a.state, 3),
            )[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if a.state == "cleared":
                return QBrush(QColor("#9e9e9e"))
            if a.state == "active" and a.severity == "critical":
                return QBrush(QColor("#c62828"))
            if a.state == "active" and col in (1, 5):
                return QBrush(QColor("#e65100"))
        return None
