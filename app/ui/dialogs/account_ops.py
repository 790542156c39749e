"""Refund, adjustment and reversal dialogs: each needs a reason and its own permission."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import Pocket
from app.domain.money import format_fen
from app.services.dto import AccountSummary, LedgerEntryDTO, PostingResult
from app.ui.guard import alive
from app.ui.ledger_labels import entry_kind_name, local_time, pocket_name, top_up_channels
from app.ui.messages import describe
from app.ui.money_input import AmountCheck, check_amount
from app.ui.pages.base import PageContext

REFUND, ADJUST, REVERSE = "refund", "adjust", "reverse"


class AccountOperationDialog(QDialog):
    """退款 (cash back, never more than the cash pocket), 调账 (a signed correction to a pocket)
    or 冲正 (cancel one ledger entry). The service call runs off the GUI thread; its error stays in
    the dialog so the operator can correct the input."""

    posted = Signal(object)  # PostingResult

    def __init__(
        self,
        ctx: PageContext,
        kind: str,
        account: AccountSummary,
        entry: LedgerEntryDTO | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AccountOperationDialog")
        self.ctx = ctx
        self.kind = kind
        self.account = account
        self.entry = entry
        self.result_posting: PostingResult | None = None
        self._busy = False
        # one key per dialog: pressing OK twice books one refund
        self._key = f"refund-{uuid.uuid4().hex}"
        titles = {
            REFUND: self.tr("Refund"),
            ADJUST: self.tr("Adjust balance"),
            REVERSE: self.tr("Reverse an entry"),
        }
        self.setWindowTitle(titles[kind])
        form = QFormLayout()
        form.addRow(
            self.tr("Account:"),
            QLabel(f"{account.room_code} {account.tenant_name}（{account.account_no}）"),
        )
        form.addRow(
            self.tr("Balance:"),
            QLabel(
                self.tr("{0} (cash {1}, subsidy {2})").format(
                    format_fen(account.balance_fen),
                    format_fen(account.cash_fen),
                    format_fen(account.subsidy_fen),
                )
            ),
        )
        self.amount_edit = QLineEdit()
        self.channel_combo = QComboBox()
        self.pocket_combo = QComboBox()
        if kind == REFUND:
            self.amount_edit.setPlaceholderText(self.tr("Yuan, e.g. 50 or 12.50"))
            form.addRow(self.tr("Refund amount:"), self.amount_edit)
            for code, name in top_up_channels():
                self.channel_combo.addItem(name, code)
            form.addRow(self.tr("Paid back by:"), self.channel_combo)
        elif kind == ADJUST:
            self.amount_edit.setPlaceholderText(self.tr("Yuan; negative to deduct, e.g. -20"))
            form.addRow(self.tr("Adjustment:"), self.amount_edit)
            for code in (Pocket.CASH, Pocket.SUBSIDY):
                self.pocket_combo.addItem(pocket_name(code), str(code))
            form.addRow(self.tr("Pocket:"), self.pocket_combo)
        else:
            assert entry is not None
            form.addRow(
                self.tr("Entry:"),
                QLabel(
                    self.tr("No. {0} · {1} · {2} · {3}").format(
                        entry.id,
                        local_time(entry.created_at),
                        entry_kind_name(entry.kind),
                        format_fen(entry.amount_fen),
                    )
                ),
            )
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText(self.tr("Required: why this is done"))
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(70)
        form.addRow(self.tr("Reason:"), self.reason_edit)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828")
        self.ok_button = QPushButton(self.tr("Confirm"))
        self.ok_button.setDefault(True)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        cancel.clicked.connect(self.reject)
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        self.amount_edit.textChanged.connect(self._validate)
        self.reason_edit.textChanged.connect(self._validate)
        self._validate()

    def _run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """``ctx.tasks.run_op`` with the results dropped once this widget is gone."""
        self.ctx.tasks.run_op(fn, alive(self, on_done), alive(self, on_error))

    def _amount(self) -> AmountCheck:
        return check_amount(self.amount_edit.text(), signed=self.kind == ADJUST)

    def _validate(self) -> None:
        message = ""
        ok = True
        if self.kind != REVERSE:
            check = self._amount()
            ok = check.fen is not None
            if self.amount_edit.text().strip():
                message = check.message
        if not self.reason_edit.toPlainText().strip():
            ok = False
            if not message and (self.kind == REVERSE or self.amount_edit.text().strip()):
                message = self.tr("Enter the reason.")
        self.error_label.setText(message)
        self.ok_button.setEnabled(ok and not self._busy)

    def _on_ok_button_clicked(self) -> None:
        if self._busy or not self.ok_button.isEnabled():
            return
        reason = self.reason_edit.toPlainText().strip()
        cashier, actor = self.ctx.services.cashier, self.ctx.actor
        account_no = self.account.account_no
        fn: Any
        amount = self._amount().fen
        fen = amount if amount is not None else 0
        if self.kind == REFUND:
            channel, key = str(self.channel_combo.currentData()), self._key

            def fn() -> PostingResult:
                return cashier.refund(
                    actor, account_no, fen, reason, channel=channel, idempotency_key=key
                )

        elif self.kind == ADJUST:
            pocket = str(self.pocket_combo.currentData())

            def fn() -> PostingResult:
                return cashier.adjust(actor, account_no, fen, reason, pocket=pocket)

        else:
            assert self.entry is not None
            entry_id = self.entry.id

            def fn() -> PostingResult:
                return cashier.reverse(actor, entry_id, reason)

        self._busy = True
        self.ok_button.setEnabled(False)
        self.error_label.setText("")
        self._run(fn, self._on_posted, self._on_failed)

    def _on_posted(self, result: PostingResult) -> None:
        self._busy = False
        self.result_posting = result
        self.posted.emit(result)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.error_label.setText(describe(exc))
        self._validate()
        self.error_label.setText(describe(exc))
