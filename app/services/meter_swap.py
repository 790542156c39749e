"""Meter replacement (换表, DEV-6): bus reads for the wizard, and the swap itself in one
transaction.

The swap stores the old meter's final reading (``source = swap_final``) and the new meter's
initial reading (``source = swap_initial``, at least one second later) on the point, retires the
old meter (``replaced_by_id``), puts the new one in service on the same point and settles the
point in the same transaction. Settlement sees two segments (``app/domain/billing.py``): the old
meter counts up to its final value, the new one from its initial value, and the jump between the
two registers is never billed — on the fast path (the settlement basis extended by the two
readings) and on a rebuild from the stored readings alike (``swap_initial`` starts a segment).
Open commands of the old meter are cancelled; the point's last parameter template is queued for
the new meter. One audit entry records the whole swap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.domain.meter_swap import (
    TOU_REGISTERS,
    AddressSource,
    MeterValue,
    SwapPoint,
    SwapRequest,
    ValueSource,
    check_address,
    show_value,
)
from app.domain.permissions import Perm
from app.domain.settle_basis import PointReading
from app.errors import MeterSwapError, NotFoundError, PermissionDeniedError
from app.models.account import Account
from app.models.audit import AuditEntry
from app.models.command import Command
from app.models.gateway import Bus, Gateway
from app.models.ledger import LedgerEntry
from app.models.meter import MeasurementPoint, Meter
from app.models.reading import Reading
from app.models.site import Occupancy, Room, Tenant
from app.services import audit
from app.services.alarms import clear_alarms
from app.services.context import Actor
from app.services.control import enqueue_command
from app.services.readings import ACCEPTED
from app.services.settings import read_settings
from app.services.settlement import settle
from app.services.unit_of_work import Database

READ_TIMEOUT_S = 3.0
SWAP_COMMAND_NOTE = "换表：旧表已拆除"


@dataclass(frozen=True)
class BusReading:
    """A read of one meter for the wizard: register → value, and when (UTC)."""

    address: str
    values: Mapping[str, Decimal]
    at: datetime


@dataclass(frozen=True)
class SwapSlip:
    """What the swap did, as printed on the swap slip (换表单)."""

    slip_no: str
    site_name: str
    swapped_at: datetime
    operator: str
    point_code: str
    room_code: str
    room_name: str
    tenant_name: str
    account_no: str
    utility: str
    protocol: str
    gateway_code: str
    bus_number: int
    old_meter_id: int
    old_address: str
    final_values: Mapping[str, Decimal]
    final_at: datetime
    final_source: str
    final_note: str
    new_meter_id: int
    new_address: str
    address_source: str
    initial_values: Mapping[str, Decimal]
    initial_at: datetime
    initial_source: str
    initial_note: str
    billed_fen: int  # what the settlement booked at the swap (old meter up to its final value)
    params_template: str  # "" = no template to download
    params_command_id: int | None
    params_skipped: str
    cancelled_commands: int
    note: str
    timezone: str = "Asia/Shanghai"


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bounded(settings: Any, timeout_s: float) -> Any:
    return replace(settings, timeout_s=min(settings.timeout_s, timeout_s), retries=1)


class MeterSwapService:
    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- the point ----------------------------------------------------------------------------

    def _swap_point(self, s: Session, actor: Actor, point: MeasurementPoint) -> SwapPoint:
        meter = s.get(Meter, point.meter_id)
        assert meter is not None
        row = s.execute(
            select(Gateway.code, Bus.number)
            .join(Bus, Bus.gateway_id == Gateway.id)
            .where(Bus.id == meter.bus_id)
        ).one()
        room_code, building_id = "", None
        if point.room_id is not None:
            room = s.get(Room, point.room_id)
            if room is not None:
                room_code, building_id = room.code, room.building_id
        if actor.building_ids is not None and (
            building_id is None or not actor.may_see_building(building_id)
        ):
            raise PermissionDeniedError(actor.login, Perm.DEVICE_MANAGE)
        last_t = s.scalar(
            select(func.max(Reading.meter_time)).where(
                Reading.point_id == point.id, Reading.status.in_(ACCEPTED)
            )
        )
        last_value = None
        if last_t is not None:
            last_value = s.scalar(
                select(Reading.value).where(
                    Reading.point_id == point.id,
                    Reading.meter_time == last_t,
                    Reading.register == "total",
                    Reading.status.in_(ACCEPTED),
                )
            )
        return SwapPoint(
            point.id,
            point.code,
            room_code,
            point.utility,
            meter.id,
            meter.address,
            meter.protocol,
            meter.kind,
            meter.profile,
            bool(meter.tou),
            row[0],
            int(row[1]),
            last_value,
            None if last_t is None else _aware(last_t),
            _last_template(s, point.id)[0],
        )

    def point(self, actor: Actor, point: int | str) -> SwapPoint:
        """The point (by id or code) whose meter is to be replaced."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            row = _find_point(s, point)
            _check_swappable(s, row)
            return self._swap_point(s, actor, row)

    # -- reads over the bus (run them off the GUI thread) -------------------------------------

    def _on_bus(self, point: SwapPoint, address: str, op: Any, timeout_s: float) -> Any:
        from app.comms.engine import CommsEngine, GatewayConfig, LineConfig
        from app.services.collector import gateway_configs

        configs = [c for c in gateway_configs(self.db) if c.code == point.gateway_code]
        if not configs:
            raise NotFoundError("gateway", point.gateway_code)
        lines = tuple(
            LineConfig(ln.number, ln.url, _bounded(ln.settings, timeout_s))
            for ln in configs[0].buses
            if ln.number == point.bus_number
        )
        if not lines:
            raise NotFoundError("bus", point.bus_number)
        engine = CommsEngine(name="meter-swap", connect_timeout_s=timeout_s)
        try:
            engine.start()
            engine.configure([GatewayConfig(point.gateway_code, lines)])
            return engine.call(
                point.gateway_code, point.bus_number, op, address=address, label="swap"
            ).result(timeout_s * 4 + 2)
        except MeterSwapError:
            raise
        except Exception as exc:
            raise _comm_problem(exc, address) from exc
        finally:
            engine.stop()

    def read_meter(
        self,
        actor: Actor,
        point: SwapPoint,
        address: str | None = None,
        *,
        timeout_s: float = READ_TIMEOUT_S,
    ) -> BusReading:
        """Read the registers of the point's meter (``address`` None) or of the new meter at
        ``address`` (same protocol and profile as the old one). Raises the comms error."""
        actor.require(Perm.DEVICE_MANAGE)
        from app.services.collector import MeterTarget, read_target

        target = MeterTarget(
            point.point_id,
            point.meter_id,
            point.gateway_code,
            point.bus_number,
            point.protocol,
            address or point.address,
            0x10 if point.protocol == "cjt188" and point.kind == "water" else None,
            point.profile,
            point.kind,
            point.tou,
            None,
            None,
        )
        if point.protocol == "cjt188" and point.kind == "hot_water":
            target = replace(target, meter_type=0x11)

        async def run(channel: Any) -> tuple[dict[str, object], bool]:
            return await read_target(channel, target)

        values, _fault = self._on_bus(point, target.address, run, timeout_s)
        clean = {k: v for k, v in values.items() if isinstance(v, Decimal)}
        if "total" not in clean:
            raise MeterSwapError("no_value", address=target.address)
        return BusReading(target.address, clean, self.clock().replace(microsecond=0))

    def read_address(
        self, actor: Actor, point: SwapPoint, *, timeout_s: float = READ_TIMEOUT_S
    ) -> str:
        """The read-address command (AA wildcard) on the point's bus: the address of the one
        meter that answers (several answering at once is an error: scan a range instead)."""
        actor.require(Perm.DEVICE_MANAGE)
        from app.comms import meter_ops

        async def run(channel: Any) -> list[str]:
            return await meter_ops.scan(channel, point.protocol, timeout_s=timeout_s)

        found = self._on_bus(point, "AAAAAAAAAAAA", run, timeout_s)
        if not found:
            raise MeterSwapError("no_meter_answered")
        return str(found[0])

    def scan(
        self,
        actor: Actor,
        point: SwapPoint,
        address_range: str,
        *,
        timeout_s: float = 0.5,
    ) -> list[str]:
        """Probe an address range on the point's bus; the addresses that answered and are not
        registered as meters in service on that bus (the new meter among them)."""
        actor.require(Perm.DEVICE_MANAGE)
        from app.comms import meter_ops

        try:
            candidates = meter_ops.parse_range(address_range, point.protocol)
        except ValueError as exc:
            raise MeterSwapError("bad_range", value=address_range) from exc
        if not candidates:
            raise MeterSwapError("bad_range", value=address_range)
        if len(candidates) > 200:
            raise MeterSwapError("range_too_large", count=len(candidates), limit=200)
        for a in candidates:
            check_address(point.protocol, a)
        with self.db.uow() as uow:
            known = set(
                uow.session.scalars(
                    select(Meter.address)
                    .join(Bus, Bus.id == Meter.bus_id)
                    .join(Gateway, Gateway.id == Bus.gateway_id)
                    .where(
                        Gateway.code == point.gateway_code,
                        Bus.number == point.bus_number,
                        Meter.status == "active",
                    )
                )
            )
        meter_type = 0x10 if point.protocol == "cjt188" else None

        async def run(channel: Any) -> list[str]:
            return await meter_ops.scan(
                channel,
                point.protocol,
                candidates=[a for a in candidates if a not in known],
                meter_type=meter_type,
                timeout_s=timeout_s,
                profile=meter_ops.resolve_profile(point.profile),
            )

        found: list[str] = self._on_bus(
            point, candidates[0], run, max(timeout_s, 0.2) * len(candidates) + 5
        )
        return sorted(found)

    # -- the swap -----------------------------------------------------------------------------

    def swap(self, actor: Actor, request: SwapRequest) -> SwapSlip:
        """Perform the swap in one transaction (see the module docstring)."""
        actor.require(Perm.DEVICE_MANAGE)
        note = request.note.strip()
        with self.db.uow() as uow:
            s = uow.session
            point = s.get(MeasurementPoint, request.point_id)
            if point is None:
                raise NotFoundError("measurement point", request.point_id)
            _check_swappable(s, point)
            info = self._swap_point(s, actor, point)
            if point.meter_id != request.old_meter_id:
                raise MeterSwapError("meter_changed", value=info.address)
            old = s.get(Meter, point.meter_id)
            assert old is not None
            address = check_address(old.protocol, request.new_address)
            if address == old.address:
                raise MeterSwapError("same_address", value=address)
            clash = s.scalar(
                select(Meter.id).where(
                    Meter.bus_id == old.bus_id, Meter.address == address, Meter.status == "active"
                )
            )
            if clash is not None:
                raise MeterSwapError("address_taken", value=address)
            final, initial = request.final, request.initial
            if old.tou:  # a time-of-use point is billed per register: all of them, both meters
                for value in (final, initial):
                    missing = [r for r in TOU_REGISTERS if r not in value.values]
                    if missing:
                        raise MeterSwapError("tou_required", registers=",".join(missing))
            final_at = final.at.replace(microsecond=0)
            initial_at = max(initial.at.replace(microsecond=0), final_at + timedelta(seconds=1))
            if info.last_read_at is not None and final_at <= info.last_read_at:
                raise MeterSwapError("final_not_after_last", last=info.last_read_at.isoformat())
            if info.last_value is not None and final.total < info.last_value:
                raise MeterSwapError(
                    "final_below_last",
                    value=show_value(final.total),
                    last=show_value(info.last_value),
                )
            clash_t = s.scalar(
                select(func.count(Reading.id)).where(
                    Reading.point_id == point.id,
                    Reading.meter_time.in_([final_at, initial_at]),
                )
            )
            if clash_t:
                raise MeterSwapError("final_not_after_last", last=final_at.isoformat())
            now = self.clock()

            # the new meter: same kind, protocol and profile as the one it replaces
            new = Meter(
                kind=old.kind,
                protocol=old.protocol,
                profile=old.profile,
                address=address,
                meter_type=old.meter_type,
                bus_id=old.bus_id,
                ct_ratio=old.ct_ratio,
                circuits=old.circuits,
                has_relay=old.has_relay,
                tou=old.tou,
                status="active",
                installed_at=initial_at,
                notes=note,
            )
            s.add(new)
            s.flush()
            old.status = "retired"
            old.retired_at = final_at
            old.replaced_by_id = new.id
            old.online = None

            template, payload = _last_template(s, point.id)  # before its command is cancelled
            # open commands of the old meter go nowhere now
            cancelled = s.execute(
                update(Command)
                .where(
                    Command.meter_id == old.id,
                    Command.state == "pending",
                )
                .values(state="cancelled", finished_at=now, result=SWAP_COMMAND_NOTE)
            )
            cancelled_n = int(getattr(cancelled, "rowcount", 0) or 0)

            # the two swap readings
            for source, meter_id, value, at in (
                ("swap_final", old.id, final, final_at),
                ("swap_initial", new.id, initial, initial_at),
            ):
                for register, v in value.values.items():
                    s.add(
                        Reading(
                            point_id=point.id,
                            meter_id=meter_id,
                            register=register,
                            value=v,
                            meter_time=at,
                            received_at=now,
                            source=source,
                            status="ok",
                        )
                    )
            point.meter_id = new.id
            point.last_read_at = initial_at
            # what the old meter was alarmed for left with it
            cleared = sum(
                clear_alarms(s, key, now)
                for key in (
                    f"comm_offline:{info.gateway_code}:{info.bus_number}:{old.address}",
                    f"clock_drift:{point.id}",
                    f"control_failure:{point.id}",
                )
            )
            # the new meter's relay/valve is in an unknown state: the policy looks again
            before_relay = (point.relay_state, point.trip_cause)
            point.relay_state = None
            point.trip_cause = None
            point.tripped_at = None
            point.trip_value = None
            s.flush()

            # bill the old meter up to its final value; the new one starts from its initial
            report = settle(
                s,
                new_readings={
                    point.id: [
                        PointReading(final_at, old.id, dict(final.values)),
                        PointReading(initial_at, new.id, dict(initial.values), True),
                    ]
                },
                now=now,
            )
            if report.errors:
                raise MeterSwapError("settlement", detail="; ".join(report.errors))

            # the parameters the old meter held go to the new one
            command_id: int | None = None
            skipped = ""
            if template and payload is not None:
                command_id, skipped = _queue_params(s, actor, point.id, new, payload, now)

            settings = read_settings(s)
            room_name, tenant_name, account_no = _occupant(s, point.room_id)
            slip = SwapSlip(
                slip_no=f"HB{now.astimezone(UTC):%Y%m%d}-{point.id:05d}-{new.id:05d}",
                site_name=str(settings.get("site.name", "")),
                swapped_at=now,
                operator=actor.login,
                point_code=point.code,
                room_code=info.room_code,
                room_name=room_name,
                tenant_name=tenant_name,
                account_no=account_no,
                utility=point.utility,
                protocol=old.protocol,
                gateway_code=info.gateway_code,
                bus_number=info.bus_number,
                old_meter_id=old.id,
                old_address=old.address,
                final_values=dict(final.values),
                final_at=final_at,
                final_source=str(final.source),
                final_note=final.note,
                new_meter_id=new.id,
                new_address=address,
                address_source=str(request.address_source),
                initial_values=dict(initial.values),
                initial_at=initial_at,
                initial_source=str(initial.source),
                initial_note=initial.note,
                billed_fen=report.booked_fen,
                params_template=template,
                params_command_id=command_id,
                params_skipped=skipped,
                cancelled_commands=cancelled_n,
                note=note,
                timezone=str(settings.get("site.timezone", "Asia/Shanghai")),
            )
            audit.record(
                s,
                actor,
                "device.meter.swap",
                "point",
                point.id,
                {
                    "meter_id": old.id,
                    "address": old.address,
                    "last_value": None if info.last_value is None else str(info.last_value),
                    "relay_state": before_relay[0],
                    "trip_cause": before_relay[1],
                },
                {
                    "meter_id": new.id,
                    "address": address,
                    "address_source": str(request.address_source),
                    "final": {k: str(v) for k, v in final.values.items()},
                    "final_at": final_at.isoformat(),
                    "final_source": str(final.source),
                    "final_note": final.note,
                    "final_read_error": final.error,
                    "initial": {k: str(v) for k, v in initial.values.items()},
                    "initial_at": initial_at.isoformat(),
                    "initial_source": str(initial.source),
                    "initial_note": initial.note,
                    "initial_read_error": initial.error,
                    "billed_fen": report.booked_fen,
                    "params_command": command_id,
                    "params_template": template,
                    "params_skipped": skipped,
                    "cancelled_commands": cancelled_n,
                    "cleared_alarms": cleared,
                    "note": note,
                    "slip_no": slip.slip_no,
                },
                at=now,
            )
            uow.commit()
            return slip

    def last_slip(self, actor: Actor, point: int | str) -> SwapSlip:
        """The slip of the point's latest swap, rebuilt from its audit entry (a reprint)."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            row = _find_point(s, point)
            entry = s.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.action == "device.meter.swap",
                    AuditEntry.target_type == "point",
                    AuditEntry.target_id == str(row.id),
                )
                .order_by(AuditEntry.id.desc())
                .limit(1)
            ).first()
            if entry is None or not entry.after or not entry.before:
                raise MeterSwapError("no_swap", value=row.code)
            before, after = dict(entry.before), dict(entry.after)
            old = s.get(Meter, int(str(before["meter_id"])))
            assert old is not None
            gw = s.execute(
                select(Gateway.code, Bus.number)
                .join(Bus, Bus.gateway_id == Gateway.id)
                .where(Bus.id == old.bus_id)
            ).one()
            room_code = ""
            if row.room_id is not None:
                room = s.get(Room, row.room_id)
                room_code = room.code if room is not None else ""
            room_name, tenant_name, account_no = _occupant(s, row.room_id)
            settings = read_settings(s)

            def values(key: str) -> dict[str, Decimal]:
                raw = after.get(key)
                return {str(k): Decimal(str(v)) for k, v in (raw or {}).items()}  # type: ignore[attr-defined]

            def moment(key: str) -> datetime:
                return _aware(datetime.fromisoformat(str(after[key])))

            command = after.get("params_command")
            return SwapSlip(
                slip_no=str(after.get("slip_no", "")),
                site_name=str(settings.get("site.name", "")),
                swapped_at=_aware(entry.at),
                operator=entry.operator_login,
                point_code=row.code,
                room_code=room_code,
                room_name=room_name,
                tenant_name=tenant_name,
                account_no=account_no,
                utility=row.utility,
                protocol=old.protocol,
                gateway_code=str(gw[0]),
                bus_number=int(gw[1]),
                old_meter_id=old.id,
                old_address=str(before.get("address", old.address)),
                final_values=values("final"),
                final_at=moment("final_at"),
                final_source=str(after.get("final_source", "")),
                final_note=str(after.get("final_note", "")),
                new_meter_id=int(str(after["meter_id"])),
                new_address=str(after.get("address", "")),
                address_source=str(after.get("address_source", "")),
                initial_values=values("initial"),
                initial_at=moment("initial_at"),
                initial_source=str(after.get("initial_source", "")),
                initial_note=str(after.get("initial_note", "")),
                billed_fen=int(str(after.get("billed_fen", 0))),
                params_template=str(after.get("params_template", "")),
                params_command_id=None if command is None else int(str(command)),
                params_skipped=str(after.get("params_skipped", "")),
                cancelled_commands=int(str(after.get("cancelled_commands", 0))),
                note=str(after.get("note", "")),
                timezone=str(settings.get("site.timezone", "Asia/Shanghai")),
            )

    def slip_pdf(self, slip: SwapSlip) -> bytes:
        from app.reports.swap_slip import render_swap_slip

        return render_swap_slip(slip)

    # -- convenience for the CLI --------------------------------------------------------------

    def swap_typed(
        self,
        actor: Actor,
        point: int | str,
        *,
        final: Decimal,
        new_address: str,
        initial: Decimal,
        note: str,
    ) -> SwapSlip:
        """A swap whose values were read off the meters by a person (the CLI)."""
        info = self.point(actor, point)
        now = self.clock()
        if not note.strip():
            raise MeterSwapError("note_required")
        return self.swap(
            actor,
            SwapRequest(
                info.point_id,
                info.meter_id,
                MeterValue({"total": final}, now, ValueSource.MANUAL, note),
                new_address,
                AddressSource.TYPED,
                MeterValue(
                    {"total": initial}, now + timedelta(seconds=1), ValueSource.MANUAL, note
                ),
                note,
            ),
        )

    def points(self, actor: Actor, text: str = "", limit: int = 200) -> list[SwapPoint]:
        """Points in service whose meter could be replaced, filtered by point code, meter
        address or room code (for the wizard's first page)."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            q = (
                select(MeasurementPoint)
                .join(Meter, Meter.id == MeasurementPoint.meter_id)
                .outerjoin(Room, Room.id == MeasurementPoint.room_id)
                .where(MeasurementPoint.status == "active", Meter.status == "active")
                .order_by(MeasurementPoint.code)
            )
            t = text.strip()
            if t:
                like = f"%{t}%"
                q = q.where(
                    or_(
                        MeasurementPoint.code.ilike(like),
                        Meter.address.ilike(like),
                        Room.code.ilike(like),
                    )
                )
            out: list[SwapPoint] = []
            for p in s.scalars(q.limit(limit * 2)):
                try:
                    out.append(self._swap_point(s, actor, p))
                except PermissionDeniedError:
                    continue
                if len(out) >= limit:
                    break
            return out


# --- helpers -----------------------------------------------------------------------------------


def _comm_problem(exc: BaseException, address: str) -> MeterSwapError:
    """A comms failure as the wizard reports it (the technical text kept as ``detail``)."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from app.comms.channel import BadAnswerError, NoAnswerError
    from app.comms.meter_ops import MeterRejectedError
    from app.comms.transport.base import TransportError

    detail = str(exc) or type(exc).__name__
    if isinstance(exc, NoAnswerError | FutureTimeout | TimeoutError):
        problem = "no_answer"
    elif isinstance(exc, BadAnswerError):
        problem = "bad_answer"
    elif isinstance(exc, MeterRejectedError):
        problem = "rejected"
    elif isinstance(exc, TransportError):
        problem = "gateway_unreachable"
    else:
        problem = "comm_failed"
    return MeterSwapError(problem, address=address, detail=detail)


def _find_point(s: Session, point: int | str) -> MeasurementPoint:
    if isinstance(point, int):
        row = s.get(MeasurementPoint, point)
    else:
        row = s.scalars(select(MeasurementPoint).where(MeasurementPoint.code == point)).first()
    if row is None:
        raise NotFoundError("measurement point", point)
    return row


def _check_swappable(s: Session, point: MeasurementPoint) -> None:
    if point.status != "active":
        raise MeterSwapError("point_retired", value=point.code)
    meter = s.get(Meter, point.meter_id)
    if meter is None or meter.status != "active":
        raise MeterSwapError("meter_retired", value=point.code)
    if point.billing_hold:
        raise MeterSwapError("point_on_hold", value=point.code)
    others = s.scalar(
        select(func.count(MeasurementPoint.id)).where(
            MeasurementPoint.meter_id == meter.id, MeasurementPoint.id != point.id
        )
    )
    if others:
        raise MeterSwapError("multi_circuit", value=meter.address, circuits=int(others) + 1)


def _last_template(s: Session, point_id: int) -> tuple[str, dict[str, object] | None]:
    """The parameter template of the point's newest download that was not cancelled."""
    cmd = s.scalars(
        select(Command)
        .where(
            Command.point_id == point_id,
            Command.kind == "set_params",
            Command.state != "cancelled",
        )
        .order_by(Command.id.desc())
        .limit(1)
    ).first()
    if cmd is None or not (cmd.payload or {}).get("template"):
        return "", None
    payload = dict(cmd.payload)
    return f"{payload.get('template')}#{payload.get('version')}", payload


def _queue_params(
    s: Session,
    actor: Actor,
    point_id: int,
    meter: Meter,
    payload: dict[str, object],
    now: datetime,
) -> tuple[int | None, str]:
    from app.comms.meter_ops import resolve_profile

    params = payload.get("params")
    if meter.protocol != "dlt645-2007" or not isinstance(params, Mapping):
        return None, f"{meter.protocol} 表暂不支持参数下发"
    profile = resolve_profile(meter.profile)
    missing = [p for p in params if not profile.supports(p)]
    if missing:
        return None, f"表型 {profile.id} 不支持参数：{'、'.join(missing)}"
    cid = enqueue_command(
        s,
        kind="set_params",
        point_id=point_id,
        rule="params",
        reason=f"换表后重新下发参数模板 {payload.get('template')} 第 {payload.get('version')} 版",
        requested_by=actor.operator_id,
        priority=10,
        payload={
            "template": payload.get("template"),
            "version": payload.get("version"),
            "params": dict(params),
        },
        now=now,
    )
    return cid, "" if cid is not None else "已有未完成的参数下发命令"


def _occupant(s: Session, room_id: int | None) -> tuple[str, str, str]:
    if room_id is None:
        return "", "", ""
    room = s.get(Room, room_id)
    row = s.execute(
        select(Tenant.name, Account.account_no)
        .join(Occupancy, Occupancy.tenant_id == Tenant.id)
        .join(Account, Account.occupancy_id == Occupancy.id)
        .where(Occupancy.room_id == room_id, Occupancy.active.is_(True))
        .limit(1)
    ).first()
    return (
        room.name if room is not None else "",
        row[0] if row else "",
        row[1] if row else "",
    )


def charged_for_point(s: Session, point_id: int) -> int:
    """Everything settlement booked for a point (fen, positive = charged)."""
    total = s.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
            LedgerEntry.point_id == point_id, LedgerEntry.reference.like("settle:%")
        )
    )
    return -int(total or 0)


__all__: Sequence[str] = ("BusReading", "MeterSwapService", "SwapSlip")
