"""Record who did what, when, with before/after (SEC-3). Append-only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from app.models.base import utcnow
from app.services.context import Actor
from app.services.rawsql import RawStatement, db_json, db_time

_INSERT = RawStatement(
    "INSERT INTO audit_entries (at, operator_id, operator_login, action, target_type, target_id, "
    "before, after, prev_hash, hash) VALUES (:at, :operator_id, :operator_login, :action, "
    ":target_type, :target_id, :before, :after, '', '')"
)


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
    """Add an audit entry in the caller's transaction (so it commits or rolls back with it)."""
    _INSERT.run(
        session,
        {
            "at": db_time(at or utcnow()),
            "operator_id": actor.operator_id,
            "operator_login": actor.login,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "before": db_json(session, dict(before) if before is not None else None),
            "after": db_json(session, dict(after) if after is not None else None),
        },
    )
