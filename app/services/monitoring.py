"""Monitoring (MON-2): every measurement point of one utility with its room, meter, last reading,
switch state and online state, and the progress of the commands asked for on points.

A whole site (thousands of points) is fetched in a handful of queries: the points with their room,
building and meter in one join, the last ``total`` reading per point by the index on
(point, meter time) — a point's ``last_read_at`` is the meter time of its newest stored reading —
and the newest command per point in one grouped query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from app.domain.online import offline_after
from app.domain.permissions import Perm
from app.errors import ValidationError
from app.models.command import Command
from app.models.gateway import Bus, Gateway
from app.models.meter import MeasurementPoint, Meter
from app.models.reading import Reading
from app.models.site import Building, Floor, Room
from app.services.context import Actor
from app.services.settings import read_settings
from app.services.unit_of_work import Database

UTILITIES: dict[str, tuple[str, ...]] = {
    "electricity": ("electricity",),
    "water": ("water", "hot_water"),
}
FINAL_COMMAND_STATES = frozenset({"confirmed", "failed", "cancelled"})
CHUNK = 500


@dataclass(frozen=True)
class CommandProgress:
    command_id: int
    point_id: int
    kind: str  # trip | close | valve-close | valve-open | read | set_params
    state: str  # pending | sent | confirmed | failed | cancelled
    result: str | None
    created_at: datetime
    finished_at: datetime | None

    @property
    def final(self) -> bool:
        return self.state in FINAL_COMMAND_STATES


@dataclass(frozen=True)
class MonitorPoint:
    point_id: int
    point_code: str
    point_name: str
    utility: str
    building_id: int | None
    building_name: str
    floor: int | None
    room_code: str
    room_name: str
    meter_id: int
    meter_address: str
    protocol: str
    gateway_code: str
    bus_number: int
    has_switch: bool
    last_value: Decimal | None  # total register, kWh / m³
    last_read_at: datetime | None
    relay_state: str | None  # closed (supplying) | open (cut) | unknown | None
    trip_cause: str | None  # arrears | manual | protection
    tripped_at: datetime | None
    keep_power: bool
    billing_hold: bool
    online: str  # online | offline | never
    last_command: CommandProgress | None
    # live values of the newest read-now (DEV-5), e.g. {"voltage_v": "220.1", "power_kw": …}
    live: dict[str, str] = field(default_factory=dict)
    live_at: datetime | None = None


@dataclass(frozen=True)
class BuildingRef:
    id: int
    code: str
    name: str


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def online_state(
    last_read_at: datetime | None, meter_online: bool | None, now: datetime, read_interval_s: int
) -> str:
    """A point is online when it was read within :func:`app.domain.online.offline_after` and
    the comms layer has not marked its meter offline since."""
    if last_read_at is None:
        return "never" if meter_online is None else ("online" if meter_online else "offline")
    if meter_online is False:
        return "offline"
    fresh = now - _aware(last_read_at) <= offline_after(read_interval_s)  # type: ignore[operator]
    return "online" if fresh else "offline"


def _latest_commands(session: Any, point_ids: Sequence[int]) -> dict[int, CommandProgress]:
    out: dict[int, CommandProgress] = {}
    ids = list(point_ids)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        newest = (
            select(func.max(Command.id).label("id"))
            .where(Command.point_id.in_(chunk))
            .group_by(Command.point_id)
            .subquery()
        )
        for row in session.execute(
            select(
                Command.id,
                Command.point_id,
                Command.kind,
                Command.state,
                Command.result,
                Command.created_at,
                Command.finished_at,
            ).join(newest, newest.c.id == Command.id)
        ):
            out[int(row[1])] = CommandProgress(
                int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], row[6]
            )
    return out


def _latest_live(
    session: Any, point_ids: Sequence[int]
) -> dict[int, tuple[dict[str, str], datetime | None]]:
    """Live values kept by the newest confirmed read-now of each point."""
    out: dict[int, tuple[dict[str, str], datetime | None]] = {}
    ids = list(point_ids)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        newest = (
            select(func.max(Command.id).label("id"))
            .where(
                Command.point_id.in_(chunk),
                Command.kind == "read",
                Command.state == "confirmed",
            )
            .group_by(Command.point_id)
            .subquery()
        )
        for pid, payload, finished in session.execute(
            select(Command.point_id, Command.payload, Command.finished_at).join(
                newest, newest.c.id == Command.id
            )
        ):
            live = (payload or {}).get("live")
            if isinstance(live, dict) and live:
                out[int(pid)] = ({str(k): str(v) for k, v in live.items()}, _aware(finished))
    return out


class MonitoringService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def buildings(self, actor: Actor) -> list[BuildingRef]:
        actor.require(Perm.ACCOUNT_VIEW)
        with self.db.uow() as uow:
            rows = uow.session.execute(
                select(Building.id, Building.code, Building.name).order_by(
                    Building.sort_order, Building.code
                )
            ).all()
        return [BuildingRef(*r) for r in rows if actor.may_see_building(r[0])]

    def points(
        self,
        actor: Actor,
        utility: str,
        *,
        building_id: int | None = None,
        text: str = "",
        now: datetime | None = None,
    ) -> list[MonitorPoint]:
        """Every active point of ``utility`` ("electricity" or "water", which includes hot
        water) the operator may see, ordered by room."""
        actor.require(Perm.ACCOUNT_VIEW)
        utilities = UTILITIES.get(utility)
        if utilities is None:
            raise ValidationError("utility", f"未知的表具类别 {utility!r}")
        now = now or datetime.now(UTC)
        with self.db.uow() as uow:
            s = uow.session
            interval = int(read_settings(s).get("collector.read_interval_s") or 900)
            q = (
                select(
                    MeasurementPoint.id,
                    MeasurementPoint.code,
                    MeasurementPoint.utility,
                    Room.building_id,
                    MeasurementPoint.name,
                    Building.name,
                    Floor.number,
                    Room.code,
                    Room.name,
                    Meter.id,
                    Meter.address,
                    Meter.protocol,
                    Gateway.code,
                    Bus.number,
                    Meter.has_relay,
                    Reading.value,
                    MeasurementPoint.last_read_at,
                    MeasurementPoint.relay_state,
                    MeasurementPoint.trip_cause,
                    MeasurementPoint.tripped_at,
                    MeasurementPoint.keep_power,
                    MeasurementPoint.billing_hold,
                    Meter.online,
                )
                .join(Meter, Meter.id == MeasurementPoint.meter_id)
                .join(Bus, Bus.id == Meter.bus_id)
                .join(Gateway, Gateway.id == Bus.gateway_id)
                .outerjoin(Room, Room.id == MeasurementPoint.room_id)
                .outerjoin(Floor, Floor.id == Room.floor_id)
                .outerjoin(Building, Building.id == Room.building_id)
                .outerjoin(
                    Reading,
                    and_(
                        Reading.point_id == MeasurementPoint.id,
                        Reading.meter_time == MeasurementPoint.last_read_at,
                        Reading.register == "total",
                    ),
                )
                .where(
                    MeasurementPoint.utility.in_(utilities),
                    MeasurementPoint.status == "active",
                    Meter.status == "active",
                )
                .order_by(Room.code, MeasurementPoint.code)
            )
            if building_id is not None:
                q = q.where(Room.building_id == building_id)
            if actor.building_ids is not None:
                q = q.where(Room.building_id.in_(sorted(actor.building_ids)))
            needle = text.strip()
            if needle:
                like = f"%{needle}%"
                q = q.where(
                    or_(
                        Room.code.ilike(like),
                        Room.name.ilike(like),
                        Meter.address.ilike(like),
                        MeasurementPoint.code.ilike(like),
                        MeasurementPoint.name.ilike(like),
                    )
                )
            rows = s.execute(q).all()
            commands = _latest_commands(s, [r[0] for r in rows])
            live = _latest_live(s, [r[0] for r in rows])
        return [
            MonitorPoint(
                point_id=r[0],
                point_code=r[1],
                point_name=r[4] or "",
                utility=r[2],
                building_id=r[3],
                building_name=r[5] or "",
                floor=r[6],
                room_code=r[7] or "",
                room_name=r[8] or "",
                meter_id=r[9],
                meter_address=r[10],
                protocol=r[11],
                gateway_code=r[12],
                bus_number=r[13],
                has_switch=bool(r[14]),
                last_value=r[15],
                last_read_at=_aware(r[16]),
                relay_state=r[17],
                trip_cause=r[18],
                tripped_at=_aware(r[19]),
                keep_power=bool(r[20]),
                billing_hold=bool(r[21]),
                online=online_state(r[16], r[22], now, interval),
                last_command=commands.get(r[0]),
                live=live.get(r[0], ({}, None))[0],
                live_at=live.get(r[0], ({}, None))[1],
            )
            for r in rows
        ]

    def command_progress(
        self, actor: Actor, point_ids: Sequence[int]
    ) -> dict[int, CommandProgress]:
        """The newest command of each point (one query per 500 points): what the monitoring
        page polls until every command it asked for is final."""
        actor.require(Perm.ACCOUNT_VIEW)
        with self.db.uow() as uow:
            found = _latest_commands(uow.session, point_ids)
            if actor.building_ids is None or not found:
                return found
            visible = set(
                uow.session.scalars(
                    select(MeasurementPoint.id)
                    .join(Room, Room.id == MeasurementPoint.room_id)
                    .where(
                        MeasurementPoint.id.in_(list(found)),
                        Room.building_id.in_(sorted(actor.building_ids)),
                    )
                )
            )
        return {pid: c for pid, c in found.items() if pid in visible}
