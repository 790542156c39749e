"""Arrears cut-off, restore, protected windows and low-balance alerts (CTL-1…3, CTL-5, ACC-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.domain.calendar import (
    DailyWindow,
    HolidayCalendar,
    ProtectedWindows,
    local_date,
    parse_protected_windows,
)
from app.domain.cut_policy import (
    AccountSnapshot,
    Action,
    AlertLevel,
    AlertThresholds,
    CutPolicy,
    PointSnapshot,
    Reason,
    RelayState,
    TripCause,
    days_left,
    decide,
    estimate_daily_spend_fen,
    low_balance_alerts,
)
from app.domain.enums import AccountState
from app.errors import ValidationError

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
NIGHTS = DailyWindow(time(22), time(8))


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH).astimezone(UTC)


FRIDAY_22 = local(2026, 7, 3, 22)  # 2026-07-03 is a Friday
TUESDAY_10 = local(2026, 7, 7, 10)


def elec(pid: int = 1, **kw: object) -> PointSnapshot:
    base: dict[str, object] = {"relay_state": RelayState.CLOSED}
    base.update(kw)
    return PointSnapshot(pid, "electricity", **base)  # type: ignore[arg-type]


def water(pid: int = 2, **kw: object) -> PointSnapshot:
    base: dict[str, object] = {"relay_state": RelayState.CLOSED}
    base.update(kw)
    return PointSnapshot(pid, "water", **base)  # type: ignore[arg-type]


def tripped(pid: int = 1, cause: TripCause = TripCause.ARREARS, **kw: object) -> PointSnapshot:
    return elec(pid, relay_state=RelayState.OPEN, trip_cause=cause, **kw)


def acct(cash: int, **kw: object) -> AccountSnapshot:
    return AccountSnapshot(account_id=7, cash_fen=cash, **kw)  # type: ignore[arg-type]


def actions(decision: object) -> dict[int, Action]:
    return {p.point_id: p.action for p in decision.points}  # type: ignore[attr-defined]


# --- cut and restore ----------------------------------------------------------------------------


def test_owed_trips_power_but_not_water_by_default() -> None:
    d = decide(acct(-100), [elec(1), water(2)], CutPolicy(), TUESDAY_10)
    assert d.owed and d.trip_point_ids == (1,) and d.close_point_ids == ()
    assert Reason.UTILITY_NOT_CUT in d.points[1].reasons
    assert Reason.OWED in d.reasons


def test_site_option_cuts_water_valves_too() -> None:
    d = decide(acct(-100), [elec(1), water(2)], CutPolicy(cut_water=True), TUESDAY_10)
    assert d.trip_point_ids == (1, 2)


def test_balance_at_threshold_is_owed_and_overdraft_counts() -> None:
    assert decide(acct(0), [elec()], CutPolicy(), TUESDAY_10).trip_point_ids == (1,)
    assert decide(acct(1), [elec()], CutPolicy(), TUESDAY_10).trip_point_ids == ()
    d = decide(acct(-500, overdraft_limit_fen=1000), [elec()], CutPolicy(), TUESDAY_10)
    assert not d.owed and d.available_fen == 500 and d.trip_point_ids == ()
    d2 = decide(acct(-1500, overdraft_limit_fen=1000), [elec()], CutPolicy(), TUESDAY_10)
    assert d2.trip_point_ids == (1,)


def test_subsidy_pocket_counts_in_the_balance() -> None:
    d = decide(acct(-300, subsidy_fen=500), [elec()], CutPolicy(), TUESDAY_10)
    assert d.balance_fen == 200 and not d.owed


def test_keep_power_never_cut() -> None:
    d = decide(acct(-5000), [elec(1, keep_power=True), elec(2)], CutPolicy(), TUESDAY_10)
    assert d.trip_point_ids == (2,)
    assert d.points[0].reasons == (Reason.KEEP_POWER,)
    # a keep-power point the rule once tripped is closed again
    d2 = decide(acct(-5000), [tripped(1, keep_power=True)], CutPolicy(), TUESDAY_10)
    assert d2.close_point_ids == (1,)


def test_no_switch_and_already_open_and_unknown_state() -> None:
    points = [
        elec(1, has_switch=False),
        tripped(2),
        elec(3, relay_state=RelayState.UNKNOWN),
    ]
    d = decide(acct(-1), points, CutPolicy(), TUESDAY_10)
    assert actions(d) == {1: Action.NONE, 2: Action.NONE, 3: Action.TRIP}
    assert d.points[0].reasons == (Reason.NO_SWITCH,)
    assert d.points[1].reasons == (Reason.ALREADY_OPEN,)
    assert d.points[2].reasons == (Reason.CUT, Reason.RELAY_STATE_UNKNOWN)


def test_special_power_range_no_cut_and_recheck_at_its_end() -> None:
    until = local(2026, 7, 10)
    account = acct(-8000, special_power_from=local(2026, 7, 1), special_power_until=until)
    d = decide(account, [elec(1), tripped(2)], CutPolicy(), TUESDAY_10)
    assert d.owed and d.trip_point_ids == ()
    assert d.close_point_ids == (2,)  # power back while special power is in force
    assert Reason.SPECIAL_POWER in d.reasons and d.recheck_at == until
    after = decide(account, [elec(1)], CutPolicy(), until)  # the range is [from, until)
    assert after.trip_point_ids == (1,)
    before = decide(account, [elec(1)], CutPolicy(), local(2026, 6, 30, 23, 59))
    assert before.trip_point_ids == (1,)


def test_restore_hysteresis() -> None:
    policy = CutPolicy(cut_threshold_fen=0, restore_threshold_fen=1000)
    # between the thresholds nothing changes, whichever the current state
    mid_open = decide(acct(500), [tripped(1)], policy, TUESDAY_10)
    assert mid_open.trip_point_ids == () and mid_open.close_point_ids == ()
    assert Reason.HYSTERESIS in mid_open.reasons
    mid_closed = decide(acct(500), [elec(1)], policy, TUESDAY_10)
    assert mid_closed.trip_point_ids == () and mid_closed.close_point_ids == ()
    # exactly at the restore threshold: still not restored; one fen above: restored
    assert decide(acct(1000), [tripped(1)], policy, TUESDAY_10).close_point_ids == ()
    up = decide(acct(1001), [tripped(1)], policy, TUESDAY_10)
    assert up.close_point_ids == (1,) and up.points[0].reasons == (Reason.RESTORE,)
    assert decide(acct(0), [elec(1)], policy, TUESDAY_10).trip_point_ids == (1,)


def test_restore_is_not_delayed_by_protected_windows() -> None:
    policy = CutPolicy(protected=ProtectedWindows(daily=(NIGHTS,), rest_days=True))
    d = decide(acct(5000), [tripped(1), tripped(2, TripCause.MANUAL)], policy, FRIDAY_22)
    assert d.close_point_ids == (1,)
    assert d.points[1].reasons == (Reason.MANUAL_TRIP,)  # only an operator closes that


def test_meter_tripped_points_are_left_alone() -> None:
    d = decide(acct(5000), [tripped(1, TripCause.METER)], CutPolicy(), TUESDAY_10)
    assert d.close_point_ids == () and d.points[0].reasons == (Reason.METER_TRIP,)


def test_thresholds_must_leave_room_for_hysteresis() -> None:
    with pytest.raises(ValidationError):
        CutPolicy(cut_threshold_fen=1000, restore_threshold_fen=0)


def test_inactive_accounts_are_left_alone() -> None:
    for state in (AccountState.SUSPENDED, AccountState.CLOSED):
        d = decide(acct(-100, state=state), [elec(), tripped(2)], CutPolicy(), TUESDAY_10)
        assert d.trip_point_ids == () and d.close_point_ids == () and d.alerts == ()
        assert d.reasons == (Reason.ACCOUNT_NOT_ACTIVE,)


# --- property-fee linkage (BILL-4) ------------------------------------------------------------


def test_property_fee_only_arrears_without_linkage_no_cut() -> None:
    # the tenant owed nothing for power; an ¥80 property fee took the balance to -¥30
    account = acct(-3000, unpaid_property_fee_fen=8000)
    d = decide(account, [elec()], CutPolicy(property_fee_linkage=False), TUESDAY_10)
    assert not d.owed and d.trip_point_ids == ()
    assert Reason.PROPERTY_FEE_ONLY in d.reasons and d.effective_fen == 5000


def test_property_fee_arrears_with_linkage_cut() -> None:
    account = acct(-3000, unpaid_property_fee_fen=8000)
    d = decide(account, [elec()], CutPolicy(property_fee_linkage=True), TUESDAY_10)
    assert d.owed and d.trip_point_ids == (1,)


def test_utility_arrears_on_top_of_property_fee_still_cut_without_linkage() -> None:
    account = acct(-10000, unpaid_property_fee_fen=8000)  # ¥20 of the debt is electricity
    d = decide(account, [elec()], CutPolicy(property_fee_linkage=False), TUESDAY_10)
    assert d.owed and d.trip_point_ids == (1,)


# --- protected windows (CTL-1) ----------------------------------------------------------------


def test_friday_22_no_cut_then_cut_when_the_window_ends() -> None:
    assert FRIDAY_22.astimezone(SH).strftime("%A %H:%M") == "Friday 22:00"
    policy = CutPolicy(protected=ProtectedWindows(daily=(NIGHTS,), rest_days=True))
    d = decide(acct(-100), [elec()], policy, FRIDAY_22)
    assert d.owed and d.trip_point_ids == ()
    assert d.points[0].reasons == (Reason.PROTECTED_WINDOW,)
    # nights + Saturday + Sunday + Sunday night run on into Monday 08:00
    monday_8 = local(2026, 7, 6, 8)
    assert d.recheck_at == monday_8
    assert decide(acct(-100), [elec()], policy, monday_8).trip_point_ids == (1,)
    # if the tenant topped up over the weekend, nothing is cut at Monday 08:00
    assert decide(acct(2000), [elec()], policy, monday_8).trip_point_ids == ()


def test_nights_only_window_ends_next_morning() -> None:
    policy = CutPolicy(protected=ProtectedWindows(daily=(NIGHTS,)))
    d = decide(acct(-100), [elec()], policy, FRIDAY_22)
    assert d.recheck_at == local(2026, 7, 4, 8)


def test_no_protected_window_recheck_when_nothing_was_held() -> None:
    policy = CutPolicy(protected=ProtectedWindows(daily=(NIGHTS,)))
    d = decide(acct(-100), [water()], policy, FRIDAY_22)
    assert d.recheck_at is None and Reason.PROTECTED_WINDOW not in d.reasons


def test_window_crossing_midnight() -> None:
    w = ProtectedWindows(daily=(NIGHTS,))
    assert w.is_protected(local(2026, 7, 7, 22))
    assert w.is_protected(local(2026, 7, 7, 23, 30))
    assert w.is_protected(local(2026, 7, 8, 7, 59))
    assert not w.is_protected(local(2026, 7, 8, 8))
    assert not w.is_protected(local(2026, 7, 7, 21, 59))
    assert w.protected_until(local(2026, 7, 8, 3)) == local(2026, 7, 8, 8)
    assert w.protected_until(TUESDAY_10) is None


def test_window_weekdays_filter_the_start_day() -> None:
    friday_nights = ProtectedWindows(daily=(DailyWindow(time(22), time(8), frozenset({4})),))
    assert friday_nights.is_protected(local(2026, 7, 4, 7))  # Saturday 07:00, Friday's window
    assert not friday_nights.is_protected(local(2026, 7, 5, 7))  # Sunday 07:00


def test_holiday_calendar_explicit_dates_and_makeup_workdays() -> None:
    cal = HolidayCalendar(
        holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
        workdays=frozenset({date(2026, 9, 27), date(2026, 10, 10)}),
    )
    assert cal.is_rest_day(date(2026, 10, 1)) and cal.is_holiday(date(2026, 10, 1))
    assert not cal.is_rest_day(date(2026, 9, 27))  # a Sunday worked (调休)
    assert not cal.is_rest_day(date(2026, 10, 10))
    assert cal.is_rest_day(date(2026, 10, 11))  # an ordinary Sunday
    assert not cal.is_rest_day(date(2026, 10, 9))  # a Friday
    windows = ProtectedWindows(rest_days=True, calendar=cal)
    # Wednesday 30 September 12:00 is a working day; 国庆 runs 1–7 October, then 8 Oct is work
    assert not windows.is_protected(local(2026, 9, 30, 12))
    assert windows.protected_until(local(2026, 10, 1, 12)) == local(2026, 10, 8)


def test_parse_protected_windows() -> None:
    w = parse_protected_windows(
        {
            "daily": [{"start": "22:00", "end": "08:00"}, {"start": "12:00", "end": "13:30"}],
            "rest_days": True,
            "holidays": ["2026-10-01"],
            "workdays": ["2026-09-27"],
        }
    )
    assert w.daily[1] == DailyWindow(time(12), time(13, 30)) and w.rest_days
    assert w.calendar.is_rest_day(date(2026, 10, 1)) and w.tz == "Asia/Shanghai"
    for bad in (
        {"daily": [{"start": "25:00", "end": "08:00"}]},
        {"holidays": ["2026-13-01"]},
        {"daily": [{"start": "22:00", "end": "08:00", "weekdays": [7]}]},
        {"tz": "Mars/Olympus"},
    ):
        with pytest.raises(ValidationError):
            parse_protected_windows(bad)


def test_site_timezone_is_respected() -> None:
    utc_site = ProtectedWindows(daily=(NIGHTS,), tz="UTC")
    t = datetime(2026, 7, 7, 23, tzinfo=UTC)  # 23:00 UTC = 07:00 next day in Shanghai
    assert utc_site.is_protected(t)
    assert ProtectedWindows(daily=(NIGHTS,)).is_protected(t)
    t2 = datetime(2026, 7, 7, 1, tzinfo=UTC)  # 01:00 UTC = 09:00 Shanghai
    assert utc_site.is_protected(t2) and not ProtectedWindows(daily=(NIGHTS,)).is_protected(t2)
    assert local_date(datetime(2026, 7, 7, 17, tzinfo=UTC)) == date(2026, 7, 8)


# --- low-balance alerts (CTL-3) ---------------------------------------------------------------


def test_warning_then_urgent_once_per_day() -> None:
    th = AlertThresholds(warning_fen=5000, urgent_fen=1000)
    policy = CutPolicy()
    now = TUESDAY_10
    today = date(2026, 7, 7)
    assert low_balance_alerts(acct(6000, alerts=th), policy, now) == ()
    (warn,) = low_balance_alerts(acct(4000, alerts=th), policy, now)
    assert warn.level is AlertLevel.WARNING and warn.local_day == today
    sent = {(AlertLevel.WARNING, today)}
    assert low_balance_alerts(acct(3000, alerts=th), policy, now, alerts_sent=sent) == ()
    (urgent,) = low_balance_alerts(acct(900, alerts=th), policy, now, alerts_sent=sent)
    assert urgent.level is AlertLevel.URGENT
    sent.add((AlertLevel.URGENT, today))
    # no warning after an urgent one, and nothing more that day
    later = now + timedelta(hours=5)
    assert low_balance_alerts(acct(900, alerts=th), policy, later, alerts_sent=sent) == ()
    # next local day: again
    tomorrow = local(2026, 7, 8, 0, 1)
    (again,) = low_balance_alerts(acct(900, alerts=th), policy, tomorrow, alerts_sent=sent)
    assert again.level is AlertLevel.URGENT and again.local_day == date(2026, 7, 8)


def test_alert_day_is_the_local_day() -> None:
    # 23:30 UTC on 7 July is 07:30 on 8 July in Shanghai
    (a,) = low_balance_alerts(acct(100), CutPolicy(), datetime(2026, 7, 7, 23, 30, tzinfo=UTC))
    assert a.local_day == date(2026, 7, 8)


def test_days_left_alerts() -> None:
    th = AlertThresholds(warning_fen=None, urgent_fen=None, warning_days=D(3), urgent_days=D(1))
    account = acct(1200, alerts=th, daily_spend_fen=500)
    assert days_left(account, CutPolicy()) == D("2.4")
    (a,) = low_balance_alerts(account, CutPolicy(), TUESDAY_10)
    assert a.level is AlertLevel.WARNING and a.days_left == D("2.4")
    poor = acct(400, alerts=th, daily_spend_fen=500)
    assert low_balance_alerts(poor, CutPolicy(), TUESDAY_10)[0].level is AlertLevel.URGENT
    rich = acct(100000, alerts=th, daily_spend_fen=500)
    assert low_balance_alerts(rich, CutPolicy(), TUESDAY_10) == ()
    unknown = acct(100, alerts=th, daily_spend_fen=None)
    assert low_balance_alerts(unknown, CutPolicy(), TUESDAY_10) == ()
    assert days_left(acct(-100, daily_spend_fen=500), CutPolicy()) == D("0.0")


def test_estimate_daily_spend() -> None:
    assert estimate_daily_spend_fen([300, 500, 400, 0]) == 300
    assert estimate_daily_spend_fen([1, 2]) == 2  # 1.5 half-up
    assert estimate_daily_spend_fen([]) is None
    assert estimate_daily_spend_fen([0, 0]) is None


def test_decision_carries_alerts() -> None:
    d = decide(acct(-100), [elec()], CutPolicy(), TUESDAY_10)
    assert [a.level for a in d.alerts] == [AlertLevel.URGENT]
    d2 = decide(
        acct(-100),
        [elec()],
        CutPolicy(),
        TUESDAY_10,
        alerts_sent={(AlertLevel.URGENT, date(2026, 7, 7))},
    )
    assert d2.alerts == ()
