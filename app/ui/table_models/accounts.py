"""Table model of account summaries (room, tenant, state, balance): filters and sorts itself
(``FastTableModel``), fast with tens of thousands of accounts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.domain.money import format_fen
from app.services.dto import AccountSummary
from app.ui.table_models.fast import (
    ALIGNMENT,
    DISPLAY,
    FIELD_SEPARATOR,
    FOREGROUND,
    RIGHT,
    FastTableModel,
)

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("AccountTableModel", text)


class AccountTableModel(FastTableModel[AccountSummary]):
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

    # -- rows, search and sort ---------------------------------------------------------------

    @classmethod
    def search_texts(cls, rows: Sequence[AccountSummary]) -> list[str]:
        """What the search box looks in: every column's text, as shown (case-insensitive), and
        the tenant's pinyin initials."""
        states = {key: _tr(str(name)) for key, name in cls.STATES.items()}
        sep = FIELD_SEPARATOR
        money: dict[int, str] = {}  # amounts repeat (¥0.00 subsidies…): format each once

        def fen(amount: int) -> str:
            text = money.get(amount)
            if text is None:
                text = money[amount] = format_fen(amount)
            return text

        # (money texts have no letters: only the other columns need lowering)
        return [
            f"{a.room_code}{sep}{a.room_name}{sep}{a.tenant_name}{sep}{a.tenant_phone or ''}"
            f"{sep}{states[a.state]}{sep}{a.tenant_initials}".lower()
            + f"{sep}{fen(a.cash_fen)}{sep}{fen(a.subsidy_fen)}"
            f"{sep}{fen(a.cash_fen + a.subsidy_fen)}"
            for a in rows
        ]

    @classmethod
    def search_text(cls, row: AccountSummary) -> str:
        return cls.search_texts([row])[0]

    def sort_value(self, a: AccountSummary, column: int) -> Any:
        if column == 0:
            return a.room_code
        if column == 1:
            return a.room_name
        if column == 2:
            return a.tenant_name
        if column == 3:
            return a.tenant_phone or ""
        if column == 4:
            return a.state
        if column == 5:
            return a.cash_fen
        if column == 6:
            return a.subsidy_fen
        return a.balance_fen

    def replace(self, account: AccountSummary) -> None:
        """Show fresher figures of an account already in the table (after a booking)."""
        for row, a in enumerate(self.all_rows()):
            if a.account_no == account.account_no:
                self.replace_row(row, account)
                return

    # -- Qt ----------------------------------------------------------------------------------

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(str(self.COLUMNS[section]))
        return None

    def row_cells(self, a: AccountSummary) -> list[dict[int, Any]]:
        balance = a.cash_fen + a.subsidy_fen
        money = {ALIGNMENT: RIGHT}
        balance_cell: dict[int, Any] = {DISPLAY: format_fen(balance), ALIGNMENT: RIGHT}
        if balance < 0:
            balance_cell[FOREGROUND] = QBrush(QColor("#c62828"))
        elif balance <= a.warn_threshold_fen:
            balance_cell[FOREGROUND] = QBrush(QColor("#ef6c00"))
        return [
            {DISPLAY: a.room_code},
            {DISPLAY: a.room_name},
            {DISPLAY: a.tenant_name},
            {DISPLAY: a.tenant_phone or ""},
            {DISPLAY: _tr(str(self.STATES[a.state]))},
            {DISPLAY: format_fen(a.cash_fen), **money},
            {DISPLAY: format_fen(a.subsidy_fen), **money},
            balance_cell,
        ]
