"""Site-local time, the holiday calendar and protected windows in which no cut-off happens (CTL-1).

Every instant the core passes around is an aware UTC ``datetime``; this module is where such an
instant meets the site's wall clock (default ``Asia/Shanghai``, via :mod:`zoneinfo`). Windows are
written in local time ("22:00–08:00", weekends, 国庆节) and may cross midnight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import ValidationError

DEFAULT_TZ = "Asia/Shanghai"
# How far ahead protected_until() follows chained windows (a 7-day 国庆 holiday glued to a
# weekend and to nights is ~10 days; a year means "indefinitely, check the configuration").
_LOOKAHEAD = timedelta(days=366)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def site_zone(name: str = DEFAULT_TZ) -> ZoneInfo:
    """The site's time zone; an unknown name is a configuration error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("tz", f"unknown time zone {name!r}") from exc


def require_utc(moment: datetime, what: str = "time") -> datetime:
    """Return ``moment`` in UTC; a naive datetime is a programming error (never guess a zone)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC)


def local_date(moment: datetime, tz: str = DEFAULT_TZ) -> date:
    """The calendar date on the site's wall clock at ``moment``."""
    return require_utc(moment).astimezone(site_zone(tz)).date()


def local_midnight_utc(day: date, tz: str = DEFAULT_TZ) -> datetime:
    """00:00 local time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=site_zone(tz)).astimezone(UTC)


@dataclass(frozen=True)
class HolidayCalendar:
    """Rest days: explicit holidays, weekday rules, and make-up working days (调休).

    ``rest_weekdays`` uses ``date.weekday()`` numbering (Monday = 0 … Sunday = 6); a date in
    ``workdays`` is a working day even if its weekday is a rest weekday (the Saturday worked
    before 国庆节), a date in ``holidays`` is a rest day whatever its weekday.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    rest_weekdays: frozenset[int] = frozenset({5, 6})

    def __post_init__(self) -> None:
        if not self.rest_weekdays <= set(range(7)):
            raise ValidationError("rest_weekdays", "weekdays are 0 (Monday) … 6 (Sunday)")
        if self.holidays & self.workdays:
            raise ValidationError("workdays", "a date cannot be both a holiday and a workday")

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays

    def is_rest_day(self, day: date) -> bool:
        if day in self.holidays:
            return True
        return day.weekday() in self.rest_weekdays and day not in self.workdays


@dataclass(frozen=True)
class DailyWindow:
    """A window of local wall-clock time repeated each day, e.g. nights 22:00–08:00.

    ``end <= start`` means the window crosses midnight (``start == end``: 24 hours). A window
    belongs to the day it *starts* on: ``weekdays`` (0 = Monday) filters those start days, ``None``
    = every day. The window covers ``start <= t < end``.
    """

    start: time
    end: time
    weekdays: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.weekdays is not None and not self.weekdays <= set(range(7)):
            raise ValidationError("weekdays", "weekdays are 0 (Monday) … 6 (Sunday)")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def occurrence(self, start_day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The UTC [start, end) of the window starting on local ``start_day``, if it runs then."""
        if self.weekdays is not None and start_day.weekday() not in self.weekdays:
            return None
        begin = datetime.combine(start_day, self.start, tzinfo=zone)
        end_day = start_day + timedelta(days=1) if self.crosses_midnight else start_day
        finish = datetime.combine(end_day, self.end, tzinfo=zone)
        return begin.astimezone(UTC), finish.astimezone(UTC)


@dataclass(frozen=True)
class ProtectedWindows:
    """When arrears must not cut power (CTL-1): daily windows plus, optionally, whole rest days.

    "No cut-off at 22:00 on a Friday": with nights 22:00–08:00 and ``rest_days=True`` the window
    that opens Friday 22:00 runs on through Saturday and Sunday into Monday 08:00, and a cut still
    owed then happens at Monday 08:00 (:meth:`protected_until`).
    """

    daily: tuple[DailyWindow, ...] = ()
    rest_days: bool = False
    calendar: HolidayCalendar = field(default_factory=HolidayCalendar)
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        site_zone(self.tz)  # fail early on a bad zone name

    def _ends_covering(self, moment: datetime) -> list[datetime]:
        """UTC ends of every window that covers ``moment`` (UTC)."""
        zone = site_zone(self.tz)
        today = moment.astimezone(zone).date()
        ends: list[datetime] = []
        if self.rest_days and self.calendar.is_rest_day(today):
            ends.append(local_midnight_utc(today + timedelta(days=1), self.tz))
        for window in self.daily:
            for start_day in (today - timedelta(days=1), today):
                occ = window.occurrence(start_day, zone)
                if occ is not None and occ[0] <= moment < occ[1]:
                    ends.append(occ[1])
        return ends

    def is_protected(self, moment: datetime) -> bool:
        return bool(self._ends_covering(require_utc(moment)))

    def protected_until(self, moment: datetime) -> datetime | None:
        """End (UTC) of the protected stretch containing ``moment``, following windows that touch
        or overlap; ``None`` when ``moment`` is not protected. Capped one year ahead."""
        start = require_utc(moment)
        current = start
        horizon = start + _LOOKAHEAD
        while current < horizon:
            ends = self._ends_covering(current)
            if not ends:
                break
            current = max(ends)
        return None if current == start else min(current, horizon)


def _parse_hhmm(value: object, what: str) -> time:
    if not isinstance(value, str) or not (m := _HHMM.match(value.strip())):
        raise ValidationError(what, f"{value!r} is not a time HH:MM")
    return time(int(m.group(1)), int(m.group(2)))


def _parse_dates(values: object, what: str) -> frozenset[date]:
    if values is None:
        return frozenset()
    if not isinstance(values, list | tuple):
        raise ValidationError(what, "a list of dates YYYY-MM-DD is required")
    out: set[date] = set()
    for v in values:
        try:
            out.add(date.fromisoformat(str(v)))
        except ValueError as exc:
            raise ValidationError(what, f"{v!r} is not a date YYYY-MM-DD") from exc
    return frozenset(out)


def _parse_weekdays(values: object, what: str) -> frozenset[int]:
    if not isinstance(values, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 6 for v in values
    ):
        raise ValidationError(what, "weekdays are a list of 0 (Monday) … 6 (Sunday)")
    return frozenset(int(v) for v in values)


def parse_protected_windows(config: Mapping[str, object]) -> ProtectedWindows:
    """Build :class:`ProtectedWindows` from a settings value, e.g.::

    {"daily": [{"start": "22:00", "end": "08:00"}], "rest_days": true,
     "holidays": ["2026-10-01", …], "workdays": ["2026-09-27"],
     "rest_weekdays": [5, 6], "tz": "Asia/Shanghai"}
    """
    raw_daily = config.get("daily", [])
    if not isinstance(raw_daily, list | tuple):
        raise ValidationError("daily", "a list of windows is required")
    daily: list[DailyWindow] = []
    for i, w in enumerate(raw_daily):
        if not isinstance(w, Mapping):
            raise ValidationError("daily", f"window {i + 1} must be an object")
        weekdays = w.get("weekdays")
        daily.append(
            DailyWindow(
                start=_parse_hhmm(w.get("start"), f"window {i + 1} start"),
                end=_parse_hhmm(w.get("end"), f"window {i + 1} end"),
                weekdays=None
                if weekdays is None
                else _parse_weekdays(weekdays, f"window {i + 1} weekdays"),
            )
        )
    rest_weekdays = config.get("rest_weekdays")
    calendar = HolidayCalendar(
        holidays=_parse_dates(config.get("holidays"), "holidays"),
        workdays=_parse_dates(config.get("workdays"), "workdays"),
        rest_weekdays=frozenset({5, 6})
        if rest_weekdays is None
        else _parse_weekdays(rest_weekdays, "rest_weekdays"),
    )
    tz = config.get("tz", DEFAULT_TZ)
    if not isinstance(tz, str):
        raise ValidationError("tz", "a time zone name is required")
    return ProtectedWindows(
        daily=tuple(daily), rest_days=bool(config.get("rest_days", False)), calendar=calendar, tz=tz
    )
