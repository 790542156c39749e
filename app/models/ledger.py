"""Append-only ledger (ACC-3), receipts numbered without gaps per year (RPT-1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ScaledDecimal, UtcDateTime, utcnow


class LedgerEntry(Base):
    """One signed change of one pocket of one account. Never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("pocket IN ('cash', 'subsidy')", name="pocket"),
        CheckConstraint("amount_fen <> 0", name="nonzero"),
        Index("ix_ledger_entries_account_id_id", "account_id", "id"),
        Index("ix_ledger_entries_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(16))
    pocket: Mapped[str] = mapped_column(String(8))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)  # cash + subsidy after this entry
    pocket_after_fen: Mapped[int] = mapped_column(BigInteger)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(128), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id"), unique=True
    )
    linked_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_points.id"))
    quantity: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReceiptSequence(Base):
    """The last receipt number drawn in a year; drawn under a row lock inside the top-up's
    transaction, so a rolled-back top-up leaves no gap."""

    __tablename__ = "receipt_sequences"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("year", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    number: Mapped[int]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    print_count: Mapped[int] = mapped_column(default=0)

    @property
    def receipt_no(self) -> str:
        return f"{self.year}-{self.number:06d}"
