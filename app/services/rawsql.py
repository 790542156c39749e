"""Hot-path statements run straight on the DB-API connection of the current transaction.

SQLAlchemy's per-statement overhead (~100 µs) is larger than the statement itself on the
top-up path. The few statements of that path are written once as SQL with ``:name`` parameters
and run through the driver cursor of the session's connection, inside the same transaction.
Values must already be in database form (naive UTC datetimes, scaled integers, JSON text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

_PARAM = re.compile(r":([a-z_][a-z0-9_]*)")
_LINK_KEY = "rawsql.link"


def forget_connection(session: Session) -> None:
    """Drop the cached driver connection (its transaction ended)."""
    session.info.pop(_LINK_KEY, None)


class RawStatement:
    def __init__(self, sql: str) -> None:
        self.names = tuple(_PARAM.findall(sql))
        self.qmark = _PARAM.sub("?", sql)
        self.pyformat = _PARAM.sub(lambda m: f"%({m.group(1)})s", sql)

    def execute(self, session: Session, params: Mapping[str, Any]) -> Any:
        link = session.info.get(_LINK_KEY)
        if link is None:
            # one lookup per transaction (UnitOfWork drops it at commit/rollback)
            conn = session.connection()
            link = (conn.connection.driver_connection, conn.dialect, conn.dialect.name == "sqlite")
            session.info[_LINK_KEY] = link
        driver_conn, dialect, is_sqlite = link
        assert driver_conn is not None
        cursor = driver_conn.cursor()
        dbapi = dialect.loaded_dbapi
        try:
            if is_sqlite:
                cursor.execute(self.qmark, [_sqlite_value(params[n]) for n in self.names])
            else:
                cursor.execute(self.pyformat, dict(params))
        except dbapi.Error as exc:
            cursor.close()
            # the same exception types as through SQLAlchemy (IntegrityError, OperationalError …)
            raise DBAPIError.instance(
                self.qmark, dict(params), exc, dbapi.Error, dialect=dialect
            ) from exc
        return cursor

    def one(self, session: Session, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        cursor = self.execute(session, params)
        try:
            row: tuple[Any, ...] | None = cursor.fetchone()
            return row
        finally:
            cursor.close()

    def run(self, session: Session, params: Mapping[str, Any]) -> None:
        self.execute(session, params).close()


def _sqlite_value(value: Any) -> Any:
    """Datetimes as SQLAlchemy's SQLite dialect stores them (``YYYY-MM-DD HH:MM:SS.ffffff``):
    the driver's own adapter drops a zero fraction, and the text would then compare differently
    with values written through SQLAlchemy (a row at exactly midnight would sort before it)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def db_time(value: datetime) -> datetime:
    """Timezone-aware → naive UTC, as ``UtcDateTime`` stores it."""
    return value.astimezone(UTC).replace(tzinfo=None)


def db_scaled(value: Decimal | None, scale: int = 4) -> int | None:
    """Decimal → scaled integer, as ``ScaledDecimal`` stores it."""
    if value is None:
        return None
    scaled = value * (Decimal(10) ** scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {scale} decimals")
    return int(scaled)


def db_json(session: Session, value: object) -> Any:
    if value is None:
        return None
    if session.connection().dialect.name == "sqlite":
        return json.dumps(value, ensure_ascii=False)
    from psycopg.types.json import Json

    return Json(value)
