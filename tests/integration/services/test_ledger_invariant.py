"""The ledger invariant under generated sequences of operations, and under concurrency."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain.enums import Category, EntryKind, Pocket
from app.errors import AccountNotFoundError, InsufficientBalanceError, ReversalError
from app.models import Account, LedgerEntry
from app.services import Services
from app.services.ledger import Batch, lock_account, post
from app.services.ledger_check import verify_ledger
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site

ROOMS = ("A-1-01", "A-1-02", "B-1-01")

op_strategy = st.one_of(
    st.tuples(st.just("top_up"), st.sampled_from(ROOMS), st.integers(1, 500_000)),
    st.tuples(st.just("refund"), st.sampled_from(ROOMS), st.integers(1, 300_000)),
    st.tuples(st.just("adjust"), st.sampled_from(ROOMS), st.integers(-50_000, 50_000)),
    st.tuples(st.just("charge"), st.sampled_from(ROOMS), st.integers(1, 80_000)),
    st.tuples(st.just("subsidy"), st.sampled_from(ROOMS), st.integers(1, 20_000)),
    st.tuples(st.just("reverse"), st.sampled_from(ROOMS), st.integers(0, 50)),
)


@pytest.fixture(scope="module")
def shared_services(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Services, dict[str, str]]]:
    path: Path = tmp_path_factory.mktemp("inv") / "inv.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    services = Services(db)
    site = build_small_site(services)
    yield services, site.accounts
    db.dispose()


def _charge(services: Services, account_no: str, amount: int) -> None:
    """A consumption charge as settlement will post it: subsidy pocket first, then cash."""
    with services.db.uow() as uow:
        acc = lock_account(uow.session, account_no=account_no, for_update=uow.for_update)
        from_subsidy = min(max(acc.subsidy_fen, 0), amount)
        if from_subsidy:
            post(
                uow.session,
                acc,
                kind=EntryKind.ELECTRICITY_CHARGE,
                category=Category.ELECTRICITY,
                pocket=Pocket.SUBSIDY,
                amount_fen=-from_subsidy,
                operator_id=None,
            )
            acc = lock_account(uow.session, account_no=account_no, for_update=uow.for_update)
        if amount - from_subsidy:
            post(
                uow.session,
                acc,
                kind=EntryKind.ELECTRICITY_CHARGE,
                category=Category.ELECTRICITY,
                pocket=Pocket.CASH,
                amount_fen=-(amount - from_subsidy),
                operator_id=None,
            )
        uow.commit()


def _subsidy(services: Services, account_no: str, amount: int) -> None:
    with services.db.uow() as uow:
        acc = lock_account(uow.session, account_no=account_no, for_update=uow.for_update)
        post(
            uow.session,
            acc,
            kind=EntryKind.SUBSIDY_GRANT,
            category=Category.SUBSIDY,
            pocket=Pocket.SUBSIDY,
            amount_fen=amount,
            operator_id=None,
        )
        uow.commit()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(op_strategy, min_size=1, max_size=25))
def test_balance_always_equals_sum_of_entries(
    shared_services: tuple[Services, dict[str, str]], ops: list[tuple[str, str, int]]
) -> None:
    services, accounts = shared_services
    expected = {
        room: services.accounts.summary(ADMIN, accounts[room]).balance_fen for room in ROOMS
    }
    booked: list[tuple[int, str, int]] = []  # (entry id, room, amount) that may be reversed
    for kind, room, amount in ops:
        acc = accounts[room]
        if kind == "top_up":
            r = services.cashier.top_up(ADMIN, acc, amount, "cash", uuid.uuid4().hex)
            booked.append((r.entry_id, room, amount))
            expected[room] += amount
        elif kind == "refund":
            cash = services.accounts.summary(ADMIN, acc).cash_fen
            if amount > cash:
                with pytest.raises(InsufficientBalanceError):
                    services.cashier.refund(ADMIN, acc, amount, "test")
            else:
                r = services.cashier.refund(ADMIN, acc, amount, "test")
                booked.append((r.entry_id, room, -amount))
                expected[room] -= amount
        elif kind == "adjust":
            if amount == 0:
                continue
            r = services.cashier.adjust(ADMIN, acc, amount, "test")
            booked.append((r.entry_id, room, amount))
            expected[room] += amount
        elif kind == "charge":
            _charge(services, acc, amount)
            expected[room] -= amount
        elif kind == "subsidy":
            _subsidy(services, acc, amount)
            expected[room] += amount
        elif kind == "reverse" and booked:
            entry_id, r_room, r_amount = booked.pop(amount % len(booked))
            services.cashier.reverse(ADMIN, entry_id, "test")
            expected[r_room] -= r_amount
            with pytest.raises(ReversalError):
                services.cashier.reverse(ADMIN, entry_id, "twice")
        for r in ROOMS:
            assert services.accounts.summary(ADMIN, accounts[r]).balance_fen == expected[r]
    report = verify_ledger(services.db)
    assert report.ok, report.problems


@pytest.mark.postgres
def test_eight_threads_fifty_top_ups_each_on_postgres(pg_schema_url: str) -> None:
    db = Database(pg_schema_url)
    db.upgrade()
    services = Services(db)
    acc = build_small_site(services).accounts["A-1-01"]
    n_threads, per_thread = 8, 50
    barrier = threading.Barrier(n_threads)
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                services.cashier.top_up(ADMIN, acc, 100 + t, "cash", f"t{t}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not errors, errors[:3]
    expected = sum((100 + t) * per_thread for t in range(n_threads))
    assert services.accounts.summary(ADMIN, acc).balance_fen == expected
    report = verify_ledger(db)
    assert report.ok, report.problems
    assert report.receipts_checked == n_threads * per_thread
    db.dispose()


def test_a_batch_books_as_one_post_per_entry(services: Services) -> None:
    """ledger.Batch: running balances per account in posting order, one version step per entry,
    the accounts' pockets moved by their sums — the same rows as one ``post`` per entry."""
    build_small_site(services)
    a = services.accounts.search(ADMIN, "A-1-01")[0].account_no
    b = services.accounts.search(ADMIN, "A-1-02")[0].account_no
    services.cashier.top_up(ADMIN, a, 10_000, "cash", "batch-a")
    with services.db.uow() as uow:
        s = uow.session
        ids = {no: lock_account(s, account_no=no, for_update=False).id for no in (a, b)}
        versions = {i: v for i, v in s.execute(select(Account.id, Account.version))}
        batch = Batch(s, at=datetime(2026, 7, 1, tzinfo=UTC), channel="system")
        batch.lock([ids[b], ids[a]])
        assert (batch.cash_fen(ids[a]), batch.subsidy_fen(ids[a])) == (10_000, 0)
        kw = {"kind": EntryKind.ELECTRICITY_CHARGE, "category": Category.ELECTRICITY}
        batch.post(ids[a], pocket=Pocket.SUBSIDY, amount_fen=500, **kw)
        batch.post(ids[a], pocket=Pocket.CASH, amount_fen=-1_200, quantity=Decimal("1.5"), **kw)
        batch.post(
            ids[b], pocket=Pocket.CASH, amount_fen=-300, reference="r-b", point_id=None, **kw
        )
        batch.post(ids[a], pocket=Pocket.SUBSIDY, amount_fen=-200, **kw)
        assert batch.flush() == 4
        uow.commit()
    with services.db.uow() as uow:
        s = uow.session
        rows = s.execute(
            select(
                LedgerEntry.account_id,
                LedgerEntry.pocket,
                LedgerEntry.amount_fen,
                LedgerEntry.balance_after_fen,
                LedgerEntry.pocket_after_fen,
                LedgerEntry.quantity,
                LedgerEntry.channel,
            )
            .where(LedgerEntry.created_at == datetime(2026, 7, 1, tzinfo=UTC))
            .order_by(LedgerEntry.id)
        ).all()
        assert [tuple(r) for r in rows] == [
            (ids[a], "subsidy", 500, 10_500, 500, None, "system"),
            (ids[a], "cash", -1_200, 9_300, 8_800, Decimal("1.5"), "system"),
            (ids[b], "cash", -300, -300, -300, None, "system"),  # in posting order
            (ids[a], "subsidy", -200, 9_100, 300, None, "system"),
        ]
        after = {i: v for i, v in s.execute(select(Account.id, Account.version))}
        assert after[ids[a]] == versions[ids[a]] + 3 and after[ids[b]] == versions[ids[b]] + 1
    assert services.accounts.summary(ADMIN, a).balance_fen == 9_100
    assert verify_ledger(services.db).ok
    with services.db.uow() as uow, pytest.raises(AccountNotFoundError):
        Batch(uow.session, at=datetime(2026, 7, 1, tzinfo=UTC), channel=None).lock([999_999])
