"""The demo site of the seed brochure, defined once: read by ``demo-db`` and by ``simulate``.

Deterministic from a seed: 61 gateways, 641 electricity meters (450 single-phase DL/T 645-2007
incl. some DL/T 645-1997, 188 three-phase DL/T 645-2007 of which some are TOU, 3 Modbus-RTU
public-area meters), 642 CJ/T 188 water meters, 638 rooms in five buildings.

Meter registers follow a deterministic consumption curve (``energy_at`` / ``volume_at``) so that
the history written by ``demo-db`` and the values the simulator starts from agree: the first live
read after building the database continues the history without a jump.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from functools import cache

DEFAULT_SEED = 20261124
DEFAULT_BASE_PORT = 20000
DTU_LISTEN_PORT_OFFSET = 1000  # DTU gateways dial base_port + 1000 (the app's listening port)
BUSES_PER_GATEWAY = 2  # bus 1: electricity, bus 2: water
EPOCH = datetime(2026, 6, 1, tzinfo=UTC)  # all demo meters were installed (zero-based) then

ENERGY_STEP = Decimal("0.01")
VOLUME_STEP = Decimal("0.01")  # CJ/T 188 DI 901F carries XXXXXX.XX m³


@dataclass(frozen=True)
class BuildingSpec:
    code: str
    name: str
    floors: int
    rooms_per_floor: int
    room_type: str  # shop | dormitory | office | enterprise


@dataclass(frozen=True)
class RoomSpec:
    code: str  # e.g. "A-1-05"
    name: str
    building_code: str
    floor: int
    room_type: str
    area_m2: Decimal
    occupants: int
    tenant_name: str | None  # None = vacant
    tenant_phone: str | None


@dataclass(frozen=True)
class BusSpec:
    number: int  # 1-based RS485 port number on the gateway
    baud: int
    parity: str  # "E" | "N" | "O"
    port: int  # TCP port of this bus (transparent gateways: one port per bus)


@dataclass(frozen=True)
class GatewaySpec:
    code: str
    name: str
    location: str
    transport: str  # "tcp" (transparent serial server) | "dtu" (4G DTU dials in)
    host: str
    buses: tuple[BusSpec, ...]
    dtu_id: str | None = None  # registration id a DTU sends first


@dataclass(frozen=True)
class MeterSpec:
    """One physical meter. ``address`` is in nameplate order (most significant digit first)."""

    serial: int  # 1-based index over all meters of the site
    kind: str  # single_phase | three_phase | water
    protocol: str  # dlt645-2007 | dlt645-1997 | cjt188 | modbus
    profile: str  # meter profile name in resources/meter_profiles/
    address: str  # 12 digits (DL/T 645), 14 digits (CJ/T 188), unit id as digits (Modbus)
    meter_type: int | None  # CJ/T 188 meter type byte (0x10 cold water)
    gateway_code: str
    bus_number: int
    room_code: str | None  # None = public area (not billed to a tenant)
    tou: bool
    ct_ratio: int
    has_relay: bool  # electricity: relay; water: valve
    keep_power: bool
    base_load_w: int  # mean active power (electricity) or mean flow in L/h (water)
    phase_hours: int  # offset of the daily load curve, for variety


@dataclass(frozen=True)
class DemoSite:
    seed: int
    base_port: int
    site_name: str
    buildings: tuple[BuildingSpec, ...]
    rooms: tuple[RoomSpec, ...]
    gateways: tuple[GatewaySpec, ...]
    meters: tuple[MeterSpec, ...]
    dtu_listen_port: int
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def electricity_meters(self) -> tuple[MeterSpec, ...]:
        return tuple(m for m in self.meters if m.kind != "water")

    @property
    def water_meters(self) -> tuple[MeterSpec, ...]:
        return tuple(m for m in self.meters if m.kind == "water")


BUILDINGS: tuple[BuildingSpec, ...] = (
    BuildingSpec("A", "A栋 商业街", 3, 40, "shop"),
    BuildingSpec("B", "B栋 商业街", 3, 40, "shop"),
    BuildingSpec("C", "C栋 员工宿舍", 6, 30, "dormitory"),
    BuildingSpec("D", "D栋 员工宿舍", 5, 30, "dormitory"),
    BuildingSpec("E", "E栋 企业办公楼", 4, 12, "enterprise"),
)  # 120 + 120 + 180 + 150 + 48 = 618 rooms; 20 offices in the F block below

_EXTRA_OFFICES = BuildingSpec("F", "F栋 综合办公", 2, 10, "office")

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国海燕志鹏晨宇"
_SHOP_WORDS = ("便利店", "餐馆", "服装", "理发", "药店", "五金", "茶饮", "烘焙", "水果", "文具")


def _money_round_down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def _load_factor(hour_of_day: int, room_type: str) -> int:
    """Relative load (percent) by hour: shops by day, dormitories evenings, offices office hours."""
    if room_type == "shop":
        return 130 if 9 <= hour_of_day < 21 else 30
    if room_type == "dormitory":
        return 150 if hour_of_day >= 18 or hour_of_day < 1 else (40 if hour_of_day < 8 else 70)
    if room_type in ("office", "enterprise"):
        return 160 if 8 <= hour_of_day < 18 else 20
    return 100


@cache
def _hourly_profile(room_type: str) -> tuple[int, ...]:
    """Cumulative percent-hours over a day, index h = sum of factors for hours < h."""
    acc = [0]
    for h in range(24):
        acc.append(acc[-1] + _load_factor(h, room_type))
    return tuple(acc)


def _room_type_of(meter: MeterSpec, site: DemoSite) -> str:
    if meter.room_code is None:
        return "public"
    return _room_types(site)[meter.room_code]


@cache
def _room_types_cached(rooms: tuple[RoomSpec, ...]) -> dict[str, str]:
    return {r.code: r.room_type for r in rooms}


def _room_types(site: DemoSite) -> dict[str, str]:
    return _room_types_cached(site.rooms)


def _percent_hours_since_epoch(at: datetime, room_type: str, phase_hours: int) -> Decimal:
    """Integral of the load factor (percent × hours) from EPOCH to ``at`` (exact Decimal)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    seconds = int((at - EPOCH).total_seconds()) + phase_hours * 3600
    if seconds <= phase_hours * 3600:
        return Decimal(0)
    profile = _hourly_profile(room_type)
    days, rem = divmod(seconds, 86400)
    hours, sec = divmod(rem, 3600)
    total = days * profile[24] + profile[hours]
    partial = Decimal(_load_factor(hours, room_type) * sec) / Decimal(3600)
    return Decimal(total) + partial - Decimal(_offset_integral(room_type, phase_hours))


@cache
def _offset_integral(room_type: str, phase_hours: int) -> int:
    days, hours = divmod(phase_hours, 24)
    return days * _hourly_profile(room_type)[24] + _hourly_profile(room_type)[hours]


def energy_at(site: DemoSite, meter: MeterSpec, at: datetime) -> Decimal:
    """The meter's total forward active energy register (kWh, 2 decimals) at ``at``."""
    ph = _percent_hours_since_epoch(at, _room_type_of(meter, site), meter.phase_hours)
    kwh = ph * Decimal(meter.base_load_w) / Decimal(100_000)
    return _money_round_down(kwh, ENERGY_STEP)


def volume_at(site: DemoSite, meter: MeterSpec, at: datetime) -> Decimal:
    """The water meter's cumulative volume (m³, 2 decimals, as CJ/T 188 reports it) at ``at``."""
    ph = _percent_hours_since_epoch(at, _room_type_of(meter, site), meter.phase_hours)
    m3 = ph * Decimal(meter.base_load_w) / Decimal(100_000)
    return _money_round_down(m3, VOLUME_STEP)


def tou_split(total: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Split a total into T1..T4 (tip/peak/flat/valley) registers: 10% / 30% / 35% / rest."""
    t1 = _money_round_down(total * Decimal("0.10"), ENERGY_STEP)
    t2 = _money_round_down(total * Decimal("0.30"), ENERGY_STEP)
    t3 = _money_round_down(total * Decimal("0.35"), ENERGY_STEP)
    return t1, t2, t3, total - t1 - t2 - t3


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        if phone not in used:
            used.add(phone)
            return phone


@cache
def build_demo_site(seed: int = DEFAULT_SEED, base_port: int = DEFAULT_BASE_PORT) -> DemoSite:
    """Build the deterministic demo site."""
    rng = random.Random(seed)
    buildings = (*BUILDINGS, _EXTRA_OFFICES)
    rooms: list[RoomSpec] = []
    phones: set[str] = set()
    for b in buildings:
        for floor in range(1, b.floors + 1):
            for n in range(1, b.rooms_per_floor + 1):
                code = f"{b.code}-{floor}-{n:02d}"
                if b.room_type == "shop":
                    area = Decimal(rng.randrange(2000, 12000)) / 100
                    occupants = rng.randint(1, 4)
                elif b.room_type == "dormitory":
                    area = Decimal(rng.choice((1800, 2200, 2600))) / 100
                    occupants = rng.choice((2, 4, 6))
                else:
                    area = Decimal(rng.randrange(4000, 30000)) / 100
                    occupants = rng.randint(3, 30)
                vacant = rng.random() < 0.03
                if vacant:
                    tenant, phone = None, None
                elif b.room_type == "shop":
                    tenant = _person(rng) + rng.choice(_SHOP_WORDS)
                    phone = _phone(rng, phones)
                elif b.room_type in ("enterprise", "office"):
                    tenant = (
                        rng.choice("华盛恒达鑫源宏图金桥")
                        + rng.choice("科技贸易物流传媒")
                        + "有限公司"
                    )
                    phone = _phone(rng, phones)
                else:
                    tenant = _person(rng)
                    phone = _phone(rng, phones)
                name = f"{b.name.split()[0]}{floor}{n:02d}室"
                rooms.append(
                    RoomSpec(code, name, b.code, floor, b.room_type, area, occupants, tenant, phone)
                )

    # Electricity: one meter per room; three-phase for shops with heavy load and enterprises;
    # 3 Modbus-RTU public meters (keep-power: pumps, lift, corridor lighting).
    elec: list[tuple[str | None, str, str, str, bool, int, bool]] = []
    n_three = 0
    for r in rooms:
        three = (r.room_type in ("enterprise", "office")) or (
            r.room_type == "shop" and rng.random() < 0.5
        )
        if three and n_three < 188:
            n_three += 1
            tou = n_three % 3 == 0
            elec.append(
                (
                    r.code,
                    "three_phase",
                    "dlt645-2007",
                    "dlt645-2007-3p-tou" if tou else "dlt645-2007-3p",
                    tou,
                    rng.randrange(1500, 6000),
                    True,
                )
            )
        else:
            elec.append(
                (
                    r.code,
                    "single_phase",
                    "dlt645-2007",
                    "dlt645-2007-1p",
                    False,
                    rng.randrange(150, 1200),
                    True,
                )
            )
    # top up the three-phase count deterministically if random draws fell short
    i = 0
    while n_three < 188:
        room_code, kind, *_rest = elec[i]
        if kind == "single_phase":
            n_three += 1
            tou = n_three % 3 == 0
            elec[i] = (
                room_code,
                "three_phase",
                "dlt645-2007",
                "dlt645-2007-3p-tou" if tou else "dlt645-2007-3p",
                tou,
                rng.randrange(1500, 6000),
                True,
            )
        i += 1
    # Older dormitory meters still speak DL/T 645-1997 (every 15th single-phase meter).
    single_seen = 0
    for idx, (room_code, kind, _proto, _profile, tou, load, _relay) in enumerate(elec):
        if kind == "single_phase":
            single_seen += 1
            if single_seen % 15 == 0:
                # the 1997 protocol has no relay command and these models have no relay
                elec[idx] = (room_code, kind, "dlt645-1997", "dlt645-1997-1p", tou, load, False)
    for _public in ("公共照明", "水泵房", "电梯"):
        elec.append(
            (None, "three_phase", "modbus", "modbus-3p", False, rng.randrange(2000, 8000), False)
        )
    assert len(elec) == 641, len(elec)

    water: list[tuple[str | None, int]] = [(r.code, rng.randrange(5, 40)) for r in rooms]
    water += [(None, rng.randrange(50, 200)) for _ in range(642 - len(water))]

    # Gateways: 61, electricity on bus 1 and water on bus 2, meters spread evenly in room order.
    n_gw = 61
    gateways: list[GatewaySpec] = []
    for g in range(n_gw):
        code = f"GW{g + 1:03d}"
        dtu = g >= n_gw - 3  # the last three gateways are 4G DTUs
        buses = tuple(
            BusSpec(
                number=bus,
                baud=2400,
                parity="E",
                port=base_port + g * BUSES_PER_GATEWAY + (bus - 1),
            )
            for bus in range(1, BUSES_PER_GATEWAY + 1)
        )
        gateways.append(
            GatewaySpec(
                code=code,
                name=f"{g + 1}号数据网关",
                location=f"{buildings[min(g * len(buildings) // n_gw, len(buildings) - 1)].name}"
                "配电间",
                transport="dtu" if dtu else "tcp",
                host="127.0.0.1",
                buses=buses,
                dtu_id=f"DTU{g + 1:05d}" if dtu else None,
            )
        )

    meters: list[MeterSpec] = []
    serial = 0
    for idx, (room_code, kind, proto, profile, tou, load, relay) in enumerate(elec):
        serial += 1
        gw = gateways[idx * n_gw // len(elec)]
        if proto == "modbus":
            address = str(idx - 637)  # unit ids 1..3 on their bus
        else:
            address = f"{serial:012d}"
        meters.append(
            MeterSpec(
                serial,
                kind,
                proto,
                profile,
                address,
                None,
                gw.code,
                1,
                room_code,
                tou,
                1,
                relay,
                room_code is None,
                load,
                rng.randrange(0, 24),
            )
        )
    for idx, (room_code, load) in enumerate(water):
        serial += 1
        gw = gateways[idx * n_gw // len(water)]
        meters.append(
            MeterSpec(
                serial,
                "water",
                "cjt188",
                "cjt188-water",
                f"{serial:014d}",
                0x10,
                gw.code,
                2,
                room_code,
                False,
                1,
                False,
                False,
                load,
                rng.randrange(0, 24),
            )
        )
    return DemoSite(
        seed=seed,
        base_port=base_port,
        site_name="瑞信商业广场",
        buildings=buildings,
        rooms=tuple(rooms),
        gateways=tuple(gateways),
        meters=tuple(meters),
        dtu_listen_port=base_port + DTU_LISTEN_PORT_OFFSET,
    )


def demo_now() -> datetime:
    """Current UTC time (a seam for tests)."""
    return datetime.now(UTC)


def history_month_starts(now: datetime, months: int = 4) -> list[datetime]:
    """Start of each of the last ``months`` months up to ``now`` (UTC), oldest first."""
    starts: list[datetime] = []
    y, m = now.year, now.month
    for _ in range(months):
        starts.append(datetime(y, m, 1, tzinfo=UTC))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return [s for s in reversed(starts) if s >= EPOCH] or [EPOCH + timedelta(days=1)]
