"""Reading anomalies (DEV-8) and control-failure detection (CTL-4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cut_policy import RelayState
from app.domain.readings import (
    ControlCheckStatus,
    PreviousReading,
    ReadingStatus,
    RegisterFormat,
    StepLimit,
    check_tripped_point,
    classify_reading,
    parse_reading_value,
)

D = Decimal
T0 = datetime(2026, 7, 1, tzinfo=UTC)
REG = RegisterFormat(integer_digits=6, decimals=2)
# a 10 kW shop: at most 10 × hours × 1.5 kWh between two reads
LIMIT = StepLimit(max_rate_per_h=D(10), safety_factor=D("1.5"))


def prev(value: str, t: datetime = T0) -> PreviousReading:
    return PreviousReading(D(value), t)


def test_ok_step() -> None:
    check = classify_reading(
        "1234.56", meter_time=T0 + timedelta(hours=1), previous=prev("1230.00"), limit=LIMIT
    )
    assert check.status is ReadingStatus.OK
    assert check.consumption == D("4.56") and check.max_step == D("15.0")
    assert check.billable and not check.holds_billing


def test_first_reading_is_the_baseline() -> None:
    check = classify_reading(D("100.00"), meter_time=T0, previous=None)
    assert check.status is ReadingStatus.FIRST and check.consumption == 0
    assert not check.billable and not check.holds_billing


def test_rollover_at_register_maximum() -> None:
    check = classify_reading(
        "000000.12",
        meter_time=T0 + timedelta(hours=1),
        previous=prev("999999.99"),
        register=REG,
        limit=LIMIT,
    )
    assert check.status is ReadingStatus.ROLLOVER
    assert check.consumption == D("0.13") and check.billable


def test_rollover_only_when_the_wrapped_step_is_plausible() -> None:
    # 999990.00 → 000100.00 would be 110 kWh in an hour on a 10 kW point: not a rollover
    check = classify_reading(
        "100.00",
        meter_time=T0 + timedelta(hours=1),
        previous=prev("999990.00"),
        register=REG,
        limit=LIMIT,
    )
    assert check.status is ReadingStatus.NEGATIVE_STEP and check.holds_billing
    # without a limit, a wrap within 1 % of the register range is a rollover
    ok = classify_reading(
        "5", meter_time=T0 + timedelta(days=1), previous=prev("999990"), register=REG
    )
    assert ok.status is ReadingStatus.ROLLOVER and ok.consumption == D(15)
    far = classify_reading(
        "20000", meter_time=T0 + timedelta(days=1), previous=prev("999990"), register=REG
    )
    assert far.status is ReadingStatus.NEGATIVE_STEP


def test_negative_step_without_register_format() -> None:
    check = classify_reading(
        "0.12", meter_time=T0 + timedelta(hours=1), previous=prev("999999.99"), limit=LIMIT
    )
    assert check.status is ReadingStatus.NEGATIVE_STEP and check.consumption is None


def test_negative_step_meter_reset() -> None:
    check = classify_reading(
        "12.00", meter_time=T0 + timedelta(days=1), previous=prev("4567.89"), register=REG
    )
    assert check.status is ReadingStatus.NEGATIVE_STEP


def test_spike_above_rated_power_times_hours() -> None:
    # 2 h at 10 kW × 1.5 = 30 kWh at most; 45 kWh is a spike
    check = classify_reading(
        "1045", meter_time=T0 + timedelta(hours=2), previous=prev("1000"), limit=LIMIT
    )
    assert check.status is ReadingStatus.SPIKE and check.max_step == D(30)
    assert check.holds_billing and check.consumption is None
    ok = classify_reading(
        "1030", meter_time=T0 + timedelta(hours=2), previous=prev("1000"), limit=LIMIT
    )
    assert ok.status is ReadingStatus.OK


def test_water_max_flow_and_fixed_max_step() -> None:
    water = StepLimit(max_rate_per_h=D("2.5"), safety_factor=D(1), min_step=D("0.01"))
    check = classify_reading(
        "12.600", meter_time=T0 + timedelta(minutes=30), previous=prev("11.300"), limit=water
    )
    assert check.status is ReadingStatus.SPIKE  # 1.3 m³ in 30 min > 2.5 m³/h × 0.5 h
    fixed = StepLimit(max_rate_per_h=D(0), fixed_max_step=D(5))
    assert (
        classify_reading(
            "6", meter_time=T0 + timedelta(days=30), previous=prev("0"), limit=fixed
        ).status
        is ReadingStatus.SPIKE
    )


def test_min_step_allows_tiny_intervals() -> None:
    check = classify_reading(
        "1000.05", meter_time=T0 + timedelta(seconds=1), previous=prev("1000"), limit=LIMIT
    )
    assert check.status is ReadingStatus.OK and check.max_step == D("0.1")


@pytest.mark.parametrize(
    "raw", [None, "", "abc", "-1", "1e3", "NaN", 1.5, True, b"12", D("-0.01"), D("Infinity"), -3]
)
def test_unparsable(raw: object) -> None:
    check = classify_reading(raw, meter_time=T0 + timedelta(hours=1), previous=prev("1"))
    assert check.status is ReadingStatus.UNPARSABLE and check.holds_billing


def test_value_beyond_register_maximum_is_unparsable() -> None:
    check = classify_reading("1000000.00", meter_time=T0, previous=None, register=REG)
    assert check.status is ReadingStatus.UNPARSABLE


def test_sensor_fault_flag_holds_billing() -> None:
    check = classify_reading(
        "12.345", meter_time=T0 + timedelta(hours=1), previous=prev("12.3"), sensor_fault=True
    )
    assert check.status is ReadingStatus.SENSOR_FAULT and check.holds_billing


def test_duplicate_and_time_going_back() -> None:
    dup = classify_reading("5.00", meter_time=T0, previous=prev("5"))
    assert dup.status is ReadingStatus.DUPLICATE and not dup.holds_billing
    conflict = classify_reading("6", meter_time=T0, previous=prev("5"))
    assert conflict.status is ReadingStatus.TIME_NOT_AFTER_PREVIOUS and conflict.holds_billing
    back = classify_reading("6", meter_time=T0 - timedelta(minutes=5), previous=prev("5"))
    assert back.status is ReadingStatus.TIME_NOT_AFTER_PREVIOUS


def test_naive_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        classify_reading("1", meter_time=datetime(2026, 7, 1), previous=None)


def test_parse_reading_value() -> None:
    assert parse_reading_value(" 000123.40 ") == D("123.40")
    assert parse_reading_value(7) == D(7)
    assert parse_reading_value(1.0) is None


raw_values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.from_regex(r"\A\d{1,8}(\.\d{1,3})?\Z", fullmatch=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.binary(max_size=8),
    st.booleans(),
)
decimals_ok = st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False)


@given(
    raw_values,
    st.one_of(st.none(), st.tuples(decimals_ok, st.integers(-(10**7), 10**7))),
    st.integers(-(10**7), 10**7),
    st.one_of(st.none(), st.builds(RegisterFormat, st.integers(1, 9), st.integers(0, 4))),
    st.one_of(
        st.none(),
        st.builds(
            StepLimit,
            decimals_ok,
            st.decimals(min_value=0, max_value=5, places=2, allow_nan=False),
            st.decimals(min_value=0, max_value=1, places=2, allow_nan=False),
        ),
    ),
    st.booleans(),
)
def test_random_readings_never_crash_the_classifier(
    raw: object,
    previous: tuple[Decimal, int] | None,
    offset_s: int,
    register: RegisterFormat | None,
    limit: StepLimit | None,
    sensor_fault: bool,
) -> None:
    prior = None if previous is None else PreviousReading(previous[0], T0)
    t = T0 + timedelta(seconds=offset_s)
    check = classify_reading(
        raw,
        meter_time=t,
        previous=prior,
        register=register,
        limit=limit,
        sensor_fault=sensor_fault,
    )
    assert isinstance(check.status, ReadingStatus)
    if check.billable:
        assert check.consumption is not None and check.consumption >= 0
        if check.max_step is not None:
            assert check.consumption <= check.max_step
    if check.status is ReadingStatus.OK and prior is not None:
        assert check.value is not None and check.consumption is not None
        assert Fraction(check.value) == Fraction(prior.value) + Fraction(check.consumption)


def _decimal(digits: int, exponent: int) -> Decimal:
    return Decimal(f"{digits}E{exponent}")  # exact: the constructor does not round


# register values with up to 29 significant digits (15 integer digits, the rest decimals), as a
# driver may hand them over: every step is exactly value − previous, every wrap exactly
# value − previous + modulus, in whatever decimal context the caller runs
extreme = st.builds(_decimal, st.integers(0, 10**29 - 1), st.integers(-29, -14))


@given(extreme, extreme, st.integers(1, 10**6), st.sampled_from([None, 6, 12]), st.booleans())
def test_extreme_register_values_are_classified_exactly(
    value: Decimal, previous: Decimal, seconds: int, digits: int | None, limited: bool
) -> None:
    register = None if digits is None else RegisterFormat(digits, 6)
    limit = StepLimit(D("7.3"), D("1.5")) if limited else None
    check = classify_reading(
        value,
        meter_time=T0 + timedelta(seconds=seconds),
        previous=PreviousReading(previous, T0),
        register=register,
        limit=limit,
    )
    exact_step = Fraction(value) - Fraction(previous)
    if register is not None and Fraction(value) > Fraction(register.max_value):
        assert check.status is ReadingStatus.UNPARSABLE
    elif check.status is ReadingStatus.OK:
        assert check.consumption is not None and Fraction(check.consumption) == exact_step
        assert check.max_step is None or check.consumption <= check.max_step
    elif check.status is ReadingStatus.ROLLOVER:
        assert register is not None and check.consumption is not None
        assert Fraction(check.consumption) == exact_step + Fraction(register.modulus)
    elif check.status is ReadingStatus.SPIKE:
        assert check.max_step is not None and exact_step > Fraction(check.max_step)
    else:
        assert check.status is ReadingStatus.NEGATIVE_STEP and exact_step < 0


def test_a_step_in_the_29th_digit_is_not_rounded_away() -> None:
    previous = D("123456789012345.00000000000001")  # 29 digits
    value = D("123456789012345.00000000000002")
    check = classify_reading(
        value, meter_time=T0 + timedelta(hours=1), previous=prev(str(previous))
    )
    assert check.status is ReadingStatus.OK and check.consumption == D("1E-14")
    trip = check_tripped_point(
        supposed_tripped=True,
        relay_state=RelayState.OPEN,
        value_at_trip=previous,
        latest_value=value,
        tolerance=D(0),
    )
    assert trip.consumption == D("1E-14") and trip.is_failure
    assert (
        classify_reading(D("1E+15"), meter_time=T0, previous=None).status
        is ReadingStatus.UNPARSABLE
    )  # 16 integer digits: no register holds that
    assert parse_reading_value(10**15) is None and parse_reading_value(10**15 - 1) == 10**15 - 1
    assert parse_reading_value(D("1E-51")) is None and parse_reading_value(D("0E-60")) == 0


# --- control failure (CTL-4) ----------------------------------------------------------------------


def test_consumption_growing_on_a_tripped_point() -> None:
    check = check_tripped_point(
        supposed_tripped=True,
        relay_state=RelayState.OPEN,  # the meter says open, yet the register moves: bypass
        value_at_trip=D("100.00"),
        latest_value=D("101.20"),
        tolerance=D("0.05"),
    )
    assert check.status is ControlCheckStatus.CONSUMPTION_WHILE_TRIPPED and check.is_failure
    assert check.consumption == D("1.20")


def test_tripped_point_within_tolerance_is_ok() -> None:
    check = check_tripped_point(
        supposed_tripped=True,
        relay_state=RelayState.OPEN,
        value_at_trip=D("100.00"),
        latest_value=D("100.02"),
        tolerance=D("0.05"),
    )
    assert check.status is ControlCheckStatus.OK and not check.is_failure


def test_relay_read_back_closed_is_a_failure() -> None:
    check = check_tripped_point(
        supposed_tripped=True,
        relay_state=RelayState.CLOSED,
        value_at_trip=None,
        latest_value=None,
    )
    assert check.status is ControlCheckStatus.RELAY_NOT_OPEN and check.is_failure


def test_control_check_edge_cases() -> None:
    assert (
        check_tripped_point(
            supposed_tripped=False,
            relay_state=RelayState.CLOSED,
            value_at_trip=D(1),
            latest_value=D(9),
        ).status
        is ControlCheckStatus.NOT_APPLICABLE
    )
    assert (
        check_tripped_point(
            supposed_tripped=True,
            relay_state=RelayState.UNKNOWN,
            value_at_trip=None,
            latest_value=D(9),
        ).status
        is ControlCheckStatus.UNKNOWN
    )
    wrapped = check_tripped_point(
        supposed_tripped=True,
        relay_state=None,
        value_at_trip=D("999999.99"),
        latest_value=D("0.50"),
        register=REG,
    )
    assert wrapped.status is ControlCheckStatus.CONSUMPTION_WHILE_TRIPPED
    assert wrapped.consumption == D("0.51")
