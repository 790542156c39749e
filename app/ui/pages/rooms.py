"""房间/账户: every account with room, tenant, state and balance; search as you type."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout

from app.domain.money import format_fen
from app.services.dto import AccountSummary
from app.ui.messages import describe
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.accounts import AccountTableModel


class RoomsPage(Page):
    """Rooms and balances of every account, with a search box that filters as you type."""

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("RoomsPage")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search room, tenant, phone or initials"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(320)
        self.summary_label = QLabel()
        self.model = AccountTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 2)
        top.addWidget(self.summary_label, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)

    def refresh(self) -> None:
        self.summary_label.setText(self.tr("Loading…"))
        ctx = self.ctx
        ctx.tasks.run_op(
            lambda: ctx.services.accounts.list_accounts(ctx.actor),
            self._on_accounts_loaded,
            self._on_load_failed,
        )

    def _on_accounts_loaded(self, rows: list[AccountSummary]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        total = sum(a.balance_fen for a in rows)
        arrears = sum(1 for a in rows if a.balance_fen < 0)
        low = sum(1 for a in rows if 0 <= a.balance_fen <= a.warn_threshold_fen)
        self.summary_label.setText(
            self.tr("{0} accounts · total balance {1} · {2} low · {3} in arrears").format(
                len(rows), format_fen(total), low, arrears
            )
        )

    def _on_load_failed(self, exc: BaseException) -> None:
        self.summary_label.setText(describe(exc))

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
