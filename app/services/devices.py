"""Gateways, buses, meters and measurement points (DEV-1…3): the device tree, add/edit/retire with
validation, a bounded "test connection" for a gateway, and the technician's live frame log.

Validation failures raise :class:`~app.errors.DeviceConfigError` with a problem code and its
data, so that the UI says in the operator's language what is wrong with which field.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.domain.meter_address import BAUDS, AddressError, normalize_address
from app.domain.permissions import Perm
from app.errors import DeviceConfigError, NotFoundError
from app.models.gateway import Bus, Gateway
from app.models.meter import MeasurementPoint, Meter, Tariff
from app.models.site import Room
from app.services import audit
from app.services.context import Actor
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

TRANSPORTS = ("tcp", "dtu", "serial")
PROTOCOLS = ("dlt645-2007", "dlt645-1997", "cjt188", "modbus")
METER_KINDS = ("single_phase", "three_phase", "multi_circuit", "water", "hot_water", "gas", "heat")
PARITIES = ("E", "N", "O")
DEFAULT_PROFILES = {
    "dlt645-2007": "dlt645-2007-single-phase",
    "dlt645-1997": "dlt645-1997-single-phase",
    "cjt188": "cjt188-cold-water",
    "modbus": "modbus-single-phase",
}
WATER_KINDS = ("water", "hot_water")


# --- DTOs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointRow:
    id: int
    code: str
    circuit: int
    utility: str
    room_code: str
    name: str
    tariff_code: str
    keep_power: bool
    status: str


@dataclass(frozen=True)
class MeterRow:
    id: int
    bus_id: int
    kind: str
    protocol: str
    profile: str
    address: str
    meter_type: int | None
    ct_ratio: int
    circuits: int
    has_relay: bool
    tou: bool
    status: str
    notes: str
    points: tuple[PointRow, ...]


@dataclass(frozen=True)
class BusRow:
    id: int
    gateway_id: int
    number: int
    port: int | None
    baud: int
    parity: str
    stop_bits: int
    timeout_ms: int
    retries: int
    frame_gap_ms: int
    meters: tuple[MeterRow, ...]


@dataclass(frozen=True)
class GatewayRow:
    id: int
    code: str
    name: str
    location: str
    transport: str
    host: str | None
    dtu_id: str | None
    serial_url: str | None
    status: str
    online: bool | None
    last_seen_at: datetime | None
    notes: str
    buses: tuple[BusRow, ...]


@dataclass(frozen=True)
class GatewayInput:
    code: str
    name: str
    transport: str
    host: str | None = None
    dtu_id: str | None = None
    serial_url: str | None = None
    location: str = ""
    notes: str = ""


@dataclass(frozen=True)
class BusInput:
    gateway_id: int
    number: int
    port: int | None = None
    baud: int = 2400
    parity: str = "E"
    stop_bits: int = 1
    timeout_ms: int = 1500
    retries: int = 2
    frame_gap_ms: int = 50


@dataclass(frozen=True)
class MeterInput:
    bus_id: int
    kind: str
    protocol: str
    address: str
    profile: str = ""
    meter_type: int | None = None
    ct_ratio: int = 1
    circuits: int = 1
    has_relay: bool = True
    tou: bool = False
    notes: str = ""


@dataclass(frozen=True)
class PointInput:
    room_code: str = ""  # empty: not assigned to a room
    tariff_code: str = ""
    name: str = ""


@dataclass(frozen=True)
class BusTest:
    bus_number: int
    url: str
    ok: bool
    detail: str  # empty | no_meter | the comms error
    address: str = ""
    value: str = ""
    elapsed_ms: int = 0


@dataclass(frozen=True)
class GatewayTestResult:
    gateway_code: str
    buses: tuple[BusTest, ...]

    @property
    def ok(self) -> bool:
        return bool(self.buses) and all(b.ok for b in self.buses)


# --- validation (pure) -----------------------------------------------------------------------


def check_address(protocol: str, address: str) -> str:
    """The meter address as stored (nameplate order), or DeviceConfigError."""
    try:
        return normalize_address(protocol, address)
    except AddressError as exc:
        if exc.problem == "bcd":
            raise DeviceConfigError(
                "address", "address_bcd", digits=exc.digits, value=exc.value
            ) from exc
        if exc.problem == "modbus":
            raise DeviceConfigError("address", "address_modbus", value=exc.value) from exc
        raise DeviceConfigError("protocol", "protocol", value=protocol) from exc


def check_gateway(data: GatewayInput) -> None:
    if not data.code.strip() or len(data.code.strip()) > 32:
        raise DeviceConfigError("code", "code_required")
    if not data.name.strip():
        raise DeviceConfigError("name", "name_required")
    if data.transport not in TRANSPORTS:
        raise DeviceConfigError("transport", "transport", value=data.transport)
    if data.transport == "tcp" and not (data.host or "").strip():
        raise DeviceConfigError("host", "host_required")
    if data.transport == "dtu" and not (data.dtu_id or "").strip():
        raise DeviceConfigError("dtu_id", "dtu_id_required")
    if data.transport == "serial" and not (data.serial_url or "").strip().startswith("serial://"):
        raise DeviceConfigError("serial_url", "serial_url_required")


def check_bus(data: BusInput, transport: str) -> None:
    if not 1 <= data.number <= 6:
        raise DeviceConfigError("number", "bus_number", value=data.number)
    if transport == "tcp" and data.port is None:
        raise DeviceConfigError("port", "port_required")
    if data.port is not None and not 1 <= data.port <= 65535:
        raise DeviceConfigError("port", "port_range", value=data.port)
    if data.baud not in BAUDS:
        raise DeviceConfigError("baud", "baud", value=data.baud)
    if data.parity not in PARITIES:
        raise DeviceConfigError("parity", "parity", value=data.parity)
    if data.stop_bits not in (1, 2):
        raise DeviceConfigError("stop_bits", "stop_bits", value=data.stop_bits)
    if not 100 <= data.timeout_ms <= 30000:
        raise DeviceConfigError("timeout_ms", "timeout", value=data.timeout_ms)
    if not 0 <= data.retries <= 5:
        raise DeviceConfigError("retries", "retries", value=data.retries)
    if not 0 <= data.frame_gap_ms <= 2000:
        raise DeviceConfigError("frame_gap_ms", "frame_gap", value=data.frame_gap_ms)


def check_meter(data: MeterInput) -> str:
    if data.kind not in METER_KINDS:
        raise DeviceConfigError("kind", "kind", value=data.kind)
    if data.protocol not in PROTOCOLS:
        raise DeviceConfigError("protocol", "protocol", value=data.protocol)
    water = data.kind in WATER_KINDS
    if water != (data.protocol == "cjt188") and data.protocol != "modbus":
        raise DeviceConfigError("protocol", "protocol_kind", value=data.protocol)
    address = check_address(data.protocol, data.address)
    if not 1 <= data.ct_ratio <= 10000:
        raise DeviceConfigError("ct_ratio", "ct_ratio", value=data.ct_ratio)
    limit = 12 if data.kind == "multi_circuit" else 1
    if not 1 <= data.circuits <= limit:
        raise DeviceConfigError("circuits", "circuits", value=data.circuits, limit=limit)
    return address


def _utility(kind: str) -> str:
    if kind in ("water", "hot_water", "gas", "heat"):
        return kind
    return "electricity"


# --- the service -----------------------------------------------------------------------------


class DeviceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def tree(self, actor: Actor, *, include_retired: bool = False) -> list[GatewayRow]:
        """Gateways → buses → meters → points, in four queries."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            gq = select(Gateway).order_by(Gateway.code)
            mq = select(Meter).order_by(Meter.address)
            if not include_retired:
                gq = gq.where(Gateway.status == "active")
                mq = mq.where(Meter.status == "active")
            gateways = list(s.scalars(gq))
            buses = list(s.scalars(select(Bus).order_by(Bus.gateway_id, Bus.number)))
            meters = list(s.scalars(mq))
            pq = (
                select(MeasurementPoint, Room.code, Tariff.code)
                .outerjoin(Room, Room.id == MeasurementPoint.room_id)
                .outerjoin(Tariff, Tariff.id == MeasurementPoint.tariff_id)
                .order_by(MeasurementPoint.meter_id, MeasurementPoint.circuit)
            )
            points: dict[int, list[PointRow]] = {}
            for p, room_code, tariff_code in s.execute(pq):
                if not include_retired and p.status != "active":
                    continue
                points.setdefault(p.meter_id, []).append(
                    PointRow(
                        p.id,
                        p.code,
                        p.circuit,
                        p.utility,
                        room_code or "",
                        p.name,
                        tariff_code or "",
                        bool(p.keep_power),
                        p.status,
                    )
                )
            by_bus: dict[int, list[MeterRow]] = {}
            for m in meters:
                by_bus.setdefault(m.bus_id, []).append(
                    MeterRow(
                        m.id,
                        m.bus_id,
                        m.kind,
                        m.protocol,
                        m.profile,
                        m.address,
                        m.meter_type,
                        m.ct_ratio,
                        m.circuits,
                        bool(m.has_relay),
                        bool(m.tou),
                        m.status,
                        m.notes,
                        tuple(points.get(m.id, ())),
                    )
                )
            by_gateway: dict[int, list[BusRow]] = {}
            for b in buses:
                by_gateway.setdefault(b.gateway_id, []).append(
                    BusRow(
                        b.id,
                        b.gateway_id,
                        b.number,
                        b.port,
                        b.baud,
                        b.parity,
                        b.stop_bits,
                        b.timeout_ms,
                        b.retries,
                        b.frame_gap_ms,
                        tuple(by_bus.get(b.id, ())),
                    )
                )
            return [
                GatewayRow(
                    g.id,
                    g.code,
                    g.name,
                    g.location,
                    g.transport,
                    g.host,
                    g.dtu_id,
                    g.serial_url,
                    g.status,
                    g.online,
                    g.last_seen_at,
                    g.notes,
                    tuple(by_gateway.get(g.id, ())),
                )
                for g in gateways
            ]

    # -- gateways ----------------------------------------------------------------------------

    def save_gateway(self, actor: Actor, data: GatewayInput, gateway_id: int | None = None) -> int:
        actor.require(Perm.DEVICE_MANAGE)
        check_gateway(data)
        code = data.code.strip()
        with self.db.uow() as uow:
            s = uow.session
            clash = s.scalar(select(Gateway.id).where(Gateway.code == code))
            if clash is not None and clash != gateway_id:
                raise DeviceConfigError("code", "code_taken", value=code)
            dtu_id = (data.dtu_id or "").strip() or None
            if dtu_id is not None:
                other = s.scalar(select(Gateway.id).where(Gateway.dtu_id == dtu_id))
                if other is not None and other != gateway_id:
                    raise DeviceConfigError("dtu_id", "dtu_id_taken", value=dtu_id)
            values = {
                "code": code,
                "name": data.name.strip(),
                "location": data.location.strip(),
                "transport": data.transport,
                "host": (data.host or "").strip() or None,
                "dtu_id": dtu_id,
                "serial_url": (data.serial_url or "").strip() or None,
                "notes": data.notes,
            }
            if gateway_id is None:
                gw = Gateway(status="active", **values)
                s.add(gw)
                s.flush()
                before = None
            else:
                found = s.get(Gateway, gateway_id)
                if found is None:
                    raise NotFoundError("gateway", gateway_id)
                gw = found
                before = {k: getattr(gw, k) for k in values}
                for k, v in values.items():
                    setattr(gw, k, v)
            audit.record(s, actor, "device.gateway.save", "gateway", gw.id, before, values)
            uow.commit()
            return gw.id

    def retire_gateway(self, actor: Actor, gateway_id: int) -> None:
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            gw = s.get(Gateway, gateway_id)
            if gw is None:
                raise NotFoundError("gateway", gateway_id)
            active = s.scalar(
                select(func.count(Meter.id))
                .join(Bus, Bus.id == Meter.bus_id)
                .where(Bus.gateway_id == gateway_id, Meter.status == "active")
            )
            if active:
                raise DeviceConfigError("gateway", "gateway_has_meters", count=int(active))
            gw.status = "retired"
            audit.record(
                s, actor, "device.gateway.retire", "gateway", gw.id, None, {"code": gw.code}
            )
            uow.commit()

    # -- buses -------------------------------------------------------------------------------

    def save_bus(self, actor: Actor, data: BusInput, bus_id: int | None = None) -> int:
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            gw = s.get(Gateway, data.gateway_id)
            if gw is None:
                raise NotFoundError("gateway", data.gateway_id)
            check_bus(data, gw.transport)
            clash = s.scalar(
                select(Bus.id).where(Bus.gateway_id == gw.id, Bus.number == data.number)
            )
            if clash is not None and clash != bus_id:
                raise DeviceConfigError("number", "bus_taken", value=data.number)
            if data.port is not None and gw.transport == "tcp":
                port_clash = s.scalar(
                    select(Bus.id)
                    .join(Gateway, Gateway.id == Bus.gateway_id)
                    .where(
                        Gateway.host == gw.host, Bus.port == data.port, Gateway.status == "active"
                    )
                )
                if port_clash is not None and port_clash != bus_id:
                    raise DeviceConfigError("port", "port_taken", value=data.port)
            values = {
                "number": data.number,
                "port": data.port,
                "baud": data.baud,
                "parity": data.parity,
                "stop_bits": data.stop_bits,
                "timeout_ms": data.timeout_ms,
                "retries": data.retries,
                "frame_gap_ms": data.frame_gap_ms,
            }
            if bus_id is None:
                bus = Bus(gateway_id=gw.id, **values)
                s.add(bus)
                s.flush()
                before = None
            else:
                found = s.get(Bus, bus_id)
                if found is None or found.gateway_id != gw.id:
                    raise NotFoundError("bus", bus_id)
                bus = found
                before = {k: getattr(bus, k) for k in values}
                for k, v in values.items():
                    setattr(bus, k, v)
            audit.record(s, actor, "device.bus.save", "bus", bus.id, before, values)
            uow.commit()
            return bus.id

    # -- meters and points -------------------------------------------------------------------

    def save_meter(self, actor: Actor, data: MeterInput, meter_id: int | None = None) -> int:
        """Add or edit a meter; a new meter gets one measurement point per circuit."""
        actor.require(Perm.DEVICE_MANAGE)
        address = check_meter(data)
        profile = data.profile.strip() or DEFAULT_PROFILES[data.protocol]
        meter_type = data.meter_type
        if data.protocol == "cjt188" and meter_type is None:
            meter_type = 0x10 if data.kind == "water" else 0x11
        with self.db.uow() as uow:
            s = uow.session
            if s.get(Bus, data.bus_id) is None:
                raise NotFoundError("bus", data.bus_id)
            clash = s.scalar(
                select(Meter.id).where(
                    Meter.bus_id == data.bus_id, Meter.address == address, Meter.status == "active"
                )
            )
            if clash is not None and clash != meter_id:
                raise DeviceConfigError("address", "address_taken", value=address)
            values: dict[str, Any] = {
                "bus_id": data.bus_id,
                "kind": data.kind,
                "protocol": data.protocol,
                "profile": profile,
                "address": address,
                "meter_type": meter_type,
                "ct_ratio": data.ct_ratio,
                "circuits": data.circuits,
                "has_relay": data.has_relay,
                "tou": data.tou,
                "notes": data.notes,
            }
            if meter_id is None:
                meter = Meter(status="active", installed_at=datetime.now(UTC), **values)
                s.add(meter)
                s.flush()
                before = None
            else:
                found = s.get(Meter, meter_id)
                if found is None:
                    raise NotFoundError("meter", meter_id)
                if found.status != "active":
                    raise DeviceConfigError("meter", "meter_retired", value=found.address)
                meter = found
                if data.circuits < meter.circuits:
                    raise DeviceConfigError("circuits", "circuits_shrink", value=meter.circuits)
                before = {k: getattr(meter, k) for k in values}
                for k, v in values.items():
                    setattr(meter, k, v)
            have = set(
                s.scalars(
                    select(MeasurementPoint.circuit).where(MeasurementPoint.meter_id == meter.id)
                )
            )
            prefix = "W" if data.kind in WATER_KINDS else "E"
            for circuit in range(1, data.circuits + 1):
                if circuit in have:
                    continue
                code = f"{prefix}-{address}" + (f"-{circuit}" if data.circuits > 1 else "")
                if s.scalar(select(MeasurementPoint.id).where(MeasurementPoint.code == code)):
                    code = f"{code}-{meter.id}"
                s.add(
                    MeasurementPoint(
                        code=code,
                        meter_id=meter.id,
                        circuit=circuit,
                        utility=_utility(data.kind),
                        name="",
                        status="active",
                    )
                )
            audit.record(s, actor, "device.meter.save", "meter", meter.id, before, values)
            uow.commit()
            return meter.id

    def save_point(self, actor: Actor, point_id: int, data: PointInput) -> None:
        """Assign a point to a room and a tariff (DEV-3)."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            s = uow.session
            point = s.get(MeasurementPoint, point_id)
            if point is None:
                raise NotFoundError("measurement point", point_id)
            room_id = None
            if data.room_code.strip():
                room_id = s.scalar(select(Room.id).where(Room.code == data.room_code.strip()))
                if room_id is None:
                    raise DeviceConfigError("room", "room_not_found", value=data.room_code)
            tariff_id = None
            if data.tariff_code.strip():
                row = s.execute(
                    select(Tariff.id, Tariff.utility).where(Tariff.code == data.tariff_code.strip())
                ).first()
                if row is None:
                    raise DeviceConfigError("tariff", "tariff_not_found", value=data.tariff_code)
                if row[1] != point.utility:
                    raise DeviceConfigError("tariff", "tariff_utility", value=data.tariff_code)
                tariff_id = row[0]
            before = {"room_id": point.room_id, "tariff_id": point.tariff_id, "name": point.name}
            point.room_id = room_id
            point.tariff_id = tariff_id
            point.name = data.name.strip()
            after = {"room_id": room_id, "tariff_id": tariff_id, "name": point.name}
            audit.record(s, actor, "device.point.save", "point", point.id, before, after)
            uow.commit()

    def retire_meter(self, actor: Actor, meter_id: int, reason: str) -> None:
        """Take a meter out of service with its points; its history stays (DEV-7)."""
        actor.require(Perm.DEVICE_MANAGE)
        if not reason.strip():
            raise DeviceConfigError("reason", "reason_required")
        with self.db.uow() as uow:
            s = uow.session
            meter = s.get(Meter, meter_id)
            if meter is None:
                raise NotFoundError("meter", meter_id)
            if meter.status == "retired":
                return
            meter.status = "retired"
            meter.retired_at = datetime.now(UTC)
            for point in s.scalars(
                select(MeasurementPoint).where(MeasurementPoint.meter_id == meter_id)
            ):
                point.status = "retired"
            audit.record(
                s,
                actor,
                "device.meter.retire",
                "meter",
                meter.id,
                {"status": "active"},
                {"status": "retired", "address": meter.address, "reason": reason},
            )
            uow.commit()

    def tariffs(self, actor: Actor) -> list[tuple[str, str, str]]:
        """(code, name, utility) of every tariff, for the point editor."""
        actor.require(Perm.DEVICE_MANAGE)
        with self.db.uow() as uow:
            rows = uow.session.execute(
                select(Tariff.code, Tariff.name, Tariff.utility).order_by(Tariff.code)
            ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    # -- test connection ---------------------------------------------------------------------

    def test_gateway(
        self, actor: Actor, gateway_id: int, *, timeout_s: float = 3.0
    ) -> GatewayTestResult:
        """Connect to the gateway and read the first meter of each bus, each step bounded by
        ``timeout_s``, on an engine of its own (the collector's queues are not disturbed). Run
        it off the GUI thread; it holds no database transaction while on the wire."""
        actor.require(Perm.DEVICE_MANAGE)
        from app.comms.engine import CommsEngine, GatewayConfig, LineConfig
        from app.services.collector import MeterTarget, gateway_configs, read_target

        configs = gateway_configs(self.db, gateway_id)
        if not configs:
            raise NotFoundError("gateway", gateway_id)
        with self.db.uow() as uow:
            s = uow.session
            gw = s.get(Gateway, gateway_id)
            assert gw is not None
            if gw.transport == "dtu":
                raise DeviceConfigError("transport", "dtu_test")
            first: dict[int, MeterTarget] = {}
            for bus_number, m in s.execute(
                select(Bus.number, Meter)
                .join(Meter, Meter.bus_id == Bus.id)
                .where(Bus.gateway_id == gateway_id, Meter.status == "active")
                .order_by(Bus.number, Meter.address)
            ):
                if bus_number in first:
                    continue
                first[bus_number] = MeterTarget(
                    0,
                    m.id,
                    gw.code,
                    bus_number,
                    m.protocol,
                    m.address,
                    m.meter_type,
                    m.profile,
                    m.kind,
                    False,
                    None,
                    None,
                )
        config = configs[0]
        lines = tuple(
            LineConfig(
                ln.number,
                ln.url,
                _bounded(ln.settings, timeout_s),
            )
            for ln in config.buses
        )
        engine = CommsEngine(name="gateway-test", connect_timeout_s=timeout_s)
        results: list[BusTest] = []
        try:
            engine.start()
            engine.configure([GatewayConfig(config.code, lines)])
            for line in lines:
                target = first.get(line.number)
                if target is None:
                    results.append(BusTest(line.number, line.url, False, "no_meter"))
                    continue

                async def probe(channel: Any, t: MeterTarget = target) -> Any:
                    return await read_target(channel, t)

                started = time.monotonic()
                try:
                    values, _fault = engine.call(
                        config.code, line.number, probe, address=target.address, label="test"
                    ).result(timeout_s * 3 + 1)
                except Exception as exc:
                    results.append(
                        BusTest(
                            line.number,
                            line.url,
                            False,
                            str(exc) or type(exc).__name__,
                            target.address,
                            elapsed_ms=int((time.monotonic() - started) * 1000),
                        )
                    )
                    continue
                total = values.get("total")
                results.append(
                    BusTest(
                        line.number,
                        line.url,
                        True,
                        "",
                        target.address,
                        "" if total is None else str(total),
                        int((time.monotonic() - started) * 1000),
                    )
                )
        finally:
            engine.stop()
        return GatewayTestResult(config.code, tuple(results))


def _bounded(settings: Any, timeout_s: float) -> Any:
    from dataclasses import replace

    return replace(settings, timeout_s=min(settings.timeout_s, timeout_s), retries=0)


# --- the technician's frame log ---------------------------------------------------------------


@dataclass(frozen=True)
class FrameRow:
    at: datetime
    direction: str  # tx | rx | rx-stale | rx-bad | rx-other
    gateway_code: str
    bus_number: int
    address: str
    hex: str
    note: str = ""


class FrameLog(logging.Handler):
    """Collects the frames every bus of this process puts on or takes off the wire (the
    ``app.comms.trace`` logger), bounded; ``drain`` hands over what came since the last call.
    Thread-safe: frames arrive on the comms thread, the page drains on its own."""

    def __init__(self, capacity: int = 2000) -> None:
        super().__init__(logging.DEBUG)
        self.capacity = capacity
        self._rows: deque[FrameRow] = deque()
        self._mutex = threading.Lock()
        self._attached = False
        self._saved: tuple[int, bool] = (logging.NOTSET, True)

    def emit(self, record: logging.LogRecord) -> None:
        trace = getattr(record, "trace", None)
        if trace is None:
            return
        row = FrameRow(
            trace.at,
            trace.direction,
            trace.gateway_code,
            trace.bus_number,
            trace.address,
            trace.hex,
            trace.note,
        )
        with self._mutex:
            self._rows.append(row)
            while len(self._rows) > self.capacity:
                self._rows.popleft()

    def start(self) -> None:
        """Listen to the trace logger. If nobody asked for frame tracing before, the frames
        seen now go only to this log, not to the log file (a busy site sends thousands)."""
        if self._attached:
            return
        trace_logger = logging.getLogger("app.comms.trace")
        self._saved = (trace_logger.level, trace_logger.propagate)
        if not trace_logger.isEnabledFor(logging.DEBUG):
            trace_logger.setLevel(logging.DEBUG)
            trace_logger.propagate = False
        trace_logger.addHandler(self)
        self._attached = True

    def stop(self) -> None:
        if not self._attached:
            return
        trace_logger = logging.getLogger("app.comms.trace")
        trace_logger.removeHandler(self)
        trace_logger.setLevel(self._saved[0])
        trace_logger.propagate = self._saved[1]
        self._attached = False

    @property
    def running(self) -> bool:
        return self._attached

    def drain(self) -> list[FrameRow]:
        with self._mutex:
            rows = list(self._rows)
            self._rows.clear()
        return rows


def frame_log(capacity: int = 2000) -> FrameLog:
    return FrameLog(capacity=capacity)


__all__: Sequence[str] = (
    "BusInput",
    "DeviceService",
    "FrameLog",
    "FrameRow",
    "GatewayInput",
    "GatewayTestResult",
    "MeterInput",
    "PointInput",
    "frame_log",
)
