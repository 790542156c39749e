"""Durable commands to meters (CTL-4) and alarms (MON-3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, utcnow


class Command(Base):
    __tablename__ = "commands"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'sent', 'confirmed', 'failed', 'cancelled')", name="state"
        ),
        Index("ix_commands_state_priority", "state", "priority", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # trip | close | valve_open | valve_close | ...
    point_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_points.id"), index=True)
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meters.id"))
    gateway_id: Mapped[int | None] = mapped_column(ForeignKey("gateways.id"))
    priority: Mapped[int] = mapped_column(default=10)  # lower runs first; control before reads
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    rule: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    result: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Alarm(Base):
    __tablename__ = "alarms"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'acknowledged', 'cleared')", name="state"),
        Index("ix_alarms_state_kind", "state", "kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8), default="warning")  # info|warning|critical
    dedup_key: Mapped[str] = mapped_column(String(128), index=True)
    gateway_id: Mapped[int | None] = mapped_column(ForeignKey("gateways.id"))
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meters.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_points.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="active")
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    acked_by_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
