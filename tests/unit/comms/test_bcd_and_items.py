"""BCD and data-format helpers, and the DL/T 645 identifier tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.comms.protocols.base import BcdError, EncodeError
from app.comms.protocols.bcd import (
    add_33,
    address_from_wire,
    address_matches,
    address_to_wire,
    bcd_to_int,
    decode_field,
    encode_field,
    int_to_bcd,
    sub_33,
)
from app.comms.protocols.dataids import DLT645_1997_TABLE, DLT645_2007_TABLE


def test_address_is_reversed_on_the_wire() -> None:
    assert address_to_wire("000102030425", 6) == bytes.fromhex("250403020100")
    assert address_from_wire(bytes.fromhex("250403020100")) == "000102030425"
    assert address_to_wire("1", 6) == bytes.fromhex("010000000000")  # padded with leading zeros
    assert address_matches("AAAAAAAAAAAA", "000102030425")
    assert address_matches("AAAA02030425", "000102030425")
    assert not address_matches("AAAA02030426", "000102030425")


def test_bcd_little_endian() -> None:
    assert bcd_to_int(bytes.fromhex("42061200")) == 1206_42
    assert int_to_bcd(1206_42, 4) == bytes.fromhex("42061200")
    with pytest.raises(BcdError):
        bcd_to_int(b"\x1a")
    with pytest.raises(EncodeError):
        int_to_bcd(100, 1)


def test_33_offset() -> None:
    assert add_33(b"\x00\xcd") == b"\x33\x00"
    assert sub_33(add_33(bytes(range(256)))) == bytes(range(256))


@pytest.mark.parametrize(
    ("fmt", "raw", "signed", "value"),
    [
        ("XXXXXX.XX", "42061200", False, Decimal("1206.42")),
        ("XXX.X", "0110", False, Decimal("100.1")),
        ("XXX.XXX", "001280", True, Decimal("-1.200")),  # sign in the top bit
        ("XX.XXXX", "503412", False, Decimal("12.3450")),
        ("X.XXX", "9909", False, Decimal("0.999")),
        ("NNNN", "1700", False, 17),
        ("hhmmss", "563412", False, dt.time(12, 34, 56)),
        ("YYMMDD", "241126", False, dt.date(2026, 11, 24)),
        ("YYMMDDhhmmss", "000010241126", False, dt.datetime(2026, 11, 24, 10, 0, 0)),
        ("YYYYMMDDhhmmss", "31012211051520", False, dt.datetime(2015, 5, 11, 22, 1, 31)),
        ("BIN16", "1000", False, 0x0010),
        ("ADDR12", "250403020100", False, "000102030425"),
    ],
)
def test_formats(fmt: str, raw: str, signed: bool, value: object) -> None:
    data = bytes.fromhex(raw)
    assert decode_field(fmt, data, "x", signed=signed) == value
    assert encode_field(fmt, value, signed=signed) == data  # type: ignore[arg-type]


@given(st.integers(-799_999_99, 799_999_99))
def test_signed_energy_round_trip(n: int) -> None:
    value = Decimal(n).scaleb(-2)
    raw = encode_field("XXXXXX.XX", value, signed=True)
    assert decode_field("XXXXXX.XX", raw, "x", signed=True) == value


def test_status_word_3_bits() -> None:
    item = DLT645_2007_TABLE.resolve("status3")
    values = item.decode((1 << 4 | 1 << 6).to_bytes(2, "little"))
    assert values["relay_tripped"] is True and values["relay_command_trip"] is True
    assert values["status_word_3"] == 0x50
    assert item.decode(b"\x00\x00")["relay_tripped"] is False


def test_energy_block_has_one_value_per_tariff() -> None:
    item = DLT645_2007_TABLE.resolve("0001FF00")
    payload = b"".join(encode_field("XXXXXX.XX", Decimal(v)) for v in ("10", "1", "2", "3", "4"))
    values = item.decode(payload)
    assert values == {
        "energy_kwh": Decimal("10.00"),
        "t1_energy_kwh": Decimal("1.00"),
        "t2_energy_kwh": Decimal("2.00"),
        "t3_energy_kwh": Decimal("3.00"),
        "t4_energy_kwh": Decimal("4.00"),
    }
    assert item.encode(values) == payload


def test_date_item_and_1997_table() -> None:
    date = DLT645_2007_TABLE.resolve("date")
    assert date.decode(bytes.fromhex("02241126")) == {"weekday": 2, "date": dt.date(2026, 11, 24)}
    assert DLT645_1997_TABLE.resolve("9010").fields[0].name == "energy_kwh"
    assert DLT645_1997_TABLE.resolve("voltage").decode(b"\x20\x02") == {"voltage_v": Decimal(220)}


def test_values_are_decimal_never_float() -> None:
    for table in (DLT645_2007_TABLE, DLT645_1997_TABLE):
        for item in table.items:
            payload = bytes(item.fixed_size)
            if any(f.fmt.startswith(("YY", "WW")) or "DD" in f.fmt for f in item.fields):
                continue
            for value in item.decode(payload).values():
                assert not isinstance(value, float)
