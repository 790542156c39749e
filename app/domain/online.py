"""When a meter counts as online (MON-1, MON-2): one rule for every page and report.

A point is online when it was read within three read intervals (two missed cycles are tolerated,
as a noisy bus loses an answer now and then) and never less than 30 minutes, so that a site
reading every few minutes does not flicker offline on one slow cycle.
"""

from __future__ import annotations

from datetime import timedelta

MIN_OFFLINE_AFTER = timedelta(minutes=30)
MISSED_CYCLES_TOLERATED = 2


def offline_after(read_interval_s: int) -> timedelta:
    """How long after its last read a point counts as offline."""
    cycles = timedelta(seconds=(MISSED_CYCLES_TOLERATED + 1) * max(60, read_interval_s))
    return max(cycles, MIN_OFFLINE_AFTER)
