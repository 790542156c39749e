"""Record who did what, when, with before/after (SEC-3). Append-only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from app.models.audit import AuditEntry  # noqa: F401  (registers the table)
from app.models.base import Base, utcnow
from app.services.context import Actor

_INSERT = Base.metadata.tables["audit_entries"].insert()


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
    session.connection().execute(
        _INSERT,
        {
            "at": at or utcnow(),
            "operator_id": actor.operator_id,
            "operator_login": actor.login,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "before": dict(before) if before is not None else None,
            "after": dict(after) if after is not None else None,
            "prev_hash": "",
            "hash": "",
        },
    )
