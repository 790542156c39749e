"""Online payments (PAY-3): payment orders, merchant statement import, payment notifications.

How a payment finds its account: every QR code / payment link is made for a **payment order**
issued here first (:meth:`PaymentService.issue_order`, at the desk or by the self-service backend
through the signed local endpoint, :mod:`app.services.payment_http`). The order number
(``SD`` + 14-digit site time + 8 random digits, letters and digits only, so valid as WeChat's and
Alipay's ``out_trade_no``) is what WeChat Pay and Alipay print as 商户订单号; the
``payment_orders`` table maps it to the account (and optionally a fixed amount and channel).

How each payment is booked exactly once: through :meth:`CashierService.top_up` with the
idempotency key ``pay:<channel>:<transaction id>`` (微信订单号 / 支付宝交易号) and
``reference = order_no``. Re-importing a file, importing the Alipay account log after the trade
detail of the same day, or a notification followed by the statement line of the same payment:
the key is already in the ledger, so nothing new is booked. Statement lines that cannot be booked
are listed for the cashier as mismatches, never booked by guessing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import statements as st
from app.domain.calendar import site_zone
from app.domain.enums import Channel, EntryKind
from app.domain.money import check_amount_fen
from app.domain.permissions import Perm
from app.errors import (
    AccountNotFoundError,
    AccountStateError,
    IdempotencyConflictError,
    NotFoundError,
    PermissionDeniedError,
    ShuidianError,
    StatementFormatError,
    ValidationError,
)
from app.models.account import Account
from app.models.base import utcnow
from app.models.ledger import LedgerEntry
from app.models.payment import PaymentOrder
from app.models.site import Room
from app.services import audit
from app.services.cashier import CashierService
from app.services.context import Actor
from app.services.settings import read_settings
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

ONLINE_CHANNELS = (Channel.WECHAT, Channel.ALIPAY)

# mismatch kinds (what the cashier must look at)
UNKNOWN_ORDER = "unknown_order"
AMOUNT_DIFFERS = "amount_differs"
REFUNDED = "refunded"
DUPLICATE = "duplicate"
WRONG_CHANNEL = "wrong_channel"
NOT_PAID = "not_paid"
REJECTED = "rejected"  # the cashier refused it (closed account, top-up cap …)

MISMATCH_LABELS = {
    UNKNOWN_ORDER: "未知订单",
    AMOUNT_DIFFERS: "金额不符",
    REFUNDED: "已退款",
    DUPLICATE: "重复支付",
    WRONG_CHANNEL: "渠道不符",
    NOT_PAID: "未支付/已关闭",
    REJECTED: "无法入账",
}
CHANNEL_LABELS: dict[str, str] = {Channel.WECHAT: "微信支付", Channel.ALIPAY: "支付宝"}


def payment_key(channel: str, transaction_id: str) -> str:
    """The ledger idempotency key of one online payment."""
    return f"pay:{channel}:{transaction_id.strip()}"


@dataclass(frozen=True)
class PaymentOrderInfo:
    order_no: str
    account_no: str
    channel: str | None
    amount_fen: int | None
    created_at: datetime


@dataclass(frozen=True)
class BookedPayment:
    transaction_id: str
    order_no: str
    account_no: str
    amount_fen: int
    receipt_no: str | None
    entry_id: int
    replayed: bool  # booked before (an earlier import or a notification): nothing new


@dataclass(frozen=True)
class Mismatch:
    kind: str  # one of the kinds above
    line_no: int  # 0 for a notification
    transaction_id: str
    order_no: str
    amount_fen: int
    account_no: str | None
    detail: str  # a Chinese sentence for the cashier

    @property
    def label(self) -> str:
        return MISMATCH_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ImportResult:
    channel: str
    file_name: str
    layout: str
    encoding: str
    lines: int
    booked: tuple[BookedPayment, ...] = ()  # new bookings of this import
    already_booked: tuple[BookedPayment, ...] = ()
    mismatches: tuple[Mismatch, ...] = ()
    ignored: int = 0  # fee / withdrawal lines of an account log
    file_sha256: str = ""

    @property
    def booked_fen(self) -> int:
        return sum(b.amount_fen for b in self.booked)


@dataclass(frozen=True)
class NotificationResult:
    booked: BookedPayment | None
    mismatch: Mismatch | None


@dataclass
class _Order:
    order_no: str
    account_no: str
    channel: str | None
    amount_fen: int | None
    paid_by: set[str] = field(default_factory=set)  # idempotency keys already in the ledger


class PaymentService:
    def __init__(self, db: Database, cashier: CashierService | None = None) -> None:
        self.db = db
        self.cashier = cashier or CashierService(db)

    # -- orders -----------------------------------------------------------------------------------

    def issue_order(
        self,
        actor: Actor,
        account_no: str,
        *,
        channel: str | None = None,
        amount_fen: int | None = None,
        now: datetime | None = None,
    ) -> PaymentOrderInfo:
        """A new order number for a QR code / payment link that tops up ``account_no``."""
        actor.require(Perm.TOP_UP)
        if channel is not None and channel not in ONLINE_CHANNELS:
            raise ValidationError("channel", f"must be wechat or alipay: {channel!r}")
        if amount_fen is not None:
            check_amount_fen(amount_fen)
        now = now or utcnow()
        for _attempt in range(5):
            with self.db.uow() as uow:
                s = uow.session
                row = s.execute(
                    select(Account.id, Account.state, Room.building_id)
                    .join(Room, Room.id == Account.room_id)
                    .where(Account.account_no == account_no)
                ).first()
                if row is None:
                    raise AccountNotFoundError(account_no)
                acc_id, state, building_id = row
                if not actor.may_see_building(building_id):
                    raise PermissionDeniedError(actor.login, f"building:{building_id}")
                if state == "closed":
                    raise AccountStateError(account_no, state, "issue a payment order")
                zone = site_zone(str(read_settings(s)["site.timezone"]))
                stamp = now.astimezone(zone).strftime("%Y%m%d%H%M%S")
                order_no = f"SD{stamp}{secrets.randbelow(10**8):08d}"
                s.add(
                    PaymentOrder(
                        order_no=order_no,
                        account_id=acc_id,
                        channel=channel,
                        amount_fen=amount_fen,
                        operator_id=actor.operator_id,
                        created_at=now,
                    )
                )
                audit.record(
                    s,
                    actor,
                    "payments.order",
                    "account",
                    account_no,
                    None,
                    {"order_no": order_no, "channel": channel, "amount_fen": amount_fen},
                    at=now,
                )
                try:
                    uow.commit()
                except IntegrityError:
                    continue  # the same random order number drawn twice: draw again
                return PaymentOrderInfo(order_no, account_no, channel, amount_fen, now)
        raise RuntimeError("could not draw a unique payment order number")

    def _orders(self, order_nos: set[str]) -> dict[str, _Order]:
        out: dict[str, _Order] = {}
        wanted = sorted(o for o in order_nos if o)
        with self.db.uow() as uow:
            s = uow.session
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                for order_no, account_no, channel, amount in s.execute(
                    select(
                        PaymentOrder.order_no,
                        Account.account_no,
                        PaymentOrder.channel,
                        PaymentOrder.amount_fen,
                    )
                    .join(Account, Account.id == PaymentOrder.account_id)
                    .where(PaymentOrder.order_no.in_(chunk))
                ):
                    out[order_no] = _Order(order_no, account_no, channel, amount)
                for reference, key in s.execute(
                    select(LedgerEntry.reference, LedgerEntry.idempotency_key).where(
                        LedgerEntry.reference.in_(chunk),
                        LedgerEntry.kind == EntryKind.TOP_UP,
                        LedgerEntry.idempotency_key.like("pay:%"),
                    )
                ):
                    if reference in out and key:
                        out[reference].paid_by.add(key)
        return out

    # -- booking one payment -----------------------------------------------------------------

    def _book(
        self,
        actor: Actor,
        channel: str,
        line: st.StatementLine,
        order: _Order | None,
    ) -> BookedPayment | Mismatch:
        def mismatch(kind: str, detail: str) -> Mismatch:
            return Mismatch(
                kind,
                line.line_no,
                line.transaction_id,
                line.order_no,
                line.amount_fen,
                order.account_no if order else None,
                detail,
            )

        if order is None:
            return mismatch(UNKNOWN_ORDER, f"商户订单号“{line.order_no}”不是本系统开出的订单")
        key = payment_key(channel, line.transaction_id)
        if order.channel is not None and order.channel != channel:
            return mismatch(
                WRONG_CHANNEL,
                f"订单为{CHANNEL_LABELS.get(order.channel, order.channel)}订单，"
                f"却出现在{CHANNEL_LABELS.get(channel, channel)}账单中",
            )
        if order.amount_fen is not None and order.amount_fen != line.amount_fen:
            return mismatch(
                AMOUNT_DIFFERS,
                f"订单金额 {order.amount_fen / 100:.2f} 元，实付 {line.amount_fen / 100:.2f} 元",
            )
        others = order.paid_by - {key}
        if others:
            return mismatch(
                DUPLICATE,
                f"该订单已由另一笔交易入账（{sorted(others)[0].split(':', 2)[-1]}），本笔未入账",
            )
        try:
            result = self.cashier.top_up(
                actor, order.account_no, line.amount_fen, channel, key, reference=order.order_no
            )
        except IdempotencyConflictError:
            return mismatch(DUPLICATE, "该交易号已以不同的账户或金额入账，本笔未入账")
        except ShuidianError as exc:
            return mismatch(REJECTED, f"收费服务拒绝入账：{exc}")
        order.paid_by.add(key)
        return BookedPayment(
            line.transaction_id,
            order.order_no,
            order.account_no,
            line.amount_fen,
            result.receipt_no,
            result.entry_id,
            result.replayed,
        )

    # -- statements -----------------------------------------------------------------------------

    def import_statement(
        self, actor: Actor, source: Path | bytes, channel: str, *, file_name: str | None = None
    ) -> ImportResult:
        """Import a WeChat Pay 交易账单 or an Alipay 业务明细/账务明细 file.

        The whole file is parsed and checked first (a malformed file raises
        :class:`StatementFormatError` and books nothing). Then every paid line is booked once;
        lines that cannot be are returned as mismatches.
        """
        actor.require(Perm.TOP_UP)
        if channel not in ONLINE_CHANNELS:
            raise ValidationError("channel", f"must be wechat or alipay: {channel!r}")
        if isinstance(source, Path):
            try:
                data = source.read_bytes()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise StatementFormatError(channel, 0, f"无法读取文件：{reason}") from exc
            name = file_name or source.name
        else:
            data, name = source, file_name or "statement.csv"
        statement = st.parse_statement(data, channel)
        digest = hashlib.sha256(data).hexdigest()
        orders = self._orders({ln.order_no for ln in statement.lines})
        booked: list[BookedPayment] = []
        replayed: list[BookedPayment] = []
        mismatches: list[Mismatch] = []
        ignored = 0
        seen: dict[str, int] = {}
        for line in statement.lines:
            order = orders.get(line.order_no)
            account_no = order.account_no if order else None
            if line.kind == st.OTHER:
                ignored += 1
                continue
            if line.kind == st.NOT_PAID:
                mismatches.append(
                    Mismatch(NOT_PAID, line.line_no, line.transaction_id, line.order_no,
                             line.amount_fen, account_no, f"交易状态为 {line.status}，款项未到账")
                )  # fmt: skip
                continue
            if line.kind == st.REFUNDED:
                mismatches.append(
                    Mismatch(REFUNDED, line.line_no, line.transaction_id, line.order_no,
                             line.amount_fen, account_no,
                             f"商户已退款 {line.amount_fen / 100:.2f} 元"
                             f"{'（退款单号 ' + line.refund_no + '）' if line.refund_no else ''}，"
                             "请核对后在收费台办理退费或冲正")
                )  # fmt: skip
                continue
            if line.transaction_id in seen:
                mismatches.append(
                    Mismatch(DUPLICATE, line.line_no, line.transaction_id, line.order_no,
                             line.amount_fen, account_no,
                             f"与第 {seen[line.transaction_id]} 行是同一笔交易，只入账一次")
                )  # fmt: skip
                continue
            seen[line.transaction_id] = line.line_no
            outcome = self._book(actor, channel, line, order)
            if isinstance(outcome, Mismatch):
                mismatches.append(outcome)
            elif outcome.replayed:
                replayed.append(outcome)
            else:
                booked.append(outcome)
        result = ImportResult(
            channel=channel,
            file_name=name,
            layout=statement.layout,
            encoding=statement.encoding,
            lines=len(statement.lines),
            booked=tuple(booked),
            already_booked=tuple(replayed),
            mismatches=tuple(mismatches),
            ignored=ignored,
            file_sha256=digest,
        )
        with self.db.uow() as uow:
            audit.record(
                uow.session,
                actor,
                "payments.import",
                "statement",
                name,
                None,
                {
                    "channel": channel,
                    "sha256": digest,
                    "lines": result.lines,
                    "booked": len(booked),
                    "booked_fen": result.booked_fen,
                    "already_booked": len(replayed),
                    "mismatches": len(mismatches),
                },
            )
            uow.commit()
        logger.info(
            "%s statement %s: %d lines, %d booked, %d already booked, %d mismatches",
            channel, name, result.lines, len(booked), len(replayed), len(mismatches),
        )  # fmt: skip
        return result

    # -- notifications --------------------------------------------------------------------------

    def book_notification(
        self,
        actor: Actor,
        channel: str,
        transaction_id: str,
        order_no: str,
        amount_fen: int,
        *,
        paid_at: datetime | None = None,
    ) -> NotificationResult:
        """Book one payment reported by the self-service backend (already authenticated)."""
        actor.require(Perm.TOP_UP)
        if channel not in ONLINE_CHANNELS:
            raise ValidationError("channel", f"must be wechat or alipay: {channel!r}")
        if not transaction_id or len(transaction_id) > 64:
            raise ValidationError("transaction_id", "1..64 characters")
        check_amount_fen(amount_fen)
        line = st.StatementLine(0, transaction_id, order_no, st.PAID, amount_fen, paid_at, "notify")
        order = self._orders({order_no}).get(order_no)
        outcome = self._book(actor, channel, line, order)
        if isinstance(outcome, Mismatch):
            logger.warning("payment notification %s not booked: %s", transaction_id, outcome.detail)
            with self.db.uow() as uow:  # for the cashier: the money arrived, nothing was booked
                audit.record(
                    uow.session,
                    actor,
                    "payments.notify_mismatch",
                    "payment",
                    f"{channel}:{transaction_id}",
                    None,
                    {
                        "kind": outcome.kind,
                        "order_no": order_no,
                        "amount_fen": amount_fen,
                        "detail": outcome.detail,
                    },
                )
                uow.commit()
            return NotificationResult(None, outcome)
        return NotificationResult(outcome, None)

    def order(self, actor: Actor, order_no: str) -> PaymentOrderInfo:
        actor.require(Perm.TOP_UP)
        with self.db.uow() as uow:
            row = uow.session.execute(
                select(PaymentOrder, Account.account_no)
                .join(Account, Account.id == PaymentOrder.account_id)
                .where(PaymentOrder.order_no == order_no)
            ).first()
            if row is None:
                raise NotFoundError("payment order", order_no)
            o, account_no = row
            return PaymentOrderInfo(o.order_no, account_no, o.channel, o.amount_fen, o.created_at)
