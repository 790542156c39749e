"""``db upgrade`` / ``db current``: create or migrate a database (DATA-1)."""

from __future__ import annotations

import argparse

from app.cli.common import add_url_option, resolve_url


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="create or upgrade the database schema")
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dsub.add_parser("upgrade", help="create the database or bring it to the newest schema")
    add_url_option(up)
    up.set_defaults(func=_upgrade)
    cur = dsub.add_parser("current", help="print the schema revision of the database")
    add_url_option(cur)
    cur.set_defaults(func=_current)


def _upgrade(args: argparse.Namespace) -> int:
    from app.services.unit_of_work import Database

    url = resolve_url(args)
    db = Database(url)
    rev = db.upgrade()
    print(f"database at revision {rev}: {db.engine.url.render_as_string(hide_password=True)}")
    return 0


def _current(args: argparse.Namespace) -> int:
    from app.models.migrate import current_revision, head_revision
    from app.services.unit_of_work import Database

    db = Database(resolve_url(args))
    rev = current_revision(db.engine)
    head = head_revision()
    print(f"current {rev or '(empty)'}; newest {head}")
    return 0 if rev == head else 1
