"""Data-identifier tables of DL/T 645-2007 (4-byte DI) and DL/T 645-1997 (2-byte DI).

An identifier's value layout is a tuple of :class:`Field` in *wire order* (the order the fields
are transmitted, which for a multi-field item such as ``YYMMDDWW`` is least significant first:
WW, then DD MM YY). Formats are the standards' notation, see :mod:`bcd`.

Sources: DL/T 645-2007 appendix A (table A.1 energy, A.3 variables, A.4 parameters, A.5/A.6
status words), DL/T 645-1997 appendix A (tables A1-A7). Vendor identifiers (parameter download,
purchase counters) are not here: they come from the meter profiles (``resources/meter_profiles``)
as :class:`DataItem` built by :func:`item_from_spec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.comms.protocols.base import EncodeError, LengthError, UnknownDataIdError, Value
from app.comms.protocols.bcd import check_format, decode_field, encode_field, field_size


@dataclass(frozen=True)
class Field:
    """One value inside a data item.

    ``bits`` names single bits of a ``BIN*`` word; each becomes its own bool value.
    """

    name: str
    fmt: str
    signed: bool = False
    bits: tuple[tuple[str, int], ...] = ()

    @property
    def size(self) -> int:
        return field_size(self.fmt)


@dataclass(frozen=True)
class DataItem:
    """A data identifier and the layout of its value.

    ``repeat`` is a trailing field repeated 0..n times (``{n}`` in its name is replaced by 1, 2,
    ...): DL/T 645 blocks such as 0001FF00 (total, then one value per tariff the meter has).
    """

    data_id: int
    key: str
    description: str
    fields: tuple[Field, ...]
    repeat: Field | None = None
    id_bytes: int = 4

    @property
    def id_hex(self) -> str:
        return f"{self.data_id:0{self.id_bytes * 2}X}"

    @property
    def fixed_size(self) -> int:
        return sum(f.size for f in self.fields)

    def decode(self, payload: bytes) -> dict[str, Value]:
        """Value bytes (data field without the DI, 0x33 already removed) to named values."""
        fixed = self.fixed_size
        size_ok = len(payload) == fixed
        if self.repeat is not None:
            rest = len(payload) - fixed
            size_ok = rest >= 0 and rest % self.repeat.size == 0
        if not size_ok:
            raise LengthError(
                f"data identifier {self.id_hex} ({self.description}): "
                f"{len(payload)} value bytes, expected {self._expected_size_text()}",
                declared=len(payload),
            )
        values: dict[str, Value] = {}
        pos = 0
        fields = list(self.fields)
        if self.repeat is not None:
            count = (len(payload) - fixed) // self.repeat.size
            for n in range(1, count + 1):
                fields.append(
                    Field(self.repeat.name.format(n=n), self.repeat.fmt, self.repeat.signed)
                )
        for f in fields:
            chunk = payload[pos : pos + f.size]
            pos += f.size
            value = decode_field(f.fmt, chunk, f.name, signed=f.signed)
            values[f.name] = value
            if f.bits and isinstance(value, int):
                for bit_name, bit in f.bits:
                    values[bit_name] = bool(value >> bit & 1)
        return values

    def encode(self, values: Mapping[str, Value]) -> bytes:
        """Named values to value bytes (without DI, before 0x33 is added)."""
        out = bytearray()
        for f in self.fields:
            if f.name not in values:
                raise EncodeError(f"{self.id_hex}: missing value {f.name!r}")
            out += encode_field(f.fmt, values[f.name], signed=f.signed)
        if self.repeat is not None:
            n = 1
            while (name := self.repeat.name.format(n=n)) in values:
                out += encode_field(self.repeat.fmt, values[name], signed=self.repeat.signed)
                n += 1
        return bytes(out)

    def _expected_size_text(self) -> str:
        if self.repeat is None:
            return str(self.fixed_size)
        return f"{self.fixed_size} + n x {self.repeat.size}"


def item_from_spec(
    data_id: int,
    key: str,
    description: str,
    fields: list[tuple[str, str, bool]],
    *,
    id_bytes: int = 4,
) -> DataItem:
    """Build an item from ``(name, format, signed)`` tuples; ValueError on a bad format."""
    for _, fmt, _ in fields:
        check_format(fmt)
    return DataItem(
        data_id=data_id,
        key=key,
        description=description,
        fields=tuple(Field(name, fmt, signed) for name, fmt, signed in fields),
        id_bytes=id_bytes,
    )


def _energy(data_id: int, key: str, description: str, name: str, signed: bool = False) -> DataItem:
    return DataItem(data_id, key, description, (Field(name, "XXXXXX.XX", signed),))


# DL/T 645-2007 appendix A, table A.3 "电表运行状态字3" (2 bytes): bit 4 relay state
# (0 closed/通, 1 open/断), bit 6 relay command state (0 close, 1 trip), bit 7 pre-trip alarm,
# bit 3 programming allowed, bits 8-9 meter type (00 not prepaid, 01 energy, 10 money prepaid).
STATUS_WORD_3_BITS: tuple[tuple[str, int], ...] = (
    ("programming_allowed", 3),
    ("relay_tripped", 4),
    ("relay_command_trip", 6),
    ("pre_trip_alarm", 7),
)

_PHASES = ("a", "b", "c")

DLT645_2007_ITEMS: tuple[DataItem, ...] = (
    # Table A.1: energy, XXXXXX.XX kWh, 4 bytes. Combined active energy carries a sign bit.
    _energy(
        0x00000000,
        "combined-energy",
        "combined active energy, total",
        "combined_energy_kwh",
        signed=True,
    ),
    _energy(0x00010000, "energy", "forward active energy, total", "energy_kwh"),
    _energy(0x00010100, "energy-t1", "forward active energy, tariff 1 (tip)", "t1_energy_kwh"),
    _energy(0x00010200, "energy-t2", "forward active energy, tariff 2 (peak)", "t2_energy_kwh"),
    _energy(0x00010300, "energy-t3", "forward active energy, tariff 3 (flat)", "t3_energy_kwh"),
    _energy(0x00010400, "energy-t4", "forward active energy, tariff 4 (valley)", "t4_energy_kwh"),
    DataItem(
        0x0001FF00,
        "energy-block",
        "forward active energy block (total, then each tariff)",
        (Field("energy_kwh", "XXXXXX.XX"),),
        repeat=Field("t{n}_energy_kwh", "XXXXXX.XX"),
    ),
    _energy(0x00020000, "reverse-energy", "reverse active energy, total", "reverse_energy_kwh"),
    # Table A.3 variables.
    DataItem(0x02010100, "voltage", "phase A voltage", (Field("voltage_v", "XXX.X"),)),
    DataItem(0x02010200, "voltage-b", "phase B voltage", (Field("voltage_b_v", "XXX.X"),)),
    DataItem(0x02010300, "voltage-c", "phase C voltage", (Field("voltage_c_v", "XXX.X"),)),
    DataItem(
        0x0201FF00,
        "voltage-block",
        "voltage block A, B, C",
        tuple(Field(f"voltage_{p}_v", "XXX.X") for p in _PHASES),
    ),
    DataItem(
        0x02020100, "current", "phase A current", (Field("current_a", "XXX.XXX", signed=True),)
    ),
    DataItem(
        0x02020200, "current-b", "phase B current", (Field("current_b_a", "XXX.XXX", signed=True),)
    ),
    DataItem(
        0x02020300, "current-c", "phase C current", (Field("current_c_a", "XXX.XXX", signed=True),)
    ),
    DataItem(
        0x0202FF00,
        "current-block",
        "current block A, B, C",
        tuple(Field(f"current_{p}_a", "XXX.XXX", signed=True) for p in _PHASES),
    ),
    DataItem(
        0x02030000, "power", "total active power", (Field("power_kw", "XX.XXXX", signed=True),)
    ),
    DataItem(
        0x02030100,
        "power-a",
        "phase A active power",
        (Field("power_a_kw", "XX.XXXX", signed=True),),
    ),
    DataItem(
        0x0203FF00,
        "power-block",
        "active power block total, A, B, C",
        (
            Field("power_kw", "XX.XXXX", signed=True),
            *(Field(f"power_{p}_kw", "XX.XXXX", signed=True) for p in _PHASES),
        ),
    ),
    DataItem(
        0x02060000,
        "power-factor",
        "total power factor",
        (Field("power_factor", "X.XXX", signed=True),),
    ),
    DataItem(
        0x0206FF00,
        "power-factor-block",
        "power factor block total, A, B, C",
        (
            Field("power_factor", "X.XXX", signed=True),
            *(Field(f"power_factor_{p}", "X.XXX", signed=True) for p in _PHASES),
        ),
    ),
    DataItem(0x02800002, "frequency", "grid frequency", (Field("frequency_hz", "XX.XX"),)),
    DataItem(
        0x02800007,
        "temperature",
        "meter internal temperature",
        (Field("temperature_c", "XXX.X", signed=True),),
    ),
    # Table A.4 parameters.
    DataItem(
        0x04000101,
        "date",
        "date and weekday (YYMMDDWW)",
        (Field("weekday", "WW"), Field("date", "YYMMDD")),
    ),
    DataItem(0x04000102, "time", "time (hhmmss)", (Field("time", "hhmmss"),)),
    DataItem(0x04000401, "address", "communication address", (Field("meter_address", "ADDR12"),)),
    DataItem(
        0x04000503,
        "status3",
        "meter running status word 3 (relay)",
        (Field("status_word_3", "BIN16", bits=STATUS_WORD_3_BITS),),
    ),
    # Prepaid (费控) variables: remaining energy / money, overdraft.
    _energy(0x00900100, "remaining-energy", "remaining energy", "remaining_energy_kwh"),
    DataItem(
        0x00900200,
        "remaining-money",
        "remaining money",
        (Field("remaining_money_yuan", "XXXXXX.XX"),),
    ),
    DataItem(
        0x00900201,
        "overdraft-money",
        "overdraft money",
        (Field("overdraft_money_yuan", "XXXXXX.XX"),),
    ),
)


def _item97(data_id: int, key: str, description: str, *fields: Field) -> DataItem:
    return DataItem(data_id, key, description, tuple(fields), id_bytes=2)


DLT645_1997_ITEMS: tuple[DataItem, ...] = (
    # Table A1: energy, XXXXXX.XX kWh, 4 bytes.
    _item97(0x9010, "energy", "forward active energy, total", Field("energy_kwh", "XXXXXX.XX")),
    _item97(
        0x9011, "energy-t1", "forward active energy, tariff 1", Field("t1_energy_kwh", "XXXXXX.XX")
    ),
    _item97(
        0x9012, "energy-t2", "forward active energy, tariff 2", Field("t2_energy_kwh", "XXXXXX.XX")
    ),
    _item97(
        0x9013, "energy-t3", "forward active energy, tariff 3", Field("t3_energy_kwh", "XXXXXX.XX")
    ),
    _item97(
        0x9014, "energy-t4", "forward active energy, tariff 4", Field("t4_energy_kwh", "XXXXXX.XX")
    ),
    DataItem(
        0x901F,
        "energy-block",
        "forward active energy block (total, then each tariff)",
        (Field("energy_kwh", "XXXXXX.XX"),),
        repeat=Field("t{n}_energy_kwh", "XXXXXX.XX"),
        id_bytes=2,
    ),
    # Table A5 variables: voltage XXX V (2 bytes), current XX.XX A (2 bytes),
    # active power XX.XXXX kW (3 bytes), power factor X.XXX (2 bytes).
    _item97(0xB611, "voltage", "phase A voltage", Field("voltage_v", "XXXX")),
    _item97(0xB612, "voltage-b", "phase B voltage", Field("voltage_b_v", "XXXX")),
    _item97(0xB613, "voltage-c", "phase C voltage", Field("voltage_c_v", "XXXX")),
    _item97(0xB621, "current", "phase A current", Field("current_a", "XX.XX")),
    _item97(0xB622, "current-b", "phase B current", Field("current_b_a", "XX.XX")),
    _item97(0xB623, "current-c", "phase C current", Field("current_c_a", "XX.XX")),
    _item97(0xB630, "power", "total active power", Field("power_kw", "XX.XXXX")),
    _item97(0xB650, "power-factor", "total power factor", Field("power_factor", "X.XXX")),
    # Table A6 parameters.
    _item97(
        0xC010,
        "date",
        "date and weekday (YYMMDDWW)",
        Field("weekday", "WW"),
        Field("date", "YYMMDD"),
    ),
    _item97(0xC011, "time", "time (hhmmss)", Field("time", "hhmmss")),
    _item97(0xC032, "address", "meter number / address", Field("meter_address", "ADDR12")),
    _item97(0xC020, "status", "meter running status word", Field("status_word", "BIN8")),
)


@dataclass(frozen=True)
class ItemTable:
    """Lookup of data items by identifier and by short key (the CLI's ``--item``)."""

    items: tuple[DataItem, ...]
    by_id: Mapping[int, DataItem] = field(init=False, repr=False, compare=False)
    by_key: Mapping[str, DataItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {i.data_id: i for i in self.items})
        object.__setattr__(self, "by_key", {i.key: i for i in self.items})

    def get(self, data_id: int) -> DataItem | None:
        return self.by_id.get(data_id)

    def resolve(self, key_or_id: str) -> DataItem:
        """An item by key (``energy``) or hex identifier (``00010000``)."""
        if key_or_id in self.by_key:
            return self.by_key[key_or_id]
        try:
            data_id = int(key_or_id, 16)
        except ValueError:
            raise UnknownDataIdError(key_or_id) from None
        item = self.by_id.get(data_id)
        if item is None:
            raise UnknownDataIdError(key_or_id.upper())
        return item

    def extended(self, extra: tuple[DataItem, ...]) -> ItemTable:
        """This table plus ``extra`` items (profile identifiers win on a clash)."""
        merged = {i.data_id: i for i in self.items}
        merged.update({i.data_id: i for i in extra})
        return ItemTable(tuple(merged.values()))


DLT645_2007_TABLE = ItemTable(DLT645_2007_ITEMS)
DLT645_1997_TABLE = ItemTable(DLT645_1997_ITEMS)
