"""The monthly property fee on a real database (BILL-4): area × rate, months from the move-in,
catch-up after the PC was off, exactly once however often and however concurrently it runs, cash
pocket only, and the arrears policy's property-fee linkage (物业联动)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from app.errors import ValidationError
from app.models import Account, AuditEntry, LedgerEntry, Occupancy, Room
from app.services import Services
from app.services.ledger_check import verify_ledger
from app.services.property_fee import (
    PropertyFeeService,
    charge_property_fees,
    parse_property_fee_config,
)
from app.services.unit_of_work import Database
from tests.fixtures.control import (
    FakeMeters,
    account_no,
    balance,
    evaluate,
    owe,
    point_state,
    runner,
    top_up,
)
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, build_small_site

SH = ZoneInfo("Asia/Shanghai")
ROOMS = ("A-1-01", "A-1-02", "A-1-03", "B-1-01", "B-1-02")


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def site(services: Services) -> Services:
    """Five accounts moved in on 15 June 2026; A-1-01 is 45.50 m², the others 35.50 m²."""
    build_small_site(services)
    with services.db.uow() as uow:
        uow.session.execute(update(Occupancy).values(move_in=local(2026, 6, 15, 9)))
        uow.session.execute(
            update(Room).where(Room.code == "A-1-01").values(area_m2=Decimal("45.50"))
        )
        uow.commit()
    return services


def configure(services: Services, **config: object) -> None:
    services.settings.set(ADMIN, "billing.property_fee", config)


def run(services: Services, now: datetime) -> list[tuple[str, str, int]]:
    """One run; (account no, month, fee) of what it booked."""
    report = PropertyFeeService(services.db).charge_due(ADMIN, now)
    return [(c.account_no, c.month, c.amount_fen) for c in report.charges]


def fees(services: Services, room: str) -> list[tuple[str, int, str, str | None]]:
    """(month key, amount, pocket, reason) of the room's property-fee entries."""
    with services.db.uow() as uow:
        return [
            (str(key).rsplit(":", 1)[-1], amount, pocket, reason)
            for key, amount, pocket, reason in uow.session.execute(
                select(
                    LedgerEntry.idempotency_key,
                    LedgerEntry.amount_fen,
                    LedgerEntry.pocket,
                    LedgerEntry.reason,
                )
                .join(Account, Account.id == LedgerEntry.account_id)
                .where(
                    Account.account_no == account_no(services, room),
                    LedgerEntry.kind == "property_fee",
                    LedgerEntry.category == "property",
                )
                .order_by(LedgerEntry.id)
            )
        ]


def test_area_times_rate_once_per_month(site: Services) -> None:
    services = site
    configure(services, mode="area", rate="2.3456", deduct_day=1)
    assert run(services, local(2026, 6, 30, 23, 59)) == []  # moved in after June's deduct day
    booked = run(services, local(2026, 7, 1, 0, 30))
    # 45.50 × 2.3456 = 106.7248 → 106.72; 35.50 × 2.3456 = 83.2688 → 83.27
    assert sorted(booked) == sorted(
        [(account_no(services, r), "2026-07", 10672 if r == "A-1-01" else 8327) for r in ROOMS]
    )
    assert fees(services, "A-1-01") == [("2026-07", -10672, "cash", "2026年7月物业费")]
    assert balance(services, "A-1-01") == -10672
    assert run(services, local(2026, 7, 1, 0, 45)) == []  # run twice → once
    assert run(services, local(2026, 7, 20)) == []
    assert verify_ledger(services.db).ok
    with services.db.uow() as uow:
        audits = uow.session.execute(
            select(AuditEntry.action, AuditEntry.target_id).where(
                AuditEntry.action == "property_fee.charge"
            )
        ).all()
    assert [tuple(a) for a in audits] == [("property_fee.charge", "2026-07")]


def test_catch_up_after_the_pc_was_off_for_two_months(site: Services) -> None:
    services = site
    configure(services, mode="fixed", fixed_fen=8000, deduct_day=5)
    acc = account_no(services, "A-1-01")
    # moved in on 15 June, after June's deduct day: July is the first month
    assert [b for b in run(services, local(2026, 7, 5, 8)) if b[0] == acc] == [
        (acc, "2026-07", 8000)
    ]
    # the PC was off from mid-July to 4 September: August is caught up, September not yet due
    assert [b for b in run(services, local(2026, 9, 4, 23)) if b[0] == acc] == [
        (acc, "2026-08", 8000)
    ]
    # and after two more months off
    assert [b for b in run(services, local(2026, 11, 6)) if b[0] == acc] == [
        (acc, "2026-09", 8000),
        (acc, "2026-10", 8000),
        (acc, "2026-11", 8000),
    ]
    assert [f[0] for f in fees(services, "A-1-01")] == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    assert balance(services, "A-1-01") == -40_000
    assert verify_ledger(services.db).ok


def test_start_month_caps_the_catch_up_on_a_site_with_old_tenants(site: Services) -> None:
    services = site
    with services.db.uow() as uow:
        uow.session.execute(update(Occupancy).values(move_in=local(2019, 3, 1)))
        uow.commit()
    configure(services, mode="fixed", fixed_fen=5000, deduct_day=1, start_month="2026-10")
    booked = run(services, local(2026, 11, 24))
    assert sorted({m for _a, m, _f in booked}) == ["2026-10", "2026-11"]
    assert len(booked) == 2 * len(ROOMS)


def test_concurrent_runs_book_each_month_once(site: Services, db_url: str) -> None:
    services = site
    configure(services, mode="area", rate="2.3456", deduct_day=1)
    now = local(2026, 9, 2)  # July, August and September due
    start = threading.Barrier(3, timeout=30)
    reports: list[int] = []
    errors: list[BaseException] = []

    def desk() -> None:
        db = Database(db_url)
        try:
            start.wait()
            reports.append(len(PropertyFeeService(db).charge_due(ADMIN, now).charges))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=desk) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(reports) == [0, 0, 3 * len(ROOMS)]
    with services.db.uow() as uow:
        keys = list(
            uow.session.scalars(
                select(LedgerEntry.idempotency_key).where(LedgerEntry.kind == "property_fee")
            )
        )
    assert len(keys) == len(set(keys)) == 3 * len(ROOMS)
    assert balance(services, "A-1-01") == -3 * 10672
    assert verify_ledger(services.db).ok


def test_the_fee_is_drawn_from_cash_not_from_the_subsidy(site: Services) -> None:
    services = site
    acc = account_no(services, "A-1-01")
    services.cashier.adjust(ADMIN, acc, 20_000, "补助发放", pocket="subsidy")
    top_up(services, "A-1-01", 5_000, "cash-50")
    configure(services, mode="area", rate="2.3456", deduct_day=1)
    run(services, local(2026, 7, 1, 8))
    summary = services.accounts.summary(ADMIN, acc)
    assert (summary.cash_fen, summary.subsidy_fen) == (5_000 - 10672, 20_000)


def test_suspended_accounts_are_not_charged(site: Services) -> None:
    services = site
    configure(services, mode="fixed", fixed_fen=8000, deduct_day=1)
    acc = account_no(services, "B-1-02")
    with services.db.uow() as uow:
        uow.session.execute(
            update(Account).where(Account.account_no == acc).values(state="suspended")
        )
        uow.commit()
    report = PropertyFeeService(services.db).charge_due(ADMIN, local(2026, 8, 1, 8))
    assert report.accounts == len(ROOMS) - 1
    assert acc not in {c.account_no for c in report.charges}
    assert fees(services, "B-1-02") == []
    assert balance(services, "B-1-02") == 0


def test_a_room_without_area_is_reported_and_charged_once_it_has_one(site: Services) -> None:
    services = site
    with services.db.uow() as uow:
        uow.session.execute(update(Room).where(Room.code == "A-1-02").values(area_m2=Decimal(0)))
        uow.commit()
    configure(services, mode="area", rate="2.0000", deduct_day=1)
    acc = account_no(services, "A-1-02")
    report = PropertyFeeService(services.db).charge_due(ADMIN, local(2026, 8, 2))
    assert report.missing_area == (acc,)
    assert fees(services, "A-1-02") == []
    with services.db.uow() as uow:
        uow.session.execute(
            update(Room).where(Room.code == "A-1-02").values(area_m2=Decimal("20.25"))
        )
        uow.commit()
    assert [b for b in run(services, local(2026, 8, 3)) if b[0] == acc] == [
        (acc, "2026-07", 4050),
        (acc, "2026-08", 4050),
    ]


def test_off_by_default_and_bad_settings_are_refused(site: Services) -> None:
    services = site
    with services.db.uow() as uow:
        assert not charge_property_fees(uow.session, local(2026, 9, 1)).enabled
        entries = uow.session.scalar(select(func.count()).select_from(LedgerEntry))
    assert entries == 0
    assert parse_property_fee_config({"mode": "off", "rate": "9"}) is None
    for bad in (
        {"mode": "area"},
        {"mode": "area", "rate": 2.3456},
        {"mode": "area", "rate": "2.34567"},
        {"mode": "area", "rate": "-1"},
        {"mode": "fixed", "fixed_fen": "80"},
        {"mode": "fixed", "fixed_fen": 8000, "deduct_day": 29},
        {"mode": "fixed", "fixed_fen": 8000, "start_month": "2026-13"},
        {"mode": "monthly"},
        "area",
    ):
        with pytest.raises(ValidationError):
            parse_property_fee_config(bad)


# --- property-fee linkage (物业联动, BILL-4 / CTL-1) ------------------------------------------


def test_property_fee_cuts_power_only_with_linkage(site: Services) -> None:
    services = site
    m = add_metering(services, move_in=local(2026, 6, 15, 9))
    elec = m.elec["A-1-01"]
    for room in ROOMS:
        top_up(services, room, 5_000 if room == "A-1-01" else 50_000, f"open-{room}")
    configure(services, mode="area", rate="2.3456", deduct_day=1)
    july = local(2026, 7, 1, 9)
    meters = FakeMeters()
    run(services, july)
    assert balance(services, "A-1-01") == 5_000 - 10672  # −56.72, all of it property fee

    # linkage off (default): the ¥50 the tenant paid still covers electricity: no cut
    assert evaluate(services, july).trips == 0
    # ¥50.00 of electricity on top: now the utilities are owed too → cut
    owe(services, "A-1-01", 5_000)
    assert evaluate(services, july).trips == 1
    runner(services, meters).run_due(july)
    assert point_state(services, elec) == ("open", "arrears")
    # ¥1.00 paid: the utilities are no longer owed (the property fee still is) → restore
    top_up(services, "A-1-01", 100, "one-yuan")
    assert balance(services, "A-1-01") == -10572
    assert evaluate(services, july).closes == 1
    runner(services, meters).run_due(july)
    assert point_state(services, elec) == ("closed", None)

    # linkage on: property-fee arrears cut power like any other debt
    services.settings.set(ADMIN, "billing.property_fee_linkage", True)
    assert evaluate(services, july).trips == 1
    runner(services, meters).run_due(july)
    assert point_state(services, elec) == ("open", "arrears")
    assert meters.kinds() == [("trip", elec), ("close", elec), ("trip", elec)]


def test_paid_property_fees_do_not_excuse_utility_debt(site: Services) -> None:
    services = site
    add_metering(services, move_in=local(2026, 6, 15, 9))
    for room in ROOMS:
        top_up(services, room, 50_000, f"open-{room}")
    configure(services, mode="area", rate="2.3456", deduct_day=1)
    run(services, local(2026, 7, 1, 9))  # paid out of a positive balance
    owe(services, "A-1-01", 50_000 - 10672 + 100)  # then −1.00 of electricity
    report = evaluate(services, local(2026, 7, 2, 9))
    assert report.trips == 1  # the July fee was covered: the debt is all utilities
