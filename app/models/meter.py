"""Meters, measurement points (DEV-2, DEV-3) and tariffs with versions (BILL-1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ScaledDecimal, UtcDateTime, utcnow


class Tariff(Base):
    __tablename__ = "tariffs"
    __table_args__ = (
        CheckConstraint(
            "utility IN ('electricity', 'water', 'hot_water', 'gas', 'heat')", name="utility"
        ),
        CheckConstraint("kind IN ('flat', 'tiered', 'tou')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    utility: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    notes: Mapped[str] = mapped_column(Text, default="")


class TariffVersion(Base):
    """Prices effective from a moment on. ``params`` holds prices as decimal strings, e.g.
    {"price": "0.6800"} / {"tiers": [["200", "0.60"], ["400", "0.65"], [null, "0.90"]]} /
    {"t1": "1.20", "t2": "1.00", "t3": "0.70", "t4": "0.35"}, plus optional components."""

    __tablename__ = "tariff_versions"
    __table_args__ = (UniqueConstraint("tariff_id", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariffs.id"))
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime)
    params: Mapped[dict[str, object]] = mapped_column(JSON)
    monthly_fixed_fen: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Meter(Base):
    __tablename__ = "meters"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('single_phase', 'three_phase', 'multi_circuit', 'water', 'hot_water',"
            " 'gas', 'heat')",
            name="kind",
        ),
        CheckConstraint(
            "protocol IN ('dlt645-2007', 'dlt645-1997', 'cjt188', 'modbus')", name="protocol"
        ),
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        Index("ix_meters_bus_address", "bus_id", "address"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    protocol: Mapped[str] = mapped_column(String(16))
    profile: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(16), index=True)  # nameplate order
    meter_type: Mapped[int | None]  # CJ/T 188 type byte
    bus_id: Mapped[int] = mapped_column(ForeignKey("buses.id"), index=True)
    ct_ratio: Mapped[int] = mapped_column(default=1)
    circuits: Mapped[int] = mapped_column(default=1)
    has_relay: Mapped[bool] = mapped_column(default=True)  # relay (electricity) / valve (water)
    tou: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    online: Mapped[bool | None] = mapped_column(default=None)
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("meters.id"))
    notes: Mapped[str] = mapped_column(Text, default="")


class MeasurementPoint(Base):
    """Meter + circuit: billing, readings and control are per point (DEV-3)."""

    __tablename__ = "measurement_points"
    __table_args__ = (
        UniqueConstraint("meter_id", "circuit"),
        CheckConstraint(
            "utility IN ('electricity', 'water', 'hot_water', 'gas', 'heat')", name="utility"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"), index=True)
    circuit: Mapped[int] = mapped_column(default=1)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    utility: Mapped[str] = mapped_column(String(16))
    tariff_id: Mapped[int | None] = mapped_column(ForeignKey("tariffs.id"))
    name: Mapped[str] = mapped_column(String(128), default="")
    keep_power: Mapped[bool] = mapped_column(default=False)
    relay_state: Mapped[str | None] = mapped_column(String(8))  # closed | open | unknown
    billing_hold: Mapped[bool] = mapped_column(default=False)
    max_step: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # who opened the relay/valve (CTL-1, CTL-5): arrears | operator | protection; the policy
    # only ever closes what it opened itself
    trip_cause: Mapped[str | None] = mapped_column(String(16))
    tripped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    trip_value: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))  # total at the trip
    last_read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
