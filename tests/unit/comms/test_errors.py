"""Damaged frames give typed errors, never values; abnormal answers carry their error bits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.comms.protocols import (
    AbnormalResponseError,
    BcdError,
    ChecksumError,
    EndByteError,
    FrameError,
    LengthError,
    ModbusExceptionError,
    UnknownDataIdError,
    cjt188,
    dlt645,
    dlt645_1997,
    modbus,
)
from app.comms.protocols.base import DecodeFailure, parse_hex
from app.comms.protocols.bcd import DataValueError
from app.comms.protocols.dataids import DLT645_2007_TABLE
from tests.unit.comms.helpers import frames_and_failures

READ_ANSWER = parse_hex("68 25 04 03 02 01 00 68 91 08 33 33 34 33 75 39 45 33 8B 16")
CJT_ANSWER = parse_hex(
    "68 10 44 33 22 11 00 33 78 81 16 1F 90 00 00 77 66 55 2C 00 77 66 55 2C "
    "31 01 22 11 05 15 20 21 84 13 16"
)


def _first(decode, data: bytes):  # type: ignore[no-untyped-def]
    _used, found = decode(data)
    return found


def _with(data: bytes, index: int, value: int) -> bytes:
    out = bytearray(data)
    out[index] = value
    return bytes(out)


def _fix_checksum(data: bytes) -> bytes:
    return data[:-2] + bytes([sum(data[:-2]) & 0xFF, 0x16])


@pytest.mark.parametrize(
    ("decode", "frame"),
    [(dlt645.decode, READ_ANSWER), (cjt188.decode, CJT_ANSWER)],
)
def test_wrong_checksum(decode, frame) -> None:  # type: ignore[no-untyped-def]
    bad = _with(frame, len(frame) - 2, (frame[-2] + 1) & 0xFF)
    found = _first(decode, bad)
    assert isinstance(found, DecodeFailure) and isinstance(found.error, ChecksumError)
    assert "checksum mismatch" in str(found.error)


@pytest.mark.parametrize(
    ("decode", "frame"),
    [(dlt645.decode, READ_ANSWER), (cjt188.decode, CJT_ANSWER)],
)
def test_wrong_end_byte(decode, frame) -> None:  # type: ignore[no-untyped-def]
    found = _first(decode, _with(frame, len(frame) - 1, 0x17))
    assert isinstance(found, DecodeFailure) and isinstance(found.error, EndByteError)
    assert found.error.actual == 0x17


def test_length_above_maximum_is_reported_without_waiting() -> None:
    header = parse_hex("68 25 04 03 02 01 00 68 91 C9")  # L = 201 > 200
    found = _first(dlt645.decode, header)
    assert isinstance(found, DecodeFailure) and isinstance(found.error, LengthError)
    assert found.error.declared == 201


def test_truncated_frame_followed_by_a_good_one() -> None:
    # The line dropped out after 12 bytes of a frame announcing L=100; the next answer is whole.
    truncated = parse_hex("68 25 04 03 02 01 00 68 91 64 33 33")
    frames, failures = frames_and_failures("dlt645", truncated + READ_ANSWER)
    assert len(frames) == 1 and frames[0].raw == READ_ANSWER
    assert len(failures) == 1 and isinstance(failures[0].error, LengthError)
    assert "truncated" in str(failures[0].error)


def test_short_truncation_reads_as_bad_end_byte_then_recovers() -> None:
    frames, failures = frames_and_failures("dlt645", READ_ANSWER[:12] + READ_ANSWER)
    assert [f.raw for f in frames] == [READ_ANSWER]
    assert len(failures) == 1 and isinstance(failures[0].error, EndByteError)


def test_value_length_must_fit_the_identifier() -> None:
    # 00010000 carries 4 value bytes; send 3.
    bad = dlt645.encode_link("000102030425", 0x91, bytes.fromhex("00000100") + b"\x12\x34\x56")
    found = _first(dlt645.decode, bad)
    assert isinstance(found, DecodeFailure) and isinstance(found.error, LengthError)


def test_non_bcd_value_digits() -> None:
    bad = dlt645.encode_link("000102030425", 0x91, bytes.fromhex("00000100") + b"\x12\xab\x00\x00")
    found = _first(dlt645.decode, bad)
    assert isinstance(found, DecodeFailure) and isinstance(found.error, BcdError)
    assert "energy_kwh" in str(found.error)


def test_non_bcd_in_cjt188_volume() -> None:
    frame = bytearray(CJT_ANSWER)
    frame[14] = 0x0F  # lowest byte of the current volume
    found = _first(cjt188.decode, _fix_checksum(bytes(frame)))
    assert isinstance(found, DecodeFailure) and isinstance(found.error, BcdError)


def test_invalid_date_in_broadcast_time() -> None:
    bad = dlt645.encode_link(
        "999999999999", 0x08, bytes.fromhex("000000321326")
    )  # day 32, month 13
    found = _first(dlt645.decode, bad)
    assert isinstance(found, DecodeFailure) and isinstance(found.error, DataValueError)


def test_cjt188_unit_must_be_a_volume() -> None:
    frame = bytearray(CJT_ANSWER)
    frame[18] = 0x05  # kWh where m3 belongs
    found = _first(cjt188.decode, _fix_checksum(bytes(frame)))
    assert isinstance(found, DecodeFailure)
    assert "unit code 0x05" in str(found.error)


def test_cjt188_litres_convert_exactly_to_m3() -> None:
    raw = cjt188.build_read_response(
        "00000000000001", volume_m3=Decimal("1.5"), meter_time=dt.datetime(2026, 1, 1), unit=0x29
    )
    frame = cjt188.decode_frame(raw)
    assert frame.values["volume_m3"] == Decimal("1.5")


def test_1997_function_in_a_2007_decoder_is_a_frame_error() -> None:
    found = _first(dlt645.decode, parse_hex("68 03 00 00 00 00 00 68 01 02 44 E9 03 16"))
    assert isinstance(found, DecodeFailure) and isinstance(found.error, FrameError)
    assert "not defined by DL/T 645-2007" in str(found.error)


def test_abnormal_answer_carries_error_bits() -> None:
    raw = dlt645.build_abnormal_response("000000000001", dlt645.Function.CONTROL, 0x04)
    frame = dlt645.decode_frame(raw)
    assert frame.abnormal and frame.control == 0xDC
    assert isinstance(frame.error, AbnormalResponseError)
    assert frame.error.error_bits == 0x04
    assert frame.error.reasons == ("wrong password or unauthorised",)
    assert frame.values == {}


def test_1997_abnormal_answer() -> None:
    raw = dlt645_1997.build_abnormal_response("000000000001", dlt645_1997.Function.READ, 0x02)
    frame = dlt645_1997.decode_frame(raw)
    assert frame.control == 0xC1 and frame.error is not None
    assert frame.error.reasons == ("wrong data identifier",)


def test_cjt188_abnormal_answer() -> None:
    raw = cjt188.build_abnormal_response("00000000000001", cjt188.Function.WRITE, 0x0003)
    frame = cjt188.decode_frame(raw)
    assert frame.abnormal and frame.error is not None
    assert "valve abnormal" in frame.error.reasons


def test_modbus_exception_and_crc() -> None:
    frame = modbus.decode_frame(modbus.build_exception_response(1, 3, 2), role="response")
    assert isinstance(frame.error, ModbusExceptionError)
    assert frame.error.exception_code == 2 and "illegal data address" in str(frame.error)
    bad = parse_hex("01 03 00 00 00 02 C4 0C")
    found = _first(modbus.decode_request, bad)
    assert isinstance(found, DecodeFailure) and isinstance(found.error, ChecksumError)
    assert "CRC mismatch" in str(found.error)


def test_unknown_data_id_values() -> None:
    raw = dlt645.build_read_response("000000000001", 0x0A0B0C0D, b"\x01\x02")
    frame = dlt645.decode_frame(raw)
    assert frame.values == {} and frame.payload == b"\x01\x02"
    with pytest.raises(UnknownDataIdError, match="0A0B0C0D"):
        dlt645.values_of(frame)
    with pytest.raises(UnknownDataIdError):
        DLT645_2007_TABLE.resolve("no-such-item")


def test_values_of_with_a_profile_item() -> None:
    from app.comms.protocols.dataids import item_from_spec

    item = item_from_spec(
        0x03330201, "purchase-count", "purchases", [("purchase_count", "NNNN", False)]
    )
    raw = dlt645.build_read_response("000000000001", item, {"purchase_count": 17}, item=item)
    frame = dlt645.decode_frame(raw)
    assert dlt645.values_of(frame, item) == {"purchase_count": 17}


@pytest.mark.parametrize(
    "call",
    [
        lambda: dlt645.build_read("12345678901234", "energy"),  # 14 digits
        lambda: dlt645.build_read("00000000000G", "energy"),
        lambda: dlt645.build_control(
            "000000000001", "explode", valid_until=dt.datetime(2026, 1, 1)
        ),
        lambda: dlt645.build_control(
            "000000000001", "trip", valid_until=dt.datetime(2026, 1, 1), password="123"
        ),
        lambda: dlt645.build_broadcast_time(dt.datetime(1999, 12, 31)),
        lambda: dlt645.build_read_response("000000000001", "energy", {"energy_kwh": Decimal("-1")}),
        lambda: dlt645.build_read_response(
            "000000000001", "energy", {"energy_kwh": Decimal("0.001")}
        ),
        lambda: cjt188.build_valve("00000000000001", "half"),
        lambda: cjt188.build_read("00000000000001", di_order="9f10"),  # type: ignore[arg-type]
        lambda: modbus.build_read(0, 3, 0, 1),
        lambda: modbus.build_read(1, 3, 0, 126),
        lambda: modbus.build_write_register(1, 0, 70000),
    ],
)
def test_builders_reject_bad_arguments(call) -> None:  # type: ignore[no-untyped-def]
    from app.comms.protocols import EncodeError

    with pytest.raises(EncodeError):
        call()
