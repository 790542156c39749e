"""Alarms (MON-3): raised by the collector and the services, de-duplicated by key, acknowledged
by a person, cleared when the condition ends (or by a person).

An alarm is *open* while it is active or acknowledged; raising the same ``dedup_key`` again while
one is open changes nothing (one alarm per condition, not one per read cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.domain.permissions import Perm
from app.errors import NotFoundError, ValidationError
from app.models.account import Account
from app.models.base import utcnow
from app.models.command import Alarm
from app.models.gateway import Bus, Gateway
from app.models.meter import MeasurementPoint, Meter
from app.models.operator import Operator
from app.models.site import Room
from app.services import audit
from app.services.context import Actor
from app.services.unit_of_work import Database


class AlarmKind(StrEnum):
    COMM_OFFLINE = "comm_offline"  # 通讯中断
    CONTROL_FAILURE = "control_failure"  # 关断控制失效
    READING_ANOMALY = "reading_anomaly"  # 读数异常
    OVERLOAD_TRIP = "overload_trip"  # 过载/恶性负载跳闸
    TEMPERATURE = "temperature"
    CLOCK_DRIFT = "clock_drift"  # 时钟偏差
    LOW_BALANCE = "low_balance"
    ARREARS_CUT = "arrears_cut"  # 欠费断电
    METER_FAULT = "meter_fault"
    TAMPER = "tamper"
    COMMAND_FAILED = "command_failed"  # 命令执行失败（通讯）


SEVERITY: dict[str, str] = {
    AlarmKind.COMM_OFFLINE: "warning",
    AlarmKind.CONTROL_FAILURE: "critical",
    AlarmKind.READING_ANOMALY: "warning",
    AlarmKind.OVERLOAD_TRIP: "warning",
    AlarmKind.TEMPERATURE: "warning",
    AlarmKind.CLOCK_DRIFT: "info",
    AlarmKind.LOW_BALANCE: "info",
    AlarmKind.ARREARS_CUT: "info",
    AlarmKind.METER_FAULT: "warning",
    AlarmKind.TAMPER: "critical",
    AlarmKind.COMMAND_FAILED: "warning",
}

OPEN_STATES = ("active", "acknowledged")


@dataclass(frozen=True)
class AlarmView:
    id: int
    kind: str
    severity: str
    state: str
    message: str
    point_id: int | None
    meter_id: int | None
    gateway_id: int | None
    account_id: int | None
    raised_at: datetime
    details: Mapping[str, object]
    # where the alarm is, for the alarms page (room through the point, else the account)
    room_code: str | None = None
    point_code: str | None = None
    meter_address: str | None = None
    gateway_code: str | None = None
    acked_by: str | None = None
    acked_at: datetime | None = None
    cleared_at: datetime | None = None


def raise_alarm(
    session: Session,
    kind: str,
    dedup_key: str,
    message: str,
    *,
    point_id: int | None = None,
    meter_id: int | None = None,
    gateway_id: int | None = None,
    account_id: int | None = None,
    details: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> int | None:
    """Open an alarm in the caller's transaction; ``None`` if one with the key is open already."""
    existing = session.execute(
        select(Alarm.id).where(Alarm.dedup_key == dedup_key, Alarm.state.in_(OPEN_STATES))
    ).first()
    if existing is not None:
        return None
    alarm = Alarm(
        kind=str(kind),
        severity=SEVERITY.get(kind, "warning"),
        dedup_key=dedup_key,
        message=message,
        point_id=point_id,
        meter_id=meter_id,
        gateway_id=gateway_id,
        account_id=account_id,
        details=dict(details or {}),
        state="active",
        raised_at=now or utcnow(),
    )
    session.add(alarm)
    session.flush()
    return alarm.id


def clear_alarms(session: Session, dedup_key: str, now: datetime | None = None) -> int:
    """Clear the open alarm(s) of a condition that ended; returns how many."""
    result = session.execute(
        update(Alarm)
        .where(Alarm.dedup_key == dedup_key, Alarm.state.in_(OPEN_STATES))
        .values(state="cleared", cleared_at=now or utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _in_buildings(building_ids: list[int]) -> ColumnElement[bool]:
    """The alarm concerns one of ``building_ids``: through its point, its account, a point of
    its meter, or a point on its gateway."""
    point_room = select(MeasurementPoint.id).join(Room, Room.id == MeasurementPoint.room_id)
    in_scope = Room.building_id.in_(building_ids)
    return or_(
        exists(point_room.where(MeasurementPoint.id == Alarm.point_id, in_scope)),
        exists(
            select(Account.id)
            .join(Room, Room.id == Account.room_id)
            .where(Account.id == Alarm.account_id, in_scope)
        ),
        exists(point_room.where(MeasurementPoint.meter_id == Alarm.meter_id, in_scope)),
        exists(
            point_room.join(Meter, Meter.id == MeasurementPoint.meter_id)
            .join(Bus, Bus.id == Meter.bus_id)
            .where(Bus.gateway_id == Alarm.gateway_id, in_scope)
        ),
    )


def alarm_scope(actor: Actor | None) -> ColumnElement[bool] | None:
    """What a building-scoped operator may see (SEC-2): alarms of their buildings, and the
    site-wide ones that name no point, account, meter or gateway; ``None`` = no restriction."""
    if actor is None or actor.building_ids is None:
        return None
    unplaced = and_(
        Alarm.point_id.is_(None),
        Alarm.account_id.is_(None),
        Alarm.meter_id.is_(None),
        Alarm.gateway_id.is_(None),
    )
    return or_(unplaced, _in_buildings(sorted(actor.building_ids)))


def _view(a: Alarm, extra: Any = None) -> AlarmView:
    e = extra or (None,) * 7
    return AlarmView(
        a.id,
        a.kind,
        a.severity,
        a.state,
        a.message,
        a.point_id,
        a.meter_id,
        a.gateway_id,
        a.account_id,
        a.raised_at,
        dict(a.details or {}),
        room_code=e[0],
        point_code=e[1],
        meter_address=e[2],
        gateway_code=e[3],
        acked_by=e[4],
        acked_at=a.acked_at,
        cleared_at=a.cleared_at,
    )


def _may_see(session: Session, actor: Actor, alarm_id: int) -> bool:
    scope = alarm_scope(actor)
    if scope is None:
        return True
    return session.execute(select(Alarm.id).where(Alarm.id == alarm_id, scope)).first() is not None


class AlarmService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list(
        self,
        *,
        open_only: bool = True,
        kind: str | None = None,
        actor: Actor | None = None,
        building_id: int | None = None,
        limit: int | None = None,
    ) -> list[AlarmView]:
        """Newest first. With ``actor`` the operator's building scope applies (and the
        permission to view is checked); ``building_id`` keeps the alarms of one building."""
        if actor is not None:
            actor.require(Perm.ACCOUNT_VIEW)
        point_room = aliased(Room)
        account_room = aliased(Room)
        meter = aliased(Meter)
        with self.db.uow() as uow:
            q = (
                select(
                    Alarm,
                    func.coalesce(point_room.code, account_room.code),
                    MeasurementPoint.code,
                    meter.address,
                    Gateway.code,
                    Operator.name,
                )
                .outerjoin(MeasurementPoint, MeasurementPoint.id == Alarm.point_id)
                .outerjoin(point_room, point_room.id == MeasurementPoint.room_id)
                .outerjoin(Account, Account.id == Alarm.account_id)
                .outerjoin(account_room, account_room.id == Account.room_id)
                .outerjoin(
                    meter, meter.id == func.coalesce(Alarm.meter_id, MeasurementPoint.meter_id)
                )
                .outerjoin(Gateway, Gateway.id == Alarm.gateway_id)
                .outerjoin(Operator, Operator.id == Alarm.acked_by_id)
                .order_by(Alarm.id.desc())
            )
            if open_only:
                q = q.where(Alarm.state.in_(OPEN_STATES))
            if kind:
                q = q.where(Alarm.kind == kind)
            scope = alarm_scope(actor)
            if scope is not None:
                q = q.where(scope)
            if building_id is not None:
                q = q.where(_in_buildings([building_id]))
            if limit is not None:
                q = q.limit(limit)
            return [_view(row[0], row[1:]) for row in uow.session.execute(q)]

    def count_open(self, actor: Actor | None = None) -> int:
        """Open (active or acknowledged) alarms the operator may see."""
        with self.db.uow() as uow:
            q = select(func.count()).select_from(Alarm).where(Alarm.state.in_(OPEN_STATES))
            scope = alarm_scope(actor)
            if scope is not None:
                q = q.where(scope)
            return int(uow.session.execute(q).scalar_one())

    def acknowledge(self, actor: Actor, alarm_id: int) -> None:
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            alarm = uow.session.get(Alarm, alarm_id)
            if alarm is None or not _may_see(uow.session, actor, alarm_id):
                raise NotFoundError("alarm", alarm_id)
            if alarm.state != "active":
                raise ValidationError(
                    "alarm", f"告警 {alarm_id} 当前状态为 {alarm.state}，无法确认"
                )
            alarm.state = "acknowledged"
            alarm.acked_by_id = actor.operator_id
            alarm.acked_at = utcnow()
            audit.record(
                uow.session,
                actor,
                "alarm.acknowledge",
                "alarm",
                alarm_id,
                {"state": "active"},
                {"state": "acknowledged"},
            )
            uow.commit()

    def clear(self, actor: Actor, alarm_id: int) -> None:
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            alarm = uow.session.get(Alarm, alarm_id)
            if alarm is None or not _may_see(uow.session, actor, alarm_id):
                raise NotFoundError("alarm", alarm_id)
            before = alarm.state
            if before == "cleared":
                return
            alarm.state = "cleared"
            alarm.cleared_at = utcnow()
            audit.record(
                uow.session,
                actor,
                "alarm.clear",
                "alarm",
                alarm_id,
                {"state": before},
                {"state": "cleared"},
            )
            uow.commit()
