"""Builds the demo site database from ``app.domain.demo_site`` with a few months of history.

The history is what the live system would have written: daily readings of every point, daily
charges computed as charge-to-date minus already charged (BILL-2), top-ups with gap-free receipts
whenever a tenant ran low, two meter swaps, and some tenants left in warning or arrears. Ledger
entries go in chronological order so each entry's running balance is right (``ledger verify``).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text, update

from app.domain import demo_site as ds
from app.domain.calendar import local_date
from app.domain.enums import AccountState, Category, Channel, EntryKind, Pocket
from app.domain.permissions import ROLES
from app.domain.tariffs import FlatPrice, PriceSet, TouPrice, parse_price_set
from app.models import (
    Account,
    AuditEntry,
    Building,
    Bus,
    Floor,
    Gateway,
    LedgerEntry,
    MeasurementPoint,
    Meter,
    Occupancy,
    Operator,
    Reading,
    Receipt,
    ReceiptSequence,
    Role,
    Room,
    Setting,
    Site,
    Tariff,
    TariffVersion,
    Tenant,
)
from app.services.accounts import name_initials
from app.services.operators import hash_password
from app.services.settings import DEFAULTS as SETTING_DEFAULTS
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

HISTORY_DAYS = 92
SWAPPED_METER_SERIALS = (5, 700)  # one electricity meter and one water meter were replaced

TARIFFS: tuple[tuple[str, str, str, str, dict[str, object]], ...] = (
    ("E-RES", "居民/宿舍电价", "electricity", "flat", {"price": "0.6800"}),
    ("E-COM", "商业电价", "electricity", "flat", {"price": "0.8500"}),
    (
        "E-TOU",
        "商业分时电价",
        "electricity",
        "tou",
        {"t1": "1.3000", "t2": "1.0500", "t3": "0.7500", "t4": "0.4000"},
    ),
    (
        "W-STD",
        "自来水（含水资源费、污水处理费）",
        "water",
        "flat",
        {
            "price": "4.2000",
            "components": {"水费": "2.8000", "水资源费": "0.4000", "污水处理费": "1.0000"},
        },
    ),
)

DEMO_OPERATORS = (
    ("admin", "系统管理员", "admin", "admin123"),
    ("cashier1", "收费员小李", "cashier", "cashier123"),
    ("elec1", "电管员老张", "electrician", "elec123"),
    ("boss", "主管王经理", "supervisor", "boss123"),
)

DEFAULT_SETTINGS: dict[str, object] = {
    **SETTING_DEFAULTS,
    "site.name": "瑞信商业广场",
    "receipt.header": "物业管理处 存款凭条",
    "billing.cut_threshold_fen": 0,
    "billing.restore_threshold_fen": 0,
    "control.cut_water": False,
}


@dataclass
class _Acc:
    id: int
    account_no: str
    cash: int = 0
    subsidy: int = 0
    topup_style: float = 1.0  # < 0.08: stops topping up in the last ten days (ends low)
    charged: int = 0
    rng: random.Random = field(default_factory=random.Random)


@dataclass
class _Point:
    id: int
    meter_id: int
    spec: ds.MeterSpec
    price: PriceSet
    account: _Acc | None
    charged_fen: int = 0
    charged_qty: Decimal = Decimal(0)
    period: str = ""
    # cumulative consumption per register since the billing start (exact)
    cum: dict[str, Decimal] = field(default_factory=dict)


def _bulk(session: Any, model: Any, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    for i in range(0, len(rows), chunk):
        session.execute(insert(model), rows[i : i + chunk])


def build_demo_database(
    db: Database,
    *,
    seed: int = ds.DEFAULT_SEED,
    now: datetime | None = None,
    history_days: int = HISTORY_DAYS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the demo site into an empty, upgraded database. Returns counts of what was written."""
    say = progress or (lambda _msg: None)
    site = ds.build_demo_site(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    day0 = (now - timedelta(days=history_days)).replace(hour=0, minute=0, second=0)
    day0 = max(day0, ds.EPOCH + timedelta(days=1))
    rng = random.Random(seed)
    counts: dict[str, int] = {}

    with db.uow() as uow:
        s = uow.session
        say("site, buildings, rooms")
        site_id = s.execute(
            insert(Site).values(code="DEMO", name=site.site_name).returning(Site.id)
        ).scalar_one()
        for key, value in {
            **DEFAULT_SETTINGS,
            "site.name": site.site_name,
            "collector.dtu_listen_port": site.dtu_listen_port,
        }.items():
            s.execute(insert(Setting).values(key=key, value=value, updated_at=day0))
        role_ids: dict[str, int] = {}
        for code, (name, perms) in ROLES.items():
            role_ids[code] = s.execute(
                insert(Role)
                .values(code=code, name=name, permissions=sorted(perms))
                .returning(Role.id)
            ).scalar_one()
        for login, name, role, password in DEMO_OPERATORS:
            s.execute(
                insert(Operator).values(
                    login=login,
                    name=name,
                    password_hash=hash_password(password),
                    role_id=role_ids[role],
                    created_at=day0,
                )
            )
        building_ids: dict[str, int] = {}
        floor_ids: dict[tuple[str, int], int] = {}
        for order, b in enumerate(site.buildings):
            building_ids[b.code] = s.execute(
                insert(Building)
                .values(site_id=site_id, code=b.code, name=b.name, sort_order=order)
                .returning(Building.id)
            ).scalar_one()
            for f in range(1, b.floors + 1):
                floor_ids[(b.code, f)] = s.execute(
                    insert(Floor)
                    .values(building_id=building_ids[b.code], number=f, name=f"{f}层")
                    .returning(Floor.id)
                ).scalar_one()
        room_ids: dict[str, int] = {}
        for r in site.rooms:
            room_ids[r.code] = s.execute(
                insert(Room)
                .values(
                    building_id=building_ids[r.building_code],
                    floor_id=floor_ids[(r.building_code, r.floor)],
                    code=r.code,
                    name=r.name,
                    room_type=r.room_type,
                    area_m2=r.area_m2,
                    occupants=r.occupants,
                    notes="",
                )
                .returning(Room.id)
            ).scalar_one()
        counts["rooms"] = len(room_ids)

        say("tenants and accounts")
        accounts: dict[str, _Acc] = {}
        for r in site.rooms:
            if r.tenant_name is None:
                continue
            tenant_id = s.execute(
                insert(Tenant)
                .values(
                    name=r.tenant_name,
                    phone=r.tenant_phone,
                    name_initials=name_initials(r.tenant_name),
                    notes="",
                    created_at=day0,
                )
                .returning(Tenant.id)
            ).scalar_one()
            occ_id = s.execute(
                insert(Occupancy)
                .values(room_id=room_ids[r.code], tenant_id=tenant_id, move_in=day0, active=True)
                .returning(Occupancy.id)
            ).scalar_one()
            account_no = f"{r.code}/1"
            acc_id = s.execute(
                insert(Account)
                .values(
                    account_no=account_no,
                    occupancy_id=occ_id,
                    room_id=room_ids[r.code],
                    tenant_id=tenant_id,
                    state=AccountState.ACTIVE,
                    opened_at=day0,
                )
                .returning(Account.id)
            ).scalar_one()
            style = rng.random()
            accounts[r.code] = _Acc(
                acc_id, account_no, topup_style=style, rng=random.Random(seed * 7919 + acc_id)
            )
        counts["accounts"] = len(accounts)

        say("tariffs")
        tariff_ids: dict[str, int] = {}
        prices: dict[str, PriceSet] = {}
        for code, name, utility, kind, params in TARIFFS:
            tariff_ids[code] = s.execute(
                insert(Tariff)
                .values(code=code, name=name, utility=utility, kind=kind, notes="")
                .returning(Tariff.id)
            ).scalar_one()
            s.execute(
                insert(TariffVersion).values(
                    tariff_id=tariff_ids[code],
                    effective_from=ds.EPOCH,
                    params=params,
                    monthly_fixed_fen=0,
                    created_at=ds.EPOCH,
                )
            )
            prices[code] = parse_price_set(kind, params)

        say("gateways, buses, meters, points")
        bus_ids: dict[tuple[str, int], int] = {}
        for g in site.gateways:
            gw_id = s.execute(
                insert(Gateway)
                .values(
                    code=g.code,
                    name=g.name,
                    location=g.location,
                    transport=g.transport,
                    host=g.host,
                    dtu_id=g.dtu_id,
                    notes="",
                    created_at=day0,
                )
                .returning(Gateway.id)
            ).scalar_one()
            for bus in g.buses:
                bus_ids[(g.code, bus.number)] = s.execute(
                    insert(Bus)
                    .values(
                        gateway_id=gw_id,
                        number=bus.number,
                        port=bus.port,
                        baud=bus.baud,
                        parity=bus.parity,
                    )
                    .returning(Bus.id)
                ).scalar_one()
        counts["gateways"] = len(site.gateways)
        room_types = {r.code: r.room_type for r in site.rooms}
        points: list[_Point] = []
        swaps: dict[int, tuple[int, datetime]] = {}  # serial -> (old meter id, swap time)
        for m in site.meters:
            kind = m.kind
            if m.kind == "water":
                tariff = "W-STD"
            elif m.tou:
                tariff = "E-TOU"
            elif m.room_code is not None and room_types[m.room_code] == "dormitory":
                tariff = "E-RES"
            else:
                tariff = "E-COM"
            meter_row = dict(
                kind=kind,
                protocol=m.protocol,
                profile=m.profile,
                address=m.address,
                meter_type=m.meter_type,
                bus_id=bus_ids[(m.gateway_code, m.bus_number)],
                ct_ratio=m.ct_ratio,
                circuits=1,
                has_relay=m.has_relay,
                tou=m.tou,
                status="active",
                installed_at=day0,
                notes="",
            )
            old_id: int | None = None
            if m.serial in SWAPPED_METER_SERIALS:
                swap_at = day0 + timedelta(days=history_days // 2, hours=10)
                old_row = {
                    **meter_row,
                    "address": "9" + m.address[1:],
                    "status": "retired",
                    "retired_at": swap_at,
                    "notes": "换表：计量故障",
                }
                old_id = s.execute(insert(Meter).values(**old_row).returning(Meter.id)).scalar_one()
                meter_row["installed_at"] = swap_at
                swaps[m.serial] = (old_id, swap_at)
            meter_id = s.execute(insert(Meter).values(**meter_row).returning(Meter.id)).scalar_one()
            if old_id is not None:
                s.execute(
                    text("UPDATE meters SET replaced_by_id = :n WHERE id = :o"),
                    {"n": meter_id, "o": old_id},
                )
            utility = "water" if m.kind == "water" else "electricity"
            point_id = s.execute(
                insert(MeasurementPoint)
                .values(
                    code=f"{'W' if utility == 'water' else 'E'}{m.serial:05d}",
                    meter_id=meter_id,
                    circuit=1,
                    room_id=room_ids.get(m.room_code) if m.room_code else None,
                    utility=utility,
                    tariff_id=tariff_ids[tariff],
                    name=(m.room_code or "公共区域") + ("水表" if utility == "water" else "电表"),
                    keep_power=m.keep_power,
                    relay_state="closed" if m.has_relay else None,
                    billing_hold=False,
                    status="active",
                )
                .returning(MeasurementPoint.id)
            ).scalar_one()
            points.append(
                _Point(
                    point_id,
                    meter_id,
                    m,
                    prices[tariff],
                    accounts.get(m.room_code) if m.room_code else None,
                )
            )
        counts["meters"] = len(site.meters) + len(swaps)
        counts["points"] = len(points)

        say("history: readings, charges, top-ups")
        readings: list[dict[str, Any]] = []
        events: list[tuple[datetime, int, dict[str, Any]]] = []  # (time, order, entry)
        order = 0

        def reg_values(p: _Point, at: datetime, old: bool) -> dict[str, Decimal]:
            if p.spec.kind == "water":
                v = ds.volume_at(site, p.spec, at)
                return {"total": v + (Decimal("1234.567") if old else 0)}
            e = ds.energy_at(site, p.spec, at) + (Decimal("5000.00") if old else 0)
            out = {"total": e}
            if p.spec.tou:
                out.update(zip(("t1", "t2", "t3", "t4"), ds.tou_split(e), strict=True))
            return out

        days = [day0 + timedelta(days=d) for d in range((now - day0).days + 1)]
        if days[-1] < now - timedelta(hours=1):
            days.append(now - timedelta(minutes=5))
        # Simulated balances must evolve in time order across all accounts for receipts, so
        # charges are produced per day for every point, then top-ups are decided per account.
        last_vals: dict[int, dict[str, Decimal]] = {}
        for p in points:
            swap = swaps.get(p.spec.serial)
            first_old = swap is not None
            vals = reg_values(p, days[0], first_old)
            last_vals[p.id] = vals
            for reg, v in vals.items():
                readings.append(
                    dict(
                        point_id=p.id,
                        meter_id=swap[0] if swap else p.meter_id,
                        register=reg,
                        value=v,
                        meter_time=days[0],
                        received_at=days[0],
                        source="import",
                    )
                )
            p.cum = {reg: Decimal(0) for reg in vals}

        for acc in accounts.values():
            amount = acc.rng.choice((20000, 30000, 50000, 80000, 100000))
            order += 1
            events.append(
                (
                    days[0] + timedelta(hours=9),
                    order,
                    dict(
                        acc=acc,
                        kind=EntryKind.TOP_UP,
                        amount=amount,
                        channel=acc.rng.choice(("cash", "wechat", "alipay")),
                    ),
                )
            )

        for day in days[1:]:
            # tier periods are local calendar months (every demo tariff is monthly); a step
            # belongs to the period of its end, and each period is charged from zero (BILL-2)
            label = f"{local_date(day):%Y-%m}"
            for p in points:
                if p.period != label:
                    p.period = label
                    p.cum = {reg: Decimal(0) for reg in p.cum}
                    p.charged_fen = 0
                    p.charged_qty = Decimal(0)
                swap = swaps.get(p.spec.serial)
                in_old = swap is not None and day <= swap[1]
                if (
                    swap is not None
                    and days[0] < swap[1] < day
                    and last_vals[p.id].get("_segment") is None
                ):
                    # the swap: final reading of the old meter, initial reading of the new one
                    final = reg_values(p, swap[1], True)
                    initial = reg_values(p, swap[1], False)
                    for reg, v in final.items():
                        p.cum[reg] += v - last_vals[p.id][reg]
                        readings.append(
                            dict(
                                point_id=p.id,
                                meter_id=swap[0],
                                register=reg,
                                value=v,
                                meter_time=swap[1],
                                received_at=swap[1],
                                source="swap_final",
                            )
                        )
                    for reg, v in initial.items():
                        readings.append(
                            dict(
                                point_id=p.id,
                                meter_id=p.meter_id,
                                register=reg,
                                value=v,
                                meter_time=swap[1] + timedelta(seconds=1),
                                received_at=swap[1],
                                source="swap_initial",
                            )
                        )
                    last_vals[p.id] = {**initial, "_segment": Decimal(1)}
                vals = reg_values(p, day, in_old)
                for reg, v in vals.items():
                    p.cum[reg] += v - last_vals[p.id][reg]
                    readings.append(
                        dict(
                            point_id=p.id,
                            meter_id=swap[0] if in_old and swap else p.meter_id,
                            register=reg,
                            value=v,
                            meter_time=day,
                            received_at=day,
                            source="auto",
                        )
                    )
                seg = last_vals[p.id].get("_segment")
                last_vals[p.id] = {**vals, **({"_segment": seg} if seg is not None else {})}
                if p.account is None:
                    continue
                to_date = p.price.charge_to_date_fen(p.cum)
                delta = to_date - p.charged_fen
                if delta:
                    p.charged_fen = to_date
                    qty = p.cum["total"] - p.charged_qty
                    p.charged_qty = p.cum["total"]
                    order += 1
                    water = p.spec.kind == "water"
                    events.append(
                        (
                            day,
                            order,
                            dict(
                                acc=p.account,
                                point_id=p.id,
                                amount=-delta,
                                kind=EntryKind.WATER_CHARGE
                                if water
                                else EntryKind.ELECTRICITY_CHARGE,
                                quantity=qty,
                                reference=f"settle:{p.id}:{p.account.id}:{label}",
                            ),
                        )
                    )
        counts["readings"] = len(readings)
        _bulk(s, Reading, readings)
        last_read: dict[int, datetime] = {}
        for rd in readings:
            if rd["meter_time"] > last_read.get(rd["point_id"], day0 - timedelta(days=1)):
                last_read[rd["point_id"]] = rd["meter_time"]
        for pid, at in last_read.items():
            s.execute(
                update(MeasurementPoint).where(MeasurementPoint.id == pid).values(last_read_at=at)
            )

        # Replay events in time order: balances evolve, tenants top up when low.
        events.sort(key=lambda e: (e[0], e[1]))
        entries: list[dict[str, Any]] = []
        receipts: list[dict[str, Any]] = []
        receipt_no: dict[int, int] = {}
        topup_pending: set[int] = set()
        extra_topups: list[tuple[datetime, _Acc]] = []
        ei = 0
        next_id = 1
        # assign entry ids ourselves so receipts can reference them in one bulk insert
        while ei < len(events) or extra_topups:
            if extra_topups and (ei >= len(events) or extra_topups[0][0] <= events[ei][0]):
                at, acc = extra_topups.pop(0)
                topup_pending.discard(acc.id)
                elapsed_days = max(1, (at - days[0]).days)
                want = 10 * acc.charged // elapsed_days - acc.cash
                amount = max(acc.rng.choice((10000, 20000, 30000, 50000)), want)
                amount = -(-amount // 10000) * 10000  # whole hundreds of yuan
                ev: dict[str, Any] = dict(
                    acc=acc,
                    kind=EntryKind.TOP_UP,
                    amount=amount,
                    channel=acc.rng.choice(("cash", "wechat", "alipay", "wechat", "card")),
                )
            else:
                at, _o, ev = events[ei]
                ei += 1
            acc = ev["acc"]
            amount = ev["amount"]
            acc.cash += amount
            row: dict[str, Any] = dict(
                id=next_id,
                account_id=acc.id,
                kind=ev["kind"],
                pocket=Pocket.CASH,
                amount_fen=amount,
                balance_after_fen=acc.cash + acc.subsidy,
                pocket_after_fen=acc.cash,
                operator_id=None,
                created_at=at,
                point_id=ev.get("point_id"),
                quantity=ev.get("quantity"),
                reference=ev.get("reference"),
            )
            if ev["kind"] == EntryKind.TOP_UP:
                row.update(
                    category=Category.PAYMENT,
                    channel=ev["channel"],
                    operator_id=2 if ev["channel"] == "cash" else None,
                    idempotency_key=f"demo-{next_id}",
                    request_fingerprint="demo",
                )
                n = receipt_no.get(at.year, 0) + 1
                receipt_no[at.year] = n
                receipts.append(
                    dict(
                        year=at.year,
                        number=n,
                        account_id=acc.id,
                        ledger_entry_id=next_id,
                        amount_fen=amount,
                        channel=ev["channel"],
                        operator_id=row["operator_id"],
                        created_at=at,
                        print_count=1,
                    )
                )
            else:
                acc.charged -= amount
                row.update(
                    category=Category.WATER
                    if ev["kind"] == EntryKind.WATER_CHARGE
                    else Category.ELECTRICITY,
                    channel=Channel.SYSTEM,
                )
                stop = now - timedelta(days=10 if acc.topup_style < 0.08 else 1)
                if acc.cash < 5000 and acc.id not in topup_pending and at < stop:
                    topup_pending.add(acc.id)
                    delay = timedelta(hours=acc.rng.randrange(1, 20))
                    extra_topups.append((at + delay, acc))
                    extra_topups.sort(key=lambda t: t[0])
            entries.append(row)
            next_id += 1
        _bulk(s, LedgerEntry, entries)
        _bulk(s, Receipt, receipts)
        for year, n in receipt_no.items():
            s.execute(insert(ReceiptSequence).values(year=year, last_number=n))
        for acc in accounts.values():
            s.execute(
                text("UPDATE accounts SET cash_fen = :c, subsidy_fen = :s WHERE id = :i"),
                {"c": acc.cash, "s": acc.subsidy, "i": acc.id},
            )
        if not db.is_sqlite:
            s.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), "
                    "(SELECT max(id) FROM ledger_entries))"
                )
            )
        s.execute(
            insert(AuditEntry).values(
                at=now,
                operator_login="system",
                action="demo_build",
                target_type="site",
                target_id="DEMO",
                after={"seed": seed, **counts},
            )
        )
        counts["ledger_entries"] = len(entries)
        counts["receipts"] = len(receipts)
        uow.commit()
    say("done")
    return counts


__all__ = ["FlatPrice", "TouPrice", "build_demo_database"]
