"""Charge-to-date from readings (BILL-2, BILL-3), subsidy-first allocation (ACC-2), property fee
(BILL-4).

The settlement service calls :func:`charge_to_date` for a point and a tier period after every
read cycle and books ``result.total_fen - already_charged_fen``. The charge-to-date is a function
of the readings only and is rounded once (half-up, to the fen) from the exact sum, so any number
of small deductions adds up to the bill of the total, to the fen, and re-running a settlement
books nothing new (BILL-2, BILL-3). Nothing here touches a database, a clock or a meter.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal, localcontext
from itertools import pairwise
from types import MappingProxyType
from typing import Protocol

from app.domain.calendar import DEFAULT_TZ, local_date, require_utc
from app.domain.errors_billing import MissingRegisterError, NegativeConsumptionError
from app.domain.money import PRICE_PLACES, charge_fen, round_half_up_fen
from app.domain.tariffs import (
    TOTAL,
    TOU_REGISTERS,
    BillingPeriod,
    FlatPrice,
    Tariff,
    TierPeriod,
    TouPrice,
    split_largest_remainder,
    subsidy_unit_price,
    tier_slices,
)
from app.errors import ValidationError

# Exact arithmetic: 12-digit registers × 4-decimal prices summed over a year stay far below this.
_PRECISION = 60
EXACT = Context(prec=_PRECISION)
_ZERO = Decimal(0)
UNSPLIT_COMPONENT = "other"  # statistics name for amounts of versions without components


@dataclass(frozen=True)
class MeterReading:
    """One read of a point: register name ("total", "t1".."t4") → exact value (DEV-4)."""

    meter_time: datetime
    values: Mapping[str, Decimal]

    def __post_init__(self) -> None:
        object.__setattr__(self, "meter_time", require_utc(self.meter_time, "meter_time"))
        for register, value in self.values.items():
            if not isinstance(value, Decimal) or not value.is_finite():
                raise TypeError(f"register {register}: {value!r} is not a finite Decimal")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))


@dataclass(frozen=True)
class Segment:
    """The readings of one physical meter on the point, oldest first; a meter swap starts a new
    segment (DEV-6): the old meter counts up to its final reading, the new one from its initial
    reading, and nothing is billed for the jump between the two. ``modulus`` is where the
    registers wrap (10 ** integer digits) for a rollover the classifier recognised (DEV-8)."""

    readings: tuple[MeterReading, ...]
    modulus: Decimal | None = None


@dataclass(frozen=True)
class ConsumptionStep:
    """Consumption between two consecutive readings of one segment (``start < t <= end``)."""

    start: datetime
    end: datetime
    deltas: Mapping[str, Decimal]

    @property
    def total(self) -> Decimal:
        """The "total" register's step, or the sum of T1–T4 if the meter has no total."""
        if TOTAL in self.deltas:
            return self.deltas[TOTAL]
        return sum((self.deltas.get(r, Decimal(0)) for r in TOU_REGISTERS), Decimal(0))


def consumption_steps(segments: Sequence[Segment]) -> tuple[ConsumptionStep, ...]:
    """Steps between consecutive readings of each segment, in time order. A register missing
    from a reading is carried from its last value in the segment; a register that went backwards
    wraps at ``modulus`` if given, else raises :class:`NegativeConsumptionError`."""
    steps: list[ConsumptionStep] = []
    for seg in segments:
        by_time: dict[datetime, dict[str, Decimal]] = {}
        for r in seg.readings:  # registers of one meter time may arrive as separate rows
            by_time.setdefault(r.meter_time, {}).update(r.values)
        if not by_time:
            continue
        times = sorted(by_time)
        last: dict[str, Decimal] = dict(by_time[times[0]])
        for prev_time, meter_time in pairwise(times):
            deltas: dict[str, Decimal] = {}
            for register, value in by_time[meter_time].items():
                before = last.get(register)
                last[register] = value
                if before is None:
                    continue  # first appearance of a register is its baseline
                delta = value - before
                if delta < 0:
                    if seg.modulus is None:
                        raise NegativeConsumptionError(register, meter_time, before, value)
                    delta += seg.modulus
                deltas[register] = delta
            steps.append(ConsumptionStep(prev_time, meter_time, MappingProxyType(deltas)))
    steps.sort(key=lambda s: s.end)
    return tuple(steps)


@dataclass(frozen=True)
class ChargeLine:
    """One statement line: a version × register × tier. ``amount_fen`` is the line's
    largest-remainder share of the rounded energy charge, so the lines add up to it exactly;
    ``amount_exact`` (yuan) is the unrounded price × quantity."""

    version_from: datetime
    register: str  # "total" | "t1".."t4"
    tier: int | None  # 1-based for tiered prices
    quantity: Decimal
    price: Decimal
    amount_exact: Decimal
    amount_fen: int


@dataclass(frozen=True)
class ChargeToDate:
    """Everything a point owes for one tier period up to its latest reading (BILL-2)."""

    period: BillingPeriod
    consumption: Mapping[str, Decimal]  # per register in the period ("total" always present)
    energy_exact: Decimal  # yuan, unrounded
    energy_fen: int  # energy_exact rounded half-up once
    fixed_fen: int  # the period's fixed charge (BILL-1), 0 when not included
    lines: tuple[ChargeLine, ...]
    components: tuple[tuple[str, int], ...]  # statistics only; sums to energy_fen (or empty)
    last_reading_at: datetime | None = None  # end of the latest step billed in the period

    @property
    def total_fen(self) -> int:
        return self.energy_fen + self.fixed_fen

    def delta_fen(self, already_charged_fen: int) -> int:
        """What to book now. Negative only if a late reading moved a split point; the caller
        books that as a correction, never silently."""
        return self.total_fen - already_charged_fen


_LineKey = tuple[int, str, int | None]


def charge_to_date(
    tariff: Tariff,
    segments: Sequence[Segment],
    period: BillingPeriod | None = None,
    *,
    include_fixed: bool = True,
) -> ChargeToDate:
    """The charge-to-date of one point in ``period`` (default: the period of the latest reading).

    Pass the segments with at least the last reading at or before ``period.start`` (the opening
    value), every reading in the period, and the swap final/initial readings; readings outside
    the period only serve as baselines. Each step between consecutive readings belongs to the
    period and to the tariff version of its *end* time (``version_for_step``), so a price change
    at T splits consumption at the last reading at or before T. The tier position counts the
    period's "total" consumption across versions and meter swaps; thresholds are not prorated.
    """
    steps = consumption_steps(segments)
    if period is None:
        if not steps:
            times = [r.meter_time for s in segments for r in s.readings]
            if not times:
                raise ValueError("no readings and no period: nothing to bill")
            period = tariff.period_containing(max(times))
        else:
            period = tariff.period_containing(steps[-1].end)
    month = period.first_day.month if tariff.period is TierPeriod.MONTHLY else None
    in_period = [s for s in steps if period.contains(s.end)]

    with localcontext() as ctx:
        ctx.prec = _PRECISION
        versions = tariff.versions
        qty: dict[_LineKey, Decimal] = {}
        price_of: dict[_LineKey, Decimal] = {}
        consumption: dict[str, Decimal] = {TOTAL: Decimal(0)}
        position = Decimal(0)
        for step in in_period:
            version = tariff.version_for_step(step.end)
            vi = versions.index(version)
            total = step.total
            for register, delta in step.deltas.items():
                if register != TOTAL:
                    consumption[register] = consumption.get(register, Decimal(0)) + delta
            consumption[TOTAL] += total
            prices = version.prices
            parts: list[tuple[_LineKey, Decimal, Decimal]] = []
            if isinstance(prices, TouPrice):
                present = [r for r in TOU_REGISTERS if r in step.deltas]
                if not present and total > 0:
                    raise MissingRegisterError(step.end, TOU_REGISTERS)
                parts = [((vi, r, None), step.deltas[r], prices.price_of(r)) for r in present]
            elif isinstance(prices, FlatPrice):
                parts = [((vi, TOTAL, None), total, prices.price)]
            else:
                tiers = prices.tiers_for_month(month)
                parts = [
                    ((vi, TOTAL, s.tier), s.quantity, s.price)
                    for s in tier_slices(tiers, position, total)
                ]
            position += total
            for key, q, p in parts:
                qty[key] = qty.get(key, Decimal(0)) + q
                price_of[key] = p

        keys = sorted(qty, key=lambda k: (k[0], k[1], -1 if k[2] is None else k[2]))
        exact = {k: qty[k] * price_of[k] for k in keys}
        energy_exact = sum(exact.values(), Decimal(0))
        energy_fen = round_half_up_fen(energy_exact)
        shares = (
            split_largest_remainder(energy_fen, [exact[k] for k in keys])
            if energy_fen
            else [0] * len(keys)
        )
        lines = tuple(
            ChargeLine(
                version_from=versions[k[0]].effective_from,
                register=k[1],
                tier=k[2],
                quantity=qty[k],
                price=price_of[k],
                amount_exact=exact[k],
                amount_fen=share,
            )
            for k, share in zip(keys, shares, strict=True)
        )
        components = _component_split(tariff, keys, qty, price_of, energy_fen)

    return ChargeToDate(
        period=period,
        consumption=MappingProxyType(consumption),
        energy_exact=energy_exact,
        energy_fen=energy_fen,
        fixed_fen=tariff.fixed_fen_for(period) if include_fixed else 0,
        lines=lines,
        components=components,
        last_reading_at=in_period[-1].end if in_period else None,
    )


class _Read(Protocol):
    @property
    def meter_time(self) -> datetime: ...
    @property
    def values(self) -> Mapping[str, Decimal]: ...


class _Seg(Protocol):
    @property
    def readings(self) -> Sequence[_Read]: ...
    @property
    def modulus(self) -> Decimal | None: ...


def step_deltas(segments: Iterable[_Seg]) -> list[tuple[datetime, dict[str, Decimal]]]:
    """``(end, deltas)`` of :func:`consumption_steps`, without the step objects."""
    steps: list[tuple[datetime, dict[str, Decimal]]] = []
    for seg in segments:
        readings = seg.readings
        times = [r.meter_time for r in readings]
        if len(set(times)) == len(times) and times == sorted(times):
            rows: Sequence[tuple[datetime, Mapping[str, Decimal]]] = [
                (r.meter_time, r.values) for r in readings
            ]
        else:  # registers of one meter time in separate rows, or out of order
            by_time: dict[datetime, dict[str, Decimal]] = {}
            for r in readings:
                by_time.setdefault(r.meter_time, {}).update(r.values)
            rows = sorted(by_time.items())
        if not rows:
            continue
        last = dict(rows[0][1])
        modulus = seg.modulus
        for meter_time, values in rows[1:]:
            deltas: dict[str, Decimal] = {}
            for register, value in values.items():
                before = last.get(register)
                last[register] = value
                if before is None:
                    continue
                delta = value - before
                if delta < 0:
                    if modulus is None:
                        raise NegativeConsumptionError(register, meter_time, before, value)
                    delta += modulus
                deltas[register] = delta
            steps.append((meter_time, deltas))
    steps.sort(key=lambda s: s[0])
    return steps


def price_step(
    tariff: Tariff,
    period: BillingPeriod,
    step_end: datetime,
    deltas: Mapping[str, Decimal],
    position: Decimal,
) -> tuple[Decimal, Decimal]:
    """Exact energy (yuan) and "total" consumption of one step of ``period`` ending at
    ``step_end``, ``position`` units already counted in the period (tiers). Call inside an exact
    context (:data:`EXACT`)."""
    versions = tariff.versions
    if len(versions) == 1 and versions[0].effective_from < step_end:
        version = versions[0]
    else:
        version = tariff.version_for_step(step_end)
    if TOTAL in deltas:
        total = deltas[TOTAL]
    else:
        total = sum((deltas.get(r, _ZERO) for r in TOU_REGISTERS), _ZERO)
    prices = version.prices
    if isinstance(prices, FlatPrice):
        return total * prices.price, total
    energy = _ZERO
    if isinstance(prices, TouPrice):
        present = [r for r in TOU_REGISTERS if r in deltas]
        if not present and total > 0:
            raise MissingRegisterError(step_end, TOU_REGISTERS)
        for r in present:
            energy += deltas[r] * prices.price_of(r)
        return energy, total
    month = period.first_day.month if tariff.period is TierPeriod.MONTHLY else None
    for s in tier_slices(prices.tiers_for_month(month), position, total):
        energy += s.quantity * s.price
    return energy, total


def price_steps(
    tariff: Tariff, period: BillingPeriod, steps: Iterable[tuple[datetime, Mapping[str, Decimal]]]
) -> tuple[Decimal, Decimal]:
    """Exact energy and "total" consumption of the steps ``(end, deltas)`` (in time order) that
    belong to ``period``. Call inside an exact context (:data:`EXACT`)."""
    start, end = period.start, period.end
    energy = position = _ZERO
    for step_end, deltas in steps:
        if start < step_end <= end:
            e, total = price_step(tariff, period, step_end, deltas, position)
            energy += e
            position += total
    return energy, position


def charge_total(
    tariff: Tariff,
    segments: Iterable[_Seg],
    period: BillingPeriod,
    *,
    include_fixed: bool = True,
) -> tuple[int, Decimal]:
    """``(total_fen, consumption["total"])`` of :func:`charge_to_date` for ``period``, without
    statement lines or components: what settlement books. Equal to it to the fen (tested under
    hypothesis); the same errors for the same readings."""
    steps = step_deltas(segments)
    with localcontext(EXACT):
        energy, position = price_steps(tariff, period, steps)
        energy_fen = round_half_up_fen(energy)
    fixed = tariff.fixed_fen_for(period) if include_fixed else 0
    return energy_fen + fixed, position


def _component_split(
    tariff: Tariff,
    keys: Sequence[_LineKey],
    qty: Mapping[_LineKey, Decimal],
    price_of: Mapping[_LineKey, Decimal],
    energy_fen: int,
) -> tuple[tuple[str, int], ...]:
    """Split the rounded energy charge into price components (BILL-1, statistics only): weights
    are Σ component price × quantity over the lines, shares by largest remainder."""
    if not any(v.components is not None for v in tariff.versions):
        return ()
    weights: dict[str, Decimal] = {}
    for k in keys:
        comps = tariff.versions[k[0]].components
        if comps is None:
            weights[UNSPLIT_COMPONENT] = (
                weights.get(UNSPLIT_COMPONENT, Decimal(0)) + qty[k] * price_of[k]
            )
            continue
        for name, p in comps.resolve(price_of[k]):
            weights[name] = weights.get(name, Decimal(0)) + qty[k] * p
    if not weights:
        first = tariff.versions[0].components
        names = [n for n, _ in first.parts] if first is not None else []
        return tuple((n, 0) for n in names)
    if energy_fen == 0 or not any(weights.values()):
        return tuple((n, 0) for n in weights)
    shares = split_largest_remainder(energy_fen, list(weights.values()))
    return tuple(zip(weights, shares, strict=True))


# --- pockets (ACC-2) --------------------------------------------------------------------------


@dataclass(frozen=True)
class PocketSplit:
    """How one charge is drawn: subsidy pocket first, the rest from cash (ACC-2)."""

    subsidy_fen: int
    cash_fen: int


def allocate_charge(amount_fen: int, subsidy_balance_fen: int) -> PocketSplit:
    """Draw ``amount_fen`` (≥ 0) from the subsidy pocket as far as it is positive, the rest from
    cash — which may go negative (arrears rules then apply, CTL-1)."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValueError(f"a charge must be a whole number of fen ≥ 0, got {amount_fen!r}")
    from_subsidy = min(amount_fen, max(subsidy_balance_fen, 0))
    return PocketSplit(subsidy_fen=from_subsidy, cash_fen=amount_fen - from_subsidy)


def subsidy_quantity_fen(quantity: Decimal, tariff: Tariff, at: datetime) -> int:
    """Money value of a kWh/m³ subsidy granted at ``at``: quantity × the current unit price
    (:func:`app.domain.tariffs.subsidy_unit_price`), rounded half-up (ACC-2)."""
    if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity < 0:
        raise ValidationError("quantity", f"{quantity!r} must be a Decimal ≥ 0")
    version = tariff.version_at(at)
    month = (
        tariff.period_containing(at).first_day.month
        if tariff.period is TierPeriod.MONTHLY
        else None
    )
    return charge_fen(subsidy_unit_price(version.prices, month), quantity)


# --- property fee (BILL-4) ------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyFeeRule:
    """Monthly property fee per room: area × rate (元/m², ≤ 4 decimals) or a fixed amount, deducted
    on local day ``deduct_day`` (1–28) of each month (BILL-4)."""

    rate_yuan_per_m2: Decimal | None = None
    fixed_fen: int | None = None
    deduct_day: int = 1

    def __post_init__(self) -> None:
        if (self.rate_yuan_per_m2 is None) == (self.fixed_fen is None):
            raise ValidationError("property_fee", "give either a rate per m² or a fixed amount")
        rate = self.rate_yuan_per_m2
        if rate is not None and (
            not isinstance(rate, Decimal)
            or not rate.is_finite()
            or rate < 0
            or rate != rate.quantize(PRICE_PLACES)
        ):
            raise ValidationError("rate_yuan_per_m2", f"{rate!r}: ≥ 0 with at most 4 decimals")
        fixed = self.fixed_fen
        if fixed is not None and (
            isinstance(fixed, bool) or not isinstance(fixed, int) or fixed < 0
        ):
            raise ValidationError("fixed_fen", f"{fixed!r}: a whole number of fen ≥ 0")
        if not 1 <= self.deduct_day <= 28:
            raise ValidationError("deduct_day", "day 1–28 is required")

    def monthly_fee_fen(self, area_m2: Decimal) -> int:
        """The fee of one month: ``fixed_fen``, or area × rate rounded half-up to the fen."""
        if self.fixed_fen is not None:
            return self.fixed_fen
        if not isinstance(area_m2, Decimal) or not area_m2.is_finite() or area_m2 < 0:
            raise ValidationError("area_m2", f"{area_m2!r} must be a Decimal ≥ 0")
        assert self.rate_yuan_per_m2 is not None
        return round_half_up_fen(area_m2 * self.rate_yuan_per_m2)

    def months_due(
        self,
        now: datetime,
        *,
        first_month: date,
        charged: Collection[date],
        tz: str = DEFAULT_TZ,
    ) -> tuple[date, ...]:
        """Months (as the 1st of the month) from ``first_month`` whose deduct day has come on the
        site's calendar at ``now`` and that are not in ``charged`` — catching up after the PC was
        off, never charging a month twice."""
        today = local_date(now, tz)
        month = first_month.replace(day=1)
        done = {d.replace(day=1) for d in charged}
        out: list[date] = []
        while month.replace(day=self.deduct_day) <= today:
            if month not in done:
                out.append(month)
            month = (
                month.replace(year=month.year + 1, month=1)
                if month.month == 12
                else month.replace(month=month.month + 1)
            )
        return tuple(out)


def parse_property_fee_rule(config: Mapping[str, object]) -> PropertyFeeRule:
    """``{"rate_yuan_per_m2": "2.5000", "deduct_day": 1}`` or ``{"fixed_fen": 8000}``."""
    rate = config.get("rate_yuan_per_m2")
    fixed = config.get("fixed_fen")
    day = config.get("deduct_day", 1)
    if isinstance(rate, float) or isinstance(fixed, float):
        raise ValidationError("property_fee", "amounts must be exact, not floats")
    try:
        rate_d = None if rate is None else Decimal(str(rate))
    except Exception as exc:
        raise ValidationError("rate_yuan_per_m2", f"{rate!r} is not a number") from exc
    if fixed is not None and (isinstance(fixed, bool) or not isinstance(fixed, int)):
        raise ValidationError("fixed_fen", f"{fixed!r}: a whole number of fen")
    if isinstance(day, bool) or not isinstance(day, int):
        raise ValidationError("deduct_day", "day 1–28 is required")
    return PropertyFeeRule(rate_yuan_per_m2=rate_d, fixed_fen=fixed, deduct_day=day)
