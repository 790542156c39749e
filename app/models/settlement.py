"""Settlement state per point (BILL-2, BILL-3), notification outbox (NOTE-1), parameter
templates (CTL-6) and collector leases (multi-desk safety).

``settlement_states`` is a cache: what a point has been charged in its current tier period can
always be recomputed from the ledger (entries carry ``reference = settle:<point>:<period>``) and
the readings; the row makes the routine path cheap and is written in the same transaction as the
ledger entries it accounts for.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ScaledDecimal, UtcDateTime, utcnow


class SettlementState(Base):
    __tablename__ = "settlement_states"
    point_id: Mapped[int] = mapped_column(
        ForeignKey("measurement_points.id"), primary_key=True, autoincrement=False
    )
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    period_start: Mapped[datetime] = mapped_column(UtcDateTime)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    period_label: Mapped[str] = mapped_column(String(16))
    charged_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(4), default=Decimal(0))
    basis: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    last_reading_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    tariff_stamp: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Notification(Base):
    """Outbox of tenant and staff messages; sent off the GUI thread with retries (NOTE-1)."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'failed', 'skipped')", name="state"),
        CheckConstraint("audience IN ('tenant', 'staff')", name="audience"),
        Index("ix_notifications_state_next", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    audience: Mapped[str] = mapped_column(String(8), default="tenant")
    channel: Mapped[str] = mapped_column(String(16))  # webhook | sms | email
    recipient: Mapped[str] = mapped_column(String(256), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    alarm_id: Mapped[int | None] = mapped_column(ForeignKey("alarms.id"))
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ParameterTemplate(Base):
    """A versioned set of meter parameters downloaded to groups of points (CTL-6)."""

    __tablename__ = "parameter_templates"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(128))
    params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Lease(Base):
    """A named, time-limited claim (e.g. ``gateway:12``) so that two collectors never drive the
    same gateway; taken and renewed with a conditional UPDATE."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime] = mapped_column(UtcDateTime)
