"""The hash-chained audit log (SEC-3) on real databases: every kind of tampering done in SQL is
found and the first bad entry named; rollbacks leave nothing; legacy rows are sealed; concurrent
desks on PostgreSQL leave one unbroken chain."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text

from app.errors import InsufficientBalanceError, PermissionDeniedError, TopUpCapExceededError
from app.models import AuditEntry, Setting
from app.services import Services, audit
from app.services.audit_check import seal_legacy_entries, verify_audit_log
from app.services.context import Actor
from app.services.ledger_check import verify_ledger
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site


def _rows(services: Services) -> list[tuple[int, str, str, str]]:
    with services.db.uow() as uow:
        return [
            (r.id, r.action, r.prev_hash, r.hash)
            for r in uow.session.execute(
                select(
                    AuditEntry.id, AuditEntry.action, AuditEntry.prev_hash, AuditEntry.hash
                ).order_by(AuditEntry.id)
            )
        ]


def _sql(services: Services, statement: str, **params: object) -> None:
    with services.db.uow() as uow:
        uow.session.execute(text(statement), params)
        uow.commit()


def _busy_log(services: Services) -> list[int]:
    """A site with a mix of entries written through the hot path and through sessions."""
    site = build_small_site(services)  # 5 × open_account
    acc = site.accounts["A-1-01"]
    for i in range(4):
        services.cashier.top_up(ADMIN, acc, 1000 + i, "cash", f"k{i}")
    services.cashier.refund(ADMIN, acc, 500, "退款")
    services.settings.set(ADMIN, "site.name", "测试站")
    services.cashier.top_up(ADMIN, site.accounts["B-1-01"], 200, "wechat", "k-b")
    return [r[0] for r in _rows(services)]


def test_every_entry_is_sealed_onto_one_chain(services: Services) -> None:
    ids = _busy_log(services)
    rows = _rows(services)
    assert len(rows) == 12
    assert rows[0][2] == ""  # the first entry starts the chain
    for (_, _, _, prev_seal), (_, _, link, seal) in itertools.pairwise(rows):
        assert link == prev_seal and len(seal) == 64
    report = verify_audit_log(services.db)
    assert report.ok and report.status == "ok", report.problems
    assert (report.entries, report.sealed) == (12, 12)
    assert report.head is not None
    assert (report.head.last_id, report.head.last_hash, report.head.count) == (
        ids[-1],
        rows[-1][3],
        12,
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("after", '{"amount_fen":9900,"balance_fen":9900,"channel":"cash","receipt":"x"}'),
        ("before", None),
        ("operator_login", "someone-else"),
        ("action", "refund"),
        ("target_id", "B-1-02/1"),
        ("at", datetime(2020, 1, 1)),
    ],
)
def test_an_edited_field_is_found(services: Services, column: str, value: object) -> None:
    ids = _busy_log(services)
    victim = ids[6]  # the second top-up
    _sql(services, f"UPDATE audit_entries SET {column} = :v WHERE id = :id", v=value, id=victim)
    report = verify_audit_log(services.db)
    assert not report.ok and report.status == "tampered"
    first = report.first_problem
    assert first is not None and first.entry_id == victim
    assert "does not match its seal" in first.message
    assert len(report.problems) == 1  # the rest of the chain still checks out


@pytest.mark.parametrize(
    ("column", "value"), [("at", "yesterday"), ("after", "{not json"), ("before", "[1,")]
)
def test_values_of_the_wrong_type_are_found_on_sqlite(
    sqlite_url: str, column: str, value: str
) -> None:
    """SQLite stores whatever is written: the check reports such a row instead of failing."""
    db = Database(sqlite_url)
    db.upgrade()
    services = Services(db)
    ids = _busy_log(services)
    _sql(services, f"UPDATE audit_entries SET {column} = :v WHERE id = :id", v=value, id=ids[3])
    first = verify_audit_log(services.db).first_problem
    assert first is not None and first.entry_id == ids[3] and not first.deleted
    db.dispose()


def test_a_deleted_middle_entry_is_found(services: Services) -> None:
    ids = _busy_log(services)
    _sql(services, "DELETE FROM audit_entries WHERE id = :id", id=ids[5])
    report = verify_audit_log(services.db)
    first = report.first_problem
    assert first is not None and first.entry_id == ids[6] and first.action == "top_up"
    assert "entry before it was deleted" in first.message


def test_deleting_the_first_entry_is_found(services: Services) -> None:
    ids = _busy_log(services)
    _sql(services, "DELETE FROM audit_entries WHERE id = :id", id=ids[0])
    first = verify_audit_log(services.db).first_problem
    assert first is not None and first.entry_id == ids[1]


@pytest.mark.parametrize("n", [1, 3])
def test_entries_deleted_at_the_end_are_found(services: Services, n: int) -> None:
    ids = _busy_log(services)
    _sql(services, "DELETE FROM audit_entries WHERE id >= :id", id=ids[-n])
    report = verify_audit_log(services.db)
    assert report.status == "tampered" and len(report.problems) == 1
    first = report.first_problem
    assert first is not None and first.entry_id == ids[-1] and first.deleted
    assert f"ends at #{ids[-n - 1]}" in first.message and "were deleted" in first.message


def test_deleting_every_entry_is_found(services: Services) -> None:
    _busy_log(services)
    _sql(services, "DELETE FROM audit_entries")
    first = verify_audit_log(services.db).first_problem
    assert first is not None and "the log is empty" in first.message


def test_deleting_the_tail_and_the_head_is_found(services: Services) -> None:
    ids = _busy_log(services)
    _sql(services, "DELETE FROM audit_entries WHERE id = :id", id=ids[-1])
    _sql(services, "DELETE FROM settings WHERE key = :k", k=audit.CHAIN_HEAD_KEY)
    report = verify_audit_log(services.db)
    first = report.first_problem
    assert first is not None and first.entry_id is None and "head is missing" in first.message
    # the next write does not paper over it: it rebuilds the head and says so in the chain
    services.cashier.top_up(ADMIN, build_acc(services), 100, "cash", "after-the-fact")
    report = verify_audit_log(services.db)
    actions = [r[1] for r in _rows(services)]
    assert actions[-2:] == [audit.HEAD_REBUILT_ACTION, "top_up"]
    first = report.first_problem
    assert first is not None and first.action == audit.HEAD_REBUILT_ACTION
    assert "rebuilt" in first.message


def build_acc(services: Services) -> str:
    with services.db.uow() as uow:
        return str(uow.session.execute(text("SELECT min(account_no) FROM accounts")).scalar_one())


def test_an_overwritten_head_is_found(services: Services) -> None:
    _busy_log(services)
    _sql(
        services,
        "UPDATE settings SET value = :v WHERE key = :k",
        v=json.dumps({"id": 1, "hash": "0" * 64, "count": 1}),
        k=audit.CHAIN_HEAD_KEY,
    )
    first = verify_audit_log(services.db).first_problem
    assert first is not None and first.entry_id == 1 and "were deleted" in first.message


def test_two_swapped_entries_are_found(services: Services) -> None:
    ids = _busy_log(services)
    a, b = ids[6], ids[7]
    _sql(services, "UPDATE audit_entries SET id = :tmp WHERE id = :a", tmp=-1, a=a)
    _sql(services, "UPDATE audit_entries SET id = :a WHERE id = :b", a=a, b=b)
    _sql(services, "UPDATE audit_entries SET id = :b WHERE id = :tmp", b=b, tmp=-1)
    report = verify_audit_log(services.db)
    first = report.first_problem
    assert first is not None and first.entry_id == a


def test_swapped_contents_with_their_seals_are_found(services: Services) -> None:
    ids = _busy_log(services)
    a, b = ids[6], ids[8]
    with services.db.uow() as uow:
        s = uow.session
        cols = ("at", "action", "target_id", "before", "after", "prev_hash", "hash")
        ra = s.execute(select(*(getattr(AuditEntry, c) for c in cols)).where(AuditEntry.id == a))
        rb = s.execute(select(*(getattr(AuditEntry, c) for c in cols)).where(AuditEntry.id == b))
        va, vb = dict(zip(cols, ra.one(), strict=True)), dict(zip(cols, rb.one(), strict=True))
        s.execute(AuditEntry.__table__.update().where(AuditEntry.id == a).values(**vb))
        s.execute(AuditEntry.__table__.update().where(AuditEntry.id == b).values(**va))
        uow.commit()
    first = verify_audit_log(services.db).first_problem
    assert first is not None and first.entry_id == a


def test_a_row_inserted_around_the_service_is_found(services: Services) -> None:
    ids = _busy_log(services)
    with services.db.uow() as uow:
        uow.session.execute(
            insert(AuditEntry).values(
                at=datetime.now(UTC),
                operator_login="intruder",
                action="top_up",
                target_type="account",
                target_id="A-1-01/1",
            )
        )
        uow.commit()
    first = verify_audit_log(services.db).first_problem
    assert first is not None and first.entry_id == ids[-1] + 1
    assert "not sealed" in first.message


def test_rolled_back_work_leaves_no_entry(services: Services) -> None:
    site = build_small_site(services)
    acc = site.accounts["A-1-02"]
    services.cashier.top_up(ADMIN, acc, 100, "cash", "ok-1")
    before = _rows(services)
    with pytest.raises(InsufficientBalanceError):  # session path: refund
        services.cashier.refund(ADMIN, acc, 999, "too much")
    with services.db.uow() as uow:  # the top-up cap is checked after the balance moved
        uow.session.execute(text("UPDATE accounts SET top_up_cap_fen = 150"))
        uow.commit()
    with pytest.raises(TopUpCapExceededError):  # hot path
        services.cashier.top_up(ADMIN, acc, 100, "cash", "over-cap")
    scoped = Actor(None, "desk-b", frozenset({"cashier.top_up"}), frozenset({-1}))
    with pytest.raises(PermissionDeniedError):
        services.cashier.top_up(scoped, acc, 10, "cash", "out-of-scope")
    with services.db.uow() as uow:  # an explicit rollback drops what was recorded
        audit.record(uow.session, ADMIN, "probe", "account", acc)
        uow.rollback()
        uow.commit()
    assert _rows(services) == before
    assert services.accounts.summary(ADMIN, acc).balance_fen == 100
    assert verify_audit_log(services.db).ok
    assert verify_ledger(services.db).ok


def test_an_entry_recorded_in_a_rolled_back_savepoint_is_dropped(services: Services) -> None:
    build_small_site(services)
    n = len(_rows(services))
    with services.db.uow() as uow:
        s = uow.session
        audit.record(s, ADMIN, "kept", "site", "T")
        nested = s.begin_nested()
        audit.record(s, ADMIN, "dropped", "site", "T")
        nested.rollback()
        nested = s.begin_nested()
        audit.record(s, ADMIN, "kept-too", "site", "T")
        nested.commit()
        uow.commit()
    assert [r[1] for r in _rows(services)[n:]] == ["kept", "kept-too"]
    assert verify_audit_log(services.db).ok


def _legacy_rows(services: Services, n: int) -> None:
    """Rows as an older version wrote them: no seal, no chain head."""
    with services.db.uow() as uow:
        for i in range(n):
            uow.session.execute(
                insert(AuditEntry).values(
                    at=datetime(2026, 1, 1, 8, i, tzinfo=UTC),
                    operator_login="old",
                    action="top_up",
                    target_type="account",
                    target_id=f"X-{i}",
                    before={"balance_fen": i},
                    after={"balance_fen": i + 1, "备注": "旧版本"},
                )
            )
        uow.commit()


def test_legacy_rows_are_sealed_by_the_first_write(services: Services) -> None:
    _legacy_rows(services, 3)
    report = verify_audit_log(services.db)
    assert report.status == "not_sealed" and report.legacy_unsealed == 3 and not report.ok
    build_small_site(services)  # the first audited write
    rows = _rows(services)
    assert [r[1] for r in rows[:5]] == ["top_up"] * 3 + [audit.SEAL_LEGACY_ACTION, "open_account"]
    assert all(r[3] for r in rows)
    report = verify_audit_log(services.db)
    assert report.ok and report.sealed == len(rows), report.problems
    with services.db.uow() as uow:
        note = uow.session.execute(
            select(AuditEntry.after).where(AuditEntry.action == audit.SEAL_LEGACY_ACTION)
        ).scalar_one()
    assert note == {"entries": 3, "through_id": rows[2][0]}
    # sealed legacy rows are protected like any other
    _sql(services, "UPDATE audit_entries SET target_id = 'Y' WHERE id = :id", id=rows[1][0])
    first = verify_audit_log(services.db).first_problem
    assert first is not None and first.entry_id == rows[1][0]


def test_seal_legacy_on_demand(services: Services) -> None:
    assert seal_legacy_entries(services.db) == 0  # empty log: nothing to do
    _legacy_rows(services, 2)
    assert seal_legacy_entries(services.db) == 2
    assert seal_legacy_entries(services.db) == 0  # idempotent
    report = verify_audit_log(services.db)
    assert report.ok and report.sealed == 3


def test_no_head_row_before_the_first_entry(services: Services) -> None:
    assert verify_audit_log(services.db).ok  # an empty log is intact
    with services.db.uow() as uow:
        assert uow.session.get(Setting, audit.CHAIN_HEAD_KEY) is None


def test_concurrent_desks_leave_one_chain(services: Services) -> None:
    """Several desks at once (threads; on PostgreSQL truly concurrent): top-ups on one account
    and on several, refunds and settings changes through sessions, all on one unbroken chain."""
    site = build_small_site(services)
    accounts = list(site.accounts.values())
    n_threads, per_thread = 6, 15
    barrier = threading.Barrier(n_threads)
    errors: list[BaseException] = []

    def desk(t: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                services.cashier.top_up(ADMIN, accounts[0], 100, "cash", f"same-{t}-{i}")
                services.cashier.top_up(
                    ADMIN, accounts[1 + (t + i) % 4], 200, "cash", f"spread-{t}-{i}"
                )
                if i % 5 == 0:
                    services.cashier.refund(ADMIN, accounts[0], 50, f"desk {t}")
                    services.settings.set(ADMIN, f"probe.desk{t}", i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not errors, errors[:3]
    report = verify_audit_log(services.db)
    assert report.ok, report.problems[:3]
    expected = 5 + n_threads * per_thread * 2 + n_threads * 3 * 2
    assert report.sealed == expected and report.head is not None
    assert report.head.count == expected
    with services.db.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == (
            expected
        )
    assert verify_ledger(services.db).ok


@pytest.mark.postgres
def test_first_receipts_of_a_new_year_from_two_desks(pg_schema_url: str) -> None:
    """Two desks open a new year's receipt sequence at the same moment: both land, 1 and 2."""
    db = Database(pg_schema_url)
    db.upgrade()
    services = Services(db)
    acc = build_small_site(services).accounts["A-1-01"]
    barrier = threading.Barrier(2)
    results: list[str | None] = []
    errors: list[BaseException] = []
    at = datetime(2031, 1, 1, 0, 0, 1, tzinfo=UTC)

    def desk(t: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(
                services.cashier.top_up(ADMIN, acc, 100, "cash", f"ny-{t}", at=at).receipt_no
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(t,)) for t in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors, errors
    assert sorted(r or "" for r in results) == ["2031-000001", "2031-000002"]
    assert verify_ledger(db).ok and verify_audit_log(db).ok
    db.dispose()
