"""The settlement basis and its routine fast path (BILL-2, BILL-3): ``charge_total`` is
``charge_to_date`` without lines, and ``advance`` on a ``Tail`` is ``extend`` + ``charge_total`` +
``encode_text`` — to the fen and to the character — for random tariffs and readings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.billing import charge_to_date, charge_total
from app.domain.errors_billing import BillingError
from app.domain.settle_basis import (
    DEFAULT_MODULUS,
    Basis,
    PointReading,
    Tail,
    advance,
    decode,
    encode_text,
    extend,
    reading_text,
    start_basis,
    tail_of,
)
from app.domain.tariffs import (
    FlatPrice,
    PriceSet,
    Tariff,
    TariffVersion,
    TieredPrice,
    TouPrice,
)

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
JAN = datetime(2026, 1, 1, tzinfo=SH).astimezone(UTC)
JULY = datetime(2026, 7, 1, tzinfo=SH).astimezone(UTC)  # period start (local midnight)
TOU = ("t1", "t2", "t3", "t4")

prices = st.decimals(min_value=0, max_value=3, places=4, allow_nan=False, allow_infinity=False)
steps = st.decimals(min_value=0, max_value=400, places=2, allow_nan=False, allow_infinity=False)
values = st.decimals(min_value=0, max_value=D("999999.99"), places=2, allow_nan=False)


@st.composite
def price_sets(draw: st.DrawFn, kind: str) -> PriceSet:
    if kind == "flat":
        return FlatPrice(draw(prices))
    if kind == "tou":
        return TouPrice((draw(prices), draw(prices), draw(prices), draw(prices)))
    uppers = sorted(set(draw(st.lists(st.integers(1, 2000), max_size=3))))
    ps = [draw(prices) for _ in range(len(uppers) + 1)]
    return TieredPrice((*((D(u), p) for u, p in zip(uppers, ps, strict=False)), (None, ps[-1])))


@st.composite
def tariffs(draw: st.DrawFn) -> Tariff:
    kind = draw(st.sampled_from(["flat", "tou", "tiered"]))
    versions = [TariffVersion(JAN, draw(price_sets(kind)), draw(st.integers(0, 3000)))]
    if draw(st.booleans()):  # a second version: before the period, or inside it
        hours = draw(st.integers(-48, 20 * 24))
        versions.append(
            TariffVersion(JULY + timedelta(hours=hours, minutes=30), draw(price_sets(kind)))
        )
    return Tariff(tuple(versions))


@st.composite
def histories(draw: st.DrawFn, tou: bool) -> list[PointReading]:
    """Readings of a point from June into July: steps (some wrapping at the register's end),
    now and then a new meter or a confirmed reset."""
    registers = (*TOU, "total") if tou else ("total",)
    current = {r: draw(values) for r in registers}
    meter = 1
    t = JULY - timedelta(hours=draw(st.integers(1, 72)))
    out = [PointReading(t, meter, dict(current), True)]
    for _ in range(draw(st.integers(1, 8))):
        t += timedelta(hours=draw(st.integers(1, 60)), seconds=draw(st.integers(0, 59)))
        starts = draw(st.integers(0, 9)) == 0
        if starts:
            meter += draw(st.integers(0, 1))
            current = {r: draw(values) for r in registers}
        else:
            for r in registers:
                current[r] = (current[r] + draw(steps)) % DEFAULT_MODULUS
        out.append(PointReading(t, meter, dict(current), starts))
    return out


def grow(tariff: Tariff, readings: list[PointReading]) -> Basis:
    """The basis of the period of the latest reading, grown reading by reading."""
    period = tariff.period_containing(readings[-1].meter_time)
    before = [r for r in readings if r.meter_time <= period.start]
    basis = start_basis(period, period.start, before[-1] if before else None)
    for r in readings:
        if r.meter_time > period.start:
            basis = extend(basis, tariff, r)
    return basis


def outcome(fn: object, *args: object) -> object:
    try:
        return fn(*args)  # type: ignore[operator]
    except BillingError as exc:
        return type(exc)


@settings(max_examples=300)
@given(st.data())
def test_charge_total_is_charge_to_date_without_lines(data: st.DataObject) -> None:
    tariff = data.draw(tariffs())
    readings = data.draw(histories(tou=data.draw(st.booleans())))
    basis = grow(tariff, readings)

    def full() -> tuple[int, Decimal]:
        bill = charge_to_date(tariff, basis.to_segments(), basis.period)
        return bill.total_fen, bill.consumption["total"]

    assert outcome(charge_total, tariff, basis.segments, basis.period) == outcome(full)


@settings(max_examples=300)
@given(st.data())
def test_advance_is_extend_then_charge_then_encode(data: st.DataObject) -> None:
    tariff = data.draw(tariffs())
    tou = data.draw(st.booleans())
    readings = data.draw(histories(tou=tou))
    basis = grow(tariff, readings)
    text = encode_text(basis)
    tail = outcome(tail_of, basis, tariff, data.draw(st.sampled_from([None, text])))
    if isinstance(tail, type):  # the same error as the charge of the basis would raise
        assert outcome(charge_total, tariff, basis.segments, basis.period) == tail
        return
    if tail is None:  # not routine: one reading in the last segment, or a price change inside
        assert len(basis.segments[-1].readings) < 2 or tariff.change_times_in(basis.period)
        return
    assert isinstance(tail, Tail)
    assert tail.text == text and tail.basis == basis
    last = readings[-1]
    for _ in range(data.draw(st.integers(1, 4))):  # a few routine cycles in a row
        nxt = PointReading(
            last.meter_time + timedelta(minutes=data.draw(st.integers(1, 600))),
            last.meter_id,
            {r: (v + data.draw(steps)) % DEFAULT_MODULUS for r, v in last.values.items()},
        )
        if not basis.period.contains(nxt.meter_time):
            assert advance(tail, tariff, nxt) is None  # the period ends: the general path
            return
        expected_basis = extend(basis, tariff, nxt)
        expected = outcome(charge_total, tariff, expected_basis.segments, basis.period)
        step = outcome(advance, tail, tariff, nxt)
        if not isinstance(step, tuple):
            assert step == expected  # the same error (a TOU tariff on a meter without T1–T4)
            return
        tail, total_fen, quantity = step
        assert (total_fen, quantity) == expected
        assert tail.basis == expected_basis
        assert tail.text == encode_text(expected_basis)
        basis, last = expected_basis, nxt


def test_advance_refuses_what_is_not_routine() -> None:
    tariff = Tariff((TariffVersion(JAN, FlatPrice(D("0.68"))),))
    r0 = PointReading(JULY + timedelta(hours=1), 7, {"total": D("100.00")}, True)
    r1 = PointReading(JULY + timedelta(hours=2), 7, {"total": D("101.00")})
    basis = start_basis(tariff.period_containing(r0.meter_time), JULY, None)
    basis = extend(extend(basis, tariff, r0), tariff, r1)
    tail = tail_of(basis, tariff)
    assert tail is not None
    later = JULY + timedelta(hours=3)
    other_tariff = Tariff((TariffVersion(JAN, FlatPrice(D("0.68"))),))
    assert advance(tail, other_tariff, PointReading(later, 7, {"total": D(102)})) is None
    assert advance(tail, tariff, PointReading(later, 8, {"total": D(1)})) is None  # swap
    assert advance(tail, tariff, PointReading(later, 7, {"total": D(1)}, True)) is None  # reset
    assert advance(tail, tariff, PointReading(r1.meter_time, 7, {"total": D(102)})) is None
    assert advance(tail, tariff, PointReading(later, 7, {"t1": D(1)})) is None  # total missing
    august = tariff.period_containing(later).end + timedelta(seconds=1)
    assert advance(tail, tariff, PointReading(august, 7, {"total": D(102)})) is None
    step = advance(tail, tariff, PointReading(later, 7, {"total": D("103.50")}))
    assert step is not None and step[1:] == (238, D("3.50"))  # 3.5 kWh × 0.68 = 2.38


FLAT = Tariff((TariffVersion(JAN, FlatPrice(D("0.68"))),))
JULY_PERIOD = FLAT.period_containing(JULY + timedelta(days=1))


def test_reading_text_and_decode_round_trip() -> None:
    r = PointReading(
        JULY + timedelta(seconds=1, microseconds=5), 3, {"total": D("1.50"), "t1": D("0.5")}, True
    )
    assert reading_text(r) == json.dumps(
        ["2026-06-30T16:00:01.000005", {"total": "1.50", "t1": "0.5"}]
    )
    basis = extend(Basis(JULY_PERIOD, JULY, ()), FLAT, r)
    assert reading_text(r) in encode_text(basis)
    assert decode(JULY_PERIOD, json.loads(encode_text(basis))) == basis
    damaged = json.loads(encode_text(basis))
    damaged["segments"][0]["readings"][0][1]["total"] = "NaN"
    with pytest.raises(ValueError):
        decode(JULY_PERIOD, damaged)
    damaged["window_start"] = "2026-06-30 16:00:00"  # not what encode writes
    with pytest.raises(ValueError):
        decode(JULY_PERIOD, damaged)
