"""Settlement benchmark: one read cycle of N points settled in one transaction vs. bare SQL.

Setup (not timed): N accounts with one measurement point each — 75 % electricity on a flat
tariff, 10 % electricity on time-of-use (T1–T4 registers), 10 % electricity on monthly tiers,
5 % water on a flat water tariff; every tenth account holds a subsidy, so some charges are split
over both pockets. Two read cycles are ingested and settled through the product's collector path
(``ingest_and_settle``): the first reads on 1 July, the second on 20 July (up to 19 days of
consumption, so tiered points sit in every tier), so every point has a settlement state with a
steady-state basis. Reads are stamped to the second over 11 s, as the collector stamps a
20,000-meter cycle. The third cycle (15 minutes later) is ingested in its own transaction —
timed and reported, not part of the ratio — and then settled:

    timed: load_tariffs + settle(session, new_readings=<the cycle's accepted reads>) + commit

Each run settles a fresh copy of the database prepared once (SQLite: a file copy; PostgreSQL:
``CREATE DATABASE … TEMPLATE``, databases ``settle_bench_*`` created and dropped by the bench),
starting from the process state the preparation left: the memo of decoded settlement bases that
a running collector keeps from one cycle to the next (``--cold``: no memo, as in the first cycle
after a restart).
After each run (not timed) the report must show the routine path for every point (nothing
rebuilt, nothing skipped) and ``ledger verify`` must pass. Per run the line also gives the
process's CPU time and the garbage collector's share.

Bare SQL is this database's floor for the same writes: the ledger rows, the balance updates (one
per account: both pockets and the version, as ``ledger.Batch`` does) and the settlement-state
updates (every column, the JSON basis included) that the service wrote, replayed on an identical
copy of the database in one transaction through the DB-API driver, once statement by statement
and once with ``executemany``; the ratio is against the faster of the two. Both copies run with
the product's durability settings (SQLite WAL + ``synchronous=FULL``; PostgreSQL defaults).
Target: ≤ 3.0.

    .venv/bin/python bench/settlement_bench.py [--points 20000] [--repeat 3] [--pg URL]
                                               [--skip-sqlite] [--cold] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from app.domain.settle_basis import PointReading
from app.models import (
    Account,
    Building,
    Bus,
    Floor,
    Gateway,
    LedgerEntry,
    MeasurementPoint,
    Meter,
    Occupancy,
    Room,
    Site,
    Tariff,
    TariffVersion,
    Tenant,
)
from app.models.db import normalize_url
from app.services import ledger
from app.services.readings import RawRead, ingest
from app.services.settlement import (
    SettlementService,
    load_tariffs,
    memo_snapshot,
    restore_memo,
    settle,
)
from app.services.unit_of_work import Database

TARGET = 3.0
COLD = False  # --cold
MOVE_IN = datetime(2026, 6, 1, tzinfo=UTC)
CYCLES = (
    datetime(2026, 7, 1, 2, 0, tzinfo=UTC),  # first reads (10:00 local)
    datetime(2026, 7, 20, 2, 0, tzinfo=UTC),  # 19 days later
    datetime(2026, 7, 20, 2, 15, tzinfo=UTC),  # the timed cycle: 15 minutes later
)
SETTLED_AT = CYCLES[2] + timedelta(seconds=15)  # the cycle's reads span 11 s
TARIFFS: dict[str, tuple[str, str, dict[str, object]]] = {
    "E-FLAT": ("electricity", "flat", {"price": "0.68"}),
    "E-TIER": (
        "electricity",
        "tiered",
        {"tiers": [["200", "0.60"], ["400", "0.65"], [None, "0.90"]]},
    ),
    "E-TOU": ("electricity", "tou", {"t1": "1.30", "t2": "1.05", "t3": "0.75", "t4": "0.40"}),
    "W-STD": ("water", "flat", {"price": "4.20"}),
}
TOU = ("t1", "t2", "t3", "t4")
CENT = Decimal("0.01")


def mix(i: int) -> str:
    """Tariff of the i-th point: 10 % TOU, 10 % tiered, 5 % water, 75 % flat electricity."""
    r = i % 20
    return "E-TOU" if r < 2 else "E-TIER" if r < 4 else "W-STD" if r == 4 else "E-FLAT"


@dataclass
class SitePoint:
    point_id: int
    meter_id: int
    tariff: str
    values: dict[str, Decimal]


# --- setup ----------------------------------------------------------------------------------


def build_site(db: Database, n: int) -> list[SitePoint]:
    """N rooms, tenants, occupancies, accounts (with opening ledger entries), meters and points,
    written in bulk with explicit ids into the freshly migrated (empty) tables."""
    rng = random.Random(20261124)
    per_building = 1000
    buildings = (n + per_building - 1) // per_building
    points: list[SitePoint] = []
    with db.uow() as uow:
        s = uow.session
        site_id = s.execute(
            insert(Site).values(code="BENCH", name="基准园区").returning(Site.id)
        ).scalar_one()
        tariff_ids: dict[str, int] = {}
        for code, (utility, kind, params) in TARIFFS.items():
            tid = s.execute(
                insert(Tariff)
                .values(code=code, name=code, utility=utility, kind=kind, notes="")
                .returning(Tariff.id)
            ).scalar_one()
            s.execute(
                insert(TariffVersion).values(
                    tariff_id=tid,
                    effective_from=datetime(2026, 1, 1, tzinfo=UTC),
                    params=params,
                    monthly_fixed_fen=0,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
            tariff_ids[code] = tid
        floors: list[int] = []
        buses: list[int] = []
        for b in range(1, buildings + 1):
            b_id = s.execute(
                insert(Building)
                .values(site_id=site_id, code=f"B{b:02d}", name=f"{b}号楼")
                .returning(Building.id)
            ).scalar_one()
            floors.append(
                s.execute(
                    insert(Floor).values(building_id=b_id, number=1, name="1层").returning(Floor.id)
                ).scalar_one()
            )
            gw = s.execute(
                insert(Gateway)
                .values(
                    code=f"G{b:02d}",
                    name=f"{b}号网关",
                    location="",
                    transport="tcp",
                    host="127.0.0.1",
                    notes="",
                    status="active",
                )
                .returning(Gateway.id)
            ).scalar_one()
            buses.append(
                s.execute(
                    insert(Bus)
                    .values(gateway_id=gw, number=1, port=9000 + b, baud=2400, parity="E")
                    .returning(Bus.id)
                ).scalar_one()
            )
        rooms, tenants, occupancies, accounts, meters, mpoints, opening = [], [], [], [], [], [], []
        for i in range(n):
            k = i + 1
            b = i // per_building
            code = f"B{b + 1:02d}-{i % per_building + 1:04d}"
            rooms.append(
                {
                    "id": k,
                    "building_id": b + 1,
                    "floor_id": floors[b],
                    "code": code,
                    "name": code,
                    "room_type": "dormitory",
                    "area_m2": Decimal("35.50"),
                    "occupants": 2,
                    "notes": "",
                }
            )
            tenants.append(
                {
                    "id": k,
                    "name": f"租户{k}",
                    "phone": f"138{k:08d}",
                    "name_initials": "zh",
                    "notes": "",
                    "created_at": MOVE_IN,
                }
            )
            occupancies.append(
                {"id": k, "room_id": k, "tenant_id": k, "move_in": MOVE_IN, "active": True}
            )
            subsidy = rng.randrange(0, 30_000) if i % 10 == 0 else 0
            accounts.append(
                {
                    "id": k,
                    "account_no": f"{code}/1",
                    "occupancy_id": k,
                    "room_id": k,
                    "tenant_id": k,
                    "state": "active",
                    "cash_fen": 100_000,
                    "subsidy_fen": subsidy,
                    "opened_at": MOVE_IN,
                }
            )
            opening.append(
                {
                    "account_id": k,
                    "kind": "top_up",
                    "category": "payment",
                    "pocket": "cash",
                    "amount_fen": 100_000,
                    "balance_after_fen": 100_000,
                    "pocket_after_fen": 100_000,
                    "channel": "cash",
                    "created_at": MOVE_IN,
                }
            )
            if subsidy:
                opening.append(
                    {
                        "account_id": k,
                        "kind": "subsidy_grant",
                        "category": "subsidy",
                        "pocket": "subsidy",
                        "amount_fen": subsidy,
                        "balance_after_fen": 100_000 + subsidy,
                        "pocket_after_fen": subsidy,
                        "channel": "system",
                        "created_at": MOVE_IN,
                    }
                )
            tariff = mix(i)
            water = tariff == "W-STD"
            meters.append(
                {
                    "id": k,
                    "kind": "water" if water else "single_phase",
                    "protocol": "cjt188" if water else "dlt645-2007",
                    "profile": "cjt188-cold-water" if water else "dlt645-2007-single-phase",
                    "address": f"{k:014d}" if water else f"{k:012d}",
                    "meter_type": 0x10 if water else None,
                    "bus_id": buses[b],
                    "tou": tariff == "E-TOU",
                    "notes": "",
                }
            )
            mpoints.append(
                {
                    "id": k,
                    "code": f"{'W' if water else 'E'}-{code}",
                    "meter_id": k,
                    "room_id": k,
                    "utility": "water" if water else "electricity",
                    "tariff_id": tariff_ids[tariff],
                    "name": "",
                    "relay_state": "closed",
                }
            )
            if tariff == "E-TOU":
                regs = {r: Decimal(rng.randrange(0, 1_000_000)) * CENT for r in TOU}
                values = {"total": sum(regs.values(), Decimal(0)), **regs}
            else:
                values = {"total": Decimal(rng.randrange(0, 5_000_000)) * CENT}
            points.append(SitePoint(k, k, tariff, values))
        for model, rows in (
            (Room, rooms),
            (Tenant, tenants),
            (Occupancy, occupancies),
            (Account, accounts),
            (LedgerEntry, opening),
            (Meter, meters),
            (MeasurementPoint, mpoints),
        ):
            s.execute(insert(model), rows)
        if not db.is_sqlite:  # explicit ids: move the sequences past them
            for table in ("rooms", "tenants", "occupancies", "accounts", "meters"):
                s.execute(text(f"SELECT setval('{table}_id_seq', {n})"))
            s.execute(text(f"SELECT setval('measurement_points_id_seq', {n})"))
        uow.commit()
    return points


def cycle_reads(points: Sequence[SitePoint], cycle: int) -> list[RawRead]:
    """Every point's read of ``cycle`` (plausible steps: up to 19 days of use after cycle 0,
    up to 3 kWh / 0.5 m³ in the 15-minute cycle 2; one point in 20 used nothing)."""
    rng = random.Random(1000 + cycle)
    big = cycle == 1
    reads = []
    for i, p in enumerate(points):
        # the collector stamps each read with the PC's clock, to the second: a cycle of 20,000
        # meters takes ~11 s (bench/read_cycle.py --campus)
        at = CYCLES[cycle] + timedelta(seconds=i * 11 // len(points))
        if cycle > 0 and rng.random() >= 0.05:
            if p.tariff == "W-STD":
                step = Decimal(rng.randrange(0, 2000 if big else 50)) * CENT
                p.values["total"] += step
            elif p.tariff == "E-TOU":
                for r in TOU:
                    p.values[r] += Decimal(rng.randrange(0, 10_000 if big else 75)) * CENT
                p.values["total"] = sum((p.values[r] for r in TOU), Decimal(0))
            else:
                p.values["total"] += Decimal(rng.randrange(0, 60_000 if big else 300)) * CENT
        reads.append(RawRead(p.point_id, p.meter_id, at, {k: str(v) for k, v in p.values.items()}))
    return reads


@dataclass
class Prepared:
    new_readings: dict[int, list[PointReading]]
    ingest_s: float
    setup_s: float
    memo: dict[int, object] | None = None  # the settlement memo after cycle 1 (None: --cold)


def prepare(url: str, n: int) -> Prepared:
    """Build the site, settle cycles 0 and 1, ingest cycle 2 (timed separately)."""
    started = time.perf_counter()
    db = Database(url)
    db.upgrade()
    points = build_site(db, n)
    for cycle in (0, 1):
        outcomes, report = SettlementService(db).record(
            cycle_reads(points, cycle), now=CYCLES[cycle] + timedelta(seconds=15)
        )
        held = sum(1 for o in outcomes if o.status == "held")
        assert not held and not report.errors, (held, report.errors[:3])
    reads = cycle_reads(points, 2)
    t0 = time.perf_counter()
    with db.uow() as uow:
        outcomes = ingest(uow.session, reads, SETTLED_AT)
        uow.commit()
    ingest_s = time.perf_counter() - t0
    new: dict[int, list[PointReading]] = defaultdict(list)
    for o in outcomes:
        assert o.status == "ok" and o.accepted is not None, o
        new[o.point_id].append(o.accepted)
    db.dispose()
    if db.is_sqlite:  # everything in the main file before it is copied
        conn = sqlite3.connect(str(make_url(url).database))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    memo = None if COLD else memo_snapshot()
    return Prepared(dict(new), ingest_s, time.perf_counter() - started - ingest_s, memo)


# --- the timed runs -------------------------------------------------------------------------


@dataclass
class ServiceRun:
    seconds: float
    first_new_entry: int  # ledger ids >= this were written by the run
    entries: int
    booked_fen: int
    gc_full: int = 0  # full (generation 2) collections during the run
    gc_s: float = 0.0  # wall time spent in collections of any generation
    cpu_s: float = 0.0  # CPU time of this process (the rest: waiting for the disk or a core)


@contextmanager
def gc_watch() -> Iterator[list[float]]:
    """Counts full collections and the time spent in collections while the block runs."""
    out = [0.0, 0.0]  # full collections, seconds
    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        out[1] += time.perf_counter() - started[0]
        if info["generation"] == 2:
            out[0] += 1

    gc.callbacks.append(callback)
    try:
        yield out
    finally:
        gc.callbacks.remove(callback)


def service_run(url: str, prepared: Prepared, profile: str | None) -> ServiceRun:
    db = Database(url)
    n = len(prepared.new_readings)
    with db.uow() as uow:
        first_new = int(
            uow.session.execute(text("SELECT max(id) FROM ledger_entries")).scalar_one()
        )
        # warm the caches as the bare run does
        for table in ("accounts", "settlement_states", "measurement_points", "occupancies"):
            uow.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    # every run starts from the process state prepare() left: the memo of decoded bases the
    # collector keeps between cycles, or (--cold) none, as in the first cycle after a restart
    restore_memo(prepared.memo)
    prof = cProfile.Profile() if profile else None
    with gc_watch() as collected:
        started, cpu_started = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        with db.uow() as uow:
            s = uow.session
            report = settle(
                s, new_readings=prepared.new_readings, tariffs=load_tariffs(s), now=SETTLED_AT
            )
            uow.commit()
        if prof:
            prof.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    if prof and profile:
        prof.dump_stats(profile)
    assert report.points == n and report.rebuilt == 0 and not report.errors, report
    assert report.skipped == 0, report
    with db.uow() as uow:  # not timed: the ledger still adds up
        check = ledger.verify(uow.session)
        assert not check.problems, check.problems[:3]
    db.dispose()
    return ServiceRun(
        elapsed,
        first_new + 1,
        report.entries,
        report.booked_fen,
        int(collected[0]),
        collected[1],
        cpu,
    )


INSERT_ENTRY = (
    "INSERT INTO ledger_entries (account_id, kind, category, pocket, amount_fen, "
    "balance_after_fen, pocket_after_fen, operator_id, channel, reference, reason, "
    "idempotency_key, request_fingerprint, reverses_entry_id, linked_entry_id, point_id, "
    "quantity, created_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, "
    "{p}, {p}, {p}, {p}, {p}, {p}, {p})"
)
ENTRY_COLS = (
    "account_id, kind, category, pocket, amount_fen, balance_after_fen, pocket_after_fen, "
    "operator_id, channel, reference, reason, idempotency_key, request_fingerprint, "
    "reverses_entry_id, linked_entry_id, point_id, quantity, created_at"
)
MOVE = (
    "UPDATE accounts SET cash_fen = cash_fen + {p}, subsidy_fen = subsidy_fen + {p}, "
    "version = version + {p} WHERE id = {p}"
)
UPDATE_STATE = (
    "UPDATE settlement_states SET account_id = {p}, period_start = {p}, period_end = {p}, "
    "period_label = {p}, charged_fen = {p}, quantity = {p}, basis = {p}, last_reading_at = {p}, "
    "tariff_stamp = {p}, updated_at = {p} WHERE point_id = {p}"
)
STATE_COLS = (
    "account_id, period_start, period_end, period_label, charged_fen, quantity, {basis}, "
    "last_reading_at, tariff_stamp, updated_at, point_id"
)


@dataclass
class Writes:
    """What the service run wrote, in database form, to replay."""

    entries: list[tuple[Any, ...]]
    moves: dict[int, list[int]]  # account id -> [cash, subsidy, entries]: one UPDATE each
    states: list[tuple[Any, ...]]


def read_writes(cursor: Any, first_entry: int, now: Any, basis_expr: str, p: str) -> Writes:
    cursor.execute(
        f"SELECT {ENTRY_COLS} FROM ledger_entries WHERE id >= {p} ORDER BY id", (first_entry,)
    )
    entries = [tuple(r) for r in cursor.fetchall()]
    moves: dict[int, list[int]] = {}
    for e in entries:
        move = moves.setdefault(e[0], [0, 0, 0])
        move[0 if e[3] == "cash" else 1] += e[4]
        move[2] += 1
    cursor.execute(
        f"SELECT {STATE_COLS.format(basis=basis_expr)} FROM settlement_states "
        f"WHERE updated_at = {p} ORDER BY point_id",
        (now,),
    )
    states = [tuple(r) for r in cursor.fetchall()]
    return Writes(entries, moves, states)


def replay(cursor: Any, w: Writes, p: str, many: bool) -> None:
    ins, upd, move = INSERT_ENTRY.format(p=p), UPDATE_STATE.format(p=p), MOVE.format(p=p)
    moves = [(c, s, n, aid) for aid, (c, s, n) in sorted(w.moves.items())]
    if many:
        cursor.executemany(ins, w.entries)
        cursor.executemany(move, moves)
        cursor.executemany(upd, w.states)
        return
    for e in w.entries:
        cursor.execute(ins, e)
    for m in moves:
        cursor.execute(move, m)
    for st in w.states:
        cursor.execute(upd, st)


def accounts_of(cursor: Any) -> list[tuple[Any, ...]]:
    cursor.execute("SELECT id, cash_fen, subsidy_fen, version FROM accounts ORDER BY id")
    return [tuple(r) for r in cursor.fetchall()]


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_conn(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def bare_sqlite(service_path: str, bare_path: str, run: ServiceRun, many: bool) -> float:
    src = _sqlite_conn(service_path)
    writes = read_writes(
        src.cursor(), run.first_new_entry, SETTLED_AT.strftime("%Y-%m-%d %H:%M:%S.%f"), "basis", "?"
    )
    expected = accounts_of(src.cursor())
    src.close()
    assert len(writes.entries) == run.entries
    conn = _sqlite_conn(bare_path)
    for table in ("accounts", "settlement_states", "measurement_points", "occupancies"):
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    cur = conn.cursor()
    started = time.perf_counter()
    cur.execute("BEGIN IMMEDIATE")
    replay(cur, writes, "?", many)
    cur.execute("COMMIT")
    elapsed = time.perf_counter() - started
    assert accounts_of(cur) == expected, "bare SQL did not write what the service wrote"
    conn.close()
    return elapsed


def sqlite_runs(n: int, repeat: int, profile: str | None) -> list[tuple[float, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        template = f"{tmp}/template.db"
        prepared = prepare(f"sqlite:///{template}", n)
        print(
            f"SQLite setup {prepared.setup_s:.1f} s; ingest of the timed cycle "
            f"{prepared.ingest_s:.2f} s ({n / prepared.ingest_s:,.0f} reads/s, not in the ratio)",
            flush=True,
        )
        results = []
        for i in range(repeat):
            copies = {}
            for name in ("service", "bare_loop", "bare_many"):
                copies[name] = f"{tmp}/{name}.db"
                for suffix in ("-wal", "-shm"):
                    Path(copies[name] + suffix).unlink(missing_ok=True)
                shutil.copyfile(template, copies[name])
            run = service_run(
                f"sqlite:///{copies['service']}", prepared, profile if i == 0 else None
            )
            loop_s = bare_sqlite(copies["service"], copies["bare_loop"], run, many=False)
            many_s = bare_sqlite(copies["service"], copies["bare_many"], run, many=True)
            results.append((run.seconds, loop_s, many_s))
            line(f"SQLite run {i + 1}", n, run, loop_s, many_s)
        return results


# --- PostgreSQL -----------------------------------------------------------------------------


@contextmanager
def pg_databases(url: str) -> Iterator[Callable[[str, str | None], str]]:
    """Databases created on demand (optionally from a template), all dropped at the end."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def create(name: str, template: str | None = None) -> str:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            c.execute(
                text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
            )
        if name not in made:
            made.append(name)
        return make_url(url).set(database=name).render_as_string(hide_password=False)

    try:
        yield create
    finally:
        with admin.connect() as c:
            for name in reversed(made):
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def bare_pg(service_url: str, bare_url: str, run: ServiceRun, many: bool) -> float:
    import psycopg

    with psycopg.connect(_dsn(service_url)) as src:
        cur = src.cursor()
        writes = read_writes(
            cur, run.first_new_entry, SETTLED_AT.replace(tzinfo=None), "basis::text", "%s"
        )
        expected = accounts_of(cur)
    assert len(writes.entries) == run.entries
    with psycopg.connect(_dsn(bare_url)) as conn:
        cur = conn.cursor()
        for table in ("accounts", "settlement_states", "measurement_points", "occupancies"):
            cur.execute(f"SELECT count(*) FROM {table}")
            cur.fetchone()
        conn.commit()
        started = time.perf_counter()
        with conn.transaction():
            replay(cur, writes, "%s", many)
        elapsed = time.perf_counter() - started
        assert accounts_of(cur) == expected, "bare SQL did not write what the service wrote"
    return elapsed


def pg_runs(url: str, n: int, repeat: int, profile: str | None) -> list[tuple[float, float, float]]:
    with pg_databases(url) as create:
        template = create("settle_bench_template", None)
        prepared = prepare(template, n)
        print(
            f"PostgreSQL setup {prepared.setup_s:.1f} s; ingest of the timed cycle "
            f"{prepared.ingest_s:.2f} s ({n / prepared.ingest_s:,.0f} reads/s, not in the ratio)",
            flush=True,
        )
        results = []
        for i in range(repeat):
            svc = create("settle_bench_service", "settle_bench_template")
            loop_url = create("settle_bench_bare_loop", "settle_bench_template")
            many_url = create("settle_bench_bare_many", "settle_bench_template")
            run = service_run(svc, prepared, profile if i == 0 else None)
            loop_s = bare_pg(svc, loop_url, run, many=False)
            many_s = bare_pg(svc, many_url, run, many=True)
            results.append((run.seconds, loop_s, many_s))
            line(f"PostgreSQL run {i + 1}", n, run, loop_s, many_s)
        return results


# --- report ---------------------------------------------------------------------------------


def line(name: str, n: int, run: ServiceRun, loop_s: float, many_s: float) -> None:
    bare = min(loop_s, many_s)
    print(
        f"{name}: settle {n / run.seconds:,.0f} points/s ({run.seconds:.2f} s, "
        f"{run.entries:,} ledger rows; CPU {run.cpu_s:.2f} s, gc {run.gc_s:.2f} s, "
        f"{run.gc_full} full), "
        f"bare SQL {loop_s:.2f} s statement by statement / "
        f"{many_s:.2f} s executemany, ratio {run.seconds / bare:.2f}",
        flush=True,
    )


def summary(name: str, n: int, results: list[tuple[float, float, float]]) -> str:
    ratios = [s / min(lp, m) for s, lp, m in results]
    service = statistics.median(s for s, _, _ in results)
    bare = statistics.median(min(lp, m) for _, lp, m in results)
    verdict = "met" if statistics.median(ratios) <= TARGET else "NOT met"
    return (
        f"{name}: settle {n / service:,.0f} points/s ({service:.2f} s), bare SQL "
        f"{n / bare:,.0f} points/s ({bare:.2f} s), ratio {statistics.median(ratios):.2f} "
        f"(median of {len(results)}, {min(ratios):.2f}–{max(ratios):.2f}; "
        f"target ≤ {TARGET}: {verdict})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--pg",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="PostgreSQL URL of a database to connect to for CREATE/DROP DATABASE "
        "(default: $TEST_DATABASE_URL)",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="settle without the memo of decoded bases (the first cycle after a restart)",
    )
    parser.add_argument("--profile", help="cProfile the first service run into FILE[.sqlite|.pg]")
    args = parser.parse_args()
    global COLD
    COLD = args.cold
    lines = []
    if not args.skip_sqlite:
        prof = f"{args.profile}.sqlite" if args.profile else None
        lines.append(summary("SQLite", args.points, sqlite_runs(args.points, args.repeat, prof)))
    if args.pg:
        prof = f"{args.profile}.pg" if args.profile else None
        results = pg_runs(normalize_url(args.pg), args.points, args.repeat, prof)
        lines.append(summary("PostgreSQL", args.points, results))
    for text_line in lines:
        print(text_line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
