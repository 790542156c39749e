"""Hot-path statements run straight on the DB-API connection of the current transaction.

SQLAlchemy's per-statement overhead (~100 µs) is larger than the statement itself on the
top-up path. The few statements of that path are written once as SQL with ``:name`` parameters
and run through the driver cursor of the session's connection, inside the same transaction.
Values must already be in database form (naive UTC datetimes, scaled integers, JSON text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Context, Decimal, Inexact
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session

_PARAM = re.compile(r":([a-z_][a-z0-9_]*)")
_LINK_KEY = "rawsql.link"


def forget_connection(session: Session) -> None:
    """Drop the cached driver connection (its transaction ended)."""
    session.info.pop(_LINK_KEY, None)


def wrap_driver_error(
    sql: str, params: Mapping[str, Any], exc: Exception, dialect: Dialect
) -> StatementError:
    """The same exception types as through SQLAlchemy (IntegrityError, OperationalError …)."""
    return DBAPIError.instance(sql, dict(params), exc, dialect.loaded_dbapi.Error, dialect=dialect)


class RawTransaction:
    """One transaction straight on a pooled DB-API connection: the top-up hot path.

    The connection comes from the engine's pool, so it carries the same connect-time settings as
    a session's (WAL, ``synchronous=FULL``, foreign keys, busy timeout) and is pinged on checkout
    like a session's; on SQLite the transaction begins ``IMMEDIATE`` exactly like a session's.
    What it leaves out is the ORM session and Core connection bookkeeping around each statement
    and commit, which cost more than the statements. Commits only when :meth:`commit` is called;
    any other exit rolls back.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.info: dict[str, Any] = {}
        self._fairy: Any = None
        self._done = False

    @property
    def is_sqlite(self) -> bool:
        return bool(self.info[_LINK_KEY][2])

    def __enter__(self) -> RawTransaction:
        dialect = self.engine.dialect
        self._fairy = self.engine.raw_connection()
        driver_conn = self._fairy.driver_connection
        is_sqlite = dialect.name == "sqlite"
        self.info[_LINK_KEY] = (driver_conn, dialect, is_sqlite)
        if is_sqlite:
            # as the engine's begin event does for sessions: writers queue for the write lock
            # up front instead of failing half-way with "database is locked"
            try:
                driver_conn.execute("BEGIN IMMEDIATE")
            except dialect.loaded_dbapi.Error as exc:
                self._release()
                raise wrap_driver_error("BEGIN IMMEDIATE", {}, exc, dialect) from exc
        # psycopg opens the transaction itself with the first statement (autocommit is off)
        return self

    def commit(self) -> None:
        driver_conn, dialect, _ = self.info[_LINK_KEY]
        self._done = True
        try:
            driver_conn.commit()
        except dialect.loaded_dbapi.Error as exc:
            raise wrap_driver_error("COMMIT", {}, exc, dialect) from exc

    def __exit__(self, *exc_info: object) -> None:
        self._release()

    def _release(self) -> None:
        fairy, self._fairy = self._fairy, None
        self.info.clear()
        if fairy is None:
            return
        try:
            if not self._done:
                fairy.driver_connection.rollback()
        finally:
            fairy.close()  # back to the pool (which resets it once more)


_Link = tuple[Any, Dialect, bool]


def _link(session: Session | RawTransaction) -> _Link:
    link: _Link | None = session.info.get(_LINK_KEY)
    if link is None:
        # one lookup per transaction (UnitOfWork drops it at commit/rollback)
        assert isinstance(session, Session)
        conn = session.connection()
        link = (conn.connection.driver_connection, conn.dialect, conn.dialect.name == "sqlite")
        session.info[_LINK_KEY] = link
    return link


class RawStatement:
    def __init__(self, sql: str) -> None:
        self.names = tuple(_PARAM.findall(sql))
        self.qmark = _PARAM.sub("?", sql)
        self.pyformat = _PARAM.sub(lambda m: f"%({m.group(1)})s", sql)
        self.positional = _PARAM.sub("%s", sql)

    def execute(self, session: Session | RawTransaction, params: Mapping[str, Any]) -> Any:
        return self._execute(session.info.get(_LINK_KEY) or _link(session), params)

    def _execute(self, link: _Link, params: Mapping[str, Any]) -> Any:
        driver_conn, dialect, is_sqlite = link
        cursor = driver_conn.cursor()
        try:
            if is_sqlite:
                cursor.execute(self.qmark, [_sqlite_value(params[n]) for n in self.names])
            else:
                cursor.execute(self.pyformat, params)
        except dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise wrap_driver_error(self.qmark, params, exc, dialect) from exc
        return cursor

    def one(
        self, session: Session | RawTransaction, params: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        link = session.info.get(_LINK_KEY) or _link(session)
        cursor = self._execute(link, params)
        try:
            row: tuple[Any, ...] | None = cursor.fetchone()
            return row
        except link[1].loaded_dbapi.Error as exc:
            raise wrap_driver_error(self.qmark, params, exc, link[1]) from exc
        finally:
            cursor.close()

    def all(
        self, session: Session | RawTransaction, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        link = session.info.get(_LINK_KEY) or _link(session)
        cursor = self._execute(link, params)
        try:
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        except link[1].loaded_dbapi.Error as exc:
            raise wrap_driver_error(self.qmark, params, exc, link[1]) from exc
        finally:
            cursor.close()

    def run(self, session: Session | RawTransaction, params: Mapping[str, Any]) -> None:
        """Execute for its effect."""
        self._execute(session.info.get(_LINK_KEY) or _link(session), params).close()

    def many(self, session: Session | RawTransaction, rows: Sequence[Sequence[Any]]) -> None:
        """``executemany`` for its effect: one row of values per execution, in the order of
        :attr:`names`, already in driver form (:func:`driver_time` for times)."""
        if not rows:
            return
        driver_conn, dialect, is_sqlite = session.info.get(_LINK_KEY) or _link(session)
        cursor = driver_conn.cursor()
        sql = self.qmark if is_sqlite else self.positional
        try:
            cursor.executemany(sql, rows)
        except dialect.loaded_dbapi.Error as exc:
            raise wrap_driver_error(sql, {}, exc, dialect) from exc
        finally:
            cursor.close()


def _sqlite_value(value: Any) -> Any:
    """Datetimes as SQLAlchemy's SQLite dialect stores them (``YYYY-MM-DD HH:MM:SS.ffffff``):
    the driver's own adapter drops a zero fraction, and the text would then compare differently
    with values written through SQLAlchemy (a row at exactly midnight would sort before it)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # the usual case (db_time): isoformat is ~10× cheaper
            return value.isoformat(sep=" ", timespec="microseconds")
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def db_time(value: datetime) -> datetime:
    """Timezone-aware → naive UTC, as ``UtcDateTime`` stores it."""
    return value.astimezone(UTC).replace(tzinfo=None)


def driver_time(session: Session | RawTransaction, value: datetime) -> Any:
    """An aware time in the form the driver takes for a ``UtcDateTime`` column (what
    :meth:`RawStatement.many` needs): SQLAlchemy's text on SQLite, naive UTC on PostgreSQL."""
    naive = value.astimezone(UTC).replace(tzinfo=None)
    if _link(session)[2]:  # == _sqlite_value(naive) for years 1000..9999, faster
        return naive.isoformat(" ", "microseconds")
    return naive


_EXACT = Context(prec=60, traps=[Inexact])  # scaleb: a change of exponent, never rounded


def db_scaled(value: Decimal | None, scale: int = 4) -> int | None:
    """Decimal → scaled integer, as ``ScaledDecimal`` stores it."""
    if value is None:
        return None
    scaled = value.scaleb(scale, _EXACT) if scale == 4 else value * (Decimal(10) ** scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {scale} decimals")
    return int(scaled)


def is_sqlite(session: Session | RawTransaction) -> bool:
    """Whether the current transaction runs on SQLite (looked up once per transaction)."""
    return _link(session)[2]


def db_json(session: Session, value: object) -> Any:
    if value is None:
        return None
    if session.connection().dialect.name == "sqlite":
        return json.dumps(value, ensure_ascii=False)
    from psycopg.types.json import Json

    return Json(value)
