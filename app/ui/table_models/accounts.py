"""Table model of account summaries (room, tenant, state, balance)."""

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
from PySide6.QtGui import QBrush, QColor

from app.domain.money import format_fen
from app.services.dto import AccountSummary

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("AccountTableModel", text)


class AccountTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("AccountTableModel", "Room"),
        QT_TRANSLATE_NOOP("AccountTableModel", "Name"),
        QT_TRANSLATE_NOOP("AccountTableModel", "Tenant"),
        QT_TRANSLATE_NOOP("AccountTableModel", "Phone"),
        QT_TRANSLATE_NOOP("AccountTableModel", "State"),
        QT_TRANSLATE_NOOP("AccountTableModel", "Cash"),
        QT_TRANSLATE_NOOP("AccountTableModel", "Subsidy"),
        QT_TRANSLATE_NOOP("AccountTableModel", "Balance"),
    )
    STATES: ClassVar[dict[str, Any]] = {
        "active": QT_TRANSLATE_NOOP("AccountTableModel", "Active"),
        "suspended": QT_TRANSLATE_NOOP("AccountTableModel", "Suspended"),
        "closed": QT_TRANSLATE_NOOP("AccountTableModel", "Closed"),
    }

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[AccountSummary] = []

    def set_rows(self, rows: list[AccountSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def replace(self, account: AccountSummary) -> None:
        """Show fresher figures of an account already in the table (after a booking)."""
        for row, a in enumerate(self._rows):
            if a.account_no == account.account_no:
                self._rows[row] = account
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                return

    def row_at(self, row: int) -> AccountSummary:
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
                a.room_code,
                a.room_name,
                a.tenant_name,
                a.tenant_phone or "",
                _tr(str(self.STATES[a.state])),
                format_fen(a.cash_fen),
                format_fen(a.subsidy_fen),
                format_fen(a.balance_fen),
            )[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (
                a.room_code,
                a.room_name,
                a.tenant_name,
                a.tenant_phone or "",
                a.state,
                a.cash_fen,
                a.subsidy_fen,
                a.balance_fen,
            )[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 7:
            if a.balance_fen < 0:
                return QBrush(QColor("#c62828"))
            if a.balance_fen <= a.warn_threshold_fen:
                return QBrush(QColor("#ef6c00"))
        return None
