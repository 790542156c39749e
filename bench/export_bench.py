"""Export benchmark: the monthly workbook (月报, RPT-2) for the seed site and for 20,000 accounts.

For each site: the seconds of ``ReportService.export_monthly`` (ledger queries + rendering +
the atomic write of the file), of its rendering alone, and of writing the same cells (every
value of every sheet, no styles, no chart) with openpyxl's write-only mode alone — the floor any
``.xlsx`` writer in Python pays. Printed: the seconds and the ratios to that floor (target ≤ 1.5).

    .venv/bin/python bench/export_bench.py [--accounts 20000] [--repeat 3] [--profile]

Sites (not timed): the seed site is the demo site (``main.py demo-db``); the large one is N
accounts written in bulk (``bench/settlement_bench.build_site``) with a month of top-ups by every
channel, electricity/water charges with quantities, property fees and a few refunds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from app.models import LedgerEntry
from app.services import Services
from app.services.context import Actor
from app.services.unit_of_work import Database

ACTOR = Actor.system("bench")
YEAR, MONTH = 2026, 10
NOW = datetime(2026, 11, 5, 8, 0, tzinfo=UTC)


def _month_entries(n_accounts: int) -> list[dict[str, object]]:
    rng = random.Random(7)
    start = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)  # 2026-10-01 00:00 Shanghai
    rows: list[dict[str, object]] = []
    channels = ("cash", "wechat", "alipay", "card", "bank")
    for acc in range(1, n_accounts + 1):
        at = start + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        base = {"account_id": acc, "pocket": "cash", "balance_after_fen": 0, "pocket_after_fen": 0}
        top_up = rng.randrange(1, 500) * 100
        rows.append(
            base
            | {
                "kind": "top_up",
                "category": "payment",
                "amount_fen": top_up,
                "channel": rng.choice(channels),
                "created_at": at,
            }
        )
        kwh = Decimal(rng.randrange(1000, 300_000)) / 100
        rows.append(
            base
            | {
                "kind": "electricity_charge",
                "category": "electricity",
                "amount_fen": -int(kwh * 60),
                "quantity": kwh,
                "created_at": at + timedelta(hours=1),
            }
        )
        if acc % 7 == 0:
            m3 = Decimal(rng.randrange(100, 3000)) / 100
            rows.append(
                base
                | {
                    "kind": "water_charge",
                    "category": "water",
                    "amount_fen": -int(m3 * 350),
                    "quantity": m3,
                    "created_at": at + timedelta(hours=2),
                }
            )
        if acc % 3 == 0:
            rows.append(
                base
                | {
                    "kind": "property_fee",
                    "category": "property",
                    "amount_fen": -2_500,
                    "created_at": at + timedelta(hours=3),
                }
            )
        if acc % 97 == 0:
            rows.append(
                base
                | {
                    "kind": "refund",
                    "category": "payment",
                    "amount_fen": -1_000,
                    "channel": "cash",
                    "created_at": at + timedelta(hours=4),
                }
            )
    return rows


def build_large(url: str, n: int) -> Services:
    from bench.settlement_bench import build_site

    db = Database(url)
    db.upgrade()
    build_site(db, n)
    rows = _month_entries(n)
    with db.uow() as uow:
        for i in range(0, len(rows), 5000):
            uow.session.execute(insert(LedgerEntry), rows[i : i + 5000])
        uow.commit()
    return Services(db)


def build_seed(url: str) -> Services:
    from app.services.demo import build_demo_database

    db = Database(url)
    db.upgrade()
    build_demo_database(db, now=NOW)
    return Services(db)


def write_only_floor(report: object, out: Path) -> None:
    """The same cell values as the monthly workbook, through openpyxl's write-only mode only."""
    from openpyxl import Workbook

    from app.reports.monthly import (
        BUILDING_LABEL_HEADERS,
        SUMMARY_LABEL_HEADERS,
        VALUE_COLUMNS,
        MonthlyReport,
        _values,
    )

    assert isinstance(report, MonthlyReport)
    wb = Workbook(write_only=True)
    value_headers = [h for _k, h, _kind in VALUE_COLUMNS]
    ws = wb.create_sheet("汇总")
    ws.append(["title"])
    ws.append(["period"])
    ws.append([*SUMMARY_LABEL_HEADERS, *value_headers])
    for b in report.buildings:
        t = b.totals
        ws.append([b.code, b.name, t.accounts, *_values(t)])
    ws.append(["合计", "全站", report.totals.accounts, *_values(report.totals)])
    for b in report.buildings:
        ws = wb.create_sheet(b.name)
        ws.append(["title"])
        ws.append(["period"])
        ws.append([*BUILDING_LABEL_HEADERS, *value_headers])
        for r in b.rows:
            ws.append([r.room_code, r.room_name, r.tenant_name, r.account_no, r.state, *_values(r)])
        ws.append(["合计", "", "", "", "", *_values(b.totals)])
    buf = io.BytesIO()
    wb.save(buf)
    out.write_bytes(buf.getvalue())


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def measure(label: str, services: Services, out_dir: Path, repeat: int, profile: bool) -> None:
    """The export and the floor take turns, ``repeat`` rounds; medians of each and of the
    per-round ratios (the machine is shared: a round's two sides see the same load)."""
    from app.reports.monthly import render_monthly

    out = out_dir / f"{label}.xlsx"
    floor_out = out_dir / f"{label}-floor.xlsx"
    report = services.reports.monthly(ACTOR, YEAR, MONTH, now=NOW)
    accounts = report.totals.accounts
    runs: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("export", "query", "render", "floor")
    }
    for _ in range(repeat):
        runs["export"].append(
            _timed(lambda: services.reports.export_monthly(ACTOR, YEAR, MONTH, out, now=NOW))
        )
        runs["floor"].append(_timed(lambda: write_only_floor(report, floor_out)))
        runs["query"].append(_timed(lambda: services.reports.monthly(ACTOR, YEAR, MONTH, now=NOW)))
        runs["render"].append(_timed(lambda: render_monthly(report)))

    def med(key: str, i: int) -> float:
        return statistics.median(r[i] for r in runs[key])

    def ratio(key: str, i: int) -> float:
        return statistics.median(a[i] / b[i] for a, b in zip(runs[key], runs["floor"], strict=True))

    print(
        f"{label}: {accounts:,} accounts, {len(report.buildings)} buildings, "
        f"{out.stat().st_size / 1024:,.0f} KiB; median of {repeat} rounds"
    )
    for i, kind in ((0, "wall"), (1, "CPU")):
        print(
            f"  {kind:4}: export_monthly {med('export', i):.2f} s (ledger queries "
            f"{med('query', i):.2f} s, rendering {med('render', i):.2f} s); write-only floor "
            f"{med('floor', i):.2f} s; ratio export/floor {ratio('export', i):.2f}, "
            f"rendering/floor {ratio('render', i):.2f} (target ≤ 1.5)"
        )
    if profile:
        prof = cProfile.Profile()
        prof.runcall(render_monthly, report)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the large rendering")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="export-bench-"))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if not args.skip_seed:
        t0 = time.perf_counter()
        seed = build_seed(f"sqlite:///{tmp / 'seed.db'}")
        print(f"(seed site built in {time.perf_counter() - t0:.0f} s)")
        measure("seed site", seed, tmp, args.repeat, False)
        seed.db.dispose()
    t0 = time.perf_counter()
    large = build_large(f"sqlite:///{tmp / 'large.db'}", args.accounts)
    print(f"({args.accounts:,} accounts built in {time.perf_counter() - t0:.0f} s)")
    measure(f"{args.accounts} accounts", large, tmp, args.repeat, args.profile)
    large.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
