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

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.permissions import Perm
from app.errors import NotFoundError, ValidationError
from app.models.base import utcnow
from app.models.command import Alarm
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


def _view(a: Alarm) -> AlarmView:
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
    )


class AlarmService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self, *, open_only: bool = True, kind: str | None = None) -> list[AlarmView]:
        with self.db.uow() as uow:
            q = select(Alarm).order_by(Alarm.id.desc())
            if open_only:
                q = q.where(Alarm.state.in_(OPEN_STATES))
            if kind:
                q = q.where(Alarm.kind == kind)
            return [_view(a) for a in uow.session.scalars(q)]

    def acknowledge(self, actor: Actor, alarm_id: int) -> None:
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            alarm = uow.session.get(Alarm, alarm_id)
            if alarm is None:
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
            if alarm is None:
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
