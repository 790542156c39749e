"""Unified accounts with cash and subsidy pockets (ACC-1, ACC-2, ACC-5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, utcnow


class Account(Base):
    """Balances are integer fen. ``cash_fen``/``subsidy_fen`` always equal the sums of the
    account's ledger entries per pocket; ``ledger verify`` checks it."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'suspended', 'closed')", name="state"),
        CheckConstraint("overdraft_limit_fen >= 0", name="overdraft_nonneg"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(32), unique=True)
    occupancy_id: Mapped[int] = mapped_column(ForeignKey("occupancies.id"), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="active")
    cash_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    subsidy_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    overdraft_limit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    top_up_cap_fen: Mapped[int | None] = mapped_column(BigInteger)
    warn_threshold_fen: Mapped[int] = mapped_column(BigInteger, default=5000)
    urgent_threshold_fen: Mapped[int] = mapped_column(BigInteger, default=1000)
    special_power_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    special_power_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(default=1)

    @property
    def balance_fen(self) -> int:
        return self.cash_fen + self.subsidy_fen
