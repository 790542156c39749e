"""Settlement on a real database: readings → exact charges, once (BILL-2, BILL-3, DEV-8)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, insert, select, update

from app.domain.billing import charge_to_date
from app.domain.settle_basis import extend, start_basis
from app.models import (
    Account,
    Alarm,
    LedgerEntry,
    MeasurementPoint,
    Reading,
    SettlementState,
    TariffVersion,
)
from app.services import Services, settlement
from app.services.ledger_check import verify_ledger
from app.services.readings import RawRead, ReadingService
from app.services.settlement import SettlementService, _readings_after, load_tariffs
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.site import ADMIN, build_small_site

JULY = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 16:00 local


@pytest.fixture
def site(services: Services) -> tuple[Services, Metering]:
    build_small_site(services)
    return services, add_metering(services, elec_tariff={"A-1-02": "E-TIER", "A-1-03": "E-TOU"})


def read(
    services: Services, m: Metering, point: int, at: datetime, value: str | None = None, **regs: str
) -> str:
    values: dict[str, object] = {k: v for k, v in regs.items()}
    if value is not None:
        values["total"] = value
    outcomes, report = SettlementService(services.db).record(
        [RawRead(point, m.meters[point], at, values)], now=at
    )
    assert not report.errors, report.errors
    return outcomes[0].status


def charged(services: Services, point: int) -> int:
    with services.db.uow() as uow:
        total = uow.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
                LedgerEntry.point_id == point
            )
        )
    return -int(total or 0)


def balance(services: Services, account_no: str) -> int:
    return services.accounts.summary(ADMIN, account_no).balance_fen


def test_many_small_reads_sum_to_the_bill_of_the_total(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    assert read(services, m, p, JULY, "100.00") == "first"
    value = Decimal("100.00")
    for i in range(1, 41):  # 40 reads of +0.37 kWh: 14.80 kWh × 0.68 = 10.064 → 10.06
        value += Decimal("0.37")
        assert read(services, m, p, JULY + timedelta(minutes=15 * i), str(value)) == "ok"
    assert charged(services, p) == 1006
    # re-delivering the last read books nothing (idempotent per point/register/meter time)
    assert read(services, m, p, JULY + timedelta(minutes=600), str(value)) == "duplicate"
    assert charged(services, p) == 1006
    assert verify_ledger(services.db).ok


def test_lost_state_is_rebuilt_without_charging_twice(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "100.00")
    read(services, m, p, JULY + timedelta(hours=1), "110.00")
    assert charged(services, p) == 680
    with services.db.uow() as uow:  # the cache is gone (e.g. restored from an older backup)
        uow.session.execute(delete(SettlementState))
        uow.commit()
    report = SettlementService(services.db).settle_pending()
    assert report.booked_fen == 0 and report.rebuilt >= 1
    read(services, m, p, JULY + timedelta(hours=2), "112.50")
    assert charged(services, p) == 850  # 12.50 × 0.68


def test_tiered_month_hand_computed(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-02"]  # 0–200 @ 0.60, 200–400 @ 0.65, > 400 @ 0.90
    read(services, m, p, JULY, "1000.00")
    for day, value in ((3, "1150.00"), (10, "1300.00"), (20, "1450.00")):
        read(services, m, p, JULY + timedelta(days=day), value)
    assert charged(services, p) == 29500  # 120 + 130 + 45 = 295.00
    # August starts at tier 1 again: the step into August is priced at 0.60
    read(services, m, p, datetime(2026, 8, 2, tzinfo=UTC), "1460.00")
    assert charged(services, p) == 29500 + 600


def test_time_of_use_registers(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-03"]  # 1.30 / 1.05 / 0.75 / 0.40
    read(services, m, p, JULY, "0", t1="0", t2="0", t3="0", t4="0")
    read(services, m, p, JULY + timedelta(days=5), "260.01", t1="10", t2="50", t3="80", t4="120.01")
    assert charged(services, p) == 17350  # 13.00 + 52.50 + 60.00 + 48.004 = 173.504 → 173.50


def test_price_change_mid_month_splits_at_the_last_reading(
    site: tuple[Services, Metering],
) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    change = datetime(2026, 7, 14, 16, 0, tzinfo=UTC)  # 15 July 00:00 local
    read(services, m, p, datetime(2026, 7, 1, 0, 0, tzinfo=UTC), "1000")
    read(services, m, p, datetime(2026, 7, 10, tzinfo=UTC), "1100")
    read(services, m, p, change, "1150")
    with services.db.uow() as uow:  # 0.70 from 15 July
        uow.session.execute(
            insert(TariffVersion).values(
                tariff_id=m.tariff_ids["E-FLAT"],
                effective_from=change,
                params={"price": "0.70"},
                monthly_fixed_fen=0,
                created_at=change,
            )
        )
        uow.commit()
    read(services, m, p, datetime(2026, 7, 20, tzinfo=UTC), "1200")
    read(services, m, p, datetime(2026, 7, 30, tzinfo=UTC), "1300")
    # 150 × 0.68 + 150 × 0.70 = 102 + 105
    assert charged(services, p) == 20700


def test_rollover_is_billed_as_the_wrapped_step(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "999990.00")
    assert read(services, m, p, JULY + timedelta(hours=1), "000010.00") == "ok"
    assert charged(services, p) == 1360  # 20 kWh × 0.68


def test_spike_is_held_until_a_person_accepts_it(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "100.00")
    # 500 kWh in one hour on a single-phase meter: far above any plausible load
    assert read(services, m, p, JULY + timedelta(hours=1), "600.00") == "held"
    assert read(services, m, p, JULY + timedelta(hours=2), "600.50") == "held"
    assert charged(services, p) == 0
    with services.db.uow() as uow:
        alarm = uow.session.scalars(select(Alarm).where(Alarm.point_id == p)).one()
        assert alarm.kind == "reading_anomaly" and alarm.state == "active"
    holds = ReadingService(services.db).holds()
    assert [h.point_id for h in holds] == [p]
    assert holds[0].values["total"] == Decimal("600.00")
    state = ReadingService(services.db).resolve(ADMIN, p, "accept", note="空调机组试机，已核实")
    assert state == "billing"
    SettlementService(services.db).settle_pending()
    assert charged(services, p) == 34034  # 500.5 × 0.68
    with services.db.uow() as uow:
        assert uow.session.scalars(select(Alarm.state).where(Alarm.point_id == p)).one() == (
            "cleared"
        )


def test_negative_step_confirmed_as_reset_starts_a_new_segment(
    site: tuple[Services, Metering],
) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "500.00")
    read(services, m, p, JULY + timedelta(hours=1), "501.00")
    assert read(services, m, p, JULY + timedelta(hours=2), "3.00") == "held"
    assert read(services, m, p, JULY + timedelta(hours=3), "5.00") == "held"
    svc = ReadingService(services.db)
    with pytest.raises(Exception, match="处理说明"):
        svc.resolve(ADMIN, p, "reset", note=" ")
    assert svc.resolve(ADMIN, p, "reset", note="表计清零") == "billing"
    SettlementService(services.db).settle_pending()
    assert charged(services, p) == 204  # 1 kWh before + 2 kWh after the reset = 3 × 0.68


def test_corrected_misread(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "100.00")
    assert read(services, m, p, JULY + timedelta(hours=1), "900.00") == "held"
    ReadingService(services.db).resolve(
        ADMIN, p, "correct", value=Decimal("102.00"), note="现场抄表 102.00"
    )
    SettlementService(services.db).settle_pending()
    assert charged(services, p) == 136


def test_unparsable_value_is_held_and_nothing_half_written(
    site: tuple[Services, Metering],
) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "100.00")
    assert read(services, m, p, JULY + timedelta(hours=1), "1O3.00") == "held"
    with services.db.uow() as uow:
        rows = uow.session.scalars(select(Reading.status).where(Reading.point_id == p)).all()
    assert sorted(rows) == ["ok"]  # the garbled value is not stored as a number
    assert charged(services, p) == 0


def test_subsidy_pocket_is_drawn_first(site: tuple[Services, Metering]) -> None:
    services, m = site
    acc = services.accounts.search(ADMIN, "A-1-01")[0].account_no
    with services.db.uow() as uow:
        uow.session.execute(
            update(Account).where(Account.account_no == acc).values(subsidy_fen=300)
        )
        uow.session.execute(
            insert(LedgerEntry).values(
                account_id=uow.session.scalar(select(Account.id).where(Account.account_no == acc)),
                kind="subsidy_grant",
                category="subsidy",
                pocket="subsidy",
                amount_fen=300,
                balance_after_fen=300,
                pocket_after_fen=300,
                created_at=datetime(2026, 6, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    p = m.elec["A-1-01"]
    read(services, m, p, JULY, "100.00")
    read(services, m, p, JULY + timedelta(hours=3), "107.3529")  # 5.00 yuan (4.999972)
    summary = services.accounts.summary(ADMIN, acc)
    assert (summary.subsidy_fen, summary.cash_fen) == (0, -200)
    assert verify_ledger(services.db).ok


def test_water_is_charged_as_water(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.water["B-1-01"]
    read(services, m, p, JULY, "10.00")
    read(services, m, p, JULY + timedelta(hours=5), "13.33")
    with services.db.uow() as uow:
        kinds = uow.session.execute(
            select(LedgerEntry.kind, LedgerEntry.category, LedgerEntry.amount_fen).where(
                LedgerEntry.point_id == p
            )
        ).all()
    assert [tuple(k) for k in kinds] == [("water_charge", "water", -1399)]  # 3.33 × 4.20


def test_one_batch_across_a_month_end_charges_both_months(
    site: tuple[Services, Metering],
) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, m, p, datetime(2026, 7, 30, tzinfo=UTC), "100.00")
    # two reads of the point in one batch: 31 July (closing July) and 2 August
    reads = [
        RawRead(p, m.meters[p], datetime(2026, 7, 31, tzinfo=UTC), {"total": "110.00"}),
        RawRead(p, m.meters[p], datetime(2026, 8, 2, tzinfo=UTC), {"total": "115.00"}),
    ]
    SettlementService(services.db).record(reads, now=datetime(2026, 8, 2, tzinfo=UTC))
    with services.db.uow() as uow:
        by_ref = dict(
            uow.session.execute(
                select(LedgerEntry.reference, func.sum(LedgerEntry.amount_fen))
                .where(LedgerEntry.point_id == p)
                .group_by(LedgerEntry.reference)
            ).all()
        )
    assert sorted((ref.rsplit(":", 1)[1], -int(v)) for ref, v in by_ref.items()) == [
        ("2026-07", 680),
        ("2026-08", 340),
    ]


@pytest.mark.parametrize("memo", ["kept", "lost every cycle"])
def test_routine_path_books_what_a_rebuild_computes(
    site: tuple[Services, Metering], memo: str
) -> None:
    """Read cycles settled on the routine path (the stored basis, extended by the new read) —
    with the process's memo of bases kept, or lost as after a restart — charge exactly what a
    rebuild from every stored reading computes, across a month end, subsidy first."""
    services, m = site
    flat, tiered, tou = m.elec["A-1-01"], m.elec["A-1-02"], m.elec["A-1-03"]
    water = m.water["B-1-01"]
    rng = random.Random(20261124)
    values = {p: {"total": Decimal("1000.00")} for p in (flat, tiered, water)}
    values[tou] = {r: Decimal("100.00") for r in ("t1", "t2", "t3", "t4")}
    values[tou]["total"] = Decimal("400.00")
    acc = services.accounts.search(ADMIN, "A-1-01")[0].account_no
    with services.db.uow() as uow:  # a subsidy to draw first
        acc_id = uow.session.scalar(select(Account.id).where(Account.account_no == acc))
        uow.session.execute(update(Account).where(Account.id == acc_id).values(subsidy_fen=2345))
        uow.session.execute(
            insert(LedgerEntry).values(
                account_id=acc_id,
                kind="subsidy_grant",
                category="subsidy",
                pocket="subsidy",
                amount_fen=2345,
                balance_after_fen=2345,
                pocket_after_fen=2345,
                created_at=datetime(2026, 6, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    start = datetime(2026, 7, 29, 1, 7, 13, tzinfo=UTC)
    routine = 0
    for cycle in range(16):  # every 9 hours: into August (local) half-way
        at = start + timedelta(hours=9 * cycle)
        reads = []
        for p, regs in values.items():
            if cycle:
                for r in regs:
                    if r != "total":
                        regs[r] += Decimal(rng.randrange(0, 300)) / 100
                if p == tou:
                    regs["total"] = sum((v for r, v in regs.items() if r != "total"), Decimal(0))
                else:
                    regs["total"] += Decimal(rng.randrange(0, 900 if p != water else 90)) / 100
            reads.append(RawRead(p, m.meters[p], at, {r: str(v) for r, v in regs.items()}))
        if memo != "kept":
            settlement._BASES.clear()
        outcomes, report = SettlementService(services.db).record(reads, now=at)
        assert {o.status for o in outcomes} == {"first" if cycle == 0 else "ok"}
        assert not report.errors and report.skipped == 0
        routine += report.points - report.rebuilt
    assert routine >= 4 * 14  # nearly every cycle went the routine way
    before = {p: charged(services, p) for p in values}
    assert all(before.values())
    # the expected bills, from every stored reading (July closed, August to date)
    with services.db.uow() as uow:
        tariffs = load_tariffs(uow.session)
        tariff_of = dict(
            uow.session.execute(select(MeasurementPoint.id, MeasurementPoint.tariff_id)).all()
        )
        for p in values:
            reads_of_p = _readings_after(uow.session, p, None)
            tariff = tariffs[tariff_of[p]][0]
            expected = 0
            for period in {tariff.period_containing(r.meter_time) for r in reads_of_p[1:]}:
                basis = start_basis(period, period.start, None)
                for r in reads_of_p:
                    if r.meter_time <= period.start:
                        basis = start_basis(period, period.start, r)
                    elif r.meter_time <= period.end:
                        basis = extend(basis, tariff, r)
                expected += charge_to_date(tariff, basis.to_segments(), period).total_fen
            assert before[p] == expected, p
    # and a rebuild from scratch finds nothing to book
    with services.db.uow() as uow:
        uow.session.execute(delete(SettlementState))
        uow.commit()
    settlement._BASES.clear()
    report = SettlementService(services.db).settle_pending()
    assert report.booked_fen == 0 and report.rebuilt == len(values)
    assert {p: charged(services, p) for p in values} == before
    summary = services.accounts.summary(ADMIN, acc)
    assert summary.subsidy_fen == 0 and summary.cash_fen == 2345 - before[flat]
    assert verify_ledger(services.db).ok
