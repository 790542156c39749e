"""The meter replacement flow (换表, DEV-6) without any Qt or database: what the wizard asks, in
which order, and what makes each answer acceptable.

    choose the point → the old meter's final value (read over the bus, or typed in for a dead
    meter with a note) → the new meter's address (typed / barcode, found by a bus scan, or read
    with the read-address command) → the new meter's initial value (read, or typed with a note)
    → summary → confirm

Nothing is written before :meth:`MeterSwapFlow.confirm` hands a :class:`SwapRequest` to the
service (``app.services.meter_swap``), which does the whole swap in one transaction; cancelling
at any step leaves the database untouched. The Qt wizard (``app.ui.wizards.meter_swap``) and the
CLI (``main.py meter swap``) are skins over this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from app.domain.calendar import require_utc
from app.domain.readings import parse_reading_value
from app.errors import MeterSwapError

TOTAL = "total"
TOU_REGISTERS = ("t1", "t2", "t3", "t4")
MAX_NOTE = 500


class Step(StrEnum):
    POINT = "point"
    OLD_FINAL = "old_final"
    NEW_ADDRESS = "new_address"
    NEW_INITIAL = "new_initial"
    SUMMARY = "summary"
    DONE = "done"
    CANCELLED = "cancelled"


ORDER = (Step.POINT, Step.OLD_FINAL, Step.NEW_ADDRESS, Step.NEW_INITIAL, Step.SUMMARY)


class ValueSource(StrEnum):
    BUS = "bus"  # read over the bus through the comms engine
    MANUAL = "manual"  # read off the display by a person (dead meter, no connection)


class AddressSource(StrEnum):
    TYPED = "typed"  # keyboard or barcode scanner
    SCANNED = "scanned"  # found by probing an address range on the bus
    READ_ADDRESS = "read_address"  # DL/T 645 / CJ/T 188 read-address command (AA wildcard)


@dataclass(frozen=True)
class SwapPoint:
    """The point whose meter is replaced, as the service describes it."""

    point_id: int
    point_code: str
    room_code: str
    utility: str
    meter_id: int
    address: str
    protocol: str
    kind: str
    profile: str
    tou: bool
    gateway_code: str
    bus_number: int
    last_value: Decimal | None  # the point's latest accepted "total"
    last_read_at: datetime | None
    template: str = ""  # parameter template last downloaded to the meter ("" = none)


@dataclass(frozen=True)
class MeterValue:
    """A value of one meter: register → exact value, when and how it was obtained."""

    values: Mapping[str, Decimal]
    at: datetime
    source: ValueSource
    note: str = ""
    error: str = ""  # the failed bus read a manual value replaces, for the audit trail

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "at", require_utc(self.at, "at"))

    @property
    def total(self) -> Decimal:
        return self.values[TOTAL]


@dataclass(frozen=True)
class SwapRequest:
    """Everything the service needs to perform the swap."""

    point_id: int
    old_meter_id: int
    final: MeterValue
    new_address: str
    address_source: AddressSource
    initial: MeterValue
    note: str = ""


def check_address(protocol: str, text: str) -> str:
    """The meter address as stored (nameplate order), or :class:`MeterSwapError`."""
    a = text.strip()
    digits = {"dlt645-2007": 12, "dlt645-1997": 12, "cjt188": 14}.get(protocol)
    if digits is not None:
        if len(a) != digits or not a.isdigit():
            raise MeterSwapError("address_format", digits=digits, value=a)
        return a
    if protocol == "modbus":
        if not a.isdigit() or not 1 <= int(a) <= 247:
            raise MeterSwapError("address_modbus", value=a)
        return str(int(a))
    raise MeterSwapError("protocol", value=protocol)


def parse_value(text: object, register: str = TOTAL) -> Decimal:
    """A register value typed by a person: a plain non-negative decimal (e.g. ``1234.56``)."""
    value = parse_reading_value(text.strip() if isinstance(text, str) else text)
    if value is None or value >= Decimal(10) ** 12:
        raise MeterSwapError("value_format", register=register, value=str(text))
    return value


def show_value(value: Decimal) -> str:
    """A register value as the meter displays it: at least two decimals (``101`` → ``101.00``),
    never scientific notation."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise MeterSwapError("note_too_long", limit=MAX_NOTE)
    return note


@dataclass
class MeterSwapFlow:
    """The state of one swap, step by step. Every method either moves the flow on or raises
    :class:`MeterSwapError` and leaves the state as it was."""

    step: Step = Step.POINT
    point: SwapPoint | None = None
    final: MeterValue | None = None
    final_error: str = ""  # last failed bus read of the old meter
    new_address: str = ""
    address_source: AddressSource | None = None
    initial: MeterValue | None = None
    initial_error: str = ""
    note: str = ""
    result: object = None  # what the service returned (the slip data), once done
    history: list[Step] = field(default_factory=list)

    # -- navigation ---------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.step in (Step.DONE, Step.CANCELLED)

    def _require(self, *steps: Step) -> None:
        if self.step not in steps:
            raise MeterSwapError("wrong_step", step=str(self.step))

    def _go(self, step: Step) -> None:
        self.history.append(self.step)
        self.step = step

    def back(self) -> Step:
        """One step back (answers are kept, to be changed or confirmed again)."""
        if self.finished or self.step is Step.POINT:
            raise MeterSwapError("wrong_step", step=str(self.step))
        self.step = ORDER[ORDER.index(self.step) - 1]
        return self.step

    def cancel(self) -> None:
        """Stop here: nothing has been written, nothing will be."""
        if self.step is Step.DONE:
            raise MeterSwapError("already_done")
        self._go(Step.CANCELLED)

    # -- 1. the point -------------------------------------------------------------------------

    def choose_point(self, point: SwapPoint) -> None:
        self._require(Step.POINT)
        if point.protocol not in ("dlt645-2007", "dlt645-1997", "cjt188", "modbus"):
            raise MeterSwapError("protocol", value=point.protocol)
        if self.point is not None and self.point.point_id != point.point_id:
            # another point: the values of the previous one mean nothing here
            self.final = self.initial = None
            self.new_address, self.address_source = "", None
            self.final_error = self.initial_error = ""
        self.point = point
        self._go(Step.OLD_FINAL)

    def _point(self) -> SwapPoint:
        assert self.point is not None
        return self.point

    # -- 2. the old meter's final value -------------------------------------------------------

    def _registers(self, values: Mapping[str, object], manual: bool) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for register, raw in values.items():
            if raw is None or raw == "":
                continue
            out[register] = parse_value(raw, register)
        if TOTAL not in out:
            raise MeterSwapError("value_required", register=TOTAL)
        if manual and self._point().tou:
            missing = [r for r in TOU_REGISTERS if r not in out]
            if missing:
                raise MeterSwapError("tou_required", registers=",".join(missing))
        return out

    def final_read(self, values: Mapping[str, object], at: datetime) -> None:
        """The old meter answered on the bus."""
        self._require(Step.OLD_FINAL)
        value = MeterValue(self._registers(values, False), at, ValueSource.BUS)
        self._check_final(value)
        self.final, self.final_error = value, ""
        self._go(Step.NEW_ADDRESS)

    def final_read_failed(self, error: str) -> None:
        """The bus read failed: the value can still be typed in (with a note)."""
        self._require(Step.OLD_FINAL)
        self.final_error = error or "error"

    def final_typed(self, values: Mapping[str, object], at: datetime, note: str) -> None:
        """The value read off the display (dead meter, no connection): a note is required."""
        self._require(Step.OLD_FINAL)
        note = _clean_note(note)
        if not note:
            raise MeterSwapError("note_required")
        value = MeterValue(
            self._registers(values, True), at, ValueSource.MANUAL, note, self.final_error
        )
        self._check_final(value)
        self.final = value
        self._go(Step.NEW_ADDRESS)

    def _check_final(self, value: MeterValue) -> None:
        point = self._point()
        if point.last_value is not None and value.total < point.last_value:
            raise MeterSwapError(
                "final_below_last", value=show_value(value.total), last=show_value(point.last_value)
            )
        if point.last_read_at is not None and value.at <= require_utc(point.last_read_at):
            raise MeterSwapError("final_not_after_last", last=point.last_read_at.isoformat())

    # -- 3. the new meter's address -----------------------------------------------------------

    def set_new_address(self, text: str, source: AddressSource = AddressSource.TYPED) -> None:
        self._require(Step.NEW_ADDRESS)
        point = self._point()
        address = check_address(point.protocol, text)
        if address == point.address:
            raise MeterSwapError("same_address", value=address)
        if address != self.new_address:
            self.initial, self.initial_error = None, ""  # read from another meter
        self.new_address, self.address_source = address, AddressSource(source)
        self._go(Step.NEW_INITIAL)

    # -- 4. the new meter's initial value -----------------------------------------------------

    def initial_read(self, values: Mapping[str, object], at: datetime) -> None:
        self._require(Step.NEW_INITIAL)
        value = MeterValue(self._registers(values, False), at, ValueSource.BUS)
        self._check_initial(value)
        self.initial, self.initial_error = value, ""
        self._go(Step.SUMMARY)

    def initial_read_failed(self, error: str) -> None:
        self._require(Step.NEW_INITIAL)
        self.initial_error = error or "error"

    def initial_typed(self, values: Mapping[str, object], at: datetime, note: str) -> None:
        self._require(Step.NEW_INITIAL)
        note = _clean_note(note)
        if not note:
            raise MeterSwapError("note_required")
        value = MeterValue(
            self._registers(values, True), at, ValueSource.MANUAL, note, self.initial_error
        )
        self._check_initial(value)
        self.initial = value
        self._go(Step.SUMMARY)

    def _check_initial(self, value: MeterValue) -> None:
        assert self.final is not None
        if value.at < self.final.at:
            raise MeterSwapError("initial_before_final")

    # -- 5. summary and confirmation ----------------------------------------------------------

    def request(self, note: str = "") -> SwapRequest:
        """What the service is asked to do (the summary shows it); the flow stays at SUMMARY."""
        self._require(Step.SUMMARY)
        point = self._point()
        assert self.final is not None and self.initial is not None
        assert self.address_source is not None
        return SwapRequest(
            point.point_id,
            point.meter_id,
            self.final,
            self.new_address,
            self.address_source,
            self.initial,
            _clean_note(note or self.note),
        )

    def done(self, result: object) -> None:
        """The service performed the swap."""
        self._require(Step.SUMMARY)
        self.result = result
        self._go(Step.DONE)

    # -- what the summary shows ---------------------------------------------------------------

    @property
    def old_consumption_note(self) -> Decimal | None:
        """Consumption of the old meter since the point's last accepted reading (billed by the
        swap), if both are known."""
        point = self.point
        if point is None or self.final is None or point.last_value is None:
            return None
        return self.final.total - point.last_value
