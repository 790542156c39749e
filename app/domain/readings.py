"""Reading anomalies (DEV-8) and control-failure detection (CTL-4): classify, never raise on data.

A new reading is compared with the point's previous accepted reading. Only ``OK`` and
``ROLLOVER`` (and ``FIRST``, which bills nothing) may go on to billing; every other status holds
the point's billing and raises an alarm until someone confirms or corrects the value, and
``DUPLICATE`` is a re-delivery that is simply ignored (DEV-4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact, InvalidOperation
from enum import StrEnum

from app.domain.calendar import require_utc
from app.domain.cut_policy import RelayState

_NUMBER = re.compile(r"^\s*\d{1,15}(?:\.\d{1,8})?\s*$")
_US_PER_HOUR = Decimal(3_600_000_000)
MAX_INTEGER_DIGITS = 15  # as the string form: no register has more
MAX_DECIMALS = 50  # a Decimal from a driver may carry more than 8, but not without end
# The limit of plausible steps (rate × hours × factor) is a product and a quotient: rounded, in
# this fixed context whatever the caller's; comparisons with it are exact.
_LIMIT_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)


def _exact(op: str, a: Decimal, b: Decimal) -> Decimal:
    """``a + b`` or ``a - b`` without rounding: the default context keeps 28 digits, and two
    register values of up to 15 + 50 digits would lose their last ones (a step that is not
    value − previous). The precision is sized to the operands, Inexact trapped as a guard."""
    ea, eb = a.as_tuple().exponent, b.as_tuple().exponent
    assert isinstance(ea, int) and isinstance(eb, int), "finite values only"
    digits = max(a.adjusted(), b.adjusted()) - min(ea, eb)
    ctx = Context(prec=max(28, digits + 3), traps=[Inexact, InvalidOperation])
    return ctx.add(a, b) if op == "+" else ctx.subtract(a, b)


class ReadingStatus(StrEnum):
    FIRST = "first"  # no previous reading: the baseline, bills nothing
    OK = "ok"
    ROLLOVER = "rollover"  # the register wrapped at its maximum, step plausible
    DUPLICATE = "duplicate"  # same meter time, same value: a re-delivery (DEV-4)
    NEGATIVE_STEP = "negative_step"  # meter reset/replaced, or a misread
    SPIKE = "spike"  # step above the plausible maximum
    UNPARSABLE = "unparsable"
    SENSOR_FAULT = "sensor_fault"  # CJ/T 188 photo-sensor fault reported by the meter
    TIME_NOT_AFTER_PREVIOUS = "time_not_after_previous"  # meter clock went back / conflict


HOLDING_STATUSES = frozenset(
    {
        ReadingStatus.NEGATIVE_STEP,
        ReadingStatus.SPIKE,
        ReadingStatus.UNPARSABLE,
        ReadingStatus.SENSOR_FAULT,
        ReadingStatus.TIME_NOT_AFTER_PREVIOUS,
    }
)


@dataclass(frozen=True)
class RegisterFormat:
    """The meter's register: ``integer_digits`` before and ``decimals`` after the point
    (e.g. 6 + 2 → 000000.00 … 999999.99); it wraps to zero at ``10 ** integer_digits``."""

    integer_digits: int = 6
    decimals: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.integer_digits <= 12 or not 0 <= self.decimals <= 6:
            raise ValueError("a register has 1–12 integer digits and 0–6 decimals")

    @property
    def modulus(self) -> Decimal:
        return Decimal(10) ** self.integer_digits

    @property
    def max_value(self) -> Decimal:
        return self.modulus - Decimal(1).scaleb(-self.decimals)


@dataclass(frozen=True)
class StepLimit:
    """The plausible maximum step for an elapsed time (DEV-8): ``max_rate_per_h`` (rated power in
    kW for electricity — after the CT multiplier —, or the meter's maximum flow in m³/h for water)
    × hours × ``safety_factor``, but never less than ``min_step`` (meter resolution and clock
    jitter on very short intervals). ``fixed_max_step`` replaces the rate rule when set (the
    point's configured maximum step)."""

    max_rate_per_h: Decimal
    safety_factor: Decimal = Decimal("1.5")
    min_step: Decimal = Decimal("0.1")
    fixed_max_step: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("max_rate_per_h", "safety_factor", "min_step"):
            v = getattr(self, name)
            if not isinstance(v, Decimal) or not v.is_finite() or v < 0:
                raise ValueError(f"{name} must be a finite Decimal ≥ 0")

    def max_step(self, elapsed: timedelta) -> Decimal:
        if self.fixed_max_step is not None:
            return self.fixed_max_step
        ctx = _LIMIT_CONTEXT
        hours = ctx.divide(Decimal(elapsed // timedelta(microseconds=1)), _US_PER_HOUR)
        limit = ctx.multiply(ctx.multiply(self.max_rate_per_h, hours), self.safety_factor)
        return max(self.min_step, limit)


@dataclass(frozen=True)
class PreviousReading:
    """The point's last accepted reading of this register."""

    value: Decimal
    meter_time: datetime


@dataclass(frozen=True)
class ReadingCheck:
    """Result of :func:`classify_reading`. ``consumption`` is set for FIRST (0), OK, ROLLOVER
    and DUPLICATE (0); ``max_step`` is the limit applied, if any; ``detail`` is for the log."""

    status: ReadingStatus
    value: Decimal | None
    consumption: Decimal | None
    max_step: Decimal | None = None
    detail: str = ""

    @property
    def holds_billing(self) -> bool:
        return self.status in HOLDING_STATUSES

    @property
    def billable(self) -> bool:
        return self.status in (ReadingStatus.OK, ReadingStatus.ROLLOVER)


def parse_reading_value(raw: object) -> Decimal | None:
    """An exact, finite, non-negative reading value from a Decimal, an int or a plain decimal
    string; ``None`` for anything else (floats too: a float has already lost exactness)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        if not 0 <= raw < 10**MAX_INTEGER_DIGITS:
            return None
        value = Decimal(raw)
    elif isinstance(raw, str) and _NUMBER.match(raw):
        try:
            return Decimal(raw.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
            return None
    else:
        return None
    if not value.is_finite() or value < 0:
        return None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if value and (value.adjusted() >= MAX_INTEGER_DIGITS or exponent < -MAX_DECIMALS):
        return None  # no register holds it; exact arithmetic on it would not end
    return value


def classify_reading(
    raw: object,
    *,
    meter_time: datetime,
    previous: PreviousReading | None,
    register: RegisterFormat | None = None,
    limit: StepLimit | None = None,
    sensor_fault: bool = False,
) -> ReadingCheck:
    """Classify a new reading of one register against the previous accepted one (DEV-8).

    Order: unparsable value (or beyond the register's maximum) → sensor fault → first reading →
    meter time not after the previous (same time and value = duplicate) → backwards (rollover if
    the wrapped step is plausible, else negative step) → spike → ok. A rollover needs a
    ``register`` format and counts only if the wrapped step is within ``limit`` (without a
    limit: within 1 % of the register's range). ``meter_time`` must be aware (programming error
    otherwise); nothing else raises.
    """
    t = require_utc(meter_time, "meter_time")
    value = parse_reading_value(raw)
    if value is None:
        return ReadingCheck(ReadingStatus.UNPARSABLE, None, None, detail=f"value {raw!r}")
    if register is not None and value > register.max_value:
        return ReadingCheck(
            ReadingStatus.UNPARSABLE, None, None, detail=f"{value} > {register.max_value}"
        )
    if sensor_fault:
        return ReadingCheck(ReadingStatus.SENSOR_FAULT, value, None, detail="sensor fault flag")
    if previous is None:
        return ReadingCheck(ReadingStatus.FIRST, value, Decimal(0))
    prev_t = require_utc(previous.meter_time, "previous.meter_time")
    if t <= prev_t:
        if t == prev_t and value == previous.value:
            return ReadingCheck(ReadingStatus.DUPLICATE, value, Decimal(0))
        return ReadingCheck(
            ReadingStatus.TIME_NOT_AFTER_PREVIOUS,
            value,
            None,
            detail=f"meter time {t.isoformat()} not after {prev_t.isoformat()}",
        )
    max_step = None if limit is None else limit.max_step(t - prev_t)
    if parse_reading_value(previous.value) is None:  # stored by an older version: no step
        return ReadingCheck(
            ReadingStatus.UNPARSABLE, None, None, detail=f"previous value {previous.value!r}"
        )
    step = _exact("-", value, previous.value)
    if step < 0:
        # a wrap needs a previous value the register can hold (else the "wrapped" step would
        # be negative: a misread or a different register format, not a rollover)
        if register is not None and previous.value <= register.max_value:
            wrapped = _exact("+", step, register.modulus)
            plausible_max = register.modulus / 100 if max_step is None else max_step
            if 0 <= wrapped <= plausible_max:
                return ReadingCheck(
                    ReadingStatus.ROLLOVER,
                    value,
                    wrapped,
                    max_step,
                    detail=f"{previous.value} → {value} wraps at {register.modulus}",
                )
        return ReadingCheck(
            ReadingStatus.NEGATIVE_STEP,
            value,
            None,
            max_step,
            detail=f"{previous.value} → {value}",
        )
    if max_step is not None and step > max_step:
        return ReadingCheck(
            ReadingStatus.SPIKE, value, None, max_step, detail=f"step {step} > {max_step}"
        )
    return ReadingCheck(ReadingStatus.OK, value, step, max_step)


# --- control failure (CTL-4) ------------------------------------------------------------------


class ControlCheckStatus(StrEnum):
    NOT_APPLICABLE = "not_applicable"  # the point is not supposed to be tripped
    OK = "ok"
    RELAY_NOT_OPEN = "relay_not_open"  # the meter reports its relay closed
    CONSUMPTION_WHILE_TRIPPED = "consumption_while_tripped"  # welded relay, bypass
    UNKNOWN = "unknown"  # neither state nor values to judge by


@dataclass(frozen=True)
class ControlCheck:
    status: ControlCheckStatus
    consumption: Decimal | None = None

    @property
    def is_failure(self) -> bool:
        """Raises the 关断控制失效 alarm (CTL-4)."""
        return self.status in (
            ControlCheckStatus.RELAY_NOT_OPEN,
            ControlCheckStatus.CONSUMPTION_WHILE_TRIPPED,
        )


def check_tripped_point(
    *,
    supposed_tripped: bool,
    relay_state: RelayState | None,
    value_at_trip: Decimal | None,
    latest_value: Decimal | None,
    tolerance: Decimal = Decimal("0.05"),
    register: RegisterFormat | None = None,
) -> ControlCheck:
    """Is a point that should be tripped really off (CTL-4)? Consumption since the trip was
    confirmed above ``tolerance`` (the meter's own draw, display rounding) is a failure whatever
    the relay reports; otherwise a relay read back as closed is one."""
    if not supposed_tripped:
        return ControlCheck(ControlCheckStatus.NOT_APPLICABLE)
    consumption: Decimal | None = None
    if value_at_trip is not None and latest_value is not None:
        consumption = _exact("-", latest_value, value_at_trip)
        if consumption < 0 and register is not None:
            consumption = _exact("+", consumption, register.modulus)
        if consumption > tolerance:
            return ControlCheck(ControlCheckStatus.CONSUMPTION_WHILE_TRIPPED, consumption)
    if relay_state is RelayState.CLOSED:
        return ControlCheck(ControlCheckStatus.RELAY_NOT_OPEN, consumption)
    if relay_state is RelayState.OPEN or consumption is not None:
        return ControlCheck(ControlCheckStatus.OK, consumption)
    return ControlCheck(ControlCheckStatus.UNKNOWN)
