"""Site import benchmark (SITE-3): the seed site and a 20,000-meter campus from Excel.

1. Seed site: the demo site (``demo-db``, one day of history, built once, not timed) exported to
   a workbook; timed: the import of that workbook into an empty, upgraded database, then the same
   import again (a no-op: every row already there), then the export of the imported database.
2. Campus: a generated workbook of 50 buildings × 200 rooms (10,000 rooms and tenants with
   opening balances), 334 gateways with 2 buses, 20,000 meters (an electricity and a water meter
   per room) and points, and an opening reading per point; timed the same way.

Each import is one call of ``SiteImportService.import_file`` (read the workbook, validate every
row, write in one transaction); the database is a fresh SQLite file, or a fresh schema of the
PostgreSQL database given with ``--pg``.

    .venv/bin/python bench/import_bench.py [--pg URL] [--skip-sqlite] [--meters 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from app.domain import site_sheet as ss
from app.models.db import normalize_url
from app.services import Services
from app.services.context import Actor
from app.services.demo import build_demo_database
from app.services.ledger_check import verify_ledger
from app.services.site_import import write_workbook
from app.services.unit_of_work import Database

ACTOR = Actor.system("import-bench")
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def campus_records(meters: int) -> dict[str, list[object]]:
    rooms_n = meters // 2
    buildings = 50
    per_building = max(1, rooms_n // buildings)
    recs: dict[str, list[object]] = {s.key: [] for s in ss.SHEETS}
    eff = datetime(2026, 1, 1, tzinfo=UTC)
    recs["tariffs"] = [
        ss.TariffRec("E-RES", "居民电价", "electricity", "flat", eff, '{"price": "0.6800"}'),
        ss.TariffRec("W-STD", "水价", "water", "flat", eff, '{"price": "4.2000"}'),
    ]
    recs["buildings"] = [ss.BuildingRec(f"B{b:02d}", f"{b}号楼", b) for b in range(buildings)]
    gateways = (meters + 59) // 60  # 30 meters per bus, 2 buses per gateway
    for g in range(gateways):
        code = f"GW{g:04d}"
        recs["gateways"].append(ss.GatewayRec(code, f"{g}号网关", "tcp", "10.0.0.1"))
        for bus in (1, 2):
            recs["buses"].append(ss.BusRec(code, bus, 20000 + 2 * g + bus - 1))
    serial = 0
    for b in range(buildings):
        for n in range(per_building):
            if serial >= rooms_n:
                break
            serial += 1
            room = f"B{b:02d}-{n // 20 + 1}-{n % 20 + 1:02d}"
            recs["rooms"].append(
                ss.RoomRec(
                    room, f"B{b:02d}", n // 20 + 1, f"{room}室", "dormitory", Decimal("22.00"), 4
                )
            )
            recs["tenants"].append(ss.TenantRec(room, f"住户{serial}", f"138{serial:08d}"))
            recs["balances"].append(ss.BalanceRec(room, 10000 + serial % 5000, serial % 3 * 100))
            gw = f"GW{(serial - 1) // 30:04d}"
            e_addr, w_addr = f"{serial:012d}", f"{serial:014d}"
            recs["meters"].append(
                ss.MeterRec(
                    gw, 1, e_addr, "single_phase", "dlt645-2007", "dlt645-2007-single-phase"
                )
            )
            recs["meters"].append(
                ss.MeterRec(
                    gw, 2, w_addr, "water", "cjt188", "cjt188-cold-water", 0x10, has_relay=False
                )
            )
            recs["points"].append(ss.PointRec(f"E{serial:06d}", gw, 1, e_addr, 1, room, "E-RES"))
            recs["points"].append(ss.PointRec(f"W{serial:06d}", gw, 2, w_addr, 1, room, "W-STD"))
            recs["readings"].append(
                ss.ReadingRec(f"E{serial:06d}", "total", Decimal(serial % 9000) / 10, NOW)
            )
            recs["readings"].append(
                ss.ReadingRec(f"W{serial:06d}", "total", Decimal(serial % 700) / 10, NOW)
            )
    return recs


@contextmanager
def fresh_db(kind: str, pg: str | None, tmp: Path) -> Iterator[Database]:
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp / f'{uuid.uuid4().hex[:8]}.db'}")
        db.upgrade()
        try:
            yield db
        finally:
            db.dispose()
        return
    assert pg is not None
    base = normalize_url(pg)
    schema = f"import_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    db = Database(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(label: str, workbook: Path, kind: str, pg: str | None, tmp: Path) -> None:
    with fresh_db(kind, pg, tmp) as db:
        svc = Services(db).site_import
        t_import, first = timed(lambda: svc.import_file(ACTOR, workbook))
        assert not first.problems, first.problems[:5]  # type: ignore[attr-defined]
        t_again, again = timed(lambda: svc.import_file(ACTOR, workbook))
        assert again.total_new == 0  # type: ignore[attr-defined]
        t_export, _ = timed(lambda: svc.export(ACTOR, tmp / f"export-{kind}.xlsx"))
        assert verify_ledger(db).ok
        rows = sum(first.rows.values())  # type: ignore[attr-defined]
        print(
            f"{label} on {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}: import {t_import:.2f} s "
            f"({rows:,} rows, {first.ledger_entries:,} ledger entries), "  # type: ignore[attr-defined]
            f"re-import (no-op) {t_again:.2f} s, export {t_export:.2f} s",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg", help="PostgreSQL URL (a fresh schema per run)")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--meters", type=int, default=20000)
    args = ap.parse_args()
    kinds = ([] if args.skip_sqlite else ["sqlite"]) + (["postgresql"] if args.pg else [])
    with tempfile.TemporaryDirectory(prefix="import-bench-") as d:
        tmp = Path(d)
        demo = Database(f"sqlite:///{tmp / 'demo.db'}")
        demo.upgrade()
        build_demo_database(demo, now=NOW, history_days=1)
        seed = Services(demo).site_import.export(ACTOR, tmp / "seed.xlsx").path
        demo.dispose()
        campus = write_workbook(tmp / "campus.xlsx", campus_records(args.meters))  # type: ignore[arg-type]
        print(f"workbooks: seed {seed.stat().st_size:,} B, campus {campus.stat().st_size:,} B")
        for kind in kinds:
            run("seed site (638 rooms, 1,283 meters)", seed, kind, args.pg, tmp)
            run(f"campus ({args.meters:,} meters)", campus, kind, args.pg, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
