"""Table model of ledger entries (time, kind, amount, balance after, channel, receipt …)."""

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

from app.domain.enums import EntryKind
from app.domain.money import format_fen
from app.services.dto import LedgerEntryDTO
from app.ui.ledger_labels import channel_name, entry_kind_name, local_time, pocket_name

Index = QModelIndex | QPersistentModelIndex
ELECTRICITY, WATER = EntryKind.ELECTRICITY_CHARGE, EntryKind.WATER_CHARGE


def _tr(text: str) -> str:
    return QCoreApplication.translate("LedgerTableModel", text)


class LedgerTableModel(QAbstractTableModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("LedgerTableModel", "Time"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Kind"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Amount"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Balance after"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Pocket"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Channel"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Receipt"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Operator"),
        QT_TRANSLATE_NOOP("LedgerTableModel", "Note"),
    )
    AMOUNT, BALANCE = 2, 3

    def __init__(self, columns: tuple[int, ...] | None = None) -> None:
        super().__init__()
        self._rows: list[LedgerEntryDTO] = []
        self._columns = columns or tuple(range(len(self.COLUMNS)))

    def set_rows(self, rows: list[LedgerEntryDTO] | tuple[LedgerEntryDTO, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> LedgerEntryDTO:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(str(self.COLUMNS[self._columns[section]]))
        return None

    def _display(self, e: LedgerEntryDTO, col: int) -> str:
        if col == 0:
            return local_time(e.created_at)
        if col == 1:
            return entry_kind_name(e.kind)
        if col == 2:
            return format_fen(e.amount_fen)
        if col == 3:
            return format_fen(e.balance_after_fen)
        if col == 4:
            return pocket_name(e.pocket)
        if col == 5:
            return channel_name(e.channel)
        if col == 6:
            return e.receipt_no or ""
        if col == 7:
            if e.operator_login in (None, "system"):
                return QCoreApplication.translate("LedgerTableModel", "System")
            return e.operator_login
        notes = [n for n in (e.reason,) if n]
        if e.quantity is not None and e.kind in (ELECTRICITY, WATER):
            unit = "kWh" if e.kind == ELECTRICITY else "m³"
            notes.append(f"{e.quantity.normalize():f} {unit}")
        if e.reference and e.channel not in (None, "system"):  # an order number of the payment
            notes.append(e.reference)
        if e.reverses_entry_id is not None:
            notes.insert(
                0,
                QCoreApplication.translate("LedgerTableModel", "reverses entry {0}").format(
                    e.reverses_entry_id
                ),
            )
        return " · ".join(notes)

    def _sort_key(self, e: LedgerEntryDTO, col: int) -> Any:
        if col == 0:
            return e.id
        if col == 2:
            return e.amount_fen
        if col == 3:
            return e.balance_after_fen
        return self._display(e, col)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(e, col)
        if role == Qt.ItemDataRole.UserRole:
            return self._sort_key(e, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.AMOUNT, self.BALANCE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.AMOUNT and e.amount_fen < 0:
            return QBrush(QColor("#c62828"))
        return None
