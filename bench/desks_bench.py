"""Several cashier desks at once: top-ups per second through ``CashierService.top_up``.

Each desk is a thread booking top-ups on an account of its own, so desks never wait for each
other's account lock; what they share is the year's receipt sequence row (gap-free numbering)
and the audit chain head (one chain). On PostgreSQL both are row locks held to COMMIT; this shows
what serialising those costs as desks are added. On SQLite writers are serialised anyway.

    .venv/bin/python bench/desks_bench.py [--desks 1 2 4] [--count 2000] [--pg URL] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from app.models.db import normalize_url
from app.services import Services
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site


def run(url: str, desks: int, count: int) -> float:
    """Top-ups per second with ``desks`` threads booking ``count`` top-ups each."""
    db = Database(url)
    db.upgrade()
    services = Services(db)
    accounts = list(build_small_site(services).accounts.values())
    services.cashier.top_up(ADMIN, accounts[0], 100, "cash", "warm-up")  # opens the year
    barrier = threading.Barrier(desks + 1)
    errors: list[BaseException] = []

    def desk(d: int) -> None:
        acc = accounts[d % len(accounts)]
        try:
            barrier.wait()
            for i in range(count):
                services.cashier.top_up(ADMIN, acc, 100, "cash", f"d{d}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(d,)) for d in range(desks)]
    for th in threads:
        th.start()
    barrier.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    db.dispose()
    if errors:
        raise errors[0]
    return desks * count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--count", type=int, default=2000, help="top-ups per desk")
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    for desks in args.desks:
        if not args.skip_sqlite:
            with tempfile.TemporaryDirectory() as tmp:
                rate = run(f"sqlite:///{tmp}/desks.db", desks, args.count)
            print(f"SQLite: {desks} desk(s): {rate:,.0f} top-ups/s")
        if args.pg:
            url = normalize_url(args.pg)
            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS bench_desks CASCADE"))
                conn.execute(text("CREATE SCHEMA bench_desks"))
            sep = "&" if "?" in url else "?"
            try:
                rate = run(f"{url}{sep}options=-csearch_path%3Dbench_desks", desks, args.count)
            finally:
                with admin.connect() as conn:
                    conn.execute(text("DROP SCHEMA bench_desks CASCADE"))
                admin.dispose()
            print(f"PostgreSQL: {desks} desk(s): {rate:,.0f} top-ups/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
