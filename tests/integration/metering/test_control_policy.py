"""The arrears policy and the command queue on a real database, meters faked at the executor
(CTL-1, CTL-2, CTL-4, CTL-5, ACC-5): protected windows, special power, keep-power, hysteresis,
manual trips, water valves, stale commands, two runners at once."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from app.models import AuditEntry, Command, MeasurementPoint, Meter, Room
from app.services import Services
from app.services.context import Actor
from app.services.control import (
    CommandJob,
    CommandRunner,
    ControlService,
    enqueue_command,
    policy_from_settings,
)
from app.services.unit_of_work import Database
from tests.fixtures.control import (
    FakeMeters,
    alarms,
    commands,
    evaluate,
    owe,
    point_state,
    runner,
    set_account,
    top_up,
)
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.site import ADMIN, build_small_site

# Asia/Shanghai is UTC+8 all year
FRIDAY_2130 = datetime(2026, 7, 3, 13, 30, tzinfo=UTC)
FRIDAY_22 = datetime(2026, 7, 3, 14, 0, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 7, 4, 4, 0, tzinfo=UTC)
MONDAY_0759 = datetime(2026, 7, 5, 23, 59, tzinfo=UTC)
MONDAY_8 = datetime(2026, 7, 6, 0, 0, tzinfo=UTC)
TUESDAY_10 = datetime(2026, 7, 7, 2, 0, tzinfo=UTC)
NIGHTS_AND_REST_DAYS = {"daily": [{"start": "22:00", "end": "08:00"}], "rest_days": True}


@dataclass(frozen=True)
class Site:
    services: Services
    m: Metering
    meters: FakeMeters

    def run(self, now: datetime) -> dict[int, str]:
        return runner(self.services, self.meters).run_due(now).outcomes


@pytest.fixture
def site(services: Services) -> Site:
    """Five accounts with ¥100 each; an electricity and a water point per room, supplying."""
    build_small_site(services)
    m = add_metering(services)
    for room in m.elec:
        top_up(services, room, 10_000, f"open-{room}")
    return Site(services, m, FakeMeters())


def trips_of(report_commands: tuple[int, ...], services: Services) -> list[tuple[str, int]]:
    with services.db.uow() as uow:
        return [
            (k, p)
            for k, p in uow.session.execute(
                select(Command.kind, Command.point_id)
                .where(Command.id.in_(report_commands))
                .order_by(Command.id)
            )
        ]


# --- protected windows (CTL-1) ------------------------------------------------------------------


def test_protected_window_delays_the_cut_to_monday_morning(site: Site) -> None:
    services, m = site.services, site.m
    services.settings.set(ADMIN, "control.protected_windows", NIGHTS_AND_REST_DAYS)
    owe(services, "A-1-01", 10_100)  # -¥1.00
    owe(services, "A-1-02", 10_100)

    friday = evaluate(services, FRIDAY_22)
    assert friday.trips == 0 and commands(services) == []
    assert evaluate(services, SATURDAY_NOON).trips == 0
    assert evaluate(services, MONDAY_0759).trips == 0

    top_up(services, "A-1-02", 5_000, "weekend")  # topped up over the weekend: nothing
    monday = evaluate(services, MONDAY_8)
    assert monday.trips == 1
    assert trips_of(monday.commands, services) == [("trip", m.elec["A-1-01"])]
    assert site.run(MONDAY_8) == {monday.commands[0]: "confirmed"}
    assert point_state(services, m.elec["A-1-01"]) == ("open", "arrears")
    assert point_state(services, m.elec["A-1-02"]) == ("closed", None)
    assert point_state(services, m.water["A-1-01"]) == ("closed", None)  # 欠费停电不停水


def test_a_cut_still_waiting_when_the_window_opens_is_not_carried_out(site: Site) -> None:
    services, m = site.services, site.m
    services.settings.set(ADMIN, "control.protected_windows", NIGHTS_AND_REST_DAYS)
    point = m.elec["A-1-01"]
    owe(services, "A-1-01", 10_100)
    assert evaluate(services, FRIDAY_2130).trips == 1
    site.meters.offline.add(point)  # the meter does not answer at 21:30
    assert set(site.run(FRIDAY_2130).values()) == {"retry"}
    site.meters.offline.clear()

    later = evaluate(services, FRIDAY_22)  # the window has opened: the trip is overtaken
    assert later.cancelled == 1
    assert site.run(FRIDAY_22 + timedelta(minutes=5)) == {}
    assert len(site.meters.calls) == 1
    assert commands(services, point) == [("trip", "cancelled", "arrears")]
    assert point_state(services, point) == ("closed", None)

    monday = evaluate(services, MONDAY_8)
    assert monday.trips == 1
    site.run(MONDAY_8)
    assert point_state(services, point) == ("open", "arrears")


# --- special power (ACC-5) ----------------------------------------------------------------------


def test_no_cut_during_special_power_and_a_cut_when_it_ends(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    set_account(
        services,
        "A-1-01",
        special_power_from=datetime(2026, 7, 1, tzinfo=UTC),
        special_power_until=datetime(2026, 7, 10, tzinfo=UTC),
    )
    owe(services, "A-1-01", 50_000)  # deep in debt
    assert evaluate(services, datetime(2026, 7, 1, tzinfo=UTC)).trips == 0
    assert evaluate(services, datetime(2026, 7, 9, 23, 59, tzinfo=UTC)).trips == 0
    assert commands(services) == []

    end = datetime(2026, 7, 10, tzinfo=UTC)  # the range is from <= t < until
    report = evaluate(services, end)
    assert trips_of(report.commands, services) == [("trip", point)]
    site.run(end)
    assert point_state(services, point) == ("open", "arrears")


def test_special_power_restores_a_point_cut_before_it_began(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    owe(services, "A-1-01", 20_000)
    evaluate(services, datetime(2026, 6, 30, tzinfo=UTC))
    site.run(datetime(2026, 6, 30, tzinfo=UTC))
    assert point_state(services, point) == ("open", "arrears")

    set_account(
        services,
        "A-1-01",
        special_power_from=datetime(2026, 7, 1, tzinfo=UTC),
        special_power_until=None,  # open-ended
    )
    report = evaluate(services, datetime(2026, 7, 1, 1, tzinfo=UTC))
    assert report.closes == 1 and report.trips == 0
    site.run(datetime(2026, 7, 1, 1, tzinfo=UTC))
    assert point_state(services, point) == ("closed", None)
    assert evaluate(services, datetime(2026, 8, 1, tzinfo=UTC)).trips == 0


# --- keep-power (CTL-5) -------------------------------------------------------------------------


def test_keep_power_point_is_never_cut_the_others_are(site: Site) -> None:
    services, m = site.services, site.m
    with services.db.uow() as uow:
        s = uow.session
        room_id = s.scalar(select(Room.id).where(Room.code == "A-1-01"))
        meter_id = s.execute(
            insert(Meter)
            .values(
                kind="single_phase",
                protocol="dlt645-2007",
                profile="dlt645-2007-single-phase",
                address="000000000099",
                bus_id=m.bus_id,
                notes="",
            )
            .returning(Meter.id)
        ).scalar_one()
        pump = s.execute(
            insert(MeasurementPoint)
            .values(
                code="E-A-1-01-PUMP",
                meter_id=meter_id,
                room_id=room_id,
                utility="electricity",
                tariff_id=m.tariff_ids["E-FLAT"],
                name="消防水泵",
                relay_state="closed",
                keep_power=True,
            )
            .returning(MeasurementPoint.id)
        ).scalar_one()
        uow.commit()
    owe(services, "A-1-01", 30_000)
    for day in (1, 2, 3):
        now = datetime(2026, 7, day, 2, tzinfo=UTC)
        evaluate(services, now)
        site.run(now)
    assert point_state(services, m.elec["A-1-01"]) == ("open", "arrears")
    assert point_state(services, pump) == ("closed", None)
    assert commands(services, pump) == []
    assert site.meters.kinds() == [("trip", m.elec["A-1-01"])]


# --- hysteresis (CTL-2) -------------------------------------------------------------------------


def test_one_fen_above_the_cut_threshold_does_not_restore(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    services.settings.set(ADMIN, "billing.restore_threshold_fen", 1_000)  # cut at 0, restore > 10
    owe(services, "A-1-01", 10_000)  # balance exactly 0: owed
    evaluate(services, TUESDAY_10)
    site.run(TUESDAY_10)
    assert point_state(services, point) == ("open", "arrears")

    top_up(services, "A-1-01", 1, "one-fen")  # ¥0.01: above the cut, not above the restore
    report = evaluate(services, TUESDAY_10 + timedelta(minutes=15))
    assert (report.trips, report.closes) == (0, 0)
    top_up(services, "A-1-01", 999, "to-ten")  # ¥10.00 exactly: still not above
    assert evaluate(services, TUESDAY_10 + timedelta(minutes=30)).closes == 0

    top_up(services, "A-1-01", 1, "ten-oh-one")  # ¥10.01
    assert evaluate(services, TUESDAY_10 + timedelta(minutes=45)).closes == 1
    site.run(TUESDAY_10 + timedelta(minutes=45))
    assert point_state(services, point) == ("closed", None)
    assert [c[:2] for c in commands(services, point)] == [
        ("trip", "confirmed"),
        ("close", "confirmed"),
    ]


# --- manual trips (CTL-5) -----------------------------------------------------------------------


def test_manual_trip_is_not_closed_by_the_policy_a_manual_close_works(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    control = ControlService(services.db)
    [cid] = control.request(ADMIN, [point], "trip", "线路检修")
    site.run(TUESDAY_10)
    assert point_state(services, point) == ("open", "manual")

    # arrears come and go: the policy leaves the operator's trip alone
    owe(services, "A-1-01", 20_000)
    evaluate(services, TUESDAY_10 + timedelta(hours=1))
    top_up(services, "A-1-01", 50_000, "after-manual")
    report = evaluate(services, TUESDAY_10 + timedelta(hours=2))
    assert (report.trips, report.closes) == (0, 0)
    site.run(TUESDAY_10 + timedelta(hours=2))
    assert point_state(services, point) == ("open", "manual")

    [close_id] = control.request(ADMIN, [point], "close", "检修完毕")
    site.run(TUESDAY_10 + timedelta(hours=3))
    assert point_state(services, point) == ("closed", None)
    assert control.command_states([cid, close_id]) == {cid: "confirmed", close_id: "confirmed"}
    with services.db.uow() as uow:
        actions = list(
            uow.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("control.%"))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["control.trip", "control.close"]


def test_manual_trip_adopts_the_policy_trip_already_queued(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    owe(services, "A-1-01", 20_000)
    policy = evaluate(services, TUESDAY_10)
    # the operator trips it by hand before the policy's command ran
    ids = ControlService(services.db).request(ADMIN, [point], "trip", "用户申请停电")
    assert ids == list(policy.commands)
    site.run(TUESDAY_10)
    assert point_state(services, point) == ("open", "manual")
    top_up(services, "A-1-01", 50_000, "after-adopt")
    assert evaluate(services, TUESDAY_10 + timedelta(hours=1)).closes == 0


def test_the_policy_does_not_cancel_a_pending_manual_trip(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    owe(services, "A-1-01", 20_000)
    evaluate(services, TUESDAY_10)
    site.run(TUESDAY_10)
    assert point_state(services, point) == ("open", "arrears")
    top_up(services, "A-1-01", 50_000, "paid")
    ControlService(services.db).request(ADMIN, [point], "trip", "线路检修")  # before the restore
    report = evaluate(services, TUESDAY_10 + timedelta(minutes=1))
    assert report.closes == 0
    site.run(TUESDAY_10 + timedelta(minutes=1))
    assert point_state(services, point) == ("open", "manual")
    assert commands(services, point)[-1] == ("trip", "confirmed", "manual")


def test_manual_control_needs_permission_and_reason(site: Site) -> None:
    from app.errors import PermissionDeniedError, ValidationError

    control = ControlService(site.services.db)
    cashier = Actor(7, "cashier1", frozenset({"cashier.top_up"}))
    with pytest.raises(PermissionDeniedError):
        control.request(cashier, [site.m.elec["A-1-01"]], "trip", "x")
    with pytest.raises(ValidationError):
        control.request(ADMIN, [site.m.elec["A-1-01"]], "trip", "  ")
    assert commands(site.services) == []


# --- water valves (CTL-1: 欠费停电不停水) ---------------------------------------------------------


def test_water_valves_are_cut_only_when_the_site_enables_it(site: Site) -> None:
    services, m = site.services, site.m
    elec, water = m.elec["A-1-01"], m.water["A-1-01"]
    owe(services, "A-1-01", 20_000)
    report = evaluate(services, TUESDAY_10)
    assert trips_of(report.commands, services) == [("trip", elec)]
    site.run(TUESDAY_10)
    assert evaluate(services, TUESDAY_10 + timedelta(minutes=15)).trips == 0

    services.settings.set(ADMIN, "control.cut_water", True)
    report = evaluate(services, TUESDAY_10 + timedelta(minutes=30))
    assert trips_of(report.commands, services) == [("valve-close", water)]
    site.run(TUESDAY_10 + timedelta(minutes=30))
    assert point_state(services, water) == ("open", "arrears")  # policy terms: cut

    top_up(services, "A-1-01", 50_000, "water-back")
    report = evaluate(services, TUESDAY_10 + timedelta(hours=1))
    assert sorted(trips_of(report.commands, services)) == sorted(
        [("close", elec), ("valve-open", water)]
    )
    site.run(TUESDAY_10 + timedelta(hours=1))
    assert point_state(services, water) == ("closed", None)
    assert point_state(services, elec) == ("closed", None)


# --- control failure (CTL-4) --------------------------------------------------------------------


def test_a_trip_acknowledged_but_not_carried_out_fails_with_an_alarm(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    owe(services, "A-1-01", 20_000)
    site.meters.stuck.add(point)
    evaluate(services, TUESDAY_10)
    assert set(site.run(TUESDAY_10).values()) == {"failed"}
    assert commands(services, point) == [("trip", "failed", "arrears")]
    assert point_state(services, point) == ("closed", None)  # as read back
    [alarm] = alarms(services, "control_failure")
    assert alarm.point_id == point and alarm.state == "active"
    assert "关断控制失效" in alarm.message and "闭合" in alarm.message


def test_a_stuck_relay_is_not_sent_a_new_trip_every_cycle(site: Site) -> None:
    """After a failed automatic trip (alarm up) the policy backs off for
    ``control.failed_cut_backoff_s`` instead of queueing an equally failing trip each cycle."""
    services, m = site.services, site.m
    point, other = m.elec["A-1-01"], m.elec["A-1-02"]
    assert services.settings.get("control.failed_cut_backoff_s") == 6 * 3600
    owe(services, "A-1-01", 20_000)
    site.meters.stuck.add(point)
    evaluate(services, TUESDAY_10)
    assert set(site.run(TUESDAY_10).values()) == {"failed"}
    owe(services, "A-1-02", 20_000)  # another account runs out meanwhile: cut as usual
    for minutes in (15, 30, 45, 6 * 60 - 1):  # control cycles within the back-off
        at = TUESDAY_10 + timedelta(minutes=minutes)
        report = evaluate(services, at)
        assert report.backed_off == 1
        site.run(at)
    assert commands(services, point) == [("trip", "failed", "arrears")]
    assert commands(services, other) == [("trip", "confirmed", "arrears")]
    assert len(alarms(services, "control_failure")) == 1
    # after the back-off the policy tries again; the relay has been repaired meanwhile
    site.meters.stuck.discard(point)
    later = TUESDAY_10 + timedelta(hours=6, minutes=1)
    report = evaluate(services, later)
    assert report.backed_off == 0 and trips_of(report.commands, services) == [("trip", point)]
    assert set(site.run(later).values()) == {"confirmed"}
    assert point_state(services, point) == ("open", "arrears")


def test_without_back_off_a_failed_trip_is_retried_every_cycle(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    services.settings.set(ADMIN, "control.failed_cut_backoff_s", 0)
    owe(services, "A-1-01", 20_000)
    site.meters.stuck.add(point)
    for minutes in (0, 15, 30):
        at = TUESDAY_10 + timedelta(minutes=minutes)
        assert evaluate(services, at).backed_off == 0
        site.run(at)
    assert commands(services, point) == [("trip", "failed", "arrears")] * 3


# --- stale commands after a crash (CTL-4) -------------------------------------------------------


def test_commands_left_by_a_crash_are_verified_or_expire(site: Site) -> None:
    services, m = site.services, site.m
    a, b = m.elec["A-1-01"], m.elec["A-1-02"]
    old = TUESDAY_10 - timedelta(hours=7)
    with services.db.uow() as uow:
        s = uow.session
        sent = enqueue_command(s, kind="trip", point_id=a, rule="arrears", now=TUESDAY_10)
        stale = enqueue_command(s, kind="trip", point_id=b, rule="arrears", now=old)
        uow.commit()
    # a runner claims the first one and dies before recording anything
    dead = runner(services, FakeMeters())
    dead.owner = "dead-runner"
    assert [j.id for j in dead.claim(TUESDAY_10)] == [sent, stale]
    with services.db.uow() as uow:  # put the second back: it was never sent
        uow.session.execute(
            update(Command)
            .where(Command.id == stale)
            .values(state="pending", lease_owner=None, lease_until=None)
        )
        uow.commit()

    # within the lease nothing is touched
    early = runner(services, site.meters).run_due(TUESDAY_10 + timedelta(seconds=60))
    assert (early.recovered, early.claimed) == (0, 0) and early.cancelled_stale == 1

    report = runner(services, site.meters).run_due(TUESDAY_10 + timedelta(minutes=5))
    assert report.recovered == 1 and report.outcomes == {sent: "confirmed"}
    [job] = site.meters.calls
    assert job.id == sent and job.verify_first  # read the meter before sending anything
    assert commands(services, b) == [("trip", "cancelled", "arrears")]


# --- two runners (CTL-4, DATA-4) ----------------------------------------------------------------


def test_two_runners_never_execute_the_same_command(site: Site, db_url: str) -> None:
    services, m = site.services, site.m
    with services.db.uow() as uow:
        for i, point in enumerate(list(m.elec.values()) * 4 + list(m.water.values()) * 4):
            uow.session.add(
                Command(
                    kind="close" if point in m.elec.values() else "valve-open",
                    point_id=point,
                    meter_id=m.meters[point],
                    gateway_id=m.gateway_id,
                    priority=0,
                    rule="manual",
                    reason=f"并发测试 {i}",
                    state="pending",
                    payload={},
                    created_at=TUESDAY_10,
                )
            )
        # and 20 more that a collector which died had claimed; their lease has run out
        for i, point in enumerate(list(m.elec.values()) * 4):
            uow.session.add(
                Command(
                    kind="trip",
                    point_id=point,
                    meter_id=m.meters[point],
                    gateway_id=m.gateway_id,
                    priority=0,
                    rule="manual",
                    reason=f"崩溃遗留 {i}",
                    state="sent",
                    attempts=1,
                    lease_owner="dead-pc:1",
                    lease_until=TUESDAY_10 - timedelta(minutes=1),
                    payload={},
                    created_at=TUESDAY_10 - timedelta(minutes=10),
                )
            )
        uow.commit()
    with services.db.uow() as uow:
        total = uow.session.scalar(select(func.count()).select_from(Command))
    assert total == 60

    both_busy = threading.Barrier(2, timeout=30)
    seen: set[str] = set()

    def meet(job: CommandJob) -> None:
        # the first job of each runner waits for the other: both hold claims at the same time
        owner = threading.current_thread().name
        if owner not in seen:
            seen.add(owner)
            both_busy.wait()

    meters = FakeMeters(before=meet)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        db = Database(db_url)  # a desk of its own
        try:
            r = CommandRunner(db, meters, owner=name, batch=3)
            while r.run_due(TUESDAY_10).claimed:
                pass
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=work, args=(n,), name=n) for n in ("desk-1", "desk-2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    ids = [j.id for j in meters.calls]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert sum(j.verify_first for j in meters.calls) == 20
    with services.db.uow() as uow:
        owners = dict(
            uow.session.execute(
                select(Command.lease_owner, func.count()).group_by(Command.lease_owner)
            ).all()
        )
        states = set(uow.session.scalars(select(Command.state)))
    assert states == {"confirmed"}
    assert seen == {"desk-1", "desk-2"}
    assert sum(owners.values()) == 60 and "dead-pc:1" not in owners


def test_restore_for_an_account_that_ran_out_again_is_not_replayed(site: Site) -> None:
    services, m = site.services, site.m
    point = m.elec["A-1-01"]
    owe(services, "A-1-01", 10_100)
    evaluate(services, TUESDAY_10)
    site.run(TUESDAY_10)
    top_up(services, "A-1-01", 500, "small")  # ¥4.00
    assert evaluate(services, TUESDAY_10 + timedelta(minutes=15)).closes == 1
    site.meters.offline.add(point)
    site.run(TUESDAY_10 + timedelta(minutes=15))  # no answer: retry later
    owe(services, "A-1-01", 600)  # water and property took it: owed again
    site.meters.offline.clear()
    report = evaluate(services, TUESDAY_10 + timedelta(minutes=30))
    assert report.cancelled == 1 and report.trips == 0
    site.run(TUESDAY_10 + timedelta(minutes=30))
    assert point_state(services, point) == ("open", "arrears")
    assert [c[:2] for c in commands(services, point)] == [
        ("trip", "confirmed"),
        ("close", "cancelled"),
    ]


def test_protected_windows_follow_the_site_time_zone() -> None:
    settings = {"site.timezone": "Asia/Tokyo", "control.protected_windows": NIGHTS_AND_REST_DAYS}
    policy = policy_from_settings(settings)
    assert policy.protected is not None
    tuesday_2230_tokyo = datetime(2026, 7, 7, 13, 30, tzinfo=UTC)  # 21:30 in Shanghai
    assert policy.protected.is_protected(tuesday_2230_tokyo)
    explicit = policy_from_settings(
        {**settings, "control.protected_windows": {**NIGHTS_AND_REST_DAYS, "tz": "Asia/Shanghai"}}
    )
    assert explicit.protected is not None
    assert not explicit.protected.is_protected(tuesday_2230_tokyo)
