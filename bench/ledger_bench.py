"""Ledger benchmark: top-ups per second through the cashier service vs. bare SQL.

Bare SQL is this database's floor for the same work: one transaction per top-up that inserts the
ledger row, updates the balance and draws the receipt number, through the DB-API driver directly,
on the product's own schema (same tables and indexes) with the same durability settings.
The service additionally checks state, permissions and the idempotency key, writes the receipt
and the audit entry. Target: service time ≤ 2.0 × bare SQL.

    .venv/bin/python bench/ledger_bench.py [--count 100000] [--pg URL] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from app.models.db import normalize_url
from app.services import Services
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site


def service_run(url: str, count: int) -> float:
    db = Database(url)
    db.upgrade()
    services = Services(db)
    acc = build_small_site(services).accounts["A-1-01"]
    top_up = services.cashier.top_up
    started = time.perf_counter()
    for i in range(count):
        top_up(ADMIN, acc, 100, "cash", f"bench-{i}")
    elapsed = time.perf_counter() - started
    assert services.accounts.summary(ADMIN, acc).balance_fen == 100 * count
    db.dispose()
    return elapsed


def _prepare_real_schema(url: str) -> int:
    """The product's own schema (same tables, indexes, constraints) with one account."""
    db = Database(url)
    db.upgrade()
    services = Services(db)
    acc = build_small_site(services).accounts["A-1-01"]
    with db.engine.begin() as conn:
        account_id = conn.execute(
            text("SELECT id FROM accounts WHERE account_no = :n"), {"n": acc}
        ).scalar_one()
        conn.execute(text("INSERT INTO receipt_sequences (year, last_number) VALUES (2026, 0)"))
    db.dispose()
    return int(account_id)


INSERT_ENTRY = (
    "INSERT INTO ledger_entries (account_id, kind, category, pocket, amount_fen, "
    "balance_after_fen, pocket_after_fen, channel, idempotency_key, created_at) VALUES "
    "({p}, 'top_up', 'payment', 'cash', 100, {p}, {p}, 'cash', {p}, {p})"
)
UPDATE_BALANCE = "UPDATE accounts SET cash_fen = cash_fen + 100 WHERE id = {p} RETURNING cash_fen"
DRAW_RECEIPT = (
    "UPDATE receipt_sequences SET last_number = last_number + 1 WHERE year = 2026 "
    "RETURNING last_number"
)


def bare_sqlite(path: str, count: int) -> float:
    account_id = _prepare_real_schema(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    now = datetime.now(UTC).replace(tzinfo=None)
    ins, upd = INSERT_ENTRY.format(p="?"), UPDATE_BALANCE.format(p="?")
    started = time.perf_counter()
    for i in range(count):
        conn.execute("BEGIN IMMEDIATE")
        (bal,) = conn.execute(upd, (account_id,)).fetchone()
        conn.execute(ins, (account_id, bal, bal, f"k{i}", now))
        conn.execute(DRAW_RECEIPT).fetchone()
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def bare_pg(url: str, count: int) -> float:
    import psycopg

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("DROP SCHEMA IF EXISTS bench_bare CASCADE"))
        c.execute(text("CREATE SCHEMA bench_bare"))
    sep = "&" if "?" in url else "?"
    account_id = _prepare_real_schema(f"{url}{sep}options=-csearch_path%3Dbench_bare")
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    now = datetime.now(UTC).replace(tzinfo=None)
    ins, upd = INSERT_ENTRY.format(p="%s"), UPDATE_BALANCE.format(p="%s")
    with psycopg.connect(dsn, options="-c search_path=bench_bare") as conn:
        started = time.perf_counter()
        for i in range(count):
            with conn.transaction():
                (bal,) = conn.execute(upd, (account_id,)).fetchone()  # type: ignore[misc]
                conn.execute(ins, (account_id, bal, bal, f"k{i}", now))
                conn.execute(DRAW_RECEIPT).fetchone()
        elapsed = time.perf_counter() - started
    with admin.connect() as c:
        c.execute(text("DROP SCHEMA bench_bare CASCADE"))
    admin.dispose()
    return elapsed


def report(name: str, count: int, service_s: float, bare_s: float) -> None:
    print(
        f"{name}: service {count / service_s:,.0f} top-ups/s ({service_s:.1f} s), "
        f"bare SQL {count / bare_s:,.0f} top-ups/s ({bare_s:.1f} s), "
        f"ratio {service_s / bare_s:.2f} (target ≤ 2.0)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="PostgreSQL URL (default: $TEST_DATABASE_URL)",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            service_s = service_run(f"sqlite:///{tmp}/service.db", args.count)
            bare_s = bare_sqlite(f"{tmp}/bare.db", args.count)
        report("SQLite", args.count, service_s, bare_s)
    if args.pg:
        url = normalize_url(args.pg)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS bench_service CASCADE"))
            conn.execute(text("CREATE SCHEMA bench_service"))
        sep = "&" if "?" in url else "?"
        service_s = service_run(f"{url}{sep}options=-csearch_path%3Dbench_service", args.count)
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA bench_service CASCADE"))
        admin.dispose()
        bare_s = bare_pg(url, args.count)
        report("PostgreSQL", args.count, service_s, bare_s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
