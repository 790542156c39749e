"""The compact reading basis of a point's charge-to-date (BILL-2, BILL-3).

:func:`app.domain.billing.charge_to_date` depends only on a few readings of the period: the
opening reading (last at or before the billing window's start), the first and last reading of
each meter segment (swap, confirmed reset), the last reading at or before each price change and
the latest. A :class:`Basis` keeps exactly those, so that settling a new reading costs the same
on the 1st and on the 30th of the month, and the settlement state row stays small.

``extend`` is the only way a basis grows; a basis rebuilt from all readings of the window (one
``extend`` per reading) equals the basis grown reading by reading, and the charge computed from
either equals the charge computed from every reading (tested under hypothesis).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from itertools import pairwise
from types import MappingProxyType

from app.domain.billing import EXACT, MeterReading, Segment, price_step, price_steps, step_deltas
from app.domain.calendar import require_utc
from app.domain.money import round_half_up_fen
from app.domain.tariffs import BillingPeriod, Tariff

DEFAULT_MODULUS = Decimal(10) ** 6  # XXXXXX.XX registers of DL/T 645 and CJ/T 188 meters


@dataclass(frozen=True)
class PointReading:
    """One accepted read of a point: every register at one meter time, from one meter.
    ``starts_segment``: a new meter (swap) or a confirmed reset starts a new segment."""

    meter_time: datetime
    meter_id: int
    values: Mapping[str, Decimal]
    starts_segment: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "meter_time", require_utc(self.meter_time, "meter_time"))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @classmethod
    def _trusted(
        cls, meter_time: datetime, meter_id: int, values: dict[str, Decimal], starts: bool
    ) -> PointReading:
        """For :func:`decode`: ``meter_time`` already UTC, ``values`` a fresh dict of its own."""
        r = object.__new__(cls)
        object.__setattr__(r, "meter_time", meter_time)
        object.__setattr__(r, "meter_id", meter_id)
        object.__setattr__(r, "values", MappingProxyType(values))
        object.__setattr__(r, "starts_segment", starts)
        return r

    def as_meter_reading(self) -> MeterReading:
        return MeterReading(self.meter_time, self.values)


@dataclass(frozen=True)
class BasisSegment:
    meter_id: int
    readings: tuple[PointReading, ...]
    modulus: Decimal = DEFAULT_MODULUS


@dataclass(frozen=True)
class Basis:
    """The readings that decide the charge of ``period`` from ``window_start`` on (the later of
    the period start and the account's move-in)."""

    period: BillingPeriod
    window_start: datetime
    segments: tuple[BasisSegment, ...] = field(default=())

    @property
    def last(self) -> PointReading | None:
        return self.segments[-1].readings[-1] if self.segments else None

    def to_segments(self) -> list[Segment]:
        return [
            Segment(tuple(r.as_meter_reading() for r in s.readings), s.modulus)
            for s in self.segments
        ]


def start_basis(
    period: BillingPeriod,
    window_start: datetime,
    opening: PointReading | None,
    modulus: Decimal = DEFAULT_MODULUS,
) -> Basis:
    """An empty basis whose first segment starts at ``opening`` (the last accepted reading at or
    before ``window_start``), if there is one."""
    segments = () if opening is None else (BasisSegment(opening.meter_id, (opening,), modulus),)
    return Basis(period, require_utc(window_start, "window_start"), segments)


def _needed(previous: PointReading, nxt: PointReading, change_times: Sequence[datetime]) -> bool:
    """Whether ``previous`` is the last reading at or before a price change (so the split
    between old and new price depends on it) given that ``nxt`` follows it."""
    return any(previous.meter_time <= t < nxt.meter_time for t in change_times)


def extend(
    basis: Basis,
    tariff: Tariff,
    reading: PointReading,
    modulus: Decimal = DEFAULT_MODULUS,
) -> Basis:
    """The basis with ``reading`` (later than every reading so far, inside the period) added and
    readings that no longer matter dropped."""
    last = basis.last
    if last is not None and reading.meter_time <= last.meter_time:
        raise ValueError("readings must be added in meter-time order")
    if not basis.period.contains(reading.meter_time):
        raise ValueError(f"reading at {reading.meter_time} is outside {basis.period.label}")
    segments = list(basis.segments)
    new_segment = (
        not segments or reading.starts_segment or segments[-1].meter_id != reading.meter_id
    )
    if new_segment:
        segments.append(BasisSegment(reading.meter_id, (reading,), modulus))
        return Basis(basis.period, basis.window_start, tuple(segments))
    seg = segments[-1]
    kept = list(seg.readings)
    previous = kept[-1]
    if len(kept) >= 2 and not _needed(previous, reading, tariff.change_times_in(basis.period)):
        # A register missing from the new read keeps its previous value in the segment; carry
        # it so that dropping ``previous`` loses nothing.
        carried = {k: v for k, v in previous.values.items() if k not in reading.values}
        if carried:
            reading = PointReading(
                reading.meter_time,
                reading.meter_id,
                {**carried, **reading.values},
                reading.starts_segment,
            )
        kept.pop()
    kept.append(reading)
    segments[-1] = BasisSegment(seg.meter_id, tuple(kept), seg.modulus)
    return Basis(basis.period, basis.window_start, tuple(segments))


# --- storage: a small JSON document in settlement_states.basis ------------------------------


def _iso(moment: datetime) -> str:
    # ``isoformat`` of the naive UTC time: the same text as strftime("%Y-%m-%dT%H:%M:%S.%f"),
    # several times faster (settlement encodes a basis per point and read cycle)
    return require_utc(moment).replace(tzinfo=None).isoformat(timespec="microseconds")


_FROM_ISO: dict[str, datetime] = {}  # the times of a read cycle repeat over its points


def _from_iso(text: str) -> datetime:
    t = _FROM_ISO.get(text)
    if t is not None:
        return t
    if len(text) != 26 or text[10] != "T":  # exactly what _iso writes, nothing looser
        raise ValueError(f"bad time {text!r}")
    t = datetime.fromisoformat(text).replace(tzinfo=UTC)
    if len(_FROM_ISO) > 4096:
        _FROM_ISO.clear()
    _FROM_ISO[text] = t
    return t


def encode(basis: Basis) -> dict[str, object]:
    return {
        "window_start": _iso(basis.window_start),
        "segments": [
            {
                "meter": s.meter_id,
                "modulus": str(s.modulus),
                "readings": [
                    [_iso(r.meter_time), {k: str(v) for k, v in r.values.items()}]
                    for r in s.readings
                ],
            }
            for s in basis.segments
        ],
    }


def encode_text(basis: Basis) -> str:
    """:func:`encode` as the JSON text stored in ``settlement_states.basis``."""
    return json.dumps(encode(basis), ensure_ascii=False)


def _decimal(text: object) -> Decimal:
    d = Decimal(str(text))
    if not d.is_finite():
        raise ValueError(f"register value {text!r} is not finite")
    return d


def decode(period: BillingPeriod, doc: Mapping[str, object]) -> Basis:
    """The basis stored by :func:`encode`; raises ``ValueError`` on a damaged document (the
    caller then rebuilds from the readings)."""
    try:
        window_start = _from_iso(str(doc["window_start"]))
        raw_segments = doc["segments"]
        if not isinstance(raw_segments, list):
            raise ValueError("segments is not a list")
        segments: list[BasisSegment] = []
        for raw in raw_segments:
            meter_id = int(raw["meter"])
            readings = tuple(
                PointReading._trusted(
                    _from_iso(t),
                    meter_id,
                    {str(k): _decimal(v) for k, v in values.items()},
                    i == 0,
                )
                for i, (t, values) in enumerate(raw["readings"])
            )
            if not readings:
                raise ValueError("empty segment")
            segments.append(BasisSegment(meter_id, readings, Decimal(raw["modulus"])))
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise ValueError(f"damaged settlement basis: {exc}") from exc
    return Basis(period, window_start, tuple(segments))


# --- the routine read: one more reading of the same meter ------------------------------------

_MARK = "\u0000latest\u0000"  # cannot occur in an encoded basis (times, numbers, names)


_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_]+")
_QUOTED: dict[str, str] = {}
_ISO: dict[datetime, str] = {}


def _quoted(key: str) -> str:
    q = _QUOTED.get(key)
    if q is None:
        q = json.dumps(key, ensure_ascii=False)
        if _SIMPLE_KEY.fullmatch(key) and len(_QUOTED) < 1000:
            _QUOTED[key] = q
    return q


def reading_text(reading: PointReading) -> str:
    """The JSON of one reading inside :func:`encode_text` (the same text ``json.dumps`` writes,
    put together by hand: it is written for every point in every read cycle)."""
    t = reading.meter_time  # UTC (PointReading)
    iso = _ISO.get(t)
    if iso is None:  # a read cycle stamps its reads to the second: few distinct times
        if len(_ISO) > 4096:
            _ISO.clear()
        iso = _ISO[t] = t.replace(tzinfo=None).isoformat(timespec="microseconds")
    return (
        '["'
        + iso
        + '", {'
        + ", ".join([_quoted(k) + ': "' + str(v) + '"' for k, v in reading.values.items()])
        + "}]"
    )


class Tail:
    """A basis taken apart before its latest reading, so that the routine next reading — same
    meter, same registers, same period, no price change in the period — is settled without
    re-walking the basis: :func:`advance` replaces the latest reading, as :func:`extend` would,
    and prices only the one step that changes. ``advance`` gives exactly what ``extend`` +
    :func:`app.domain.billing.charge_total` + :func:`encode_text` give (tested under hypothesis).
    Immutable by convention (a plain slotted class: one is made per point and read cycle).
    """

    __slots__ = (
        "_basis",
        "before",
        "energy",
        "fixed_fen",
        "head",
        "latest",
        "position",
        "prefix",
        "suffix",
        "tariff",
    )

    def __init__(
        self,
        head: Basis,  # the basis without its latest reading (the last segment keeps ≥ 1)
        latest: PointReading,
        tariff: Tariff,  # the tail holds only for this very tariff object
        before: Mapping[str, Decimal],  # register values the latest step starts from
        energy: Decimal,  # exact yuan of the period's steps before the latest
        position: Decimal,  # the period's "total" consumption before the latest step
        fixed_fen: int,
        prefix: str,  # encode_text(basis) == prefix + reading_text(latest) + suffix
        suffix: str,
        basis: Basis | None = None,
    ) -> None:
        self.head = head
        self.latest = latest
        self.tariff = tariff
        self.before = before
        self.energy = energy
        self.position = position
        self.fixed_fen = fixed_fen
        self.prefix = prefix
        self.suffix = suffix
        self._basis = basis

    @property
    def basis(self) -> Basis:
        if self._basis is None:
            last = self.head.segments[-1]
            self._basis = Basis(
                self.head.period,
                self.head.window_start,
                (
                    *self.head.segments[:-1],
                    BasisSegment(last.meter_id, (*last.readings, self.latest), last.modulus),
                ),
            )
        return self._basis

    @property
    def text(self) -> str:
        return self.prefix + reading_text(self.latest) + self.suffix


_END = "]}]}"  # what follows the latest reading in encode_text: readings, segment, list, doc


def tail_of(basis: Basis, tariff: Tariff, text: str | None = None) -> Tail | None:
    """``None`` when the next reading could not be routine (a single reading in the last
    segment, a price change inside the period). ``text``: ``encode_text(basis)`` if known
    (saves encoding the basis again)."""
    if not basis.segments or len(basis.segments[-1].readings) < 2:
        return None
    changes, fixed_fen = _period_facts(tariff, basis.period)
    if changes:
        return None
    readings = [r for s in basis.segments for r in s.readings]
    if any(b.meter_time <= a.meter_time for a, b in pairwise(readings)):
        return None
    last = basis.segments[-1]
    head_segment = BasisSegment(last.meter_id, last.readings[:-1], last.modulus)
    head = Basis(basis.period, basis.window_start, (*basis.segments[:-1], head_segment))
    before: dict[str, Decimal] = {}
    for r in head_segment.readings:
        before.update(r.values)
    if len(readings) == 2:  # the opening reading and the latest: nothing priced before it
        energy = position = Decimal(0)
    else:
        steps = step_deltas(head.segments)
        with localcontext(EXACT):
            energy, position = price_steps(tariff, basis.period, steps)
    latest = reading_text(last.readings[-1])
    if text is not None and text.endswith(latest + _END):
        prefix, suffix = text[: -len(latest) - len(_END)], _END
    else:
        doc = encode(basis)
        segments = doc["segments"]
        assert isinstance(segments, list)
        segments[-1]["readings"][-1] = _MARK
        marked = json.dumps(doc, ensure_ascii=False)
        prefix, _, suffix = marked.partition(json.dumps(_MARK, ensure_ascii=False))
    return Tail(
        head,
        last.readings[-1],
        tariff,
        MappingProxyType(before),
        energy,
        position,
        fixed_fen,
        prefix,
        suffix,
        basis,
    )


_FACTS: dict[tuple[int, BillingPeriod], tuple[Tariff, tuple[datetime, ...], int]] = {}


def _period_facts(tariff: Tariff, period: BillingPeriod) -> tuple[tuple[datetime, ...], int]:
    """``change_times_in`` and ``fixed_fen_for`` of a tariff's period, memoised (keyed by the
    tariff object: hashing a tariff walks all its versions)."""
    key = (id(tariff), period)
    known = _FACTS.get(key)
    if known is None or known[0] is not tariff:
        if len(_FACTS) > 4096:
            _FACTS.clear()
        known = _FACTS[key] = (
            tariff,
            tariff.change_times_in(period),
            tariff.fixed_fen_for(period),
        )
    return known[1], known[2]


def advance(tail: Tail, tariff: Tariff, reading: PointReading) -> tuple[Tail, int, Decimal] | None:
    """The tail with ``reading`` in place of its latest one (``.basis`` is what :func:`extend`
    gives, ``.text`` what :func:`encode_text` gives), the period's charge-to-date in fen and its
    "total" consumption; ``None`` when the reading is not routine (the caller then extends)."""
    latest = tail.latest
    t = reading.meter_time
    period = tail.head.period
    if (
        tariff is not tail.tariff
        or reading.starts_segment
        or reading.meter_id != latest.meter_id
        or not latest.meter_time < t <= period.end
        or not period.start < t
        or not latest.values.keys() <= reading.values.keys()
    ):
        return None
    before = tail.before
    modulus = tail.head.segments[-1].modulus
    deltas: dict[str, Decimal] = {}
    with localcontext(EXACT):
        for register, value in reading.values.items():
            start = before.get(register)
            if start is None:
                continue
            delta = value - start
            if delta < 0:
                delta += modulus
            deltas[register] = delta
        energy, total = price_step(tariff, period, t, deltas, tail.position)
        energy_fen = round_half_up_fen(tail.energy + energy)
        quantity = tail.position + total
    moved = Tail(
        tail.head,
        reading,
        tariff,
        before,
        tail.energy,
        tail.position,
        tail.fixed_fen,
        tail.prefix,
        tail.suffix,
    )
    return moved, energy_fen + tail.fixed_fen, quantity
