"""Table model of operators: login, name, role, building scope, active, locked until."""

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

from app.domain.calendar import site_zone
from app.services.operators import OperatorRow
from app.ui.admin_messages import role_label

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("OperatorTableModel", text)


class OperatorTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("OperatorTableModel", "Login"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Name"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Role"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Buildings"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Status"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Locked until"),
    )

    LABELS = (  # marked for lupdate; translated where shown
        QT_TRANSLATE_NOOP("OperatorTableModel", "All buildings"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Active"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Deactivated"),
        QT_TRANSLATE_NOOP("OperatorTableModel", "Locked"),
    )

    def __init__(self, tz: str = "Asia/Shanghai") -> None:
        super().__init__()
        self._rows: list[OperatorRow] = []
        self._tz = site_zone(tz)

    def set_rows(self, rows: list[OperatorRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> OperatorRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(str(self.COLUMNS[section]))
        return None

    def _locked_text(self, op: OperatorRow) -> str:
        if op.locked_until is None:
            return ""
        return op.locked_until.astimezone(self._tz).strftime("%Y-%m-%d %H:%M")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        op = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            scope = _tr("All buildings") if op.all_buildings else "、".join(op.building_names)
            status = _tr("Active") if op.active else _tr("Deactivated")
            if op.active and op.locked_until is not None:
                status = _tr("Locked")
            return (
                op.login,
                op.name,
                role_label(op.role_code, op.role_name),
                scope,
                status,
                self._locked_text(op),
            )[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (
                op.login,
                op.name,
                op.role_code,
                "" if op.all_buildings else ",".join(op.building_names),
                (0 if op.active else 2) + (1 if op.locked_until else 0),
                op.locked_until.isoformat() if op.locked_until else "",
            )[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if not op.active:
                return QBrush(QColor("#888888"))
            if op.locked_until is not None and col in (4, 5):
                return QBrush(QColor("#c0392b"))
        return None
