"""Record who did what, when, with before/after (SEC-3): an append-only, hash-chained log.

Every entry is sealed: ``hash`` = SHA-256 over a canonical serialisation of (its id, the seal of
the entry before it, time, operator, action, target, before, after), and ``prev_hash`` keeps the
predecessor's seal. Editing, deleting or reordering rows in SQL breaks a seal or a link, which
``audit verify`` (:mod:`app.services.audit_check`) finds. Deleting the *last* entries leaves an
intact prefix, so the chain head (last id, last seal, number of entries) is also kept, in the
``settings`` row ``audit.chain_head``; it is updated in the same transaction as every append.

Entries are appended when the writer's transaction commits (``record`` queues them on the session,
a ``before_commit`` hook seals and inserts them), so the chain lock is always the last lock a
transaction takes and is held only for the two statements before COMMIT: no deadlock with the
account, receipt or settlement locks taken earlier, whatever order a service takes them in.
On PostgreSQL appends are serialised by the row lock on the chain-head row (``FOR UPDATE``) and
ids are drawn from the table's sequence under that lock, so id order is chain order; on SQLite
writers are serialised already (``BEGIN IMMEDIATE``).

Rows written before the chain existed (older databases, or the demo build's raw insert) are sealed
in id order by the first append that finds no chain head ("seal at first write", also available
as ``audit verify --seal-legacy``), which records an ``audit.seal_legacy`` entry saying how many
rows it sealed. The app has no API that updates or deletes entries.

What the chain does not do: the seal has no secret key, so someone with write access to the
database who also recomputes every later seal and the head can rewrite history undetected.
``audit verify`` prints the head's seal; noting it elsewhere (a printed daily report, a backup
log) pins everything before it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.models.base import utcnow
from app.services.context import Actor
from app.services.rawsql import (
    RawStatement,
    RawTransaction,
    forget_connection,
    is_sqlite,
)

logger = logging.getLogger(__name__)

CHAIN_HEAD_KEY = "audit.chain_head"
SEAL_FORMAT = "sec3/1"
SEAL_LEGACY_ACTION = "audit.seal_legacy"
HEAD_REBUILT_ACTION = "audit.head_rebuilt"
# pg_advisory_xact_lock key taken only while a chain is being started (no head row to lock yet)
_START_LOCK_KEY = 0x5EC3_A0D1_7C4A_1000

Conn = Session | RawTransaction


# -- canonical form and seal -------------------------------------------------------------------


# built once: json.dumps with options builds a new encoder on every call
_encode_canonical = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
).encode
_encode_fields = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical_json(value: object) -> str | None:
    """The one text form of a before/after value: sorted keys, no spaces, UTF-8 as is."""
    if value is None:
        return None
    return _encode_canonical(value)


def canonical_time(value: datetime | str) -> str:
    """Naive UTC with microseconds, ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's SQLite form)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def seal(
    entry_id: int,
    prev_hash: str,
    at: str,
    operator_id: int | None,
    operator_login: str,
    action: str,
    target_type: str,
    target_id: str,
    before: str | None,
    after: str | None,
) -> str:
    """SHA-256 (hex) of one entry in canonical form, chained to ``prev_hash``.

    ``at`` is :func:`canonical_time`, ``before``/``after`` are :func:`canonical_json` texts.
    The id binds the entry to its place, so a row moved to another id no longer matches.
    """
    fields = _encode_fields(
        [
            SEAL_FORMAT,
            entry_id,
            prev_hash,
            at,
            operator_id,
            operator_login,
            action,
            target_type,
            target_id,
        ]
    )
    # JSON texts never contain a raw newline, so the joined form is unambiguous
    payload = f"{fields}\n{before or 'null'}\n{after or 'null'}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry waiting to be sealed onto the chain (values already in canonical form)."""

    at: str
    operator_id: int | None
    operator_login: str
    action: str
    target_type: str
    target_id: str
    before: str | None
    after: str | None


def entry(
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> AuditRecord:
    return AuditRecord(
        canonical_time(at or utcnow()),
        actor.operator_id,
        actor.login,
        action,
        target_type,
        str(target_id),
        canonical_json(dict(before)) if before is not None else None,
        canonical_json(dict(after)) if after is not None else None,
    )


# -- recording in a session ------------------------------------------------------------------

_PENDING = "audit.pending"


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> None:
    """Add an audit entry to the caller's transaction: it is sealed onto the chain when the
    transaction commits, and vanishes with it if it rolls back."""
    rec = entry(actor, action, target_type, target_id, before, after, at)
    marker = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append((marker, rec))


def _within(tx: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while tx is not None:
        if tx is ancestor:
            return True
        tx = tx.parent
    return False


@event.listens_for(Session, "before_commit")
def _seal_pending(session: Session) -> None:
    pending: list[tuple[SessionTransaction, AuditRecord]] | None = session.info.get(_PENDING)
    if not pending or session.get_nested_transaction() is not None:
        return  # nothing queued, or a savepoint is being released: wait for the real commit
    del session.info[_PENDING]
    root = session.get_transaction()
    assert root is not None
    records = [rec for marker, rec in pending if _within(marker, root)]
    if records:
        append(session, records)
        forget_connection(session)  # the commit ends this connection's transaction


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        kept = [(m, r) for m, r in pending if not _within(m, previous_transaction)]
        if kept:
            session.info[_PENDING] = kept
        else:
            del session.info[_PENDING]


# -- the chain -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainHead:
    last_id: int
    last_hash: str
    count: int

    def to_json(self) -> str:
        # the seal is hex, so no escaping is needed
        return f'{{"id":{self.last_id},"hash":"{self.last_hash}","count":{self.count}}}'


_parsed_heads: dict[str, ChainHead] = {}


def parse_head(text: str | None) -> ChainHead | None:
    """The stored chain head, or None when it is absent or not a head."""
    if text is None:
        return None
    head = _parsed_heads.get(text)  # usually the head this process wrote last
    if head is not None:
        return head
    try:
        value = json.loads(text)
        head = ChainHead(int(value["id"]), str(value["hash"]), int(value["count"]))
    except (ValueError, TypeError, KeyError):
        return None
    if head.count < 0 or (head.count > 0 and not _is_hex64(head.last_hash)):
        return None
    return head


def _remember(head: ChainHead) -> str:
    """The head's stored form, remembered so the next read need not parse it."""
    text = head.to_json()
    if len(_parsed_heads) > 64:
        _parsed_heads.clear()
    _parsed_heads[text] = head
    return text


def _is_hex64(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


_COLS = "id, at, operator_id, operator_login, action, target_type, target_id"
_SQLITE_ROWS = f"SELECT {_COLS}, before, after, prev_hash, hash FROM audit_entries"
_PG_ROWS = (
    f"SELECT {_COLS}, CAST(before AS text), CAST(after AS text), prev_hash, hash FROM audit_entries"
)
_INSERT_COLS = (
    "INSERT INTO audit_entries (id, at, operator_id, operator_login, action, target_type, "
    "target_id, before, after, prev_hash, hash) VALUES (:id, :at, :operator_id, "
    ":operator_login, :action, :target_type, :target_id, "
)
_INSERT_SQLITE = RawStatement(_INSERT_COLS + ":before, :after, :prev_hash, :hash)")
_INSERT_PG_SQL = _INSERT_COLS + "CAST(:before AS json), CAST(:after AS json), :prev_hash, :hash)"
_INSERT_PG = RawStatement(_INSERT_PG_SQL)
_SET_HEAD_SQLITE = RawStatement(
    "UPDATE settings SET value = :head, updated_at = :now WHERE key = :key"
)
_SET_HEAD_PG_SQL = (
    "UPDATE settings SET value = CAST(:head AS json), updated_at = :now WHERE key = :key"
)
_SET_HEAD_PG = RawStatement(_SET_HEAD_PG_SQL)
# the common case on PostgreSQL, one round trip: the entry and the new head together
_INSERT_AND_SET_HEAD_PG = RawStatement(f"WITH e AS ({_INSERT_PG_SQL}) {_SET_HEAD_PG_SQL}")
_NEW_HEAD_SQLITE = RawStatement(
    "INSERT INTO settings (key, value, updated_at, notes) VALUES (:key, :head, :now, :notes)"
)
_NEW_HEAD_PG = RawStatement(
    "INSERT INTO settings (key, value, updated_at, notes) "
    "VALUES (:key, CAST(:head AS json), :now, :notes)"
)
_HEAD_NOTES = "audit log chain head (SEC-3): written by the audit service only"

# SQLite: one read for the head and the highest id (writers are serialised by BEGIN IMMEDIATE)
_HEAD_SQLITE = RawStatement(
    "SELECT (SELECT value FROM settings WHERE key = :key), (SELECT max(id) FROM audit_entries)"
)
# PostgreSQL: lock the head row, then draw the ids; the materialised CTE yields its row only once
# the lock is held, so the ids are drawn under the lock and id order is commit order.
_HEAD_PG = RawStatement(
    "WITH h AS MATERIALIZED (SELECT value FROM settings WHERE key = :key FOR UPDATE) "
    "SELECT CAST(h.value AS text), nextval(pg_get_serial_sequence('audit_entries', 'id')) "
    "FROM h CROSS JOIN generate_series(1, :n)"
)
_HEAD_FOR_UPDATE_PG = RawStatement(
    "SELECT CAST(value AS text) FROM settings WHERE key = :key FOR UPDATE"
)
_NEXT_IDS_PG = RawStatement(
    "SELECT nextval(pg_get_serial_sequence('audit_entries', 'id')) FROM generate_series(1, :n)"
)
_SET_SEQUENCE_PG = RawStatement("SELECT setval(pg_get_serial_sequence('audit_entries', 'id'), :v)")
_START_LOCK_PG = RawStatement("SELECT pg_advisory_xact_lock(:k)")
_MAX_ID = RawStatement("SELECT max(id) FROM audit_entries")
_LAST_SEALED = RawStatement(
    "SELECT id, hash FROM audit_entries WHERE hash <> '' ORDER BY id DESC LIMIT 1"
)
_COUNT_SEALED = RawStatement("SELECT count(*) FROM audit_entries WHERE hash <> ''")
_SET_SEAL = RawStatement(
    "UPDATE audit_entries SET prev_hash = :prev_hash, hash = :hash WHERE id = :id"
)
_ALL_ROWS_SQLITE = RawStatement(_SQLITE_ROWS + " ORDER BY id")
_ALL_ROWS_PG = RawStatement(_PG_ROWS + " ORDER BY id")


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """A row as read back, in canonical form (what the seal was computed over)."""

    id: int
    at: str
    operator_id: int | None
    operator_login: str
    action: str
    target_type: str
    target_id: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str

    def expected_hash(self, prev_hash: str | None = None) -> str:
        return seal(
            self.id,
            self.prev_hash if prev_hash is None else prev_hash,
            self.at,
            self.operator_id,
            self.operator_login,
            self.action,
            self.target_type,
            self.target_id,
            self.before,
            self.after,
        )


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return canonical_json(json.loads(value))
    except (TypeError, ValueError):  # not JSON (edited in SQL on SQLite): compare as it stands
        return f"!{value}"


def _time_text(value: Any) -> str:
    try:
        return canonical_time(value)
    except (TypeError, ValueError):  # not a time (edited in SQL on SQLite)
        return f"!{value}"


def stored_entries(rows: Iterable[Sequence[Any]]) -> Iterator[StoredEntry]:
    """Rows of ``rows_sql`` (id order) in canonical form. A value that no longer parses is kept
    as it stands (marked), so its seal does not match instead of the check failing."""
    for r in rows:
        yield StoredEntry(
            int(r[0]),
            _time_text(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            _json_text(r[7]),
            _json_text(r[8]),
            r[9] or "",
            r[10] or "",
        )


def rows_sql(sqlite: bool) -> str:
    """The SELECT (without ORDER BY) that :func:`stored_entries` reads."""
    return _SQLITE_ROWS if sqlite else _PG_ROWS


class Reservation:
    """The chain's next place(s), taken before the entries are known (:func:`reserve`).

    ``rows``: on SQLite one ``(head, max id)``; on PostgreSQL ``(head, id)`` per place, drawn
    under the chain lock, or none when there is no head row to lock yet.
    """

    def __init__(self, conn: Conn, sqlite: bool, n: int, rows: list[tuple[Any, ...]]) -> None:
        self.conn, self.sqlite, self.n, self.rows = conn, sqlite, n, rows


def reserve(conn: Conn, n: int = 1) -> Reservation:
    """Take the chain lock and draw ``n`` ids (PostgreSQL), or read the head (SQLite)."""
    if n < 1:
        raise ValueError("nothing to append")
    if is_sqlite(conn):
        row = _HEAD_SQLITE.one(conn, {"key": CHAIN_HEAD_KEY})
        assert row is not None
        return Reservation(conn, True, n, [row])
    return Reservation(conn, False, n, _HEAD_PG.all(conn, {"key": CHAIN_HEAD_KEY, "n": n}))


_after_statements: dict[str, RawStatement] = {}


def reserve_after(
    conn: Conn, ctes: str, last: str, params: Mapping[str, Any]
) -> tuple[tuple[Any, ...], Reservation]:
    """PostgreSQL: run the statement ``WITH ctes`` and, in the same statement, take the chain
    lock and draw one id once its CTE ``last`` has produced its row. Returns that row and the
    reservation (one round trip instead of two).

    The chain lock is ordered after the locks ``ctes`` takes by data dependency: the head row is
    read joined to ``last``'s row, and FOR UPDATE locks a row only once the join has produced it.
    ``last`` must yield exactly one row; ``params`` must not use ``audit_key``.
    """
    assert not is_sqlite(conn)
    stmt = _after_statements.get(ctes)
    if stmt is None:
        stmt = RawStatement(
            f"WITH {ctes}, h AS MATERIALIZED (SELECT s.value AS head FROM settings s, {last} "
            "WHERE s.key = :audit_key FOR UPDATE OF s) "
            f"SELECT {last}.*, CAST(h.head AS text), "
            "nextval(pg_get_serial_sequence('audit_entries', 'id')) "
            f"FROM {last} LEFT JOIN h ON true"
        )
        _after_statements[ctes] = stmt
    row = stmt.one(conn, {**params, "audit_key": CHAIN_HEAD_KEY})
    assert row is not None
    place = row[-2:]
    # no head row: nothing was locked, and write() starts the chain (the id drawn goes unused)
    return row[:-2], Reservation(conn, False, 1, [place] if place[0] is not None else [])


def append(conn: Conn, records: Sequence[AuditRecord], *, now: datetime | None = None) -> int:
    """Seal ``records`` onto the chain inside the caller's transaction; returns the last id.

    Call it last before COMMIT (it takes the chain lock): :func:`record` does so through the
    session's ``before_commit`` hook; the top-up hot path calls :func:`reserve_after` and
    :func:`write` itself.
    """
    return write(reserve(conn, len(records)), records, now=now)


def write(
    reservation: Reservation, records: Sequence[AuditRecord], *, now: datetime | None = None
) -> int:
    """Seal ``records`` onto the places ``reservation`` holds; returns the last id."""
    if len(records) != reservation.n:
        raise ValueError(f"reserved {reservation.n} places for {len(records)} entries")
    conn, sqlite = reservation.conn, reservation.sqlite
    # settings.updated_at (the time of the newest entry) in database form: text as SQLAlchemy
    # writes it on SQLite, naive UTC on PostgreSQL
    stamp: Any = canonical_time(now) if now is not None else records[-1].at
    if not sqlite:
        stamp = datetime.fromisoformat(stamp)
    if sqlite:
        row = reservation.rows[0]
        head = parse_head(row[0])
        if head is None:
            head, notes = _start_chain(conn, sqlite, row[0], stamp)
            records = [*notes, *records]
            top = _MAX_ID.one(conn, {})
            row = (None, top[0] if top else None)
        first = max(head.last_id, int(row[1] or 0)) + 1
        ids = list(range(first, first + len(records)))
    else:
        rows = reservation.rows
        head = parse_head(rows[0][0]) if rows else None
        if head is None:
            # no head row (none to lock yet) or a damaged one: start under an advisory lock
            _START_LOCK_PG.run(conn, {"k": _START_LOCK_KEY})
            # a new statement, so a new snapshot: sees a head another desk committed meanwhile
            again = _HEAD_FOR_UPDATE_PG.one(conn, {"key": CHAIN_HEAD_KEY})
            head = parse_head(again[0]) if again else None
            if head is None:
                head, notes = _start_chain(conn, sqlite, again[0] if again else None, stamp)
                records = [*notes, *records]
            rows = _NEXT_IDS_PG.all(conn, {"n": len(records)})
            ids = sorted(int(r[0]) for r in rows)
        else:
            ids = sorted(int(r[1]) for r in rows)
        if ids[0] <= head.last_id:
            # rows were once written with explicit ids past the sequence: move it on
            last_id = head.last_id + len(records)
            _SET_SEQUENCE_PG.run(conn, {"v": last_id})
            ids = list(range(head.last_id + 1, last_id + 1))
    prev = head.last_hash
    params: list[dict[str, Any]] = []
    for entry_id, rec in zip(ids, records, strict=True):
        h = seal(
            entry_id,
            prev,
            rec.at,
            rec.operator_id,
            rec.operator_login,
            rec.action,
            rec.target_type,
            rec.target_id,
            rec.before,
            rec.after,
        )
        params.append(
            {
                "id": entry_id,
                "at": rec.at if sqlite else datetime.fromisoformat(rec.at),
                "operator_id": rec.operator_id,
                "operator_login": rec.operator_login,
                "action": rec.action,
                "target_type": rec.target_type,
                "target_id": rec.target_id,
                "before": rec.before,
                "after": rec.after,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    new_head = ChainHead(ids[-1], prev, head.count + len(records))
    head_params = {"key": CHAIN_HEAD_KEY, "head": _remember(new_head), "now": stamp}
    if sqlite:
        for p in params:
            _INSERT_SQLITE.run(conn, p)
        _SET_HEAD_SQLITE.run(conn, head_params)
    else:
        for p in params[:-1]:
            _INSERT_PG.run(conn, p)
        _INSERT_AND_SET_HEAD_PG.run(conn, {**params[-1], **head_params})
    return new_head.last_id


def _start_chain(
    conn: Conn, sqlite: bool, stored: str | None, stamp: Any
) -> tuple[ChainHead, list[AuditRecord]]:
    """No usable chain head: seal the legacy rows, or rebuild a lost head. Returns the head and
    the entries that say so (to be appended first)."""
    last = _LAST_SEALED.one(conn, {})
    if last is None:
        # Seal at first write: every row predates the chain. Seal them in id order as they are.
        prev, count, last_id = "", 0, 0
        stmt = _ALL_ROWS_SQLITE if sqlite else _ALL_ROWS_PG
        for e in stored_entries(stmt.all(conn, {})):
            h = e.expected_hash(prev)
            _SET_SEAL.run(conn, {"prev_hash": prev, "hash": h, "id": e.id})
            prev, count, last_id = h, count + 1, e.id
        head = ChainHead(last_id, prev, count)
        notes = []
        if count:
            logger.warning("audit log: sealed %d entries written before the chain existed", count)
            notes.append(
                AuditRecord(
                    canonical_time(utcnow()),
                    None,
                    "system",
                    SEAL_LEGACY_ACTION,
                    "audit",
                    "chain",
                    None,
                    canonical_json({"entries": count, "through_id": last_id}),
                )
            )
    else:
        # Sealed entries but no usable head: it was deleted or overwritten. Continue from the
        # last sealed entry and say so in the chain (audit verify reports it).
        n = _COUNT_SEALED.one(conn, {})
        head = ChainHead(int(last[0]), str(last[1]), int(n[0]) if n else 0)
        logger.error("audit log: chain head missing or damaged; rebuilt from entry %s", last[0])
        notes = [
            AuditRecord(
                canonical_time(utcnow()),
                None,
                "system",
                HEAD_REBUILT_ACTION,
                "audit",
                "chain",
                canonical_json({"stored_head": stored}),
                canonical_json({"last_id": head.last_id, "entries": head.count}),
            )
        ]
    params = {"key": CHAIN_HEAD_KEY, "head": head.to_json(), "now": stamp, "notes": _HEAD_NOTES}
    if stored is None:
        (_NEW_HEAD_SQLITE if sqlite else _NEW_HEAD_PG).run(conn, params)
    else:
        (_SET_HEAD_SQLITE if sqlite else _SET_HEAD_PG).run(conn, params)
    return head, notes


def seal_legacy(conn: Conn) -> int:
    """Start the chain now instead of at the next write: seal the rows written before it existed.

    Returns how many rows were sealed: 0 when the chain has started already or the log is empty.
    A chain whose head has gone missing is not touched here (``audit verify`` reports it).
    """
    sqlite = is_sqlite(conn)
    if sqlite:
        row = _HEAD_SQLITE.one(conn, {"key": CHAIN_HEAD_KEY})
        stored = row[0] if row else None
    else:
        _START_LOCK_PG.run(conn, {"k": _START_LOCK_KEY})
        again = _HEAD_FOR_UPDATE_PG.one(conn, {"key": CHAIN_HEAD_KEY})
        stored = again[0] if again else None
    if stored is not None or _LAST_SEALED.one(conn, {}) is not None:
        return 0
    top = _MAX_ID.one(conn, {})
    if top is None or top[0] is None:
        return 0  # an empty log: the first write starts the chain
    stamp: Any = canonical_time(utcnow())
    if not sqlite:
        stamp = datetime.fromisoformat(stamp)
    head, notes = _start_chain(conn, sqlite, None, stamp)
    if notes:
        append(conn, notes)
    return head.count
