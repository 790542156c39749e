"""Cashier service on real databases: top-ups, idempotency, refunds, adjustments, reversals."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text, update

from app.domain.enums import EntryKind
from app.errors import (
    AccountNotFoundError,
    AccountStateError,
    IdempotencyConflictError,
    InsufficientBalanceError,
    InvalidAmountError,
    PermissionDeniedError,
    ReversalError,
    TopUpCapExceededError,
    ValidationError,
)
from app.models import Account, AuditEntry, LedgerEntry, Receipt
from app.services import Services
from app.services.context import Actor
from app.services.ledger_check import verify_ledger
from tests.fixtures.site import ADMIN, build_small_site


def _counts(services: Services) -> tuple[int, int, int]:
    with services.db.uow() as uow:
        s = uow.session
        return (
            s.execute(select(func.count()).select_from(LedgerEntry)).scalar_one(),
            s.execute(select(func.count()).select_from(Receipt)).scalar_one(),
            s.execute(select(func.sum(Account.cash_fen))).scalar_one() or 0,
        )


def test_top_up_books_entry_receipt_and_audit(services: Services) -> None:
    site = build_small_site(services)
    acc = site.accounts["A-1-01"]
    r1 = services.cashier.top_up(ADMIN, acc, 12000, "cash", "k1")
    r2 = services.cashier.top_up(ADMIN, acc, 550, "wechat", "k2")
    assert (r1.balance_after_fen, r2.balance_after_fen) == (12000, 12550)
    year = r1.created_at.year
    assert (r1.receipt_no, r2.receipt_no) == (f"{year}-000001", f"{year}-000002")
    summary = services.accounts.summary(ADMIN, acc)
    assert (summary.cash_fen, summary.subsidy_fen, summary.balance_fen) == (12550, 0, 12550)
    page = services.accounts.ledger_page(ADMIN, acc)
    assert [(e.kind, e.amount_fen, e.receipt_no) for e in page.entries] == [
        ("top_up", 550, r2.receipt_no),
        ("top_up", 12000, r1.receipt_no),
    ]
    with services.db.uow() as uow:
        actions = uow.session.execute(
            select(AuditEntry.action, AuditEntry.target_id, AuditEntry.after)
            .where(AuditEntry.action == "top_up")
            .order_by(AuditEntry.id)
        ).all()
    assert [(a, t, after["amount_fen"]) for a, t, after in actions] == [
        ("top_up", acc, 12000),
        ("top_up", acc, 550),
    ]
    assert verify_ledger(services.db).ok


def test_same_key_books_once_and_returns_same_receipt(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-02"]
    first = services.cashier.top_up(ADMIN, acc, 5000, "cash", "form-1")
    again = services.cashier.top_up(ADMIN, acc, 5000, "cash", "form-1")
    assert again.replayed and not first.replayed
    assert (again.entry_id, again.receipt_no, again.balance_after_fen) == (
        first.entry_id,
        first.receipt_no,
        5000,
    )
    assert _counts(services)[:2] == (1, 1)
    with pytest.raises(IdempotencyConflictError):
        services.cashier.top_up(ADMIN, acc, 6000, "cash", "form-1")
    assert _counts(services)[:2] == (1, 1)


def test_same_key_from_two_threads_books_once(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-03"]
    barrier = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(services.cashier.top_up(ADMIN, acc, 8800, "alipay", "double-click"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 2
    receipts = {r.receipt_no for r in results}  # type: ignore[attr-defined]
    assert len(receipts) == 1
    assert sorted(r.replayed for r in results) == [False, True]  # type: ignore[attr-defined]
    assert services.accounts.summary(ADMIN, acc).balance_fen == 8800
    assert _counts(services)[:2] == (1, 1)
    assert verify_ledger(services.db).ok


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (0, InvalidAmountError),
        (-100, InvalidAmountError),
        (10**12, InvalidAmountError),
        (12.5, InvalidAmountError),
        ("100", InvalidAmountError),
        (True, InvalidAmountError),
    ],
)
def test_bad_amounts_write_nothing(services: Services, amount: object, error: type) -> None:
    acc = build_small_site(services).accounts["A-1-01"]
    before = _counts(services)
    with pytest.raises(error):
        services.cashier.top_up(ADMIN, acc, amount, "cash", "bad")  # type: ignore[arg-type]
    assert _counts(services) == before


def test_unknown_account_bad_channel_missing_key(services: Services) -> None:
    site = build_small_site(services)
    before = _counts(services)
    with pytest.raises(AccountNotFoundError):
        services.cashier.top_up(ADMIN, "Z-9-99/1", 100, "cash", "x1")
    with pytest.raises(ValidationError):
        services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 100, "bitcoin", "x2")
    with pytest.raises(ValidationError):
        services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 100, "cash", "")
    assert _counts(services) == before


def test_closed_account_refuses_top_up(services: Services) -> None:
    acc = build_small_site(services).accounts["B-1-01"]
    with services.db.uow() as uow:
        uow.session.execute(update(Account).where(Account.account_no == acc).values(state="closed"))
        uow.commit()
    before = _counts(services)
    with pytest.raises(AccountStateError) as info:
        services.cashier.top_up(ADMIN, acc, 100, "cash", "c1")
    assert info.value.state == "closed" and info.value.account_no == acc
    assert _counts(services) == before


def test_top_up_cap(services: Services) -> None:
    acc = build_small_site(services).accounts["B-1-02"]
    with services.db.uow() as uow:
        uow.session.execute(
            update(Account).where(Account.account_no == acc).values(top_up_cap_fen=100000)
        )
        uow.commit()
    services.cashier.top_up(ADMIN, acc, 90000, "cash", "cap1")
    with pytest.raises(TopUpCapExceededError):
        services.cashier.top_up(ADMIN, acc, 10001, "cash", "cap2")
    assert services.accounts.summary(ADMIN, acc).balance_fen == 90000


def test_refund_adjust_reverse(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-01"]
    top = services.cashier.top_up(ADMIN, acc, 10000, "cash", "t1")
    with pytest.raises(InsufficientBalanceError):
        services.cashier.refund(ADMIN, acc, 10001, "move-out")
    with pytest.raises(ValidationError):
        services.cashier.refund(ADMIN, acc, 100, "  ")
    refund = services.cashier.refund(ADMIN, acc, 2500, "退还多交款")
    assert refund.balance_after_fen == 7500 and refund.amount_fen == -2500
    with pytest.raises(ValidationError):
        services.cashier.adjust(ADMIN, acc, -100, "")
    adj = services.cashier.adjust(ADMIN, acc, -150, "抄表错误更正")
    assert adj.balance_after_fen == 7350
    rev = services.cashier.reverse(ADMIN, top.entry_id, "收错房间")
    assert rev.balance_after_fen == -2650 and rev.kind == EntryKind.REVERSAL
    with pytest.raises(ReversalError, match="already reversed"):
        services.cashier.reverse(ADMIN, top.entry_id, "again")
    with pytest.raises(ReversalError, match="cannot be reversed"):
        services.cashier.reverse(ADMIN, rev.entry_id, "undo")
    page = services.accounts.ledger_page(ADMIN, acc)
    assert page.entries[0].reverses_entry_id == top.entry_id
    assert sum(e.amount_fen for e in page.entries) == -2650
    assert verify_ledger(services.db).ok


def test_permissions_are_checked_in_the_service(services: Services) -> None:
    site = build_small_site(services)
    cashier = Actor(
        None,
        "cashier-x",
        frozenset({"cashier.top_up", "account.view"}),
        frozenset({site.building_ids["A"]}),
    )
    services.cashier.top_up(cashier, site.accounts["A-1-01"], 100, "cash", "p1")
    with pytest.raises(PermissionDeniedError):
        services.cashier.top_up(cashier, site.accounts["B-1-01"], 100, "cash", "p2")
    with pytest.raises(PermissionDeniedError):
        services.cashier.adjust(cashier, site.accounts["A-1-01"], 100, "gift")
    with pytest.raises(PermissionDeniedError):
        services.cashier.reverse(cashier, 1, "oops")
    assert [a.room_code for a in services.accounts.search(cashier, "")] == [
        "A-1-01",
        "A-1-02",
        "A-1-03",
    ]


def test_search_by_room_name_phone_initials(services: Services) -> None:
    site = build_small_site(services)
    assert [a.account_no for a in services.accounts.search(ADMIN, "A-1-02")] == [
        site.accounts["A-1-02"]
    ]
    assert [a.room_code for a in services.accounts.search(ADMIN, "李芳")] == ["A-1-02"]
    assert [a.room_code for a in services.accounts.search(ADMIN, "0003")] == ["A-1-03"]
    assert [a.room_code for a in services.accounts.search(ADMIN, "wxm")] == ["A-1-01"]
    assert [a.room_code for a in services.accounts.search(ADMIN, "alice")] == ["B-1-02"]
    assert services.accounts.search(ADMIN, "nobody-here") == []


def test_tampered_row_is_detected(services: Services) -> None:
    acc = build_small_site(services).accounts["A-1-01"]
    services.cashier.top_up(ADMIN, acc, 1000, "cash", "a")
    services.cashier.top_up(ADMIN, acc, 2000, "cash", "b")
    with services.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE ledger_entries SET amount_fen = amount_fen + 1 "
                "WHERE id = (SELECT min(id) FROM ledger_entries)"
            )
        )
    report = verify_ledger(services.db)
    assert not report.ok
    assert {p.account_no for p in report.problems} == {acc}
