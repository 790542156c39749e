"""Checking the hash-chained audit log (SEC-3): ``audit verify``, the backup check and the UI.

Reads the whole log in id order inside one read-only snapshot (a deferred read transaction on
SQLite, so the desks keep writing meanwhile; REPEATABLE READ on PostgreSQL), recomputes every
seal and link, and compares the end of the log with the stored chain head.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain.permissions import Perm
from app.services import audit
from app.services.audit import ChainHead, StoredEntry
from app.services.context import Actor
from app.services.rawsql import wrap_driver_error
from app.services.unit_of_work import Database

NOT_SEALED = "not_sealed"  # status: rows exist but no chain has been started yet


@dataclass(frozen=True)
class AuditProblem:
    """One place where the log is not what was written. ``entry_id`` is the entry concerned
    (for entries deleted at the end: the last id the chain head records)."""

    entry_id: int | None
    at: datetime | None
    action: str | None
    message: str
    deleted: bool = False  # the entry named is gone (deleted at the end of the log)


@dataclass(frozen=True)
class AuditReport:
    entries: int  # rows read
    sealed: int  # rows on the chain
    legacy_unsealed: int  # rows written before any chain existed (sealed at the next write)
    head: ChainHead | None
    problems: tuple[AuditProblem, ...]

    @property
    def ok(self) -> bool:
        """Intact: nothing edited, deleted or reordered (an empty log is intact)."""
        return not self.problems and self.legacy_unsealed == 0

    @property
    def status(self) -> str:
        if self.problems:
            return "tampered"
        return NOT_SEALED if self.legacy_unsealed else "ok"

    @property
    def first_problem(self) -> AuditProblem | None:
        return self.problems[0] if self.problems else None


def _problem(e: StoredEntry, message: str) -> AuditProblem:
    try:
        at: datetime | None = datetime.fromisoformat(e.at).replace(tzinfo=UTC)
    except ValueError:  # the time itself was overwritten with something else
        at = None
    return AuditProblem(e.id, at, e.action, message)


def check_chain(
    entries: Iterable[StoredEntry], head_text: str | None, *, has_head_row: bool, sealed_rows: int
) -> AuditReport:
    """The verdict on ``entries`` (id order) against the stored head (pure; no database)."""
    head = audit.parse_head(head_text)
    problems: list[AuditProblem] = []
    started = has_head_row or sealed_rows > 0
    expected_prev = ""
    rows = sealed = legacy = 0
    last: StoredEntry | None = None
    for e in entries:
        rows += 1
        if not e.hash:
            if started:
                problems.append(
                    _problem(e, "not sealed: written into the table outside the audit service")
                )
            else:
                legacy += 1
            continue
        sealed += 1
        if e.expected_hash() != e.hash:
            problems.append(
                _problem(
                    e,
                    "does not match its seal: edited in the database, or moved here from "
                    "another position",
                )
            )
        elif e.prev_hash != expected_prev:
            problems.append(
                _problem(
                    e,
                    "does not follow the entry before it: an entry before it was deleted, or "
                    "entries were reordered",
                )
            )
        elif e.action == audit.HEAD_REBUILT_ACTION:
            problems.append(
                _problem(
                    e,
                    "the chain head had been deleted or overwritten and was rebuilt here: "
                    "entries at the end of the log before this point may have been deleted",
                )
            )
        expected_prev, last = e.hash, e
    if started:
        if head is None:
            what = "damaged" if has_head_row else "missing"
            at_end = f"#{last.id}" if last else "none"
            problems.append(
                AuditProblem(
                    None,
                    None,
                    None,
                    f"the chain head is {what}: entries at the end cannot be vouched for "
                    f"(last entry {at_end})",
                )
            )
        elif last is None or (last.id, last.hash) != (head.last_id, head.last_hash):
            left = (
                f"the log now ends at #{last.id} ({last.at[:19]} UTC, {last.action})"
                if last
                else "the log is empty"
            )
            problems.append(
                AuditProblem(
                    head.last_id,
                    None,
                    None,
                    f"missing: the chain head records {head.count} entries ending at "
                    f"#{head.last_id}, but {left}: entries at the end were deleted",
                    deleted=True,
                )
            )
        elif sealed != head.count and not problems:
            problems.append(
                AuditProblem(
                    None,
                    None,
                    None,
                    f"the chain head records {head.count} entries but the log holds {sealed}",
                )
            )
    return AuditReport(rows, sealed, legacy, head, tuple(problems))


def verify_audit_log(db: Database, actor: Actor | None = None) -> AuditReport:
    """Check the whole log. Needs ``audit.view`` when an operator asks (``actor``)."""
    if actor is not None:
        actor.require(Perm.AUDIT_VIEW)
    sqlite = db.is_sqlite
    fairy = db.engine.raw_connection()
    conn = fairy.driver_connection
    assert conn is not None
    try:
        if sqlite:
            conn.execute("BEGIN")  # deferred: a read snapshot, not the write lock
            head_cur = conn.cursor()
            head_cur.execute("SELECT value FROM settings WHERE key = ?", (audit.CHAIN_HEAD_KEY,))
        else:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            head_cur = conn.cursor()
            head_cur.execute(
                "SELECT CAST(value AS text) FROM settings WHERE key = %s",
                (audit.CHAIN_HEAD_KEY,),
            )
        head_row = head_cur.fetchone()
        head_cur.execute("SELECT count(*) FROM audit_entries WHERE hash <> ''")
        (sealed_rows,) = head_cur.fetchone()
        head_cur.close()
        if sqlite:
            rows_cur = conn.cursor()
        else:
            rows_cur = conn.cursor(name="audit_verify")  # server side: the log can be long
            rows_cur.itersize = 2000
        rows_cur.execute(audit.rows_sql(sqlite) + " ORDER BY id")
        report = check_chain(
            audit.stored_entries(rows_cur),
            head_row[0] if head_row else None,
            has_head_row=head_row is not None,
            sealed_rows=int(sealed_rows),
        )
        rows_cur.close()
        return report
    except db.engine.dialect.loaded_dbapi.Error as exc:
        raise wrap_driver_error("audit verify", {}, exc, db.engine.dialect) from exc
    finally:
        try:
            conn.rollback()
        finally:
            fairy.close()


def seal_legacy_entries(db: Database, actor: Actor | None = None) -> int:
    """Seal the rows written before the chain existed, now (otherwise the next write does).
    Returns how many were sealed."""
    if actor is not None:
        actor.require(Perm.SETTINGS)
    with db.uow() as uow:
        n = audit.seal_legacy(uow.session)
        uow.commit()
    return n
