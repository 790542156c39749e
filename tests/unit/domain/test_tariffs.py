"""Tariff price sets, versions, tier periods, seasons and price components (BILL-1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors_billing import NoTariffVersionError
from app.domain.tariffs import (
    FlatPrice,
    PriceComponents,
    Tariff,
    TariffVersion,
    TieredPrice,
    TierPeriod,
    TouPrice,
    parse_components,
    parse_price_set,
    parse_tariff,
    split_largest_remainder,
    subsidy_unit_price,
    tier_slices,
)
from app.errors import ValidationError

D = Decimal
SH = ZoneInfo("Asia/Shanghai")
TIERS = ((D(200), D("0.60")), (D(400), D("0.65")), (None, D("0.90")))


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SH).astimezone(UTC)


def test_tier_0_200_includes_200() -> None:
    assert tier_slices(TIERS, D(0), D(200))[-1].tier == 1
    slices = tier_slices(TIERS, D(0), D("200.01"))
    assert [(s.tier, s.quantity) for s in slices] == [(1, D(200)), (2, D("0.01"))]


def test_tier_slices_continue_from_position() -> None:
    slices = tier_slices(TIERS, D(150), D(300))
    assert [(s.tier, s.quantity, s.price) for s in slices] == [
        (1, D(50), D("0.60")),
        (2, D(200), D("0.65")),
        (3, D(50), D("0.90")),
    ]
    assert tier_slices(TIERS, D(500), D(0)) == ()


def test_tiered_450_kwh_is_295_yuan() -> None:
    # 200 × 0.60 + 200 × 0.65 + 50 × 0.90 = 120 + 130 + 45 = 295.00
    assert TieredPrice(TIERS).charge_to_date_fen({"total": D(450)}) == 29500


def test_existing_price_sets_unchanged() -> None:
    assert FlatPrice(D("0.68")).charge_to_date_fen({"total": D("12.345")}) == 839  # 8.3946
    tou = TouPrice((D("1.30"), D("1.05"), D("0.75"), D("0.40")))
    # 10×1.30 + 50×1.05 + 80×0.75 + 120×0.40 = 13 + 52.5 + 60 + 48 = 173.50
    usage = {"t1": D(10), "t2": D(50), "t3": D(80), "t4": D(120)}
    assert tou.charge_to_date_fen(usage) == 17350


def test_parse_price_sets() -> None:
    assert parse_price_set("flat", {"price": "0.6800"}) == FlatPrice(D("0.68"))
    tou = parse_price_set("tou", {"t1": "1.3", "t2": "1.05", "t3": "0.75", "t4": "0.4"})
    assert isinstance(tou, TouPrice) and tou.price_of("t3") == D("0.75")
    tiered = parse_price_set(
        "tiered",
        {
            "tiers": [["200", "0.60"], ["400", "0.65"], [None, "0.90"]],
            "seasons": [{"months": [7, 8], "tiers": [["260", "0.60"], [None, "0.90"]]}],
        },
    )
    assert isinstance(tiered, TieredPrice)
    assert tiered.tiers_for_month(7)[0] == (D(260), D("0.60"))
    assert tiered.tiers_for_month(3) == TIERS
    assert tiered.tiers_for_month(None) == TIERS


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("flat", {"price": 0.68}),
        ("flat", {"price": "0.12345"}),
        ("flat", {"price": "-1"}),
        ("flat", {"price": "NaN"}),
        ("tiered", {"tiers": [["200", "0.6"], ["100", "0.7"], [None, "0.9"]]}),
        ("tiered", {"tiers": [[None, "0.6"], [None, "0.9"]]}),
        ("tiered", {"tiers": [["200", "0.6"]]}),
        ("tiered", {"tiers": [["0", "0.6"], [None, "0.9"]]}),
        ("tiered", {"tiers": [[None, "0.6"]], "seasons": [{"months": [13], "tiers": []}]}),
        (
            "tiered",
            {
                "tiers": [[None, "0.6"]],
                "seasons": [
                    {"months": [7], "tiers": [[None, "0.7"]]},
                    {"months": [7, 8], "tiers": [[None, "0.8"]]},
                ],
            },
        ),
        ("stepped", {}),
    ],
)
def test_parse_price_set_rejects(kind: str, params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        parse_price_set(kind, params)


def test_components_split_sums_exactly() -> None:
    comps = parse_components({"水费": "2.8000", "水资源费": "0.4000", "污水处理费": "1.0000"})
    # 3.333 m³ × 4.20 = 13.9986 → 1400 fen; quotas 933.33 / 133.33 / 333.33, the spare fen to 水费
    assert comps.split_fen(1400, D("4.20")) == {"水费": 934, "水资源费": 133, "污水处理费": 333}


def test_components_residual_serves_every_tier() -> None:
    comps = parse_components({"水费": None, "水资源费": "1.57", "污水处理费": "1.36"})
    assert comps.resolve(D("5.00")) == (
        ("水费", D("2.07")),
        ("水资源费", D("1.57")),
        ("污水处理费", D("1.36")),
    )
    with pytest.raises(ValidationError):
        comps.resolve(D("2.00"))  # components above the price


def test_components_must_add_up() -> None:
    comps = PriceComponents((("水费", D("2.80")), ("水资源费", D("0.40"))))
    with pytest.raises(ValidationError):
        TariffVersion(local(2026, 1, 1), FlatPrice(D("4.20")), components=comps)
    with pytest.raises(ValidationError):
        PriceComponents((("a", None), ("b", None)))
    with pytest.raises(ValidationError):
        PriceComponents((("a", D(1)), ("a", D(1))))


def test_split_largest_remainder_examples() -> None:
    assert split_largest_remainder(100, [D(1), D(1), D(1)]) == [34, 33, 33]
    assert split_largest_remainder(-100, [D(1), D(1), D(1)]) == [-34, -33, -33]
    assert split_largest_remainder(0, [D(0), D(0)]) == [0, 0]
    with pytest.raises(ValueError):
        split_largest_remainder(1, [D(0)])


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.lists(
        st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False),
        min_size=1,
        max_size=8,
    ).filter(lambda ws: sum(ws) > 0),
)
def test_split_largest_remainder_property(amount: int, weights: list[Decimal]) -> None:
    parts = split_largest_remainder(amount, weights)
    assert sum(parts) == amount
    total = sum(Fraction(w) for w in weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(Fraction(part) - amount * Fraction(w) / total) < 1


def _flat_tariff(*versions: tuple[datetime, str], **kw: object) -> Tariff:
    return Tariff(
        tuple(TariffVersion(t, FlatPrice(D(p))) for t, p in versions),
        **kw,  # type: ignore[arg-type]
    )


def test_version_at_and_for_step() -> None:
    change = local(2026, 7, 15)
    tariff = _flat_tariff((local(2026, 1, 1), "0.60"), (change, "0.70"))
    assert tariff.version_at(change).prices == FlatPrice(D("0.70"))
    assert tariff.version_at(change - timedelta(seconds=1)).prices == FlatPrice(D("0.60"))
    # a reading exactly at the change closes the old price
    assert tariff.version_for_step(change).prices == FlatPrice(D("0.60"))
    assert tariff.version_for_step(change + timedelta(seconds=1)).prices == FlatPrice(D("0.70"))
    with pytest.raises(NoTariffVersionError):
        tariff.version_at(local(2025, 12, 31))
    with pytest.raises(ValueError):
        tariff.version_at(datetime(2026, 7, 1))  # naive


def test_tariff_validation() -> None:
    t = local(2026, 1, 1)
    with pytest.raises(ValidationError):
        Tariff(())
    with pytest.raises(ValidationError):
        _flat_tariff((t, "0.6"), (t, "0.7"))
    with pytest.raises(ValidationError):
        _flat_tariff((t, "0.6"), year_start_day=31, period=TierPeriod.ANNUAL)
    seasonal = TieredPrice(TIERS, parse_price_set("tiered", _SEASONAL).seasons)  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        Tariff((TariffVersion(t, seasonal),), period=TierPeriod.ANNUAL)
    with pytest.raises(ValidationError):
        TariffVersion(t, FlatPrice(D(1)), monthly_fixed_fen=-1)


_SEASONAL = {
    "tiers": [["200", "0.60"], ["400", "0.65"], [None, "0.90"]],
    "seasons": [{"months": [7, 8], "tiers": [["260", "0.60"], ["600", "0.65"], [None, "0.90"]]}],
}


def test_monthly_period_boundaries_local_midnight() -> None:
    tariff = _flat_tariff((local(2026, 1, 1), "0.60"))
    p = tariff.period_containing(local(2026, 7, 15, 12))
    assert (p.start, p.end) == (local(2026, 7, 1), local(2026, 8, 1))
    assert p.start == datetime(2026, 6, 30, 16, tzinfo=UTC)
    assert p.label == "2026-07" and p.last_day == date(2026, 7, 31)
    # a reading at exactly local midnight on the 1st closes the previous month
    assert tariff.period_containing(local(2026, 8, 1)).label == "2026-07"
    assert tariff.period_containing(local(2026, 8, 1) + timedelta(seconds=1)).label == "2026-08"
    assert tariff.period_containing(local(2027, 1, 1, 0, 0, 1)).label == "2027-01"
    assert tariff.period_containing(local(2027, 1, 1)).label == "2026-12"


def test_annual_period_from_configured_start() -> None:
    tariff = _flat_tariff((local(2020, 1, 1), "0.60"), period=TierPeriod.ANNUAL, year_start_month=4)
    p = tariff.period_containing(local(2026, 3, 31, 12))
    assert (p.first_day, p.last_day) == (date(2025, 4, 1), date(2026, 3, 31))
    p2 = tariff.period_containing(local(2026, 4, 1, 0, 0, 1))
    assert p2.first_day == date(2026, 4, 1) and p2.end == local(2027, 4, 1)
    assert p2.label == "2026-04-01/2027-03-31"


def test_periods_between_spans_a_boundary() -> None:
    tariff = _flat_tariff((local(2026, 1, 1), "0.60"))
    periods = tariff.periods_between(local(2026, 6, 28), local(2026, 8, 2))
    assert [p.label for p in periods] == ["2026-06", "2026-07", "2026-08"]
    assert tariff.periods_between(local(2026, 7, 2), local(2026, 7, 1)) == ()


def test_fixed_charge_of_the_version_at_period_start() -> None:
    v1 = TariffVersion(local(2026, 1, 1), FlatPrice(D("0.6")), monthly_fixed_fen=500)
    v2 = TariffVersion(local(2026, 7, 15), FlatPrice(D("0.7")), monthly_fixed_fen=800)
    tariff = Tariff((v2, v1))  # order does not matter
    assert tariff.versions == (v1, v2)
    assert tariff.fixed_fen_for(tariff.period_containing(local(2026, 7, 20))) == 500
    assert tariff.fixed_fen_for(tariff.period_containing(local(2026, 8, 20))) == 800
    assert tariff.fixed_fen_for(tariff.period_containing(local(2025, 12, 20))) == 0
    late = Tariff((TariffVersion(local(2026, 7, 15), FlatPrice(D(1)), monthly_fixed_fen=300),))
    assert late.fixed_fen_for(late.period_containing(local(2026, 7, 20))) == 300


def test_parse_tariff_from_rows() -> None:
    rows = [
        (local(2026, 1, 1), {"price": "4.20", "components": {"水费": None, "水资源费": "1.4"}}, 0),
        (
            local(2026, 7, 1),
            {"price": "4.50", "components": {"水费": None, "水资源费": "1.4"}},
            100,
        ),
    ]
    tariff = parse_tariff("flat", rows, code="W-STD")
    assert tariff.period is TierPeriod.MONTHLY and tariff.code == "W-STD"
    assert tariff.versions[1].monthly_fixed_fen == 100
    assert tariff.versions[1].components is not None
    annual = parse_tariff(
        "tiered",
        [
            (
                local(2026, 1, 1),
                {"tiers": [[None, "0.5"]], "period": "annual", "year_start": [4, 1]},
                0,
            )
        ],
    )
    assert annual.period is TierPeriod.ANNUAL and annual.year_start_month == 4
    with pytest.raises(ValidationError):
        parse_tariff(
            "flat",
            [
                (local(2026, 1, 1), {"price": "1", "period": "annual"}, 0),
                (local(2026, 2, 1), {"price": "1"}, 0),
            ],
        )
    with pytest.raises(ValidationError):
        parse_tariff("flat", [(local(2026, 1, 1), {"price": "1", "period": "weekly"}, 0)])


def test_subsidy_unit_price() -> None:
    assert subsidy_unit_price(FlatPrice(D("0.68"))) == D("0.68")
    assert subsidy_unit_price(TouPrice((D(1), D(2), D(3), D(4)))) == D(3)  # 平
    seasonal = parse_price_set("tiered", _SEASONAL)
    assert subsidy_unit_price(seasonal, 7) == D("0.60")


def test_change_times_in_period() -> None:
    change = local(2026, 7, 15)
    tariff = _flat_tariff((local(2026, 1, 1), "0.60"), (change, "0.70"), (local(2026, 8, 1), "0.8"))
    assert tariff.change_times_in(tariff.period_containing(local(2026, 7, 20))) == (change,)
    # a change at exactly local midnight on the 1st starts a period, it does not split one
    assert tariff.change_times_in(tariff.period_containing(local(2026, 8, 20))) == ()
