"""Online payment orders (PAY-3): the order reference a QR code carries, mapped to its account.

An order is issued before the tenant pays (``PaymentService.issue_order``: at the desk, or by the
self-service backend through the signed local endpoint); the merchant statement and the payment
notification quote its ``order_no`` (WeChat Pay 商户订单号 / Alipay 商户订单号, the ``out_trade_no``
of their APIs), which is how a payment finds its account. Whether an order has been paid is not
kept here: the ledger is the truth (a booked payment's entry carries ``reference = order_no`` and
the idempotency key ``pay:<channel>:<transaction id>``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, utcnow


class PaymentOrder(Base):
    __tablename__ = "payment_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(16))  # None: either channel
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)  # None: any amount
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
