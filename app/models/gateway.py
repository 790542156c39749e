"""Data gateways and their RS485 buses (DEV-1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UtcDateTime, utcnow


class Gateway(Base):
    __tablename__ = "gateways"
    __table_args__ = (CheckConstraint("transport IN ('tcp', 'dtu', 'serial')", name="transport"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    location: Mapped[str] = mapped_column(String(128), default="")
    transport: Mapped[str] = mapped_column(String(8))
    host: Mapped[str | None] = mapped_column(String(128))
    dtu_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    serial_url: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
    online: Mapped[bool | None] = mapped_column(default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    buses: Mapped[list[Bus]] = relationship(back_populates="gateway", order_by="Bus.number")


class Bus(Base):
    __tablename__ = "buses"
    __table_args__ = (
        UniqueConstraint("gateway_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 6", name="number_range"),
        CheckConstraint("baud BETWEEN 1200 AND 115200", name="baud_range"),
        CheckConstraint("parity IN ('E', 'N', 'O')", name="parity"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_id: Mapped[int] = mapped_column(ForeignKey("gateways.id"))
    number: Mapped[int]
    port: Mapped[int | None]  # TCP port of this bus on a transparent gateway
    baud: Mapped[int] = mapped_column(default=2400)
    parity: Mapped[str] = mapped_column(String(1), default="E")
    stop_bits: Mapped[int] = mapped_column(default=1)
    timeout_ms: Mapped[int] = mapped_column(default=1500)
    retries: Mapped[int] = mapped_column(default=2)
    frame_gap_ms: Mapped[int] = mapped_column(default=50)
    gateway: Mapped[Gateway] = relationship(back_populates="buses")
