"""Meter readings (DEV-4): exact values, unique per (point, register, meter time)."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ScaledDecimal, UtcDateTime, utcnow


class Reading(Base):
    __tablename__ = "readings"
    __table_args__ = (
        UniqueConstraint("point_id", "register", "meter_time"),
        CheckConstraint(
            "source IN ('auto', 'manual', 'swap_final', 'swap_initial', 'move_out', 'import')",
            name="source",
        ),
        CheckConstraint("status IN ('ok', 'held', 'rejected', 'reset')", name="status"),
        Index("ix_readings_point_time", "point_id", "meter_time"),
    )
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    point_id: Mapped[int] = mapped_column(ForeignKey("measurement_points.id"))
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"), index=True)
    register: Mapped[str] = mapped_column(String(8), default="total")  # total | t1..t4
    value: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    meter_time: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="auto")
    # ok: billable | held: anomaly awaiting a person (DEV-8) | rejected: ignored |
    # reset: accepted as the start of a new segment (confirmed meter reset)
    status: Mapped[str] = mapped_column(String(8), default="ok")
