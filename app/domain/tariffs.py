"""Tariff price sets (BILL-1) and charge-to-date computation without rounding drift (BILL-2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.domain.money import PRICE_PLACES, round_half_up_fen
from app.errors import ValidationError

TOU_REGISTERS = ("t1", "t2", "t3", "t4")  # 尖 峰 平 谷 (tip, peak, flat, valley)


def _price(value: object, field: str) -> Decimal:
    if isinstance(value, float):
        raise ValidationError(field, "prices must be decimal strings, not floats")
    try:
        d = Decimal(str(value))
    except Exception as exc:
        raise ValidationError(field, f"{value!r} is not a price") from exc
    if d < 0 or d != d.quantize(PRICE_PLACES):
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


@dataclass(frozen=True)
class TieredPrice:
    """Cumulative thresholds within a period: [(upper, price), …, (None, price)]; a tier
    "0–200" includes 200 (the first 200 units at p1)."""

    tiers: tuple[tuple[Decimal | None, Decimal], ...]

    def charge_to_date_fen(self, consumption: Mapping[str, Decimal]) -> int:
        remaining = consumption["total"]
        lower = Decimal(0)
        total = Decimal(0)
        for upper, price in self.tiers:
            if remaining <= 0:
                break
            width = remaining if upper is None else min(remaining, upper - lower)
            total += width * price
            remaining -= width
            if upper is not None:
                lower = upper
        return round_half_up_fen(total)


PriceSet = FlatPrice | TouPrice | TieredPrice


def parse_price_set(kind: str, params: Mapping[str, object]) -> PriceSet:
    if kind == "flat":
        return FlatPrice(_price(params.get("price"), "price"))
    if kind == "tou":
        p = tuple(_price(params.get(r), r) for r in TOU_REGISTERS)
        return TouPrice((p[0], p[1], p[2], p[3]))
    if kind == "tiered":
        raw = params.get("tiers")
        if not isinstance(raw, list) or not raw:
            raise ValidationError("tiers", "a list of [upper, price] pairs is required")
        tiers: list[tuple[Decimal | None, Decimal]] = []
        for i, pair in enumerate(raw):
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValidationError("tiers", f"tier {i + 1} must be [upper, price]")
            upper = None if pair[0] is None else _price(pair[0], f"tier {i + 1} upper")
            tiers.append((upper, _price(pair[1], f"tier {i + 1} price")))
        if tiers[-1][0] is not None:
            raise ValidationError("tiers", "the last tier must be open-ended (upper = null)")
        return TieredPrice(tuple(tiers))
    raise ValidationError("kind", f"unknown tariff kind {kind!r}")
