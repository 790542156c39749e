"""Ledger benchmark: top-ups per second through the cashier service vs. bare SQL.

Bare SQL is this database's floor for the same work: one transaction per top-up that inserts the
ledger row, updates the balance and draws the receipt number, through the DB-API driver directly,
on the product's own schema (same tables and indexes) with the same durability settings.
The service additionally checks state, permissions and the idempotency key, writes the receipt
and the audit entry. Target: service time ≤ 2.0 × bare SQL.

    .venv/bin/python bench/ledger_bench.py [--count 100000] [--pg URL] [--skip-sqlite] [--chunk 1]

The two sides take turns every ``--chunk`` top-ups (default: every top-up), so that both see the
same background load when the machine is shared; each side keeps its own database.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, text

from app.models.db import create_db_engine, normalize_url
from app.services import Services
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site


class ServiceRun:
    """Top-ups through ``CashierService.top_up`` on a fresh database with the product schema."""

    def __init__(self, url: str, no_fsync: bool = False) -> None:
        engine = create_db_engine(url)
        if no_fsync and engine.dialect.name == "sqlite":

            @event.listens_for(engine, "connect")
            def _no_fsync(dbapi_conn: Any, _record: Any) -> None:  # after the product's own
                dbapi_conn.execute("PRAGMA synchronous=OFF")

        self.db = Database(url, engine=engine)
        self.db.upgrade()
        self.services = Services(self.db)
        self.account_no = build_small_site(self.services).accounts["A-1-01"]
        self.done = 0
        self.cpu = 0.0  # CPU seconds of this process (not the database server's)

    def run(self, count: int) -> float:
        top_up = self.services.cashier.top_up
        acc, first = self.account_no, self.done
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(first, first + count):
            top_up(ADMIN, acc, 100, "cash", f"bench-{i}")
        elapsed = time.perf_counter() - started
        self.cpu += time.process_time() - cpu
        self.done += count
        return elapsed

    def close(self) -> None:
        summary = self.services.accounts.summary(ADMIN, self.account_no)
        assert summary.balance_fen == 100 * self.done
        self.db.dispose()


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
NO_FSYNC_PG = " -c synchronous_commit=off"
DRAW_RECEIPT = (
    "UPDATE receipt_sequences SET last_number = last_number + 1 WHERE year = 2026 "
    "RETURNING last_number"
)


class BareSqlite:
    """The floor: the same three statements per transaction through sqlite3, same pragmas."""

    def __init__(self, path: str, no_fsync: bool = False) -> None:
        self.account_id = _prepare_real_schema(f"sqlite:///{path}")
        self.conn = sqlite3.connect(path, isolation_level=None)
        sync = "synchronous=OFF" if no_fsync else "synchronous=FULL"
        for pragma in ("journal_mode=WAL", sync, "foreign_keys=ON"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.done = 0
        self.cpu = 0.0  # CPU seconds of this process (not the database server's)

    def run(self, count: int) -> float:
        conn, account_id, first = self.conn, self.account_id, self.done
        now = datetime.now(UTC).replace(tzinfo=None)
        ins, upd = INSERT_ENTRY.format(p="?"), UPDATE_BALANCE.format(p="?")
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(first, first + count):
            conn.execute("BEGIN IMMEDIATE")
            (bal,) = conn.execute(upd, (account_id,)).fetchone()
            conn.execute(ins, (account_id, bal, bal, f"k{i}", now))
            conn.execute(DRAW_RECEIPT).fetchone()
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        self.cpu += time.process_time() - cpu
        self.done += count
        return elapsed

    def close(self) -> None:
        self.conn.close()


class BarePg:
    """The floor on PostgreSQL: the same three statements per transaction through psycopg."""

    def __init__(self, url: str, no_fsync: bool = False) -> None:
        import psycopg

        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as c:
            c.execute(text("DROP SCHEMA IF EXISTS bench_bare CASCADE"))
            c.execute(text("CREATE SCHEMA bench_bare"))
        sep = "&" if "?" in url else "?"
        self.account_id = _prepare_real_schema(f"{url}{sep}options=-csearch_path%3Dbench_bare")
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        options = "-c search_path=bench_bare" + (NO_FSYNC_PG if no_fsync else "")
        self.conn = psycopg.connect(dsn, options=options)
        self.done = 0
        self.cpu = 0.0  # CPU seconds of this process (not the database server's)

    def run(self, count: int) -> float:
        conn, account_id, first = self.conn, self.account_id, self.done
        now = datetime.now(UTC).replace(tzinfo=None)
        ins, upd = INSERT_ENTRY.format(p="%s"), UPDATE_BALANCE.format(p="%s")
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(first, first + count):
            with conn.transaction():
                (bal,) = conn.execute(upd, (account_id,)).fetchone()  # type: ignore[misc]
                conn.execute(ins, (account_id, bal, bal, f"k{i}", now))
                conn.execute(DRAW_RECEIPT).fetchone()
        elapsed = time.perf_counter() - started
        self.cpu += time.process_time() - cpu
        self.done += count
        return elapsed

    def close(self) -> None:
        self.conn.close()
        with self.admin.connect() as c:
            c.execute(text("DROP SCHEMA bench_bare CASCADE"))
        self.admin.dispose()


def compare(
    name: str, service: ServiceRun, bare: BareSqlite | BarePg, count: int, chunk: int
) -> None:
    """Alternate the two sides chunk by chunk (S B, B S, S B …), so that both see the same
    background load on a shared machine; report the totals and the ratio per tenth of the run."""
    service_s = bare_s = 0.0
    tenth = max(count // 10, 1)
    tenths: list[float] = []
    seg_s = seg_b = 0.0
    done, flip = 0, False
    while done < count:
        n = min(chunk, count - done)
        if flip:
            b = bare.run(n)
            s = service.run(n)
        else:
            s = service.run(n)
            b = bare.run(n)
        flip = not flip
        service_s, bare_s, seg_s, seg_b = service_s + s, bare_s + b, seg_s + s, seg_b + b
        done += n
        if done % tenth < n or done == count:
            tenths.append(seg_s / seg_b)
            seg_s = seg_b = 0.0
    service.close()
    bare.close()
    report(name, count, service_s, bare_s)
    print(
        f"  CPU of this process per top-up: service {service.cpu / count * 1e6:,.0f} µs, "
        f"bare SQL {bare.cpu / count * 1e6:,.0f} µs"
    )
    print(f"  ratio per tenth of the run: {' '.join(f'{x:.2f}' for x in tenths)}")


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
    parser.add_argument(
        "--chunk",
        type=int,
        default=1,
        help="top-ups per turn when alternating service and bare SQL (default 1)",
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="diagnostic, not the target figure: both sides commit without waiting for the disk "
        "(SQLite synchronous=OFF, PostgreSQL synchronous_commit=off), to see the cost of the "
        "work itself when other jobs make the disk slow",
    )
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            compare(
                "SQLite",
                ServiceRun(f"sqlite:///{tmp}/service.db", args.no_fsync),
                BareSqlite(f"{tmp}/bare.db", args.no_fsync),
                args.count,
                args.chunk,
            )
    if args.pg:
        url = normalize_url(args.pg)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS bench_service CASCADE"))
            conn.execute(text("CREATE SCHEMA bench_service"))
        sep = "&" if "?" in url else "?"
        options = "-csearch_path%3Dbench_service" + (
            "%20-csynchronous_commit%3Doff" if args.no_fsync else ""
        )
        service = ServiceRun(f"{url}{sep}options={options}")
        compare("PostgreSQL", service, BarePg(url, args.no_fsync), args.count, args.chunk)
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA bench_service CASCADE"))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
