"""``demo-db PATH``: build the demo site database (replacing any file there)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from app.cli import CliError
from app.domain.demo_site import DEFAULT_SEED


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo-db", help="build the demo site database (SQLite file or --url)")
    p.add_argument("path", nargs="?", help="SQLite file to create (replaced if it exists)")
    p.add_argument("--url", help="build into this (empty) database instead, e.g. PostgreSQL")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--days", type=int, default=92, help="days of history (default 92)")
    p.set_defaults(func=_demo_db)


def _demo_db(args: argparse.Namespace) -> int:
    from app.services.demo import build_demo_database
    from app.services.unit_of_work import Database

    if bool(args.path) == bool(args.url):
        raise CliError("give either PATH (an SQLite file) or --url")
    if not 1 <= args.days <= 170:
        raise CliError("--days must be between 1 and 170")
    if args.path:
        path = Path(args.path).expanduser().resolve()
        if path.is_dir():
            raise CliError(f"{path} is a directory")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = args.url
    started = time.monotonic()
    db = Database(url)
    db.upgrade()
    from sqlalchemy import text

    with db.engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM rooms")).scalar_one():
            raise CliError("the database is not empty; demo-db needs an empty database")
    counts = build_demo_database(
        db, seed=args.seed, history_days=args.days, progress=lambda m: print(f"  {m}")
    )
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"demo site written in {time.monotonic() - started:.1f} s: {summary}")
    return 0
