"""Tariff price sets, versions and tier periods (BILL-1), and drift-free charges (BILL-2).

A *price set* is what one tariff version charges: :class:`FlatPrice` (单一电价),
:class:`TouPrice` (复费率, T1–T4 = 尖/峰/平/谷) or :class:`TieredPrice` (阶梯, optionally seasonal).
A :class:`Tariff` is an ordered list of :class:`TariffVersion` (effective from an aware UTC
instant) plus its tier period: monthly, or annual counted from a configured start month/day, both
on the site's local calendar. Prices are ``Decimal`` with at most 4 places; money is integer fen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from app.domain.calendar import DEFAULT_TZ, local_midnight_utc, require_utc, site_zone
from app.domain.errors_billing import NoTariffVersionError
from app.domain.money import PRICE_PLACES, round_half_up_fen
from app.errors import ValidationError

TOU_REGISTERS = ("t1", "t2", "t3", "t4")  # 尖 峰 平 谷 (tip, peak, flat, valley)
TOU_NAMES = {"t1": "尖", "t2": "峰", "t3": "平", "t4": "谷"}
TOTAL = "total"

Tiers = tuple[tuple[Decimal | None, Decimal], ...]


def _price(value: object, field: str) -> Decimal:
    if isinstance(value, float):
        raise ValidationError(field, "prices must be decimal strings, not floats")
    try:
        d = Decimal(str(value))
    except Exception as exc:
        raise ValidationError(field, f"{value!r} is not a price") from exc
    if not d.is_finite() or d < 0 or d != d.quantize(PRICE_PLACES):
        raise ValidationError(field, f"{value} must be ≥ 0 with at most 4 decimals")
    return d


@dataclass(frozen=True)
class FlatPrice:
    price: Decimal

    def charge_to_date_fen(self, consumption: Mapping[str, Decimal]) -> int:
        return round_half_up_fen(self.price * consumption["total"])


@dataclass(frozen=True)
class TouPrice:
    """Prices per TOU register T1..T4 applied to the meter's own registers."""

    prices: tuple[Decimal, Decimal, Decimal, Decimal]

    def charge_to_date_fen(self, consumption: Mapping[str, Decimal]) -> int:
        total = sum(
            (
                p * consumption.get(r, Decimal(0))
                for p, r in zip(self.prices, TOU_REGISTERS, strict=True)
            ),
            Decimal(0),
        )
        return round_half_up_fen(total)

    def price_of(self, register: str) -> Decimal:
        return self.prices[TOU_REGISTERS.index(register)]


@dataclass(frozen=True)
class TierSlice:
    """Part of a consumption step that falls into one tier (``tier`` is 1-based)."""

    tier: int
    quantity: Decimal
    price: Decimal


def tier_slices(tiers: Tiers, position: Decimal, quantity: Decimal) -> tuple[TierSlice, ...]:
    """Split ``quantity`` units consumed after ``position`` units already counted in the period
    into tiers. A tier "0–200" includes 200: the first 200 units are at p1 (BILL-1)."""
    slices: list[TierSlice] = []
    pos = position
    end = position + quantity
    for i, (upper, price) in enumerate(tiers, start=1):
        if pos >= end:
            break
        top = end if upper is None else min(end, upper)
        if top > pos:  # tiers whose upper is already passed contribute nothing
            slices.append(TierSlice(i, top - pos, price))
            pos = top
    return tuple(slices)


@dataclass(frozen=True)
class Season:
    """Tiers that replace the base tiers in periods starting in ``months`` (e.g. summer)."""

    months: frozenset[int]
    tiers: Tiers


@dataclass(frozen=True)
class TieredPrice:
    """Cumulative thresholds within a period: [(upper, price), …, (None, price)]; a tier
    "0–200" includes 200 (the first 200 units at p1). ``seasons`` replace the thresholds (and
    prices) in the periods that start in their months (monthly tier periods only)."""

    tiers: Tiers
    seasons: tuple[Season, ...] = ()

    def charge_to_date_fen(self, consumption: Mapping[str, Decimal]) -> int:
        total = sum(
            (s.quantity * s.price for s in tier_slices(self.tiers, Decimal(0), consumption[TOTAL])),
            Decimal(0),
        )
        return round_half_up_fen(total)

    def tiers_for_month(self, month: int | None) -> Tiers:
        """The tiers of a period starting in local ``month`` (1–12; ``None`` = base tiers)."""
        for season in self.seasons:
            if month in season.months:
                return season.tiers
        return self.tiers


PriceSet = FlatPrice | TouPrice | TieredPrice


def unit_prices(prices: PriceSet) -> tuple[Decimal, ...]:
    """Every unit price a price set can charge (for component checks)."""
    if isinstance(prices, FlatPrice):
        return (prices.price,)
    if isinstance(prices, TouPrice):
        return prices.prices
    out = [p for _, p in prices.tiers]
    for season in prices.seasons:
        out.extend(p for _, p in season.tiers)
    return tuple(out)


def subsidy_unit_price(prices: PriceSet, month: int | None = None) -> Decimal:
    """The "current price" at which a kWh/m³ subsidy is converted to money (ACC-2): the flat
    price, the first tier's price (of the season of ``month``), or the 平 (T3, flat) price."""
    if isinstance(prices, FlatPrice):
        return prices.price
    if isinstance(prices, TouPrice):
        return prices.price_of("t3")
    return prices.tiers_for_month(month)[0][1]


# --- price components (水费 + 水资源费 + 污水处理费) -------------------------------------------


def split_largest_remainder(amount_fen: int, weights: Sequence[Decimal]) -> list[int]:
    """Split ``amount_fen`` in proportion to ``weights`` so the parts sum exactly to the amount
    (largest-remainder method; ties go to the earlier part). Weights are ≥ 0, not all zero
    unless the amount is zero."""
    if any(w < 0 for w in weights):
        raise ValueError("weights must be ≥ 0")
    if amount_fen == 0 or not weights:
        if amount_fen != 0:
            raise ValueError("cannot split a non-zero amount into no parts")
        return [0] * len(weights)
    total = sum((Fraction(w) for w in weights), Fraction(0))
    if total == 0:
        raise ValueError("cannot split a non-zero amount by all-zero weights")
    sign = -1 if amount_fen < 0 else 1
    amount = abs(amount_fen)
    quotas = [amount * Fraction(w) / total for w in weights]
    parts = [q.numerator // q.denominator for q in quotas]
    left = amount - sum(parts)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]


@dataclass(frozen=True)
class PriceComponents:
    """How a unit price splits into named components, for statistics only (BILL-1): the whole
    price is charged as one unit price and rounded once. At most one component may be the
    *residual* (price ``None``): it takes "unit price − the others", so one definition serves every
    tier of a tiered water price; without a residual the parts must add up to each unit price."""

    parts: tuple[tuple[str, Decimal | None], ...]

    def __post_init__(self) -> None:
        names = [n for n, _ in self.parts]
        if not names or any(not n.strip() for n in names) or len(set(names)) != len(names):
            raise ValidationError("components", "component names must be non-empty and unique")
        if sum(1 for _, p in self.parts if p is None) > 1:
            raise ValidationError("components", "at most one component may be the residual")

    def resolve(self, unit_price: Decimal) -> tuple[tuple[str, Decimal], ...]:
        """The component prices making up ``unit_price``."""
        fixed = sum((p for _, p in self.parts if p is not None), Decimal(0))
        if any(p is None for _, p in self.parts):
            residual = unit_price - fixed
            if residual < 0:
                raise ValidationError(
                    "components", f"components {fixed} exceed the unit price {unit_price}"
                )
            return tuple((n, residual if p is None else p) for n, p in self.parts)
        if fixed != unit_price:
            raise ValidationError(
                "components", f"components add up to {fixed}, not the unit price {unit_price}"
            )
        return tuple((n, p) for n, p in self.parts if p is not None)

    def split_fen(self, amount_fen: int, unit_price: Decimal) -> dict[str, int]:
        """Split an amount charged at ``unit_price`` into components; sums exactly to it."""
        resolved = self.resolve(unit_price)
        shares = split_largest_remainder(amount_fen, [p for _, p in resolved])
        return {n: s for (n, _), s in zip(resolved, shares, strict=True)}


def parse_components(raw: object) -> PriceComponents:
    """``{"水费": "2.80", "水资源费": "0.40", "污水处理费": "1.00"}`` or with one ``null``
    (residual), or the same as a list of ``[name, price]`` pairs."""
    items: list[tuple[object, object]]
    if isinstance(raw, Mapping):
        items = list(raw.items())
    elif isinstance(raw, list | tuple) and all(
        isinstance(x, list | tuple) and len(x) == 2 for x in raw
    ):
        items = [(x[0], x[1]) for x in raw]
    else:
        raise ValidationError("components", "a mapping of component name → price is required")
    parts = tuple((str(n), None if p is None else _price(p, f"component {n}")) for n, p in items)
    return PriceComponents(parts)


# --- versions, periods, tariffs -------------------------------------------------------------


class TierPeriod(StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"


@dataclass(frozen=True)
class BillingPeriod:
    """One tier period on the site's calendar. It covers meter times ``start < t <= end`` (UTC):
    a reading taken at exactly local midnight on the first day closes the *previous* period, the
    same rule as at a price change (BILL-1)."""

    start: datetime
    end: datetime
    first_day: date  # local date of the first day (its month selects the season)
    last_day: date

    def contains(self, moment: datetime) -> bool:
        return self.start < require_utc(moment) <= self.end

    @property
    def label(self) -> str:
        if self.first_day.day == 1 and self.first_day.month == self.last_day.month:
            return f"{self.first_day:%Y-%m}"
        return f"{self.first_day.isoformat()}/{self.last_day.isoformat()}"


@dataclass(frozen=True)
class TariffVersion:
    """Prices effective from ``effective_from`` (aware; stored as UTC) on (BILL-1)."""

    effective_from: datetime
    prices: PriceSet
    monthly_fixed_fen: int = 0
    components: PriceComponents | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "effective_from", require_utc(self.effective_from))
        if isinstance(self.monthly_fixed_fen, bool) or not isinstance(self.monthly_fixed_fen, int):
            raise ValidationError("monthly_fixed_fen", "must be a whole number of fen")
        if self.monthly_fixed_fen < 0:
            raise ValidationError("monthly_fixed_fen", "must be ≥ 0")
        if self.components is not None:
            for p in unit_prices(self.prices):
                self.components.resolve(p)  # raises if a price cannot be split


def _add_months(day: date, months: int) -> date:
    idx = day.year * 12 + (day.month - 1) + months
    return day.replace(year=idx // 12, month=idx % 12 + 1)


@dataclass(frozen=True)
class Tariff:
    """A tariff's versions and tier period.

    ``period`` MONTHLY: periods are local calendar months. ANNUAL: twelve months from local
    ``year_start_month``/``year_start_day`` (day ≤ 28 so every year has it); seasonal tiers
    need monthly periods. Thresholds are never prorated, also not when a version takes effect
    mid-period (BILL-1).
    """

    versions: tuple[TariffVersion, ...]
    period: TierPeriod = TierPeriod.MONTHLY
    year_start_month: int = 1
    year_start_day: int = 1
    tz: str = DEFAULT_TZ
    code: str = ""

    def __post_init__(self) -> None:
        if not self.versions:
            raise ValidationError("versions", "a tariff needs at least one version")
        versions = tuple(sorted(self.versions, key=lambda v: v.effective_from))
        starts = [v.effective_from for v in versions]
        if len(set(starts)) != len(starts):
            raise ValidationError("versions", "two versions take effect at the same moment")
        object.__setattr__(self, "versions", versions)
        site_zone(self.tz)
        if not 1 <= self.year_start_month <= 12 or not 1 <= self.year_start_day <= 28:
            raise ValidationError("year_start", "month 1–12 and day 1–28 are required")
        if self.period is TierPeriod.ANNUAL and any(
            isinstance(v.prices, TieredPrice) and v.prices.seasons for v in versions
        ):
            raise ValidationError("seasons", "seasonal tiers need a monthly tier period")

    def version_at(self, moment: datetime) -> TariffVersion:
        """The version in effect at ``moment`` (the last with ``effective_from <= moment``)."""
        t = require_utc(moment)
        found: TariffVersion | None = None
        for v in self.versions:
            if v.effective_from <= t:
                found = v
        if found is None:
            raise NoTariffVersionError(t)
        return found

    def version_for_step(self, step_end: datetime) -> TariffVersion:
        """The version pricing consumption read at ``step_end`` (consumption since the previous
        reading): the last version with ``effective_from < step_end``. So consumption up to the
        last reading at or before a change time T is priced by the old version and everything
        after it by the new one — the readings decide, nothing is interpolated (BILL-1)."""
        t = require_utc(step_end)
        found: TariffVersion | None = None
        for v in self.versions:
            if v.effective_from < t:
                found = v
        if found is None:
            raise NoTariffVersionError(t)
        return found

    def _first_day(self, day: date) -> date:
        if self.period is TierPeriod.MONTHLY:
            return day.replace(day=1)
        start = date(day.year, self.year_start_month, self.year_start_day)
        return start if start <= day else date(day.year - 1, start.month, start.day)

    def _period_from(self, first_day: date) -> BillingPeriod:
        months = 1 if self.period is TierPeriod.MONTHLY else 12
        next_first = _add_months(first_day, months)
        return BillingPeriod(
            start=local_midnight_utc(first_day, self.tz),
            end=local_midnight_utc(next_first, self.tz),
            first_day=first_day,
            last_day=date.fromordinal(next_first.toordinal() - 1),
        )

    def period_containing(self, moment: datetime) -> BillingPeriod:
        """The tier period covering ``moment`` (``start < moment <= end``)."""
        t = require_utc(moment)
        local_day = t.astimezone(site_zone(self.tz)).date()
        period = self._period_from(self._first_day(local_day))
        if t <= period.start:  # exactly local midnight of the first day: previous period
            period = self._period_from(self._first_day(date.fromordinal(local_day.toordinal() - 1)))
        return period

    def periods_between(self, after: datetime, until: datetime) -> tuple[BillingPeriod, ...]:
        """Every period that meter times in ``(after, until]`` fall into, oldest first: a settlement
        whose new readings span a period boundary finalises the older period too."""
        a, b = require_utc(after), require_utc(until)
        if b <= a:
            return ()
        out = [self.period_containing(b)]
        while out[0].start > a:
            out.insert(0, self.period_containing(out[0].start))
        return tuple(out)

    def change_times_in(self, period: BillingPeriod) -> tuple[datetime, ...]:
        """Version changes strictly inside ``period``. Only the opening reading, the last reading
        at or before each of these, meter-swap readings and the latest reading change
        :func:`app.domain.billing.charge_to_date`; the service may pass just those."""
        return tuple(
            v.effective_from for v in self.versions if period.start < v.effective_from < period.end
        )

    def fixed_fen_for(self, period: BillingPeriod) -> int:
        """The fixed monthly charge of ``period`` (× 12 for an annual period): that of the version
        in effect when the period starts, else the first one taking effect within it; not
        prorated, like thresholds."""
        try:
            version = self.version_at(period.start)
        except NoTariffVersionError:
            inside = [v for v in self.versions if period.start < v.effective_from < period.end]
            if not inside:
                return 0
            version = inside[0]
        months = 1 if self.period is TierPeriod.MONTHLY else 12
        return version.monthly_fixed_fen * months


# --- parsing from stored params -------------------------------------------------------------


def _parse_tiers(raw: object, field: str) -> Tiers:
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError(field, "a list of [upper, price] pairs is required")
    tiers: list[tuple[Decimal | None, Decimal]] = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationError(field, f"tier {i + 1} must be [upper, price]")
        upper = None if pair[0] is None else _price(pair[0], f"tier {i + 1} upper")
        tiers.append((upper, _price(pair[1], f"tier {i + 1} price")))
    if any(u is None for u, _ in tiers[:-1]):
        raise ValidationError(field, "only the last tier may be open-ended")
    if tiers[-1][0] is not None:
        raise ValidationError(field, "the last tier must be open-ended (upper = null)")
    uppers = [u for u, _ in tiers if u is not None]
    if any(u <= 0 for u in uppers) or any(b <= a for a, b in pairwise(uppers)):
        raise ValidationError(field, "tier uppers must be positive and increasing")
    return tuple(tiers)


def _parse_seasons(raw: object) -> tuple[Season, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        raise ValidationError("seasons", "a list of {months, tiers} is required")
    seasons: list[Season] = []
    seen: set[int] = set()
    for i, s in enumerate(raw):
        if not isinstance(s, Mapping):
            raise ValidationError("seasons", f"season {i + 1} must be an object")
        months = s.get("months")
        if (
            not isinstance(months, list | tuple)
            or not months
            or not all(isinstance(m, int) and not isinstance(m, bool) for m in months)
            or not all(1 <= int(m) <= 12 for m in months)
        ):
            raise ValidationError("seasons", f"season {i + 1}: months are 1–12")
        ms = frozenset(int(m) for m in months)
        if ms & seen:
            raise ValidationError("seasons", f"season {i + 1} overlaps another season")
        seen |= ms
        seasons.append(Season(ms, _parse_tiers(s.get("tiers"), f"season {i + 1} tiers")))
    return tuple(seasons)


def parse_price_set(kind: str, params: Mapping[str, object]) -> PriceSet:
    """Price set of one version from its stored ``params`` (see ``app.models.meter``); other
    keys ("components", "period", "year_start") are read by :func:`parse_tariff`."""
    if kind == "flat":
        return FlatPrice(_price(params.get("price"), "price"))
    if kind == "tou":
        p = tuple(_price(params.get(r), r) for r in TOU_REGISTERS)
        return TouPrice((p[0], p[1], p[2], p[3]))
    if kind == "tiered":
        return TieredPrice(
            _parse_tiers(params.get("tiers"), "tiers"), _parse_seasons(params.get("seasons"))
        )
    raise ValidationError("kind", f"unknown tariff kind {kind!r}")


def parse_tariff_version(
    kind: str,
    effective_from: datetime,
    params: Mapping[str, object],
    monthly_fixed_fen: int = 0,
) -> TariffVersion:
    raw = params.get("components")
    return TariffVersion(
        effective_from=effective_from,
        prices=parse_price_set(kind, params),
        monthly_fixed_fen=monthly_fixed_fen,
        components=None if raw is None else parse_components(raw),
    )


def _parse_period(params: Mapping[str, object]) -> tuple[TierPeriod, int, int]:
    raw = params.get("period", TierPeriod.MONTHLY.value)
    try:
        period = TierPeriod(str(raw))
    except ValueError as exc:
        raise ValidationError("period", f"{raw!r} is not monthly or annual") from exc
    start = params.get("year_start", [1, 1])
    if (
        not isinstance(start, list | tuple)
        or len(start) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in start)
    ):
        raise ValidationError("year_start", "[month, day] is required")
    return period, int(start[0]), int(start[1])


def parse_tariff(
    kind: str,
    versions: Sequence[tuple[datetime, Mapping[str, object], int]],
    *,
    tz: str = DEFAULT_TZ,
    code: str = "",
) -> Tariff:
    """Build a :class:`Tariff` from stored rows ``(effective_from, params, monthly_fixed_fen)``.
    The tier period comes from ``params["period"]`` ("monthly" default | "annual") and
    ``params["year_start"]`` ([month, day], default [1, 1]); all versions must agree."""
    if not versions:
        raise ValidationError("versions", "a tariff needs at least one version")
    periods = {_parse_period(params) for _, params, _ in versions}
    if len(periods) != 1:
        raise ValidationError("period", "all versions of a tariff must use the same tier period")
    period, month, day = periods.pop()
    return Tariff(
        versions=tuple(parse_tariff_version(kind, t, p, f) for t, p, f in versions),
        period=period,
        year_start_month=month,
        year_start_day=day,
        tz=tz,
        code=code,
    )
