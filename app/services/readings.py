"""Reading ingestion (DEV-4, DEV-8) and the review of held readings.

Every read of a point is stored per register, idempotent per (point, register, meter time): the
same read delivered twice is stored once. Each register is classified against the point's last
accepted reading (``app/domain/readings.py``); any anomaly stores the whole read as ``held``,
puts the point's billing on hold and raises a 读数异常 alarm. Nothing of a held point is billed
until a person accepts, resets, rejects or corrects the held readings (:class:`ReadingService`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.domain.permissions import Perm
from app.domain.readings import (
    PreviousReading,
    ReadingStatus,
    RegisterFormat,
    StepLimit,
    classify_reading,
    parse_reading_value,
)
from app.domain.settle_basis import PointReading
from app.errors import NotFoundError, ValidationError
from app.models.base import utcnow
from app.models.meter import MeasurementPoint, Meter
from app.models.reading import Reading
from app.models.settlement import SettlementState
from app.services import audit
from app.services.alarms import AlarmKind, clear_alarms, raise_alarm
from app.services.context import Actor
from app.services.rawsql import RawStatement, db_scaled, db_time
from app.services.unit_of_work import Database

ACCEPTED = ("ok", "reset")

# Plausible maximum rates (DEV-8) when a point has no configured maximum step: rated power in kW
# per meter kind (× CT ratio), maximum flow in m³/h for water meters.
MAX_RATE_PER_H: dict[str, Decimal] = {
    "single_phase": Decimal(15),
    "three_phase": Decimal(60),
    "multi_circuit": Decimal(15),
    "water": Decimal(10),
    "hot_water": Decimal(10),
}

REGISTER_FORMATS: dict[str, RegisterFormat] = {
    "dlt645-2007": RegisterFormat(6, 2),
    "dlt645-1997": RegisterFormat(6, 2),
    "cjt188": RegisterFormat(6, 2),
}

_LAST_TIME = RawStatement(
    "SELECT meter_time FROM readings WHERE point_id = :pid AND status IN ('ok', 'reset') "
    "ORDER BY meter_time DESC LIMIT 1"
)
_AT_TIME = RawStatement(
    "SELECT register, value FROM readings WHERE point_id = :pid AND meter_time = :t "
    "AND status IN ('ok', 'reset')"
)
_LAST_OF_REGISTER = RawStatement(
    "SELECT value, meter_time FROM readings WHERE point_id = :pid AND register = :reg "
    "AND status IN ('ok', 'reset') ORDER BY meter_time DESC LIMIT 1"
)
_INSERT = RawStatement(
    "INSERT INTO readings (point_id, meter_id, register, value, meter_time, received_at, source, "
    "status) VALUES (:pid, :mid, :reg, :value, :t, :received, :source, :status) "
    "ON CONFLICT (point_id, register, meter_time) DO NOTHING"
)
_TOUCH_POINT = RawStatement(
    "UPDATE measurement_points SET last_read_at = :t WHERE id = :pid "
    "AND (last_read_at IS NULL OR last_read_at < :t)"
)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _from_db_time(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return _aware(value)


@dataclass(frozen=True)
class RawRead:
    """What the collector (or a person) read from one point at one moment."""

    point_id: int
    meter_id: int
    meter_time: datetime
    values: Mapping[str, object]  # register → Decimal / decimal string (anything else: held)
    sensor_fault: bool = False
    source: str = "auto"


@dataclass(frozen=True)
class IngestOutcome:
    point_id: int
    status: str  # ok | first | duplicate | held | stale (the point's meter was replaced)
    accepted: PointReading | None  # what settlement may bill (ok / first)
    detail: str = ""
    anomalies: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _PointInfo:
    id: int
    meter_id: int
    kind: str
    ct_ratio: int
    billing_hold: bool
    max_step: Decimal | None
    protocol: str = ""

    @property
    def register_format(self) -> RegisterFormat | None:
        """Where the main register wraps: XXXXXX.XX on DL/T 645 and CJ/T 188 meters."""
        return REGISTER_FORMATS.get(self.protocol)


def _point_infos(session: Session, point_ids: Sequence[int]) -> dict[int, _PointInfo]:
    out: dict[int, _PointInfo] = {}
    ids = sorted(set(point_ids))
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(
                MeasurementPoint.id,
                MeasurementPoint.meter_id,
                Meter.kind,
                Meter.ct_ratio,
                MeasurementPoint.billing_hold,
                MeasurementPoint.max_step,
                Meter.protocol,
            )
            .join(Meter, Meter.id == MeasurementPoint.meter_id)
            .where(MeasurementPoint.id.in_(ids[i : i + 500]))
        )
        for r in rows:
            out[r[0]] = _PointInfo(r[0], r[1], r[2], int(r[3] or 1), bool(r[4]), r[5], r[6])
    return out


def previous_values(session: Session, point_id: int) -> dict[str, PreviousReading]:
    """The point's last accepted value of each register at its latest accepted read."""
    row = _LAST_TIME.one(session, {"pid": point_id})
    if row is None:
        return {}
    t_db = row[0]
    at = _from_db_time(t_db)
    cursor = _AT_TIME.execute(session, {"pid": point_id, "t": t_db})
    try:
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return {reg: PreviousReading(Decimal(v).scaleb(-4), at) for reg, v in rows}


def _limit(info: _PointInfo) -> StepLimit:
    rate = MAX_RATE_PER_H.get(info.kind, Decimal(60)) * info.ct_ratio
    return StepLimit(rate, fixed_max_step=info.max_step)


def _insert_rows(
    session: Session,
    read: RawRead,
    values: Mapping[str, Decimal | None],
    status: str,
    now: datetime,
) -> None:
    for register, value in values.items():
        if value is None:
            continue  # unparsable: nothing exact to store; the alarm carries the raw text
        _INSERT.run(
            session,
            {
                "pid": read.point_id,
                "mid": read.meter_id,
                "reg": register,
                "value": db_scaled(value),
                "t": db_time(read.meter_time),
                "received": db_time(now),
                "source": read.source,
                "status": status,
            },
        )


def ingest(
    session: Session, reads: Sequence[RawRead], now: datetime | None = None
) -> list[IngestOutcome]:
    """Store and classify ``reads`` in the caller's transaction."""
    now = now or datetime.now(UTC)
    infos = _point_infos(session, [r.point_id for r in reads])
    outcomes: list[IngestOutcome] = []
    for read in sorted(reads, key=lambda r: (r.point_id, r.meter_time)):
        info = infos.get(read.point_id)
        if info is None:
            raise NotFoundError("measurement point", read.point_id)
        if read.meter_id != info.meter_id:
            # a read of a meter the point no longer has (a collector cycle that was under way
            # during a meter swap): nothing to bill, nothing to hold
            outcomes.append(IngestOutcome(read.point_id, "stale", None, "meter replaced"))
            continue
        t = _aware(read.meter_time).replace(microsecond=0)
        read = RawRead(read.point_id, read.meter_id, t, read.values, read.sensor_fault, read.source)
        parsed = {reg: parse_reading_value(raw) for reg, raw in read.values.items()}
        if info.billing_hold:
            _insert_rows(session, read, parsed, "held", now)
            outcomes.append(IngestOutcome(read.point_id, "held", None, "point on hold"))
            continue
        previous = previous_values(session, read.point_id)
        limit = _limit(info)
        statuses: dict[str, ReadingStatus] = {}
        anomalies: dict[str, str] = {}
        for register, raw in read.values.items():
            prev = previous.get(register)
            if prev is None and previous:
                row = _LAST_OF_REGISTER.one(session, {"pid": read.point_id, "reg": register})
                if row is not None:
                    prev = PreviousReading(Decimal(row[0]).scaleb(-4), _from_db_time(row[1]))
            # the register of a new meter after a swap starts from the swap reading
            check = classify_reading(
                raw,
                meter_time=t,
                previous=prev,
                register=info.register_format,
                limit=limit if register == "total" else None,
                sensor_fault=read.sensor_fault,
            )
            statuses[register] = check.status
            if check.holds_billing:
                anomalies[register] = f"{check.status}: {check.detail}"
        if anomalies:
            _insert_rows(session, read, parsed, "held", now)
            session.execute(
                update(MeasurementPoint)
                .where(MeasurementPoint.id == read.point_id)
                .values(billing_hold=True)
            )
            raise_alarm(
                session,
                AlarmKind.READING_ANOMALY,
                f"reading_anomaly:{read.point_id}",
                "读数异常，已暂停计费，请核对："
                + "；".join(f"{k} {v}" for k, v in anomalies.items()),
                point_id=read.point_id,
                meter_id=read.meter_id,
                details={
                    "meter_time": t.isoformat(),
                    "values": {k: str(v) for k, v in read.values.items()},
                    "anomalies": anomalies,
                },
                now=now,
            )
            outcomes.append(IngestOutcome(read.point_id, "held", None, "", anomalies))
            continue
        if statuses and all(s is ReadingStatus.DUPLICATE for s in statuses.values()):
            outcomes.append(IngestOutcome(read.point_id, "duplicate", None))
            continue
        values = {k: v for k, v in parsed.items() if v is not None}
        _insert_rows(session, read, values, "ok", now)
        _TOUCH_POINT.run(session, {"t": db_time(t), "pid": read.point_id})
        first = all(s is ReadingStatus.FIRST for s in statuses.values())
        outcomes.append(
            IngestOutcome(
                read.point_id,
                "first" if first else "ok",
                PointReading(t, read.meter_id, values),
            )
        )
    return outcomes


# --- review of held readings -------------------------------------------------------------


@dataclass(frozen=True)
class HeldReading:
    point_id: int
    point_code: str
    meter_time: datetime
    values: Mapping[str, Decimal]
    previous: Mapping[str, Decimal]


class ResolveAction:
    ACCEPT = "accept"  # the value is real (e.g. a genuine high load): bill it
    RESET = "reset"  # the meter was reset / replaced in place: a new segment starts here
    REJECT = "reject"  # a misread: ignore it
    CORRECT = "correct"  # replace the value with the one a person read off the meter


class ReadingService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def holds(self) -> list[HeldReading]:
        """The first held read of every point on hold, with the last accepted values."""
        out: list[HeldReading] = []
        with self.db.uow() as uow:
            s = uow.session
            points = s.execute(
                select(MeasurementPoint.id, MeasurementPoint.code)
                .where(MeasurementPoint.billing_hold.is_(True))
                .order_by(MeasurementPoint.code)
            ).all()
            for pid, code in points:
                first = self._first_held(s, pid)
                if first is None:
                    continue
                at, values = first
                prev = previous_values(s, pid)
                out.append(
                    HeldReading(pid, code, at, values, {k: p.value for k, p in prev.items()})
                )
        return out

    @staticmethod
    def _first_held(s: Session, point_id: int) -> tuple[datetime, dict[str, Decimal]] | None:
        t = s.scalar(
            select(Reading.meter_time)
            .where(Reading.point_id == point_id, Reading.status == "held")
            .order_by(Reading.meter_time)
            .limit(1)
        )
        if t is None:
            return None
        rows = s.execute(
            select(Reading.register, Reading.value).where(
                Reading.point_id == point_id, Reading.meter_time == t, Reading.status == "held"
            )
        ).all()
        return _aware(t), {r: v for r, v in rows}

    def resolve(
        self,
        actor: Actor,
        point_id: int,
        action: str,
        *,
        value: Decimal | None = None,
        note: str = "",
        now: datetime | None = None,
    ) -> str:
        """Resolve the point's first held read; the following held reads are re-checked in
        order. Returns the point's state afterwards: ``billing`` or ``held``."""
        actor.require(Perm.DEVICE_MANAGE)
        if action not in (
            ResolveAction.ACCEPT,
            ResolveAction.RESET,
            ResolveAction.REJECT,
            ResolveAction.CORRECT,
        ):
            raise ValidationError("action", f"未知的处理方式 {action!r}")
        if action == ResolveAction.CORRECT and (value is None or value < 0):
            raise ValidationError("value", "更正读数需要填写一个不小于 0 的读数")
        if not note.strip():
            raise ValidationError("note", "请填写处理说明")
        now = now or datetime.now(UTC)
        with self.db.uow() as uow:
            s = uow.session
            point = s.get(MeasurementPoint, point_id)
            if point is None:
                raise NotFoundError("measurement point", point_id)
            first = self._first_held(s, point_id)
            if first is None:
                raise ValidationError("point", f"计量点 {point.code} 没有待处理的异常读数")
            at, values = first
            db_at = at
            new_status = {
                ResolveAction.ACCEPT: "ok",
                ResolveAction.RESET: "reset",
                ResolveAction.REJECT: "rejected",
                ResolveAction.CORRECT: "ok",
            }[action]
            changes: dict[str, object] = {"status": new_status}
            if action == ResolveAction.CORRECT:
                changes["value"] = value
                changes["source"] = "manual"
            s.execute(
                update(Reading)
                .where(
                    Reading.point_id == point_id,
                    Reading.meter_time == db_at,
                    Reading.status == "held",
                    *([Reading.register == "total"] if action == ResolveAction.CORRECT else []),
                )
                .values(**changes)
            )
            if action == ResolveAction.CORRECT:
                # other registers of that read follow the person's decision on the total
                s.execute(
                    update(Reading)
                    .where(
                        Reading.point_id == point_id,
                        Reading.meter_time == db_at,
                        Reading.status == "held",
                    )
                    .values(status="rejected")
                )
            audit.record(
                s,
                actor,
                f"reading.{action}",
                "point",
                point_id,
                {"meter_time": at.isoformat(), "values": {k: str(v) for k, v in values.items()}},
                {
                    "status": new_status,
                    **({"value": str(value)} if value is not None else {}),
                    "note": note,
                },
            )
            still_held = self._recheck_following(s, point_id, now)
            if not still_held:
                point.billing_hold = False
                clear_alarms(s, f"reading_anomaly:{point_id}", now)
            # the charge-to-date is recomputed from the readings at the next settlement
            s.execute(delete(SettlementState).where(SettlementState.point_id == point_id))
            point_state = "held" if still_held else "billing"
            uow.commit()
            return point_state

    def _recheck_following(self, s: Session, point_id: int, now: datetime) -> bool:
        """Re-classify the remaining held reads in time order; stop at the first anomaly."""
        while True:
            first = self._first_held(s, point_id)
            if first is None:
                return False
            at, values = first
            info = _point_infos(s, [point_id])[point_id]
            previous = previous_values(s, point_id)
            bad = False
            for register, value in values.items():
                check = classify_reading(
                    value,
                    meter_time=at,
                    previous=previous.get(register),
                    register=info.register_format,
                    limit=_limit(info) if register == "total" else None,
                )
                if check.holds_billing:
                    bad = True
            if bad:
                return True
            moved = s.execute(
                update(Reading)
                .where(
                    Reading.point_id == point_id,
                    Reading.meter_time == at,
                    Reading.status == "held",
                )
                .values(status="ok")
            )
            if not getattr(moved, "rowcount", 0):  # pragma: no cover - a stored-time mismatch
                raise RuntimeError(f"held reading of point {point_id} at {at} could not be updated")


def record_manual_reading(
    session: Session,
    actor: Actor,
    point_id: int,
    meter_time: datetime,
    value: Decimal,
    *,
    note: str,
    now: datetime | None = None,
) -> IngestOutcome:
    """A reading typed in by a person (meter read by eye), checked like any other."""
    actor.require(Perm.DEVICE_MANAGE)
    point = session.get(MeasurementPoint, point_id)
    if point is None:
        raise NotFoundError("measurement point", point_id)
    outcome = ingest(
        session,
        [RawRead(point_id, point.meter_id, meter_time, {"total": value}, source="manual")],
        now or utcnow(),
    )[0]
    audit.record(
        session,
        actor,
        "reading.manual",
        "point",
        point_id,
        None,
        {"meter_time": _aware(meter_time).isoformat(), "value": str(value), "note": note},
    )
    return outcome
