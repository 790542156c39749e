"""充值缴费: find an account as you type, top it up once per confirmation, print the receipt,
and follow the tenant's power restore (PAY-1). Refund, adjustment and reversal with reasons."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen
from app.domain.permissions import Perm
from app.services.dto import (
    AccountSummary,
    LedgerEntryDTO,
    LedgerPage,
    PostingResult,
    SupplyPoint,
)
from app.ui.dialogs.account_ops import ADJUST, REFUND, REVERSE, AccountOperationDialog
from app.ui.dialogs.receipt import ReceiptDialog
from app.ui.guard import alive
from app.ui.ledger_labels import (
    account_state_name,
    channel_name,
    entry_kind_name,
    top_up_channels,
    utility_name,
)
from app.ui.messages import describe
from app.ui.money_input import check_amount
from app.ui.pages.base import Page, PageContext
from app.ui.table_models.accounts import AccountTableModel
from app.ui.table_models.ledger import LedgerTableModel

SEARCH_LIMIT = 50
RECENT_ENTRIES = 8
RESTORE_POLL_MS = 3000
RESTORE_POLL_TIMES = 40  # two minutes: the collector's policy runs at least once a minute

# supply verdicts
NOT_NEEDED, RESTORED, RESTORING, INSUFFICIENT, NEEDS_ELECTRICIAN, FAILED = (
    "not_needed",
    "restored",
    "restoring",
    "insufficient",
    "needs_electrician",
    "failed",
)
_RESTORE_KINDS = ("close", "valve-open")


def _cut(p: SupplyPoint) -> bool:
    return p.relay_state == "open"


def supply_verdict(
    before: tuple[SupplyPoint, ...], now: tuple[SupplyPoint, ...], balance_fen: int
) -> str:
    """What the cashier tells the tenant about the supply after a top-up.

    ``before`` is the supply as the account card showed it before the top-up, ``now`` the latest
    read, ``balance_fen`` the balance with the overdraft allowance after the top-up."""
    cut_now = [p for p in now if _cut(p)]
    if not cut_now:
        return RESTORED if any(_cut(p) for p in before) else NOT_NEEDED
    # only trips of the arrears policy are closed by it; others need a person (CTL-5)
    if any(p.trip_cause not in (None, "arrears") for p in cut_now):
        return NEEDS_ELECTRICIAN
    if any(p.command_kind in _RESTORE_KINDS and p.command_state == "failed" for p in cut_now):
        return FAILED
    if balance_fen <= 0:
        return INSUFFICIENT
    return RESTORING


@dataclass(frozen=True)
class _Attempt:
    """One confirmation: the same request keeps its idempotency key until it is booked."""

    account_no: str
    amount_fen: int
    channel: str
    key: str


class CashierPage(Page):
    """The cashier's desk. Keyboard: type → Enter/↓ picks the account → amount → Enter books →
    Enter prints the receipt."""

    top_up_completed = Signal(object)  # PostingResult

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("CashierPage")
        self.account: AccountSummary | None = None
        self.supply: tuple[SupplyPoint, ...] = ()
        self.last_result: PostingResult | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.operation_dialog: AccountOperationDialog | None = None
        self._attempt: _Attempt | None = None
        self._booking = False
        self._search_wanted = ""
        self._search_running = False
        self._card_generation = 0
        self._supply_before: tuple[SupplyPoint, ...] = ()
        self._supply_polls = 0
        self._watched: PostingResult | None = None
        self.restore_verdict = ""
        self._build()
        self._connect()
        self._show_account(None)

    # -- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        big = QFont()
        big.setPointSizeF(big.pointSizeF() * 1.4)
        bold = QFont()
        bold.setBold(True)

        # left: search and results
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("cashier_search")
        self.search_edit.setPlaceholderText(self.tr("Room, tenant, phone or pinyin initials"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setFont(big)
        self.results_model = AccountTableModel()
        self.results_proxy = QSortFilterProxyModel(self)
        self.results_proxy.setSourceModel(self.results_model)
        self.results_proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.results_table = QTableView()
        self.results_table.setModel(self.results_proxy)
        self.results_table.setSortingEnabled(True)
        self.results_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.results_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.setAlternatingRowColors(True)
        self.results_table.verticalHeader().setVisible(False)
        for col in (1, 4, 5, 6):  # room name, state, cash, subsidy: on the card instead
            self.results_table.setColumnHidden(col, True)
        self.results_table.horizontalHeader().setStretchLastSection(True)
        self.results_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )
        self.results_label = QLabel()
        self.results_label.setStyleSheet("color: #666")
        left = QVBoxLayout()
        title = QLabel(self.tr("Find the account"))
        title.setFont(bold)
        left.addWidget(title)
        left.addWidget(self.search_edit)
        left.addWidget(self.results_table, 1)
        left.addWidget(self.results_label)

        # right: the account card
        self.card = QGroupBox(self.tr("Account"))
        self.room_value = QLabel()
        self.room_value.setFont(big)
        self.tenant_value = QLabel()
        self.tenant_value.setFont(big)
        self.phone_value = QLabel()
        self.state_value = QLabel()
        self.balance_value = QLabel()
        balance_font = QFont(big)
        balance_font.setBold(True)
        balance_font.setPointSizeF(big.pointSizeF() * 1.3)
        self.balance_value.setFont(balance_font)
        self.cash_value = QLabel()
        self.subsidy_value = QLabel()
        self.supply_value = QLabel()
        self.supply_value.setWordWrap(True)
        grid = QGridLayout()
        pairs = (
            (self.tr("Room"), self.room_value),
            (self.tr("Tenant"), self.tenant_value),
            (self.tr("Phone"), self.phone_value),
            (self.tr("State"), self.state_value),
            (self.tr("Balance"), self.balance_value),
            (self.tr("Cash"), self.cash_value),
            (self.tr("Subsidy"), self.subsidy_value),
            (self.tr("Supply"), self.supply_value),
        )
        for i, (label, value) in enumerate(pairs):
            row, col = divmod(i, 2)
            caption = QLabel(label)
            caption.setStyleSheet("color: #666")
            grid.addWidget(caption, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.recent_model = LedgerTableModel(columns=(0, 1, 2, 3, 5, 6, 8))
        self.recent_table = QTableView()
        self.recent_table.setModel(self.recent_model)
        self.recent_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent_table.verticalHeader().setVisible(False)
        self.recent_table.horizontalHeader().setStretchLastSection(True)
        self.recent_table.setMinimumHeight(150)
        self.recent_table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        card_layout = QVBoxLayout(self.card)
        card_layout.addLayout(grid)
        recent_title = QLabel(self.tr("Latest entries"))
        recent_title.setStyleSheet("color: #666")
        card_layout.addWidget(recent_title)
        card_layout.addWidget(self.recent_table, 1)

        # the top-up
        self.top_up_box = QGroupBox(self.tr("Top up"))
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("cashier_amount")
        self.amount_edit.setPlaceholderText(self.tr("Yuan, e.g. 100 or 99.50"))
        self.amount_edit.setFont(big)
        self.channel_combo = QComboBox()
        for code, name in top_up_channels():
            self.channel_combo.addItem(name, code)
        self.amount_message = QLabel()
        self.amount_message.setStyleSheet("color: #c62828")
        self.amount_message.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("Confirm top-up (Enter)"))
        self.confirm_button.setFont(bold)
        self.confirm_button.setMinimumHeight(36)
        self.confirm_button.setStyleSheet(
            "QPushButton:enabled { background: #1565c0; color: white; border-radius: 4px; }"
        )
        form = QFormLayout(self.top_up_box)
        form.addRow(self.tr("Amount:"), self.amount_edit)
        form.addRow(self.tr("Paid by:"), self.channel_combo)
        form.addRow("", self.amount_message)
        form.addRow("", self.confirm_button)

        # outcome and other operations
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.restore_label = QLabel()
        self.restore_label.setObjectName("restore_status")
        self.restore_label.setFont(bold)
        self.receipt_button = QPushButton(self.tr("Receipt…"))
        self.receipt_button.setEnabled(False)
        self.refund_button = QPushButton(self.tr("Refund…"))
        self.adjust_button = QPushButton(self.tr("Adjust…"))
        self.reverse_button = QPushButton(self.tr("Reverse selected entry…"))
        self.refund_button.setVisible(self.ctx.may(Perm.REFUND))
        self.adjust_button.setVisible(self.ctx.may(Perm.ADJUST))
        self.reverse_button.setVisible(self.ctx.may(Perm.REVERSE))
        actions = QHBoxLayout()
        actions.addWidget(self.receipt_button)
        actions.addStretch(1)
        for b in (self.refund_button, self.adjust_button, self.reverse_button):
            b.setAutoDefault(False)
            actions.addWidget(b)

        right = QVBoxLayout()
        right.addWidget(self.card, 3)
        right.addWidget(self.top_up_box)
        right.addWidget(self.result_label)
        right.addWidget(self.restore_label)
        right.addLayout(actions)

        layout = QHBoxLayout(self)
        left_widget = QWidget()
        left_widget.setLayout(left)
        right_widget = QWidget()
        right_widget.setLayout(right)
        layout.addWidget(left_widget, 5)
        layout.addWidget(right_widget, 6)

        self.restore_timer = QTimer(self)
        self.restore_timer.setInterval(RESTORE_POLL_MS)
        self.setTabOrder(self.search_edit, self.results_table)
        self.setTabOrder(self.results_table, self.amount_edit)
        self.setTabOrder(self.amount_edit, self.channel_combo)
        self.setTabOrder(self.channel_combo, self.confirm_button)

    def _connect(self) -> None:
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.results_table.installEventFilter(self)
        self.results_table.selectionModel().currentRowChanged.connect(
            self._on_results_current_changed
        )
        self.results_table.doubleClicked.connect(lambda _i: self._choose_current())
        self.amount_edit.textChanged.connect(self._on_amount_changed)
        self.amount_edit.returnPressed.connect(self._on_confirm_button_clicked)
        self.channel_combo.currentIndexChanged.connect(lambda _i: self._on_amount_changed())
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.receipt_button.clicked.connect(self._open_receipt)
        self.refund_button.clicked.connect(lambda: self._open_operation(REFUND))
        self.adjust_button.clicked.connect(lambda: self._open_operation(ADJUST))
        self.reverse_button.clicked.connect(lambda: self._open_operation(REVERSE))
        self.recent_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_actions()
        )
        self.restore_timer.timeout.connect(self._poll_supply)

    def _run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """``ctx.tasks.run_op`` with the results dropped once this widget is gone."""
        self.ctx.tasks.run_op(fn, alive(self, on_done), alive(self, on_error))

    # -- page ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._search(self.search_edit.text())
        if self.account is not None:
            self._load_card(self.account.account_no)
        self.search_edit.setFocus()

    # -- search ----------------------------------------------------------------------------------

    def _on_search_edit_text_changed(self, text: str) -> None:
        self._search(text)

    def _search(self, text: str) -> None:
        """One search in flight at a time; keystrokes meanwhile collapse into the latest text."""
        self._search_wanted = text.strip()
        if not self._search_running:
            self._run_search()

    def _run_search(self) -> None:
        text = self._search_wanted
        self._search_running = True
        accounts, actor = self.ctx.services.accounts, self.ctx.actor
        self._run(
            lambda: accounts.search(actor, text, limit=SEARCH_LIMIT),
            lambda rows: self._on_search_done(text, rows),
            self._on_search_failed,
        )

    def _on_search_done(self, text: str, rows: list[AccountSummary]) -> None:
        self._search_running = False
        if text != self._search_wanted:
            self._run_search()
            return
        self.results_model.set_rows(rows)
        self.results_table.resizeColumnsToContents()
        if not rows:
            self.results_label.setText(self.tr("No account found."))
        elif len(rows) >= SEARCH_LIMIT:
            self.results_label.setText(
                self.tr("The first {0} accounts; type more to narrow.").format(len(rows))
            )
        else:
            self.results_label.setText(self.tr("{0} accounts found.").format(len(rows)))
        if rows:
            self.results_table.selectRow(0)

    def _on_search_failed(self, exc: BaseException) -> None:
        self._search_running = False
        self.results_label.setText(describe(exc))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if watched is self.search_edit:
                if key == Qt.Key.Key_Down and self.results_proxy.rowCount():
                    self.results_table.setFocus()
                    row = max(0, self.results_table.currentIndex().row())
                    self.results_table.selectRow(row)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._choose_current()
                    return True
            elif watched is self.results_table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose_current()
                return True
        return super().eventFilter(watched, event)

    def _current_result(self) -> AccountSummary | None:
        index = self.results_table.currentIndex()
        if not index.isValid():
            if not self.results_proxy.rowCount():
                return None
            index = self.results_proxy.index(0, 0)
        source = self.results_proxy.mapToSource(index)
        return self.results_model.row_at(source.row())

    def _on_results_current_changed(self, current: object, _previous: object) -> None:
        chosen = self._current_result()
        if chosen is not None and not self._booking:  # the card stays while a booking runs
            self._show_account(chosen)
            self._load_card(chosen.account_no)

    def _choose_current(self) -> None:
        """Enter on the search box or the list: this account; the amount is next."""
        chosen = self._current_result()
        if chosen is None or self._booking:
            return
        if self.account is None or chosen.account_no != self.account.account_no:
            self._show_account(chosen)
        self._load_card(chosen.account_no)
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    def select_account(self, account_no: str) -> None:
        """Show ``account_no`` on the card (as if picked from the list)."""
        self._load_card(account_no)

    # -- account card ----------------------------------------------------------------------------

    def _load_card(self, account_no: str) -> None:
        self._card_generation += 1
        generation = self._card_generation
        accounts, actor = self.ctx.services.accounts, self.ctx.actor

        def load() -> tuple[AccountSummary, LedgerPage, tuple[SupplyPoint, ...]]:
            return (
                accounts.summary(actor, account_no),
                accounts.ledger_page(actor, account_no, limit=RECENT_ENTRIES),
                accounts.supply_status(actor, account_no),
            )

        self._run(
            load,
            lambda loaded: self._on_card_loaded(generation, *loaded),
            self._on_card_failed,
        )

    def _on_card_loaded(
        self,
        generation: int,
        summary: AccountSummary,
        ledger: LedgerPage,
        supply: tuple[SupplyPoint, ...],
    ) -> None:
        if generation != self._card_generation:
            return  # another account was picked meanwhile
        self._show_account(summary)
        self.results_model.replace(summary)
        self.recent_model.set_rows(ledger.entries)
        self.recent_table.resizeColumnsToContents()
        self.supply = supply
        self.supply_value.setText(self._supply_text(supply))

    def _on_card_failed(self, exc: BaseException) -> None:
        self.result_label.setText(describe(exc))
        self.result_label.setStyleSheet("color: #c62828")

    def _show_account(self, a: AccountSummary | None) -> None:
        changed = a is None or self.account is None or a.account_no != self.account.account_no
        self.account = a
        if changed:
            self.recent_model.set_rows([])
            self.supply = ()
            self.supply_value.setText("")
            self._attempt = None
        if a is None:
            for w in (self.room_value, self.tenant_value, self.phone_value, self.state_value):
                w.setText("—")
            for w in (self.balance_value, self.cash_value, self.subsidy_value):
                w.setText("—")
            self.card.setTitle(self.tr("Account"))
        else:
            self.card.setTitle(self.tr("Account {0}").format(a.account_no))
            self.room_value.setText(f"{a.room_code}  {a.room_name}")
            self.tenant_value.setText(a.tenant_name)
            self.phone_value.setText(a.tenant_phone or "—")
            self.state_value.setText(self._state_text(a))
            self.balance_value.setText(format_fen(a.balance_fen))
            colour = (
                "#c62828"
                if a.balance_fen < 0
                else ("#ef6c00" if a.balance_fen <= a.warn_threshold_fen else "#2e7d32")
            )
            self.balance_value.setStyleSheet(f"color: {colour}")
            self.cash_value.setText(format_fen(a.cash_fen))
            self.subsidy_value.setText(format_fen(a.subsidy_fen))
        self._on_amount_changed()
        self._update_actions()

    def _state_text(self, a: AccountSummary) -> str:
        state = account_state_name(a.state)
        if a.state != "active":
            return state
        if a.balance_fen < 0:
            return self.tr("{0} · in arrears").format(state)
        if a.balance_fen <= a.urgent_threshold_fen:
            return self.tr("{0} · balance urgent").format(state)
        if a.balance_fen <= a.warn_threshold_fen:
            return self.tr("{0} · balance low").format(state)
        return state

    def _supply_text(self, supply: tuple[SupplyPoint, ...]) -> str:
        if not supply:
            return self.tr("No meters")
        cut = [p for p in supply if _cut(p)]
        if not cut:
            return self.tr("Supplied")
        names = "、".join(sorted({utility_name(p.utility) for p in cut}))
        return self.tr("Cut off: {0}").format(names)

    def _update_actions(self) -> None:
        has = self.account is not None
        self.refund_button.setEnabled(has)
        self.adjust_button.setEnabled(has)
        self.reverse_button.setEnabled(has and self._selected_entry() is not None)

    # -- the top-up ------------------------------------------------------------------------------

    def _on_amount_changed(self, _text: str = "") -> None:
        check = check_amount(self.amount_edit.text())
        self.amount_message.setText(check.message)
        ok = check.fen is not None and self.account is not None and not self._booking
        self.confirm_button.setEnabled(ok)
        if check.fen is not None:
            self.confirm_button.setText(
                self.tr("Confirm top-up {0} (Enter)").format(format_fen(check.fen))
            )
        else:
            self.confirm_button.setText(self.tr("Confirm top-up (Enter)"))

    def _on_confirm_button_clicked(self) -> None:
        if self._booking or self.account is None:
            return
        check = check_amount(self.amount_edit.text())
        if check.fen is None:
            self.amount_message.setText(
                check.message or self.tr("Enter the amount in yuan, e.g. 100 or 99.50.")
            )
            return
        channel = str(self.channel_combo.currentData())
        attempt = self._attempt
        if attempt is None or (attempt.account_no, attempt.amount_fen, attempt.channel) != (
            self.account.account_no,
            check.fen,
            channel,
        ):
            # a new confirmation; the same one again (a retry after an error) keeps its key, so
            # whatever happened to the first try, the payment is booked at most once
            attempt = _Attempt(self.account.account_no, check.fen, channel, uuid.uuid4().hex)
            self._attempt = attempt
        self._booking = True
        self.confirm_button.setEnabled(False)
        self.amount_edit.setReadOnly(True)
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Booking…"))
        cashier, actor = self.ctx.services.cashier, self.ctx.actor
        self._run(
            lambda: cashier.top_up(
                actor, attempt.account_no, attempt.amount_fen, attempt.channel, attempt.key
            ),
            lambda result: self._on_top_up_done(attempt, result),
            self._on_top_up_failed,
        )

    def _on_top_up_done(self, attempt: _Attempt, result: PostingResult) -> None:
        channel = attempt.channel
        self._booking = False
        self._attempt = None
        self.last_result = result
        self.amount_edit.setReadOnly(False)
        self.amount_edit.clear()
        self.result_label.setStyleSheet("color: #2e7d32")
        self.result_label.setText(
            self.tr("Booked {0} by {1} · balance now {2} · receipt {3}").format(
                format_fen(result.amount_fen),
                channel_name(channel),
                format_fen(result.balance_after_fen),
                result.receipt_no or "—",
            )
        )
        self.receipt_button.setEnabled(result.receipt_no is not None)
        self._start_supply_watch(result)
        if self.account is not None:
            self._load_card(self.account.account_no)
        self.top_up_completed.emit(result)
        self._open_receipt()

    def _on_top_up_failed(self, exc: BaseException) -> None:
        self._booking = False
        self.amount_edit.setReadOnly(False)
        self.result_label.setStyleSheet("color: #c62828")
        self.result_label.setText(describe(exc))
        self._on_amount_changed()

    # -- receipt ---------------------------------------------------------------------------------

    def _open_receipt(self) -> None:
        result = self.last_result
        if result is None or result.receipt_no is None:
            return
        dialog = ReceiptDialog(self.ctx, result.receipt_no, self)
        dialog.printed.connect(self._on_receipt_printed)
        dialog.finished.connect(lambda _r: self.search_edit.setFocus())
        self.receipt_dialog = dialog
        dialog.open()

    def _on_receipt_printed(self, printed: object) -> None:
        from app.services.receipts import PrintedReceipt

        assert isinstance(printed, PrintedReceipt)
        text = self.result_label.text()
        note = self.tr("printed (print {0})").format(printed.print_no)
        self.result_label.setText(f"{text} · {note}")
        self.search_edit.selectAll()

    # -- power restore ---------------------------------------------------------------------------

    def _start_supply_watch(self, result: PostingResult) -> None:
        self._supply_before = self.supply
        self._watched = result
        self._supply_polls = 0
        if not any(_cut(p) for p in self.supply):
            self._show_verdict(NOT_NEEDED)
            self.restore_timer.stop()
            return
        self._show_verdict(RESTORING)
        self.restore_timer.start()
        self._poll_supply()

    def _poll_supply(self) -> None:
        self._supply_polls += 1
        if self._supply_polls > RESTORE_POLL_TIMES:
            self.restore_timer.stop()
            return
        result = self._watched
        if result is None:
            return
        accounts, actor = self.ctx.services.accounts, self.ctx.actor
        self._run(
            lambda: accounts.supply_status(actor, result.account_no),
            lambda now: self._on_supply_polled(result, now),
            lambda _e: None,
        )

    def _on_supply_polled(self, result: PostingResult, now: tuple[SupplyPoint, ...]) -> None:
        if result is not self._watched:
            return
        allowance = self.account.overdraft_limit_fen if self.account is not None else 0
        verdict = supply_verdict(self._supply_before, now, result.balance_after_fen + allowance)
        self._show_verdict(verdict)
        if self.account is not None and self.account.account_no == result.account_no:
            self.supply = now
            self.supply_value.setText(self._supply_text(now))
        if verdict != RESTORING:
            self.restore_timer.stop()

    def _show_verdict(self, verdict: str) -> None:
        texts = {
            NOT_NEEDED: (self.tr("Supply: no restore needed"), "#2e7d32"),
            RESTORED: (self.tr("Supply: power restored"), "#2e7d32"),
            RESTORING: (self.tr("Supply: restoring…"), "#ef6c00"),
            INSUFFICIENT: (
                self.tr("Supply: the balance is still too low to restore"),
                "#c62828",
            ),
            NEEDS_ELECTRICIAN: (
                self.tr("Supply: cut by an operator or the meter; the electrician restores it"),
                "#c62828",
            ),
            FAILED: (self.tr("Supply: restore failed; call the electrician"), "#c62828"),
        }
        text, colour = texts[verdict]
        self.restore_verdict = verdict
        self.restore_label.setText(text)
        self.restore_label.setStyleSheet(f"color: {colour}")

    # -- refund, adjustment, reversal --------------------------------------------------------------

    def _selected_entry(self) -> LedgerEntryDTO | None:
        rows = self.recent_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.recent_model.row_at(rows[0].row())

    def _open_operation(self, kind: str) -> None:
        if self.account is None:
            return
        entry = self._selected_entry() if kind == REVERSE else None
        if kind == REVERSE and entry is None:
            return
        dialog = AccountOperationDialog(self.ctx, kind, self.account, entry, self)
        dialog.posted.connect(self._on_operation_posted)
        self.operation_dialog = dialog
        dialog.open()

    def _on_operation_posted(self, result: object) -> None:
        assert isinstance(result, PostingResult)
        self.result_label.setStyleSheet("color: #2e7d32")
        self.result_label.setText(
            self.tr("{0} booked: {1} · balance now {2}").format(
                entry_kind_name(result.kind),
                format_fen(result.amount_fen),
                format_fen(result.balance_after_fen),
            )
        )
        self._load_card(result.account_no)
