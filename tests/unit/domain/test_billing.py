"""Charge-to-date from readings (BILL-1, BILL-2), pockets (ACC-2) and property fee (BILL-4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.billing import (
    MeterReading,
    PocketSplit,
    PropertyFeeRule,
    Segment,
    allocate_charge,
    charge_to_date,
    consumption_steps,
    parse_property_fee_rule,
    subsidy_quantity_fen,
)
from app.domain.errors_billing import (
    MissingRegisterError,
    NegativeConsumptionError,
    NoTariffVersionError,
)
from app.domain.money import round_half_up_fen
from app.domain.tariffs import (
    FlatPrice,
    Tariff,
    TariffVersion,
    TieredPrice,
    TierPeriod,
    TouPrice,
    parse_components,
    parse_price_set,
)
from app.errors import ValidationError

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
JAN = datetime(2026, 1, 1, tzinfo=SH)
TIERS = ((D(200), D("0.60")), (D(400), D("0.65")), (None, D("0.90")))
TIERS_V2 = ((D(200), D("0.70")), (D(400), D("0.75")), (None, D("1.00")))
TOU = TouPrice((D("1.30"), D("1.05"), D("0.75"), D("0.40")))


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH).astimezone(UTC)


def r(t: datetime, total: str | None = None, **tou: str) -> MeterReading:
    values = {k: D(v) for k, v in tou.items()}
    if total is not None:
        values["total"] = D(total)
    return MeterReading(t, values)


def seg(*readings: MeterReading, modulus: Decimal | None = None) -> Segment:
    return Segment(tuple(readings), modulus)


def one(prices: FlatPrice | TouPrice | TieredPrice, **kw: object) -> Tariff:
    return Tariff((TariffVersion(JAN, prices),), **kw)  # type: ignore[arg-type]


# --- hand-computed bills ------------------------------------------------------------------------


def test_tiered_month_450_kwh() -> None:
    # 200 × 0.60 + 200 × 0.65 + 50 × 0.90 = 295.00
    bill = charge_to_date(
        one(TieredPrice(TIERS)),
        [
            seg(
                r(local(2026, 7, 1), "1000"),
                r(local(2026, 7, 20), "1300"),
                r(local(2026, 7, 31), "1450"),
            )
        ],
    )
    assert bill.period.label == "2026-07"
    assert bill.energy_fen == 29500 and bill.total_fen == 29500
    assert [(ln.tier, ln.quantity, ln.price, ln.amount_fen) for ln in bill.lines] == [
        (1, D(200), D("0.60"), 12000),
        (2, D(200), D("0.65"), 13000),
        (3, D(50), D("0.90"), 4500),
    ]
    assert bill.consumption["total"] == D(450)
    assert bill.delta_fen(20000) == 9500
    assert bill.last_reading_at == local(2026, 7, 31)


def test_tou_bill_uses_the_meters_registers() -> None:
    # 尖 10 × 1.30 + 峰 50 × 1.05 + 平 80 × 0.75 + 谷 120.01 × 0.40 = 13 + 52.5 + 60 + 48.004
    bill = charge_to_date(
        one(TOU),
        [
            seg(
                r(local(2026, 7, 1), "100", t1="10", t2="20", t3="30", t4="40"),
                r(local(2026, 7, 31), "360.01", t1="20", t2="70", t3="110", t4="160.01"),
            )
        ],
    )
    assert bill.energy_exact == D("173.504")
    assert bill.energy_fen == 17350
    assert [(ln.register, ln.amount_fen) for ln in bill.lines] == [
        ("t1", 1300),
        ("t2", 5250),
        ("t3", 6000),
        ("t4", 4800),
    ]
    assert bill.consumption["t4"] == D("120.01") and bill.consumption["total"] == D("260.01")


def test_tou_without_tou_registers_is_an_error() -> None:
    with pytest.raises(MissingRegisterError):
        charge_to_date(one(TOU), [seg(r(local(2026, 7, 2), "1"), r(local(2026, 7, 3), "2"))])


def test_price_change_mid_month_split_at_reading_at_change_time() -> None:
    change = local(2026, 7, 15)
    tariff = Tariff(
        (
            TariffVersion(JAN, FlatPrice(D("0.60"))),
            TariffVersion(change, FlatPrice(D("0.70"))),
        )
    )
    readings = [
        r(local(2026, 7, 1), "1000"),
        r(local(2026, 7, 10), "1100"),
        r(change, "1150"),  # the reading at the change time closes the old price
        r(local(2026, 7, 20), "1200"),
        r(local(2026, 7, 31), "1300"),
    ]
    bill = charge_to_date(tariff, [seg(*readings)])
    # 150 × 0.60 + 150 × 0.70 = 90 + 105 = 195.00
    assert bill.energy_fen == 19500
    assert [(ln.version_from, ln.quantity) for ln in bill.lines] == [
        (JAN.astimezone(UTC), D(150)),
        (change, D(150)),
    ]


def test_price_change_without_a_reading_at_change_time_uses_last_reading_before() -> None:
    change = local(2026, 7, 15)
    tariff = Tariff(
        (
            TariffVersion(JAN, FlatPrice(D("0.60"))),
            TariffVersion(change, FlatPrice(D("0.70"))),
        )
    )
    readings = [
        r(local(2026, 7, 1), "1000"),
        r(local(2026, 7, 10), "1100"),  # last reading at or before the change
        r(local(2026, 7, 20), "1200"),
        r(local(2026, 7, 31), "1300"),
    ]
    # 100 × 0.60 + 200 × 0.70 = 60 + 140 = 200.00 (no interpolation)
    assert charge_to_date(tariff, [seg(*readings)]).energy_fen == 20000


def test_tier_position_keeps_counting_across_a_price_change() -> None:
    change = local(2026, 7, 15)
    tariff = Tariff(
        (
            TariffVersion(JAN, TieredPrice(TIERS)),
            TariffVersion(change, TieredPrice(TIERS_V2)),
        )
    )
    bill = charge_to_date(
        tariff, [seg(r(local(2026, 7, 1), "0"), r(change, "150"), r(local(2026, 7, 31), "450"))]
    )
    # before: 150 × 0.60 = 90; after, from position 150 (not prorated, not restarted):
    # 50 × 0.70 + 200 × 0.75 + 50 × 1.00 = 35 + 150 + 50 → 325.00
    assert bill.energy_fen == 32500
    assert [(ln.tier, ln.quantity, ln.price) for ln in bill.lines] == [
        (1, D(150), D("0.60")),
        (1, D(50), D("0.70")),
        (2, D(200), D("0.75")),
        (3, D(50), D("1.00")),
    ]


def test_annual_tiers_count_since_start_of_year() -> None:
    tiers = ((D(2160), D("0.4883")), (D(4200), D("0.5383")), (None, D("0.7883")))
    tariff = one(TieredPrice(tiers), period=TierPeriod.ANNUAL)
    opening = r(local(2026, 1, 1), "0")
    june = charge_to_date(tariff, [seg(opening, r(local(2026, 6, 30), "2000"))])
    assert june.period.label == "2026-01-01/2026-12-31"
    assert june.energy_fen == 97660  # 2000 × 0.4883 = 976.60
    year = charge_to_date(
        tariff, [seg(opening, r(local(2026, 6, 30), "2000"), r(local(2026, 12, 31), "4500"))]
    )
    # 2160 × 0.4883 + 2040 × 0.5383 + 300 × 0.7883 = 1054.728 + 1098.132 + 236.49 = 2389.35
    assert year.energy_exact == D("2389.350")
    assert year.energy_fen == 238935
    # the next year starts again from tier 1
    jan = charge_to_date(
        tariff, [seg(r(local(2026, 12, 31), "4500"), r(local(2027, 1, 31), "4600"))]
    )
    assert jan.period.label == "2027-01-01/2027-12-31" and jan.energy_fen == 4883


def test_seasonal_tiers_follow_the_period_month() -> None:
    prices = parse_price_set(
        "tiered",
        {
            "tiers": [["200", "0.60"], ["400", "0.65"], [None, "0.90"]],
            "seasons": [
                {"months": [7, 8], "tiers": [["260", "0.60"], ["600", "0.65"], [None, "0.90"]]}
            ],
        },
    )
    tariff = one(prices)
    july = charge_to_date(tariff, [seg(r(local(2026, 7, 1), "0"), r(local(2026, 7, 31), "300"))])
    assert july.energy_fen == 18200  # 260 × 0.60 + 40 × 0.65 = 156 + 26
    march = charge_to_date(tariff, [seg(r(local(2026, 3, 1), "0"), r(local(2026, 3, 31), "300"))])
    assert march.energy_fen == 18500  # 200 × 0.60 + 100 × 0.65 = 120 + 65


def test_components_split_for_statistics_only() -> None:
    comps = parse_components({"水费": None, "水资源费": "1.57", "污水处理费": "1.36"})
    tiers = ((D(180), D("5.00")), (D(260), D("7.00")), (None, D("9.00")))
    tariff = Tariff((TariffVersion(JAN, TieredPrice(tiers), components=comps),))
    bill = charge_to_date(tariff, [seg(r(local(2026, 7, 1), "0"), r(local(2026, 7, 31), "200"))])
    # 180 × 5.00 + 20 × 7.00 = 1040.00, charged as one unit price per tier
    assert bill.energy_fen == 104000
    # 水资源费 200 × 1.57, 污水处理费 200 × 1.36, 水费 180 × 2.07 + 20 × 4.07
    assert dict(bill.components) == {"水费": 45400, "水资源费": 31400, "污水处理费": 27200}


def test_components_split_sums_to_the_rounded_amount() -> None:
    comps = parse_components({"水费": "2.80", "水资源费": "0.40", "污水处理费": "1.00"})
    tariff = Tariff((TariffVersion(JAN, FlatPrice(D("4.20")), components=comps),))
    bill = charge_to_date(
        tariff, [seg(r(local(2026, 7, 1), "0.000"), r(local(2026, 7, 2), "3.333"))]
    )
    assert bill.energy_fen == 1400  # 13.9986
    assert bill.components == (("水费", 934), ("水资源费", 133), ("污水处理费", 333))
    assert charge_to_date(one(FlatPrice(D(1))), [seg(r(local(2026, 7, 2), "1"))]).components == ()


def test_meter_swap_bills_both_meters_once() -> None:
    swap = local(2026, 7, 16, 10)
    old = seg(r(local(2026, 7, 1), "500"), r(local(2026, 7, 10), "510"), r(swap, "520.5"))
    new = seg(r(swap + timedelta(seconds=1), "0.3"), r(local(2026, 7, 31), "10.3"))
    bill = charge_to_date(one(FlatPrice(D("0.68"))), [old, new])
    assert bill.consumption["total"] == D("30.5")  # 20.5 + 10
    assert bill.energy_fen == 2074  # 20.74


def test_swap_within_tiers_keeps_position() -> None:
    swap = local(2026, 7, 16)
    old = seg(r(local(2026, 7, 1), "9000"), r(swap, "9150"))
    new = seg(r(swap, "0"), r(local(2026, 7, 31), "300"))
    bill = charge_to_date(one(TieredPrice(TIERS)), [old, new])
    assert bill.energy_fen == 29500  # 450 kWh over two meters, tiers counted across the swap


def test_rollover_segment_wraps_at_modulus() -> None:
    readings = (r(local(2026, 7, 1), "999999.99"), r(local(2026, 7, 2), "0.12"))
    bill = charge_to_date(one(FlatPrice(D(1))), [seg(*readings, modulus=D(1_000_000))])
    assert bill.consumption["total"] == D("0.13") and bill.energy_fen == 13
    with pytest.raises(NegativeConsumptionError):
        charge_to_date(one(FlatPrice(D(1))), [seg(*readings)])


def test_period_boundary_reading_at_midnight_belongs_to_previous_month() -> None:
    tariff = one(FlatPrice(D(1)))
    readings = seg(
        r(local(2026, 6, 30, 12), "0"),
        r(local(2026, 7, 1), "10"),  # exactly local midnight: closes June
        r(local(2026, 7, 1, 6), "15"),
        r(local(2026, 8, 1, 6), "40"),  # the step across the boundary belongs to August
    )
    june, july, august = tariff.periods_between(local(2026, 6, 30), local(2026, 8, 1, 6))
    assert charge_to_date(tariff, [readings], june).energy_fen == 1000
    assert charge_to_date(tariff, [readings], july).energy_fen == 500
    assert charge_to_date(tariff, [readings], august).energy_fen == 2500
    assert charge_to_date(tariff, [readings]).period == august


def test_fixed_monthly_charge_included_once() -> None:
    tariff = Tariff((TariffVersion(JAN, FlatPrice(D("0.5")), monthly_fixed_fen=1000),))
    first = charge_to_date(tariff, [seg(r(local(2026, 7, 1, 1), "0"))])
    assert (first.energy_fen, first.fixed_fen, first.total_fen) == (0, 1000, 1000)
    later = charge_to_date(tariff, [seg(r(local(2026, 7, 1, 1), "0"), r(local(2026, 7, 9), "10"))])
    assert later.total_fen == 1500 and later.delta_fen(first.total_fen) == 500
    no_fixed = charge_to_date(tariff, [seg(r(local(2026, 7, 9), "10"))], include_fixed=False)
    assert no_fixed.total_fen == 0


def test_half_up_rounding_once_on_the_total() -> None:
    tariff = one(FlatPrice(D("0.5")))
    assert (
        charge_to_date(
            tariff, [seg(r(local(2026, 7, 1, 1), "0"), r(local(2026, 7, 2), "0.01"))]
        ).energy_fen
        == 1
    )  # 0.005
    # three steps of 0.01 kWh: 0.015 → 2 fen in total, never 1 + 1 + 1
    readings = [r(local(2026, 7, 1, 1), "0")] + [
        r(local(2026, 7, 2, h), f"0.0{h}") for h in (1, 2, 3)
    ]
    deltas = []
    charged = 0
    for k in range(2, len(readings) + 1):
        to_date = charge_to_date(tariff, [seg(*readings[:k])]).total_fen
        deltas.append(to_date - charged)
        charged = to_date
    assert deltas == [1, 0, 1] and sum(deltas) == 2


def test_consumption_before_the_first_version_is_an_error() -> None:
    tariff = Tariff((TariffVersion(local(2026, 7, 10), FlatPrice(D(1))),))
    with pytest.raises(NoTariffVersionError):
        charge_to_date(tariff, [seg(r(local(2026, 7, 1), "0"), r(local(2026, 7, 5), "5"))])


def test_consumption_steps_merge_registers_of_one_time_and_carry_missing() -> None:
    t0, t1, t2 = local(2026, 7, 1), local(2026, 7, 2), local(2026, 7, 3)
    steps = consumption_steps(
        [seg(r(t0, "1", t1="1"), r(t1, "2"), r(t1, t1="1.5"), r(t2, t1="2"), r(t2, "4"))]
    )
    assert [(s.end, dict(s.deltas)) for s in steps] == [
        (t1, {"total": D(1), "t1": D("0.5")}),
        (t2, {"total": D(2), "t1": D("0.5")}),
    ]


def test_reading_values_must_be_exact() -> None:
    with pytest.raises(TypeError):
        MeterReading(local(2026, 7, 1), {"total": 1.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        MeterReading(datetime(2026, 7, 1), {"total": D(1)})


# --- no drift (BILL-2) ----------------------------------------------------------------------------

prices_4dp = st.decimals(min_value=0, max_value=3, places=4, allow_nan=False, allow_infinity=False)
steps_2dp = st.decimals(min_value=0, max_value=300, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def tier_tables(draw: st.DrawFn) -> tuple[tuple[Decimal | None, Decimal], ...]:
    uppers = sorted(set(draw(st.lists(st.integers(1, 2000), min_size=0, max_size=3))))
    prices = [draw(prices_4dp) for _ in range(len(uppers) + 1)]
    return (*((D(u), p) for u, p in zip(uppers, prices, strict=False)), (None, prices[-1]))


def _exact_tiered(tiers: tuple[tuple[Decimal | None, Decimal], ...], total: Decimal) -> Decimal:
    """Independent bill of a total: Σ over tiers of (units inside the tier) × price, unrounded."""
    amount = D(0)
    lower = D(0)
    for upper, price in tiers:
        top = total if upper is None else min(total, upper)
        amount += max(top - lower, D(0)) * price
        if upper is not None:
            lower = upper
    return amount


def _deltas(tariff: Tariff, readings: list[MeterReading]) -> list[int]:
    """Charge after each read cycle, as the settlement service does: to-date − already charged."""
    charged = 0
    out: list[int] = []
    for k in range(1, len(readings) + 1):
        to_date = charge_to_date(tariff, [seg(*readings[:k])]).total_fen
        out.append(to_date - charged)
        charged = to_date
    return out


@given(tier_tables(), st.lists(steps_2dp, min_size=1, max_size=25))
def test_many_small_deductions_equal_the_bill_of_the_total(
    tiers: tuple[tuple[Decimal | None, Decimal], ...], steps: list[Decimal]
) -> None:
    start = local(2026, 7, 1, 1)
    values = [D("12345.67")]
    for s in steps:
        values.append(values[-1] + s)
    readings = [r(start + timedelta(hours=i), str(v)) for i, v in enumerate(values)]
    deltas = _deltas(one(TieredPrice(tiers)), readings)
    assert all(d >= 0 for d in deltas)
    assert sum(deltas) == round_half_up_fen(_exact_tiered(tiers, sum(steps, D(0))))


@given(
    st.tuples(prices_4dp, prices_4dp, prices_4dp, prices_4dp),
    st.lists(st.tuples(steps_2dp, steps_2dp, steps_2dp, steps_2dp), min_size=1, max_size=20),
)
def test_tou_deductions_equal_the_bill_of_the_totals(
    prices: tuple[Decimal, Decimal, Decimal, Decimal],
    steps: list[tuple[Decimal, Decimal, Decimal, Decimal]],
) -> None:
    start = local(2026, 7, 1, 1)
    regs = ["t1", "t2", "t3", "t4"]
    current = [D(0)] * 4
    readings = [MeterReading(start, dict(zip(regs, current, strict=True)))]
    for i, step in enumerate(steps, start=1):
        current = [c + s for c, s in zip(current, step, strict=True)]
        readings.append(
            MeterReading(start + timedelta(hours=i), dict(zip(regs, current, strict=True)))
        )
    deltas = _deltas(one(TouPrice(prices)), readings)
    assert all(d >= 0 for d in deltas)
    exact = sum((p * c for p, c in zip(prices, current, strict=True)), D(0))
    assert sum(deltas) == round_half_up_fen(exact)


@given(
    tier_tables(),
    tier_tables(),
    st.lists(steps_2dp, min_size=2, max_size=20),
    st.data(),
)
def test_price_change_depends_only_on_the_reading_at_or_before_the_change(
    tiers1: tuple[tuple[Decimal | None, Decimal], ...],
    tiers2: tuple[tuple[Decimal | None, Decimal], ...],
    steps: list[Decimal],
    data: st.DataObject,
) -> None:
    start = local(2026, 7, 1, 1)
    change_index = data.draw(st.integers(0, len(steps)))
    change = start + timedelta(hours=change_index, minutes=30)
    tariff = Tariff(
        (TariffVersion(JAN, TieredPrice(tiers1)), TariffVersion(change, TieredPrice(tiers2)))
    )
    values = [D(0)]
    for s in steps:
        values.append(values[-1] + s)
    readings = [r(start + timedelta(hours=i), str(v)) for i, v in enumerate(values)]
    deltas = _deltas(tariff, readings)
    assert all(d >= 0 for d in deltas)
    full = charge_to_date(tariff, [seg(*readings)])
    assert sum(deltas) == full.total_fen
    # only the opening, the last reading at or before the change and the latest matter
    sparse = [readings[0], readings[change_index], readings[-1]]
    assert charge_to_date(tariff, [seg(*sparse)]).total_fen == full.total_fen
    # and the bill is: old tiers up to the split, new tiers (position carried on) after it
    before, total = values[change_index], values[-1]
    expected = (
        _exact_tiered(tiers1, before) + _exact_tiered(tiers2, total) - _exact_tiered(tiers2, before)
    )
    assert full.energy_fen == round_half_up_fen(expected)
    assert sum(ln.quantity for ln in full.lines) == total
    assert sum(ln.amount_fen for ln in full.lines) == full.energy_fen


# --- pockets and property fee -------------------------------------------------------------------


def test_subsidy_pocket_first() -> None:
    assert allocate_charge(500, 300) == PocketSplit(subsidy_fen=300, cash_fen=200)
    assert allocate_charge(500, 800) == PocketSplit(subsidy_fen=500, cash_fen=0)
    assert allocate_charge(500, 0) == PocketSplit(subsidy_fen=0, cash_fen=500)
    assert allocate_charge(500, -20) == PocketSplit(subsidy_fen=0, cash_fen=500)
    with pytest.raises(ValueError):
        allocate_charge(-1, 100)


def test_kwh_subsidy_converted_at_current_price() -> None:
    tariff = Tariff(
        (
            TariffVersion(JAN, FlatPrice(D("0.68"))),
            TariffVersion(local(2026, 7, 1), FlatPrice(D("0.70"))),
        )
    )
    assert subsidy_quantity_fen(D(50), tariff, local(2026, 6, 30)) == 3400
    assert subsidy_quantity_fen(D("50.5"), tariff, local(2026, 7, 2)) == 3535
    with pytest.raises(ValidationError):
        subsidy_quantity_fen(D(-1), tariff, local(2026, 7, 2))


def test_property_fee_area_times_rate_half_up() -> None:
    rule = PropertyFeeRule(rate_yuan_per_m2=D("2.3456"))
    # 45.50 m² × 2.3456 = 106.7248 → 106.72; 12.25 × 2.3456 = 28.7336 → 28.73
    assert rule.monthly_fee_fen(D("45.50")) == 10672
    assert PropertyFeeRule(rate_yuan_per_m2=D("2.5")).monthly_fee_fen(D("0.25")) == 63  # 0.625
    assert PropertyFeeRule(fixed_fen=8000).monthly_fee_fen(D(999)) == 8000


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"rate_yuan_per_m2": D("2.5"), "fixed_fen": 100},
        {"rate_yuan_per_m2": D("2.12345")},
        {"rate_yuan_per_m2": D("-1")},
        {"fixed_fen": -1},
        {"fixed_fen": 100, "deduct_day": 29},
    ],
)
def test_property_fee_rule_rejects(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PropertyFeeRule(**kwargs)  # type: ignore[arg-type]


def test_property_fee_months_due_catch_up_and_never_twice() -> None:
    rule = PropertyFeeRule(fixed_fen=8000, deduct_day=5)
    now = local(2026, 7, 5, 0, 1)
    due = rule.months_due(now, first_month=date(2026, 4, 1), charged={date(2026, 5, 1)})
    assert due == (date(2026, 4, 1), date(2026, 6, 1), date(2026, 7, 1))
    before = local(2026, 7, 4, 23, 59)
    assert rule.months_due(before, first_month=date(2026, 7, 1), charged=()) == ()
    dec = rule.months_due(local(2027, 1, 6), first_month=date(2026, 12, 1), charged=())
    assert dec == (date(2026, 12, 1), date(2027, 1, 1))


def test_parse_property_fee_rule() -> None:
    rule = parse_property_fee_rule({"rate_yuan_per_m2": "2.5000", "deduct_day": 3})
    assert rule.rate_yuan_per_m2 == D("2.5") and rule.deduct_day == 3
    assert parse_property_fee_rule({"fixed_fen": 5000}).fixed_fen == 5000
    with pytest.raises(ValidationError):
        parse_property_fee_rule({"rate_yuan_per_m2": 2.5})
    with pytest.raises(ValidationError):
        parse_property_fee_rule({"rate_yuan_per_m2": "abc"})
