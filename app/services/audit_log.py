"""Reading the audit log (SEC-3): the viewer's search with filters, its Excel export and the
chain check. Needs ``audit.view``; reading changes nothing, an export is itself audited."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select

from app.domain.permissions import Perm
from app.models.audit import AuditEntry
from app.reports.output import atomic_write, check_writable
from app.services import audit
from app.services.audit_check import AuditReport, verify_audit_log
from app.services.context import Actor
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

MAX_ROWS = 5000  # one screen of the viewer; narrow the filters for older entries
EXPORT_MAX_ROWS = 200_000


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None  # inclusive, aware
    until: datetime | None = None  # exclusive, aware
    operator: str | None = None  # login
    action: str | None = None
    text: str | None = None  # in the target id


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # aware, UTC
    operator_login: str
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditSearchResult:
    rows: tuple[AuditRow, ...]
    total: int  # matching entries (the rows are the newest ``len(rows)`` of them)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class AuditChoices:
    operators: tuple[str, ...]
    actions: tuple[str, ...]


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _where(stmt: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.since is not None:
        stmt = stmt.where(AuditEntry.at >= _utc(f.since))
    if f.until is not None:
        stmt = stmt.where(AuditEntry.at < _utc(f.until))
    if f.operator:
        stmt = stmt.where(AuditEntry.operator_login == f.operator)
    if f.action:
        stmt = stmt.where(AuditEntry.action == f.action)
    if f.text:
        like = f"%{f.text.strip()}%"
        stmt = stmt.where(or_(AuditEntry.target_id.like(like), AuditEntry.target_type.like(like)))
    # the chain's own bookkeeping rows are not operator actions
    return stmt.where(AuditEntry.action != audit.HEAD_REBUILT_ACTION)


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(
        e.id,
        _utc(e.at),
        e.operator_login,
        e.action,
        e.target_type,
        e.target_id,
        e.before,
        e.after,
    )


class AuditLogService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(self, actor: Actor, f: AuditFilter, *, limit: int = MAX_ROWS) -> AuditSearchResult:
        """The newest ``limit`` entries matching ``f`` (newest first) and how many match."""
        actor.require(Perm.AUDIT_VIEW)
        with self.db.uow() as uow:
            s = uow.session
            total = s.execute(_where(select(func.count(AuditEntry.id)), f)).scalar_one()
            entries = s.scalars(
                _where(select(AuditEntry), f).order_by(AuditEntry.id.desc()).limit(limit)
            ).all()
            return AuditSearchResult(tuple(_row(e) for e in entries), int(total))

    def choices(self, actor: Actor) -> AuditChoices:
        """The operators and actions that occur in the log (for the filter lists)."""
        actor.require(Perm.AUDIT_VIEW)
        with self.db.uow() as uow:
            s = uow.session
            ops = s.scalars(
                select(AuditEntry.operator_login).distinct().order_by(AuditEntry.operator_login)
            ).all()
            actions = s.scalars(
                select(AuditEntry.action).distinct().order_by(AuditEntry.action)
            ).all()
        return AuditChoices(tuple(ops), tuple(a for a in actions if a))

    def verify(self, actor: Actor) -> AuditReport:
        """The hash chain checked end to end (``audit verify``)."""
        return verify_audit_log(self.db, actor)

    def export_xlsx(self, actor: Actor, f: AuditFilter, out: Path, *, tz: str = "") -> Path:
        """Every entry matching ``f`` (oldest first) to an Excel file, whole or not at all."""
        from app.reports.audit_log import render_audit_log

        actor.require(Perm.AUDIT_VIEW)
        target = check_writable(Path(out))
        with self.db.uow() as uow:
            s = uow.session
            if not tz:
                tz = str(audit_settings_zone(s))
            entries = s.scalars(
                _where(select(AuditEntry), f).order_by(AuditEntry.id).limit(EXPORT_MAX_ROWS)
            ).all()
            rows = [_row(e) for e in entries]
        path = atomic_write(target, render_audit_log(rows, tz))
        with self.db.uow() as uow:
            audit.record(
                uow.session,
                actor,
                "audit.export",
                "file",
                path.name,
                None,
                {
                    "rows": len(rows),
                    "since": f.since.isoformat() if f.since else None,
                    "until": f.until.isoformat() if f.until else None,
                    "operator": f.operator,
                    "action": f.action,
                },
            )
            uow.commit()
        logger.info("audit log export of %d entries written to %s", len(rows), path)
        return path


def audit_settings_zone(session: Any) -> str:
    from app.services.settings import read_settings

    return str(read_settings(session).get("site.timezone") or "Asia/Shanghai")
