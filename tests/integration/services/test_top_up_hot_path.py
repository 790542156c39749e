"""The top-up hot path (one raw transaction, pipelined on PostgreSQL) keeps every guarantee of
the session path: scope, state, cap, idempotency, gap-free receipts, one audit entry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update

from app.errors import AccountNotFoundError, PermissionDeniedError
from app.models import Account, AuditEntry, LedgerEntry, Receipt
from app.services import Services, audit
from app.services.audit_check import verify_audit_log
from app.services.context import Actor
from app.services.ledger_check import verify_ledger
from tests.fixtures.site import ADMIN, build_small_site


def _counts(services: Services) -> tuple[int, int, int]:
    with services.db.uow() as uow:
        s = uow.session
        return tuple(  # type: ignore[return-value]
            s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (LedgerEntry, Receipt, AuditEntry)
        )


def test_a_replay_does_not_cross_the_building_scope(services: Services) -> None:
    site = build_small_site(services)
    acc_b = site.accounts["B-1-01"]
    services.cashier.top_up(ADMIN, acc_b, 700, "cash", "desk-b-1")
    desk_a = Actor(
        None, "desk-a", frozenset({"cashier.top_up"}), frozenset({site.building_ids["A"]})
    )
    before = _counts(services)
    with pytest.raises(PermissionDeniedError):
        services.cashier.top_up(desk_a, acc_b, 700, "cash", "desk-b-1")  # same key, same request
    with pytest.raises(PermissionDeniedError):
        services.cashier.top_up(desk_a, acc_b, 800, "cash", "desk-b-1")
    assert _counts(services) == before


def test_a_replay_returns_the_booking_even_after_the_account_closed(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-03"]
    first = services.cashier.top_up(ADMIN, acc, 300, "cash", "before-close")
    with services.db.uow() as uow:
        uow.session.execute(update(Account).where(Account.account_no == acc).values(state="closed"))
        uow.commit()
    again = services.cashier.top_up(ADMIN, acc, 300, "cash", "before-close")
    assert again.replayed and (again.entry_id, again.receipt_no) == (
        first.entry_id,
        first.receipt_no,
    )


def test_unknown_account_writes_nothing(services: Services) -> None:
    build_small_site(services)
    before = _counts(services)
    with pytest.raises(AccountNotFoundError):
        services.cashier.top_up(ADMIN, "Z-9-99/1", 100, "cash", "nobody")
    assert _counts(services) == before


def test_a_new_year_opens_its_own_receipt_sequence(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-01"]
    late = datetime(2030, 12, 31, 15, 59, 59, tzinfo=UTC)
    early = datetime(2031, 1, 1, 0, 0, 1, tzinfo=UTC)
    numbers = [
        services.cashier.top_up(ADMIN, acc, 100, "cash", f"y{i}", at=at).receipt_no
        for i, at in enumerate((late, late, early, early))
    ]
    assert numbers == ["2030-000001", "2030-000002", "2031-000001", "2031-000002"]
    assert verify_ledger(services.db).ok and verify_audit_log(services.db).ok


def test_the_audit_entry_of_a_top_up_carries_the_booking(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-02"]
    services.cashier.top_up(ADMIN, acc, 1234, "alipay", "ae-1")
    r = services.cashier.top_up(ADMIN, acc, 66, "cash", "ae-2", reference="REF-9")
    with services.db.uow() as uow:
        entry = uow.session.execute(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar_one()
        ledger = uow.session.get(LedgerEntry, r.entry_id)
        assert ledger is not None
        assert (ledger.reference, ledger.balance_after_fen, ledger.pocket_after_fen) == (
            "REF-9",
            1300,
            1300,
        )
        assert (entry.action, entry.target_id, entry.operator_login) == ("top_up", acc, ADMIN.login)
        assert entry.before == {"balance_fen": 1234}
        assert entry.after == {
            "amount_fen": 66,
            "balance_fen": 1300,
            "channel": "cash",
            "receipt": r.receipt_no,
        }
        assert entry.at == r.created_at


def test_a_top_up_can_start_the_chain_and_seal_legacy_rows(services: Services) -> None:
    """The first audited write of an older database may be a top-up (the hot path)."""
    acc = build_small_site(services).accounts["A-1-01"]
    with services.db.uow() as uow:  # as an older version left it: unsealed rows, no head
        s = uow.session
        s.execute(text("UPDATE audit_entries SET prev_hash = '', hash = ''"))
        s.execute(text("DELETE FROM settings WHERE key = :k"), {"k": audit.CHAIN_HEAD_KEY})
        uow.commit()
    assert verify_audit_log(services.db).status == "not_sealed"
    services.cashier.top_up(ADMIN, acc, 100, "cash", "first-of-chain")
    services.cashier.top_up(ADMIN, acc, 100, "cash", "second")
    report = verify_audit_log(services.db)
    assert report.ok and report.sealed == 5 + 1 + 2, report.problems
    with services.db.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[5:] == [audit.SEAL_LEGACY_ACTION, "top_up", "top_up"]


def test_a_top_up_on_an_empty_log_starts_the_chain(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-01"]
    with services.db.uow() as uow:
        uow.session.execute(text("DELETE FROM audit_entries"))
        uow.session.execute(
            text("DELETE FROM settings WHERE key = :k"), {"k": audit.CHAIN_HEAD_KEY}
        )
        uow.commit()
    services.cashier.top_up(ADMIN, acc, 100, "cash", "first")
    report = verify_audit_log(services.db)
    assert report.ok and report.sealed == 1 and report.head is not None
