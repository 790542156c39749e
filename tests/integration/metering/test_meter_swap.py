"""Meter swap (换表, DEV-6) on a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL):
the old meter is billed up to its final value and the new one from its initial value, exactly
once, on the fast path and on a rebuild; the simulator run swaps a meter in the middle of a
billing period with every value read over the bus."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve
from app.domain.meter_swap import AddressSource, MeterSwapFlow, Step
from app.errors import MeterSwapError
from app.models import (
    Alarm,
    AuditEntry,
    Command,
    LedgerEntry,
    MeasurementPoint,
    Meter,
    Reading,
    SettlementState,
)
from app.services import Services
from app.services.alarms import AlarmKind, raise_alarm
from app.services.collector import Collector
from app.services.ledger_check import verify_ledger
from app.services.meter_swap import MeterSwapService, charged_for_point
from app.services.readings import RawRead
from app.services.settlement import SettlementService, settle
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.simulator import free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site

NOV = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
PRICE = Decimal("0.68")  # E-FLAT
NEW_ADDRESS = "000000000099"


def fen(kwh: Decimal, price: Decimal = PRICE) -> int:
    return int((kwh * price * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def meter_of(services: Services, point: int) -> int:
    with services.db.uow() as uow:
        mid = uow.session.scalar(
            select(MeasurementPoint.meter_id).where(MeasurementPoint.id == point)
        )
    assert mid is not None
    return int(mid)


def read(services: Services, point: int, at: datetime, value: str) -> str:
    outcomes, report = SettlementService(services.db).record(
        [RawRead(point, meter_of(services, point), at, {"total": value})], now=at
    )
    assert not report.errors, report.errors
    return outcomes[0].status


def charged(services: Services, point: int) -> int:
    with services.db.uow() as uow:
        return charged_for_point(uow.session, point)


def counts(services: Services) -> dict[str, int]:
    with services.db.uow() as uow:
        s = uow.session
        return {
            t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Reading, Meter, LedgerEntry, Command, AuditEntry, SettlementState)
        }


@pytest.fixture
def site(services: Services) -> tuple[Services, Metering]:
    build_small_site(services)
    return services, add_metering(services)


def swap_typed(
    services: Services, point: int, at: datetime, final: str, address: str, initial: str
) -> object:
    swapper = MeterSwapService(services.db, clock=lambda: at)
    return swapper.swap_typed(
        ADMIN,
        point,
        final=Decimal(final),
        new_address=address,
        initial=Decimal(initial),
        note="表计烧毁，人工抄读",
    )


def test_typed_swap_bills_old_up_to_final_and_new_from_initial(
    site: tuple[Services, Metering],
) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    services.cashier.top_up(ADMIN, services.accounts.search(ADMIN, "A-1-01")[0].account_no,
                            100_000, "cash", "swap-open")  # fmt: skip
    assert read(services, p, NOV, "1000.00") == "first"
    assert read(services, p, NOV + timedelta(hours=5), "1003.37") == "ok"
    old_meter = meter_of(services, p)
    with services.db.uow() as uow:  # the old meter stopped answering before it was replaced
        raise_alarm(uow.session, AlarmKind.COMM_OFFLINE, "comm_offline:G1:1:000000000001", "离线",
                    meter_id=old_meter, now=NOV)  # fmt: skip
        uow.commit()
    slip = swap_typed(services, p, NOV + timedelta(hours=6), "1004.01", "000000000777", "12.50")
    with services.db.uow() as uow:
        state = uow.session.scalar(
            select(Alarm.state).where(Alarm.dedup_key == "comm_offline:G1:1:000000000001")
        )
        assert state == "cleared"
    # the old meter up to its final value is billed at the swap
    assert slip.billed_fen == fen(Decimal("4.01")) - fen(Decimal("3.37"))  # type: ignore[attr-defined]
    assert charged(services, p) == fen(Decimal("4.01"))
    new_meter = meter_of(services, p)
    assert new_meter != old_meter
    # the new meter's register starts at 12.50: reads from there on are ordinary steps
    # a read of the old meter that was under way during the swap is dropped, not held
    outcomes, _ = SettlementService(services.db).record(
        [RawRead(p, old_meter, NOV + timedelta(hours=7), {"total": "1004.50"})],
        now=NOV + timedelta(hours=7),
    )
    assert outcomes[0].status == "stale"
    assert read(services, p, NOV + timedelta(hours=8), "13.75") == "ok"
    assert read(services, p, NOV + timedelta(hours=30), "20.00") == "ok"
    expected = fen(Decimal("4.01") + Decimal("7.50"))
    assert charged(services, p) == expected
    with services.db.uow() as uow:
        s = uow.session
        old = s.get(Meter, old_meter)
        new = s.get(Meter, new_meter)
        assert old is not None and new is not None
        assert (old.status, old.replaced_by_id) == ("retired", new_meter)
        assert (new.status, new.address) == ("active", "000000000777")
        sources = dict(
            s.execute(
                select(Reading.source, Reading.meter_id).where(
                    Reading.point_id == p, Reading.source.like("swap_%")
                )
            ).all()
        )
        assert sources == {"swap_final": old_meter, "swap_initial": new_meter}
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "device.meter.swap")).all()
        assert len(audit) == 1
        # the rebuild path: forget the cached state and settle from the stored readings
        s.execute(delete(SettlementState).where(SettlementState.point_id == p))
        report = settle(s, point_ids=[p], now=NOV + timedelta(hours=31))
        assert report.rebuilt == 1 and report.booked_fen == 0
        uow.commit()
    assert charged(services, p) == expected
    assert read(services, p, NOV + timedelta(hours=40), "21.00") == "ok"  # after the rebuild
    assert charged(services, p) == fen(Decimal("4.01") + Decimal("8.50"))
    assert verify_ledger(services.db).ok


def test_rebuild_from_nothing_gives_the_same_total(site: tuple[Services, Metering]) -> None:
    """Even with no cached state and no ledger entry of the period (e.g. a fresh settlement of
    imported readings), the charge computed from the stored readings is the same."""
    services, m = site
    p = m.elec["A-1-02"]
    read(services, p, NOV, "500.00")
    read(services, p, NOV + timedelta(hours=2), "501.00")
    swap_typed(services, p, NOV + timedelta(hours=3), "501.55", "000000000778", "0.00")
    read(services, p, NOV + timedelta(hours=9), "3.45")
    total = charged(services, p)
    assert total == fen(Decimal("1.55") + Decimal("3.45"))
    with services.db.uow() as uow:
        s = uow.session
        s.execute(delete(SettlementState).where(SettlementState.point_id == p))
        s.execute(delete(LedgerEntry).where(LedgerEntry.point_id == p))
        report = settle(s, point_ids=[p], now=NOV + timedelta(hours=10))
        assert report.booked_fen == total
        uow.rollback()


def test_refusals_write_nothing(site: tuple[Services, Metering]) -> None:
    services, m = site
    p, other = m.elec["A-1-01"], m.elec["A-1-02"]
    read(services, p, NOV, "100.00")
    before = counts(services)
    cases = [
        ("99.00", "000000000777", "final_below_last"),
        ("101.00", m.addresses[other], "address_taken"),
        ("101.00", m.addresses[p], "same_address"),
        ("101.00", "12", "address_format"),
    ]
    for final, address, problem in cases:
        with pytest.raises(MeterSwapError) as err:
            swap_typed(services, p, NOV + timedelta(hours=1), final, address, "0")
        assert err.value.problem == problem
    with pytest.raises(MeterSwapError) as err:
        swap_typed(services, p, NOV - timedelta(hours=1), "101", "000000000777", "0")
    assert err.value.problem == "final_not_after_last"
    assert counts(services) == before


def test_parameters_follow_to_the_new_meter(site: tuple[Services, Metering]) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, p, NOV, "100.00")
    services.parameters.save_template(
        ADMIN, "LIMIT", "限功率", {"overload_power_limit": {"power_limit_kw": "6.0000"}}
    )
    first = services.parameters.apply(ADMIN, "LIMIT", [p]).queued[p]
    slip = swap_typed(services, p, NOV + timedelta(hours=1), "101", "000000000777", "0")
    new_meter = meter_of(services, p)
    with services.db.uow() as uow:
        s = uow.session
        old_cmd = s.get(Command, first)
        assert old_cmd is not None and old_cmd.state == "cancelled"
        new_cmd = s.get(Command, slip.params_command_id)  # type: ignore[attr-defined]
        assert new_cmd is not None
        assert (new_cmd.kind, new_cmd.state, new_cmd.meter_id) == (
            "set_params",
            "pending",
            new_meter,
        )
        assert new_cmd.payload["template"] == "LIMIT"
    assert slip.params_template == "LIMIT#1"  # type: ignore[attr-defined]


def test_swap_slip_pdf_has_the_swap(site: tuple[Services, Metering], tmp_path: Path) -> None:
    services, m = site
    p = m.elec["A-1-01"]
    read(services, p, NOV, "100.00")
    slip = swap_typed(services, p, NOV + timedelta(hours=1), "101.25", "000000000777", "0.5")
    pdf = services.meter_swap.slip_pdf(slip)  # type: ignore[arg-type]
    from tests.pdf_tools import pdf_text

    text = pdf_text(pdf, tmp_path)
    for expected in (
        "换表单",
        "扣费 ¥0.85",
        "000000000001",
        "000000000777",
        "101.25",
        "0.5",
        "E-A-1-01",
    ):
        assert expected in text, expected
    assert text.count("\f") == 1  # one A5 page, signatures included
    # a reprint later: the same slip, rebuilt from the swap's audit entry
    assert services.meter_swap.last_slip(ADMIN, "E-A-1-01") == slip
    with pytest.raises(MeterSwapError) as err:
        services.meter_swap.last_slip(ADMIN, "E-A-1-02")
    assert err.value.problem == "no_swap"
    assert "用户签字" in text


# --- the simulator: a swap in the middle of a billing period, read over the bus ---------------

START = datetime(2026, 11, 10, 0, 0, tzinfo=UTC)
SPEED = 3600.0


def test_swap_mid_period_on_the_simulator_bills_exactly(services: Services) -> None:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    p = m.elec["A-1-01"]
    acc = services.accounts.search(ADMIN, "A-1-01")[0].account_no
    services.cashier.top_up(ADMIN, acc, 500_000, "cash", "sim-swap-open")
    spare = replace(m, addresses={**m.addresses, 10_000: NEW_ADDRESS})
    with Simulator(sim_site(spare, port), turnaround_ms=1, speed=SPEED, start_time=START) as sim:
        for address in m.addresses.values():
            sim.meter(address).curve = ConstantCurve(START, Decimal(0), Decimal(0))
        old_sim = sim.meter(m.addresses[p])
        old_sim.curve = ConstantCurve(START, Decimal("2345.67"), Decimal(1500))
        new_sim = sim.meter(NEW_ADDRESS)
        new_sim.curve = ConstantCurve(START, Decimal("0.42"), Decimal(800))
        new_sim.faults.dead = True  # still in its box
        collector = Collector(services.db, clock=sim.clock.now)
        collector.sync_on_reconnect = False
        swapper = MeterSwapService(services.db, clock=sim.clock.now)
        with collector:
            for _ in range(3):
                collector.read_cycle()
                time.sleep(0.5)
            before = counts(services)

            # the wizard's flow: every value over the bus
            flow = MeterSwapFlow()
            info = swapper.point(ADMIN, p)
            flow.choose_point(info)
            final = swapper.read_meter(ADMIN, info)
            assert final.address == m.addresses[p]
            flow.final_read(final.values, final.at)
            old_sim.faults.dead = True  # unplugged
            new_sim.faults.dead = False  # wired in
            found = swapper.scan(ADMIN, info, "000000000090-000000000105")
            assert found == [NEW_ADDRESS]
            flow.set_new_address(found[0], AddressSource.SCANNED)
            initial = swapper.read_meter(ADMIN, info, NEW_ADDRESS)
            flow.initial_read(initial.values, initial.at)
            assert flow.step is Step.SUMMARY
            assert counts(services) == before  # reads alone wrote nothing
            slip = swapper.swap(ADMIN, flow.request("周期中换表"))
            flow.done(slip)

            for _ in range(3):
                time.sleep(0.5)
                collector.read_cycle()
            # the old meter is no longer read, the new one is
            with services.db.uow() as uow:
                s = uow.session
                rows = s.execute(
                    select(Reading.meter_id, Reading.value, Reading.source, Reading.status)
                    .where(Reading.point_id == p, Reading.register == "total")
                    .order_by(Reading.meter_time)
                ).all()
                held = s.scalar(
                    select(MeasurementPoint.billing_hold).where(MeasurementPoint.id == p)
                )
    assert not held
    assert all(r[3] == "ok" for r in rows)
    old_rows = [r for r in rows if r[0] == info.meter_id]
    new_rows = [r for r in rows if r[0] == slip.new_meter_id]
    assert old_rows[-1][2] == "swap_final" and new_rows[0][2] == "swap_initial"
    assert old_rows[-1][1] == final.values["total"]
    assert new_rows[0][1] == initial.values["total"]
    assert len(new_rows) >= 3  # the collector went on with the new meter
    old_use = old_rows[-1][1] - old_rows[0][1]
    new_use = new_rows[-1][1] - new_rows[0][1]
    assert old_use > 0 and new_use > 0
    # one period, one rounding: exactly the bill of old (up to final) + new (from initial)
    assert charged(services, p) == fen(old_use + new_use)
    assert verify_ledger(services.db).ok
    with services.db.uow() as uow:
        s = uow.session
        s.execute(delete(SettlementState).where(SettlementState.point_id == p))
        assert settle(s, point_ids=[p]).booked_fen == 0
        uow.commit()
    assert charged(services, p) == fen(old_use + new_use)


def test_dead_meter_read_fails_then_typed_and_read_address_finds_the_new_one(
    services: Services,
) -> None:
    """The old meter does not answer: the read fails, the value is typed in with a note; the
    new meter, alone on the line, answers the read-address command; cancelling before the
    confirmation writes nothing, confirming writes the swap."""
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    p = m.elec["A-1-02"]
    spare = replace(m, addresses={**m.addresses, 10_000: NEW_ADDRESS})
    with Simulator(sim_site(spare, port), turnaround_ms=1, speed=SPEED, start_time=START) as sim:
        for address in m.addresses.values():
            sim.meter(address).faults.dead = True  # the technician's handheld line: only the new
        sim.meter(NEW_ADDRESS).curve = ConstantCurve(START, Decimal("0.07"), Decimal(0))
        swapper = MeterSwapService(services.db, clock=sim.clock.now)
        read(services, p, START - timedelta(days=1), "77.00")
        before = counts(services)
        flow = MeterSwapFlow()
        info = swapper.point(ADMIN, p)
        flow.choose_point(info)
        with pytest.raises(MeterSwapError) as failed:
            swapper.read_meter(ADMIN, info, timeout_s=0.3)
        assert failed.value.problem == "no_answer"
        assert failed.value.params["address"] == m.addresses[p]
        flow.final_read_failed(str(failed.value.params["detail"]))
        flow.final_typed({"total": "80.40"}, sim.clock.now(), "表计黑屏，按照片读数")
        address = swapper.read_address(ADMIN, info)
        assert address == NEW_ADDRESS
        flow.set_new_address(address, AddressSource.READ_ADDRESS)
        initial = swapper.read_meter(ADMIN, info, address)
        assert initial.values["total"] == Decimal("0.07")
        flow.initial_read(initial.values, initial.at)
        request = flow.request()
        flow.cancel()
        assert counts(services) == before  # cancelled at the summary: nothing written

        slip = swapper.swap(ADMIN, request)
    assert slip.final_source == "manual" and slip.address_source == "read_address"
    assert charged(services, p) == fen(Decimal("3.40"))
    with services.db.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "device.meter.swap")
        ).one()
        assert entry.after is not None
        assert entry.after["final_note"] == "表计黑屏，按照片读数"
        assert entry.after["final_read_error"]  # the failed read is on record


def test_time_of_use_point_is_billed_per_register_across_the_swap(services: Services) -> None:
    build_small_site(services)
    m = add_metering(services, elec_tariff={"A-1-03": "E-TOU"})
    p = m.elec["A-1-03"]
    prices = {"t1": Decimal("1.30"), "t2": Decimal("1.05"), "t3": Decimal("0.75"),
              "t4": Decimal("0.40")}  # fmt: skip

    def regs(total: str, *tou: str) -> dict[str, object]:
        return {"total": total, **dict(zip(("t1", "t2", "t3", "t4"), tou, strict=True))}

    SettlementService(services.db).record(
        [RawRead(p, m.meters[p], NOV, regs("100", "10", "20", "30", "40"))], now=NOV
    )
    swapper = MeterSwapService(services.db, clock=lambda: NOV + timedelta(hours=3))
    info = swapper.point(ADMIN, p)
    assert info.tou
    at = NOV + timedelta(hours=3)
    final_values = {k: Decimal(str(v)) for k, v in regs("106", "11", "22", "31", "42").items()}
    with pytest.raises(MeterSwapError) as err:
        swapper.swap_typed(
            ADMIN, p, final=Decimal(106), new_address="000000000777", initial=Decimal(0), note="n"
        )
    assert err.value.problem == "tou_required"
    from app.domain.meter_swap import MeterValue, SwapRequest, ValueSource

    swapper.swap(
        ADMIN,
        SwapRequest(
            p,
            info.meter_id,
            MeterValue(final_values, at, ValueSource.MANUAL, "分时表人工抄读"),
            "000000000777",
            AddressSource.TYPED,
            MeterValue(
                {k: Decimal(0) for k in ("total", "t1", "t2", "t3", "t4")}, at, ValueSource.BUS
            ),
        ),
    )
    later = NOV + timedelta(hours=9)
    SettlementService(services.db).record(
        [RawRead(p, meter_of(services, p), later, regs("4", "1", "1", "1", "1"))], now=later
    )
    # old: t1 +1, t2 +2, t3 +1, t4 +2; new: +1 each
    used = {"t1": Decimal(2), "t2": Decimal(3), "t3": Decimal(2), "t4": Decimal(3)}
    exact = sum((used[r] * prices[r] for r in used), Decimal(0))
    assert charged(services, p) == int((exact * 100).quantize(Decimal(1), ROUND_HALF_UP))
    assert verify_ledger(services.db).ok


def test_swap_across_a_month_boundary_with_tiers(services: Services) -> None:
    """Tiered prices count the period's consumption across both meters; a swap just after the
    month starts (local time) bills the last step of the old meter in the new month."""
    build_small_site(services)
    m = add_metering(services, elec_tariff={"A-1-02": "E-TIER"})
    p = m.elec["A-1-02"]
    oct_end = datetime(2026, 10, 31, 15, 0, tzinfo=UTC)  # 23:00 on 31 Oct in Shanghai
    assert read(services, p, oct_end - timedelta(hours=3), "1000.00") == "first"
    assert read(services, p, oct_end, "1001.00") == "ok"  # October: 1 kWh
    swap_at = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 Nov
    swap_typed(services, p, swap_at, "1151.00", "000000000777", "5.00")  # Nov: 150 kWh old
    assert read(services, p, swap_at + timedelta(days=3), "105.00") == "ok"  # + 100 kWh new
    oct_fen = fen(Decimal(1), Decimal("0.60"))
    nov_exact = Decimal(200) * Decimal("0.60") + Decimal(50) * Decimal("0.65")
    nov_fen = int((nov_exact * 100).quantize(Decimal(1), ROUND_HALF_UP))
    assert charged(services, p) == oct_fen + nov_fen
    with services.db.uow() as uow:
        s = uow.session
        refs = dict(
            s.execute(
                select(LedgerEntry.reference, func.sum(LedgerEntry.amount_fen))
                .where(LedgerEntry.point_id == p)
                .group_by(LedgerEntry.reference)
            ).all()
        )
        assert sorted(-int(v) for v in refs.values()) == sorted([oct_fen, nov_fen])
        s.execute(delete(SettlementState).where(SettlementState.point_id == p))
        assert settle(s, point_ids=[p]).booked_fen == 0  # the rebuild agrees
        uow.commit()
    assert verify_ledger(services.db).ok
