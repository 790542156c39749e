"""The collector: read cycles, settlement, cut-off/restore commands, notifications (COMM-3,
CTL-4, BILL-2, NOTE-1), headless (``python main.py collector``) or inside the desktop app.

One cycle (``run_once``): pending commands first (control before routine reads), then one read
of every active point (all buses in parallel, through the comms engine), ingestion and
settlement in batches of one transaction each, catch-up settlement, the arrears policy over all
accounts, the commands it queued, and a notification dispatch pass. ``run_forever`` runs the same
steps as APScheduler jobs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, literal, select

from app.comms import meter_ops
from app.comms.channel import BusChannel, BusSettings
from app.comms.engine import CommsEngine, GatewayConfig, LineConfig, Priority
from app.comms.events import GatewayOffline, GatewayOnline, MeterOffline, MeterOnline
from app.domain.cut_policy import RelayState
from app.domain.enums import EntryKind
from app.domain.readings import check_tripped_point
from app.models.gateway import Bus, Gateway
from app.models.ledger import LedgerEntry, Receipt
from app.models.meter import MeasurementPoint, Meter
from app.models.settlement import Notification
from app.services.alarms import AlarmKind, clear_alarms, raise_alarm
from app.services.control import (
    READ_KIND,
    SWITCH_KINDS,
    CommandJob,
    CommandRunner,
    ExecResult,
    NotExecuted,
    RunReport,
    evaluate_accounts,
    meter_state_expected,
)
from app.services.notifications import queue_tenant_message
from app.services.property_fee import charge_property_fees
from app.services.readings import REGISTER_FORMATS, RawRead
from app.services.settings import read_settings
from app.services.settlement import SettlementService, ingest_and_settle, load_tariffs
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

BATCH = 500
LIVE_ITEMS = ("voltage", "current", "power")
TOU_KEYS = {
    "t1_energy_kwh": "t1",
    "t2_energy_kwh": "t2",
    "t3_energy_kwh": "t3",
    "t4_energy_kwh": "t4",
}


@dataclass(frozen=True)
class MeterTarget:
    point_id: int
    meter_id: int
    gateway_code: str
    bus_number: int
    protocol: str
    address: str
    meter_type: int | None
    profile: str
    kind: str
    tou: bool
    relay_state: str | None
    trip_value: Decimal | None

    def ref(self) -> meter_ops.MeterRef:
        return meter_ops.MeterRef(
            self.protocol,
            self.address,
            meter_type=self.meter_type,
            profile=meter_ops.resolve_profile(self.profile),
            kind=self.kind,
        )


@dataclass
class CycleReport:
    points: int = 0
    read_ok: int = 0
    read_failed: int = 0
    stored: int = 0
    held: int = 0
    duplicates: int = 0
    booked_fen: int = 0
    settled_points: int = 0
    errors: list[str] = field(default_factory=list)


def gateway_configs(db: Database, gateway_id: int | None = None) -> list[GatewayConfig]:
    """The comms engine's view of the site's active gateways and buses (or of one gateway,
    whatever its status: a technician tests a gateway before putting it in service)."""
    with db.uow() as uow:
        s = uow.session
        settings = read_settings(s)
        dtu_port = int(settings.get("collector.dtu_listen_port", 21000))
        out: list[GatewayConfig] = []
        q = select(Gateway).order_by(Gateway.id)
        q = (
            q.where(Gateway.status == "active")
            if gateway_id is None
            else q.where(Gateway.id == gateway_id)
        )
        for gw in s.scalars(q):
            lines: list[LineConfig] = []
            for bus in gw.buses:
                bus_settings = BusSettings(
                    baud=bus.baud,
                    parity=bus.parity,
                    timeout_s=bus.timeout_ms / 1000,
                    retries=bus.retries,
                    frame_gap_ms=bus.frame_gap_ms,
                )
                if gw.transport == "tcp":
                    url = f"tcp://{gw.host}:{bus.port}"
                elif gw.transport == "dtu":
                    url = f"dtu://{dtu_port}/{gw.dtu_id}?bus={bus.number}"
                else:
                    url = gw.serial_url or ""
                lines.append(LineConfig(bus.number, url, bus_settings))
            out.append(GatewayConfig(gw.code, tuple(lines)))
        return out


def meter_targets(db: Database, point_ids: Sequence[int] | None = None) -> list[MeterTarget]:
    """What one read cycle reads: the first circuit of every active meter (all of them, or the
    given points' whatever their circuit)."""
    with db.uow() as uow:
        q = (
            select(
                MeasurementPoint.id,
                Meter.id,
                Gateway.code,
                Bus.number,
                Meter.protocol,
                Meter.address,
                Meter.meter_type,
                Meter.profile,
                Meter.kind,
                Meter.tou,
                MeasurementPoint.relay_state,
                MeasurementPoint.trip_value,
            )
            .join(Meter, Meter.id == MeasurementPoint.meter_id)
            .join(Bus, Bus.id == Meter.bus_id)
            .join(Gateway, Gateway.id == Bus.gateway_id)
            .where(
                MeasurementPoint.status == "active",
                Meter.status == "active",
                Gateway.status == "active",
            )
            .order_by(Gateway.code, Bus.number, Meter.address)
        )
        if point_ids is None:
            q = q.where(MeasurementPoint.circuit == 1)
        else:
            q = q.where(MeasurementPoint.id.in_(list(point_ids)))
        rows = uow.session.execute(q).all()
    return [
        MeterTarget(
            point_id=r[0],
            meter_id=r[1],
            gateway_code=r[2],
            bus_number=r[3],
            protocol=r[4],
            address=r[5],
            meter_type=r[6],
            profile=r[7],
            kind=r[8],
            tou=bool(r[9]),
            relay_state=r[10],
            trip_value=r[11],
        )
        for r in rows
    ]


async def read_target(channel: BusChannel, target: MeterTarget) -> tuple[dict[str, object], bool]:
    """Register values of one read (``total``, ``t1``…``t4``) and the sensor-fault flag."""
    ref = target.ref()
    if target.protocol == "cjt188":
        values = await meter_ops.read(channel, ref, "water")
        return {"total": values.get("volume_m3")}, bool(values.get("sensor_fault"))
    if target.tou and target.protocol == "dlt645-2007":
        values = await meter_ops.read(channel, ref, "tou")
        out: dict[str, object] = {"total": values.get("energy_kwh")}
        out.update({reg: values[k] for k, reg in TOU_KEYS.items() if k in values})
        return out, False
    return {"total": await meter_ops.read_energy(channel, ref)}, False


def _clock_reader(
    target: MeterTarget,
) -> Callable[[BusChannel], Coroutine[Any, Any, int | None]]:
    async def run(channel: BusChannel) -> int | None:
        values = await meter_ops.read(channel, target.ref(), "time")
        drift = values.get("clock_drift_s")
        return drift if isinstance(drift, int) else None

    return run


def _reader(
    target: MeterTarget,
) -> Callable[[BusChannel], Coroutine[Any, Any, tuple[dict[str, object], bool]]]:
    def run(channel: BusChannel) -> Coroutine[Any, Any, tuple[dict[str, object], bool]]:
        return read_target(channel, target)

    return run


class Collector:
    def __init__(
        self,
        db: Database,
        *,
        engine: CommsEngine | None = None,
        clock: Callable[[], datetime] | None = None,
        read_timeout_s: float = 120.0,
        dispatcher: Any = None,
    ) -> None:
        self.db = db
        self.engine = engine or CommsEngine(name="collector")
        self._own_engine = engine is None
        self.clock = clock or (lambda: datetime.now(UTC))
        self.read_timeout_s = read_timeout_s
        self.runner = CommandRunner(db, self._execute)
        self.dispatcher = dispatcher
        self._lock = threading.Lock()  # one cycle at a time
        self.sync_on_reconnect = True
        self._events = ThreadPoolExecutor(1, thread_name_prefix="collector-events")
        self._subscribed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Collector:
        if not self.engine.running:
            self.engine.start()
        self.engine.configure(gateway_configs(self.db))
        # listen for 4G DTUs at once, so that they can register before the first read
        self.engine.submit(self.engine.start_dtu_servers()).result(30)
        if not self._subscribed:
            self.engine.events.subscribe(self._on_event)
            self._subscribed = True
        return self

    def stop(self) -> None:
        if self._own_engine:
            self.engine.stop()
        self._events.shutdown(wait=True)

    def __enter__(self) -> Collector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- events → alarms (MON-3) -------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        """Called on the comms thread: never touch the database there (a busy database would
        stall every bus); record on the collector's own event thread instead."""
        if isinstance(event, GatewayOnline) and self.sync_on_reconnect:
            # a gateway back online: set its meters' clocks (CTL-7), queued on the bus after
            # whatever is waiting
            self.engine.call(
                event.gateway_code,
                event.bus_number,
                meter_ops.sync_time,
                priority=Priority.COMMAND,
                label="time-sync",
            )
        if isinstance(event, GatewayOffline | MeterOffline | GatewayOnline | MeterOnline):
            self._events.submit(self._record_event, event)

    def _record_event(self, event: object) -> None:
        now = self.clock()
        try:
            with self.db.uow() as uow:
                s = uow.session
                if isinstance(event, GatewayOffline | MeterOffline):
                    code = event.gateway_code
                    address = getattr(event, "address", "")
                    key = f"comm_offline:{code}:{getattr(event, 'bus_number', '')}:{address}"
                    what = f"表 {address}" if address else "网关"
                    raise_alarm(
                        s,
                        AlarmKind.COMM_OFFLINE,
                        key,
                        f"通讯中断：{code} {what}",
                        details={"event": type(event).__name__},
                        now=now,
                    )
                elif isinstance(event, GatewayOnline | MeterOnline):
                    code = event.gateway_code
                    address = getattr(event, "address", "")
                    clear_alarms(
                        s, f"comm_offline:{code}:{getattr(event, 'bus_number', '')}:{address}", now
                    )
                else:
                    return
                uow.commit()
        except Exception:  # pragma: no cover - alarms must never stop the comms thread
            logger.exception("could not record %s", event)

    # -- commands ----------------------------------------------------------------------------

    def _execute(self, job: CommandJob) -> ExecResult:
        if job.kind == READ_KIND:
            return self._read_now(job)
        target = MeterTarget(
            job.point_id,
            0,
            job.gateway_code,
            job.bus_number,
            job.protocol,
            job.address,
            job.meter_type,
            job.profile,
            job.meter_kind,
            False,
            None,
            None,
        )
        ref = target.ref()
        expected = meter_state_expected(job.kind) if job.kind in SWITCH_KINDS else ""

        async def register_now(channel: BusChannel) -> Decimal | None:
            try:
                return await meter_ops.read_energy(channel, ref)
            except Exception:  # the switch is confirmed; the register is only for CTL-4 checks
                return None

        async def run(channel: BusChannel) -> ExecResult:
            if job.kind == "set_params":
                params = job.payload.get("params") or {}
                assert isinstance(params, dict)
                for name, values in params.items():
                    try:
                        await meter_ops.write_parameter(channel, ref, name, values)
                    except meter_ops.ParameterNotAppliedError as exc:
                        raise NotExecuted(str(exc)) from exc
                return ExecResult("confirmed", "params")
            if job.verify_first:
                state = await meter_ops.read_switch_state(channel, ref)
                if state == expected:
                    return ExecResult("already", state, await register_now(channel))
            try:
                result = await meter_ops.control(channel, ref, job.kind)
            except meter_ops.ControlNotExecutedError as exc:
                raise NotExecuted(exc.actual) from exc
            return ExecResult("confirmed", result.state, await register_now(channel))

        future = self.engine.call(
            job.gateway_code,
            job.bus_number,
            run,
            priority=Priority.CONTROL,
            address=job.address,
            label=job.kind,
        )
        return future.result(self.read_timeout_s)

    def _read_now(self, job: CommandJob) -> ExecResult:
        """A read-now command (MON-2): read the point's meter at command priority (and the live
        values a DL/T 645 meter offers: voltage, current, power — DEV-5), then store and settle
        the reading in one transaction like a routine read."""
        targets = meter_targets(self.db, point_ids=[job.point_id])
        if not targets:
            raise NotExecuted("计量点已停用，无法抄读")
        target = targets[0]
        ref = target.ref()

        async def run(channel: BusChannel) -> tuple[dict[str, object], bool, dict[str, str]]:
            values, fault = await read_target(channel, target)
            live: dict[str, str] = {}
            if target.protocol.startswith("dlt645"):
                for item in LIVE_ITEMS:
                    try:
                        found = await meter_ops.read(channel, ref, item)
                    except Exception as exc:  # not every meter offers every item
                        logger.debug("live %s of %s: %s", item, target.address, exc)
                        continue
                    live.update(
                        {k: str(v) for k, v in found.items() if isinstance(v, Decimal | int)}
                    )
            return values, fault, live

        values, fault, live = self.engine.call(
            target.gateway_code,
            target.bus_number,
            run,
            priority=Priority.COMMAND,
            address=target.address,
            label="read-now",
        ).result(self.read_timeout_s)
        at = self.clock().replace(microsecond=0)
        read = RawRead(target.point_id, target.meter_id, at, values, fault)
        with self.db.uow() as uow:
            ingest_and_settle(uow.session, [read], now=self.clock())
            self._check_tripped(uow.session, [read], {target.point_id: target})
            uow.commit()
        total = values.get("total")
        return ExecResult(
            "confirmed", "read", total if isinstance(total, Decimal) else None, live=live
        )

    def run_commands(self, now: datetime | None = None) -> RunReport:
        return self.runner.run_due(now or self.clock())

    def control_cycle(self, now: datetime | None = None) -> RunReport:
        """Arrears policy over every open account, then the queued commands."""
        now = now or self.clock()
        error: str | None = None
        try:
            with self.db.uow() as uow:
                evaluate_accounts(uow.session, now=now)
                uow.commit()
        except Exception as exc:
            # e.g. a malformed protected-window setting: the commands already queued (manual
            # trips, restores) still run, and the read cycle goes on
            logger.exception("arrears policy failed")
            error = f"欠费断电策略执行失败：{exc}"
        report = self.run_commands(now)
        if error is not None:
            report.errors.append(error)
        return report

    # -- reads -------------------------------------------------------------------------------

    def read_cycle(self, targets: Sequence[MeterTarget] | None = None) -> CycleReport:
        targets = list(targets) if targets is not None else meter_targets(self.db)
        report = CycleReport(points=len(targets))
        futures: list[tuple[MeterTarget, Future[tuple[dict[str, object], bool]]]] = []
        for t in targets:
            futures.append(
                (
                    t,
                    self.engine.call(
                        t.gateway_code,
                        t.bus_number,
                        _reader(t),
                        priority=Priority.READ,
                        address=t.address,
                        label="read",
                    ),
                )
            )
        reads: list[RawRead] = []
        by_point = {t.point_id: t for t in targets}
        for t, fut in futures:
            try:
                values, fault = fut.result(self.read_timeout_s)
            except Exception as exc:
                report.read_failed += 1
                logger.info("read %s %s failed: %s", t.gateway_code, t.address, exc)
                continue
            report.read_ok += 1
            at = self.clock().replace(microsecond=0)
            reads.append(RawRead(t.point_id, t.meter_id, at, values, fault))
        tariffs_loaded = None
        for i in range(0, len(reads), BATCH):
            batch = reads[i : i + BATCH]
            with self.db.uow() as uow:
                if tariffs_loaded is None:
                    tariffs_loaded = load_tariffs(uow.session)
                outcomes, settled = ingest_and_settle(
                    uow.session, batch, now=self.clock(), tariffs=tariffs_loaded
                )
                self._check_tripped(uow.session, batch, by_point)
                uow.commit()
            for o in outcomes:
                if o.status == "held":
                    report.held += 1
                elif o.status in ("duplicate", "stale"):
                    report.duplicates += 1
                else:
                    report.stored += 1
            report.booked_fen += settled.booked_fen
            report.settled_points += settled.points
            report.errors.extend(settled.errors)
        return report

    def _check_tripped(
        self, session: Any, reads: Sequence[RawRead], targets: dict[int, MeterTarget]
    ) -> None:
        """A point that should be off but keeps counting: 关断控制失效 (CTL-4)."""
        now = self.clock()
        for r in reads:
            t = targets.get(r.point_id)
            if t is None or t.relay_state != "open" or t.trip_value is None:
                continue
            latest = r.values.get("total")
            if not isinstance(latest, Decimal):
                continue
            check = check_tripped_point(
                supposed_tripped=True,
                relay_state=RelayState.OPEN,
                value_at_trip=t.trip_value,
                latest_value=latest,
                register=REGISTER_FORMATS.get(t.protocol),
            )
            if check.is_failure:
                raise_alarm(
                    session,
                    AlarmKind.CONTROL_FAILURE,
                    f"control_failure:{t.point_id}",
                    f"关断控制失效：表 {t.address} "
                    f"{'已关阀' if t.protocol == 'cjt188' else '已拉闸'}，但用量仍在增加"
                    f"（增加 {check.consumption}）",
                    point_id=t.point_id,
                    meter_id=t.meter_id,
                    details={"status": str(check.status), "consumption": str(check.consumption)},
                    now=now,
                )

    # -- clocks (CTL-7) ----------------------------------------------------------------------

    def time_sync(self, max_drift_s: int | None = None) -> dict[str, int]:
        """Read every DL/T 645 meter's clock, raise/clear the 时钟偏差 alarm per meter, then
        broadcast the time on every bus that has DL/T 645 meters."""
        if max_drift_s is None:
            with self.db.uow() as uow:
                max_drift_s = int(
                    read_settings(uow.session).get("collector.max_clock_drift_s") or 300
                )
        targets = [t for t in meter_targets(self.db) if t.protocol.startswith("dlt645")]
        futures = [
            (
                t,
                self.engine.call(
                    t.gateway_code,
                    t.bus_number,
                    _clock_reader(t),
                    priority=Priority.COMMAND,
                    address=t.address,
                    label="time",
                ),
            )
            for t in targets
        ]
        drifts: list[tuple[MeterTarget, int]] = []
        for t, fut in futures:  # every answer first: no transaction is held while waiting
            try:
                drift = fut.result(self.read_timeout_s)
            except Exception:  # unreachable meters are the offline alarm's business
                continue
            if drift is not None:
                drifts.append((t, drift))
        drifted = checked = 0
        now = self.clock()
        with self.db.uow() as uow:
            s = uow.session
            for t, drift in drifts:
                checked += 1
                key = f"clock_drift:{t.point_id}"
                if abs(drift) > max_drift_s:
                    drifted += 1
                    raise_alarm(
                        s,
                        AlarmKind.CLOCK_DRIFT,
                        key,
                        f"时钟偏差：表 {t.address} 与电脑相差 {drift} 秒，已广播校时",
                        point_id=t.point_id,
                        meter_id=t.meter_id,
                        details={"drift_s": drift},
                        now=now,
                    )
                else:
                    clear_alarms(s, key, now)
            uow.commit()
        buses = sorted({(t.gateway_code, t.bus_number) for t in targets})
        synced = 0
        for code, number in buses:
            if self.sync_bus(code, number):
                synced += 1
        return {"checked": checked, "drifted": drifted, "buses_synced": synced}

    def sync_bus(self, gateway_code: str, bus_number: int) -> bool:
        try:
            self.engine.call(
                gateway_code,
                bus_number,
                meter_ops.sync_time,
                priority=Priority.COMMAND,
                label="time-sync",
            ).result(self.read_timeout_s)
        except Exception as exc:
            logger.info("time sync %s/%s failed: %s", gateway_code, bus_number, exc)
            return False
        return True

    # -- one whole cycle ---------------------------------------------------------------------

    def property_fees(self) -> object:
        """Book the property fees that are due (BILL-4); each month once per account."""
        with self.db.uow() as uow:
            report = charge_property_fees(uow.session, self.clock())
            uow.commit()
            return report

    def run_once(self) -> dict[str, object]:
        with self._lock:
            try:
                self.property_fees()
            except Exception:
                logger.exception("property fees could not be booked")
            first = self.control_cycle()
            cycle = self.read_cycle()
            catch_up = SettlementService(self.db).settle_pending(self.clock())
            second = self.control_cycle()
            dispatched = self.dispatch()
        return {
            "commands_before": first,
            "cycle": cycle,
            "catch_up": catch_up,
            "commands_after": second,
            "dispatched": dispatched,
        }

    def queue_top_up_messages(self, window: timedelta = timedelta(days=1)) -> int:
        """充值到账 messages for recent top-ups, off the cashier's hot path (NOTE-1); the key
        ``top_up:<entry>`` makes a rescan harmless."""
        now = self.clock()
        queued = 0
        with self.db.uow() as uow:
            s = uow.session
            rows = s.execute(
                select(
                    LedgerEntry.id,
                    LedgerEntry.account_id,
                    LedgerEntry.amount_fen,
                    LedgerEntry.balance_after_fen,
                    LedgerEntry.created_at,
                    Receipt.year,
                    Receipt.number,
                )
                .outerjoin(Receipt, Receipt.ledger_entry_id == LedgerEntry.id)
                .outerjoin(
                    Notification,
                    Notification.dedup_key == literal("top_up:") + cast(LedgerEntry.id, String),
                )
                .where(
                    LedgerEntry.kind == EntryKind.TOP_UP,
                    LedgerEntry.created_at >= now - window,
                    Notification.id.is_(None),
                )
                .order_by(LedgerEntry.id)
            ).all()
            for entry_id, account_id, amount, balance, at, year, number in rows:
                params: dict[str, object] = {
                    "amount_fen": amount,
                    "balance_fen": balance,
                    "time": at,
                }
                if year is not None:
                    params["receipt_no"] = f"{year}-{number:06d}"
                if queue_tenant_message(
                    s,
                    kind="top_up",
                    account_id=account_id,
                    dedup_key=f"top_up:{entry_id}",
                    params=params,
                    now=now,
                ):
                    queued += 1
            uow.commit()
        return queued

    def dispatch(self) -> object:
        try:
            self.queue_top_up_messages()
        except Exception:
            logger.exception("could not queue top-up messages")
        if self.dispatcher is None:
            return None
        try:
            return self.dispatcher.dispatch_due(self.clock())
        except Exception:
            logger.exception("notification dispatch failed")
            return None
