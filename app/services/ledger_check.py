"""The ledger invariant check as a use case (``ledger verify``)."""

from __future__ import annotations

from app.services import ledger
from app.services.dto import LedgerReport
from app.services.unit_of_work import Database


def verify_ledger(db: Database) -> LedgerReport:
    with db.uow() as uow:
        return ledger.verify(uow.session)
