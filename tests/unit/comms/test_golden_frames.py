"""Golden frames published in public sources, decoded and (for requests) re-encoded.

Every frame's checksum was recomputed by hand (sum of bytes 68..data mod 256, or CRC-16/MODBUS)
and agrees with the published byte unless the row says otherwise. Sources:

[S1] https://553668.com/manong/786292.html - DL/T 645-2007 read 00010000, answer 1206.42 kWh,
     and the read-address broadcast "FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16".
[S2] Page "DLT645-2007报文解析" (public web capture log in the pages index, no URL kept) -
     read 00010000 / 02010100 of meter 000000000161 with answers 000000.26 kWh and 100.1 V.
[S3] https://manualshive.com/en/manual/heyuan-intelligence/asdu-ls/2128413?page=18 -
     DL/T 645-1997 read B611 (phase A voltage) of meter 000000000003, answer 0100 V.
[S4] https://kaledl.com/down/1493168.html - DL/T 645-1997 read 9010, request and answer.
[S5] https://hftangyu.com/563.html (same text: https://cnblogs.com/yangykaifa/p/7010777.html) -
     CJ/T 188 read 901F with DI sent "1F 90", meter 78330011223344. The published answer
     carries CS 08, but its bytes sum to 0x13: it is a damaged frame (see test below);
     [S6] publishes the same answer with CS 13.
[S6] GitHub hupengwu/fox-edge-server-protocol,
     fox-edge-server-protocol/fox-edge-server-protocol-cjt188/src/main/java/cn/foxtech/device/
     protocol/v1/cjt188/Demo.java - CJ/T 188 answers (901F, read address 83 03 81 0A).
[S7] https://topic.alibabacloud.com/a/common-sensor-protocol-5cjt-188-water-meter-protocol-
     analysis-2__cjt-188_8_8_20286396.html - CJ/T 188 valve open/close (DI A0 17, 55H / 99H)
     of meter 78331505900569 and the 0x84 answer with status 00 00. The page text lost some
     bytes in extraction; the frame is rebuilt from its field-by-field description and the
     published checksums (50, 94, 7C) all agree with the rebuilt bytes.
[S8] Public GitHub source files found through the code index (repository name not recorded
     by the index): a Go DL/T 645 client with the abnormal answer
     "FE FE FE FE 68 60 07 92 04 00 91 68 D1 01 37 67 16", a C++ DL/T 645 driver with the trip
     command "68 06 10 24 05 19 20 68 1C 10 35 33 33 33 33 33 33 33 4D 33 33 33 33 33 33 33 C0 16",
     a Go CJ/T 188 reader with "68 10 AA AA AA AA AA AA AA 03 03 0A 81 A7 56 16" / answer
     "FE FE 68 10 89 67 45 23 01 33 78 83 03 0A 81 A7 34 16", and a C# CJ/T 188 test with
     "68 10 88 05 27 10 15 20 00 81 16 90 1F 01 00 00 00 00 2C 00 00 00 00 2C 06 20 17 09 01 17
     20 00 00 8E 16".
[S9] Modbus Application Protocol V1.1b3 / pymodbus test vectors: "01 03 00 00 00 02 C4 0B".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.comms.protocols import ChecksumError, cjt188, dlt645, dlt645_1997, modbus
from app.comms.protocols.base import DecodeFailure, parse_hex
from app.comms.protocols.detect import decode_any, detect_protocol
from tests.unit.comms.helpers import feed_bytewise, frame_ok

GOLDEN = [
    # (source, protocol, hex, expected describe() subset)
    (
        "S1",
        "dlt645",
        "68 25 04 03 02 01 00 68 11 04 33 33 34 33 E1 16",
        {"direction": "request", "control": 0x11, "address": "000102030425", "data_id": "00010000"},
    ),
    (
        "S1",
        "dlt645",
        "68 25 04 03 02 01 00 68 91 08 33 33 34 33 75 39 45 33 8B 16",
        {"direction": "response", "data_id": "00010000", "values": {"energy_kwh": "1206.42"}},
    ),
    (
        "S1",
        "dlt645",
        "FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16",
        {"direction": "request", "control": 0x13, "address": "AAAAAAAAAAAA"},
    ),
    (
        "S2",
        "dlt645",
        "FE FE FE FE 68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16",
        {"address": "000000000161", "data_id": "00010000"},
    ),
    (
        "S2",
        "dlt645",
        "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16",
        {"values": {"energy_kwh": "0.26"}},
    ),
    (
        "S2",
        "dlt645",
        "FE FE FE FE 68 61 01 00 00 00 00 68 11 04 33 34 34 35 17 16",
        {"data_id": "02010100"},
    ),
    (
        "S2",
        "dlt645",
        "68 61 01 00 00 00 00 68 91 06 33 34 34 35 34 43 10 16",
        {"data_id": "02010100", "values": {"voltage_v": "100.1"}},
    ),
    (
        "S8",
        "dlt645",
        "FE FE FE FE 68 60 07 92 04 00 91 68 D1 01 37 67 16",
        {
            "abnormal": True,
            "address": "910004920760",
            "error": (
                "abnormal response (control 0xD1): error 0x04 (wrong password or unauthorised)"
            ),
        },
    ),
    (
        "S8",
        "dlt645",
        "68 06 10 24 05 19 20 68 1C 10 35 33 33 33 33 33 33 33 4D 33 33 33 33 33 33 33 C0 16",
        {
            "control": 0x1C,
            "address": "201905241006",
            "values": {
                "password": "02000000",
                "operator": "00000000",
                "action": "trip",
                "action_code": 0x1A,
                "valid_until": None,
            },
        },
    ),
    (
        "S3",
        "dlt645-1997",
        "68 03 00 00 00 00 00 68 01 02 44 E9 03 16",
        {"direction": "request", "address": "000000000003", "data_id": "B611"},
    ),
    (
        "S3",
        "dlt645-1997",
        "68 03 00 00 00 00 00 68 81 04 44 E9 33 34 EC 16",
        {"data_id": "B611", "values": {"voltage_v": "100"}},
    ),
    (
        "S4",
        "dlt645-1997",
        "68 63 01 43 03 00 00 68 01 02 43 C3 83 16",
        {"address": "000003430163", "data_id": "9010"},
    ),
    (
        "S4",
        "dlt645-1997",
        "68 54 07 13 00 80 13 68 81 06 43 C3 34 33 33 33 2B 16",
        {"address": "138000130754", "values": {"energy_kwh": "0.01"}},
    ),
    (
        "S5",
        "cjt188",
        "FE FE FE FE 68 10 44 33 22 11 00 33 78 01 03 1F 90 00 80 16",
        {"meter_type": "10", "address": "78330011223344", "data_id": "901F", "di_order": "1f90"},
    ),
    (
        "S6",
        "cjt188",
        "68 10 44 33 22 11 00 33 78 81 16 1F 90 00 00 77 66 55 2C 00 77 66 55 2C "
        "31 01 22 11 05 15 20 21 84 13 16",
        {
            "values": {
                "volume_m3": "556677.00",
                "settlement_volume_m3": "556677.00",
                "meter_time": "2015-05-11T22:01:31",
                "status_word": 0x8421,
                "valve": "closed",
                "battery_low": False,
                "sensor_fault": False,
            }
        },
    ),
    (
        "S6",
        "cjt188",
        "68 10 01 00 00 05 08 00 00 83 03 81 0A 00 97 16",
        {"control": 0x83, "data_id": "810A", "values": {"meter_address": "00000805000001"}},
    ),
    (
        "S8",
        "cjt188",
        "68 10 88 05 27 10 15 20 00 81 16 90 1F 01 00 00 00 00 2C 00 00 00 00 2C "
        "06 20 17 09 01 17 20 00 00 8E 16",
        {
            "di_order": "901f",
            "values": {"volume_m3": "0.00", "meter_time": "2017-01-09T17:20:06", "valve": "open"},
        },
    ),
    (
        "S8",
        "cjt188",
        "68 10 AA AA AA AA AA AA AA 03 03 0A 81 A7 56 16",
        {"direction": "request", "data_id": "810A", "di_order": "1f90"},
    ),
    (
        "S8",
        "cjt188",
        "FE FE 68 10 89 67 45 23 01 33 78 83 03 0A 81 A7 34 16",
        {"values": {"meter_address": "78330123456789"}},
    ),
    (
        "S7",
        "cjt188",
        "FE FE FE FE 68 10 69 05 90 05 15 33 78 04 04 A0 17 01 55 50 16",
        {"control": 0x04, "data_id": "A017", "values": {"valve_command": "open"}},
    ),
    (
        "S7",
        "cjt188",
        "FE FE FE FE 68 10 69 05 90 05 15 33 78 04 04 A0 17 01 99 94 16",
        {"values": {"valve_command": "close"}},
    ),
    (
        "S7",
        "cjt188",
        "68 10 69 05 90 05 15 33 78 84 05 A0 17 01 00 00 7C 16",
        {"control": 0x84, "values": {"valve": "open", "status_word": 0}},
    ),
    (
        "S9",
        "modbus",
        "01 03 00 00 00 02 C4 0B",
        {
            "direction": "request",
            "control": 3,
            "address": "1",
            "data_id": "0000",
            "values": {"register": 0, "count": 2},
        },
    ),
]


@pytest.mark.parametrize(("source", "protocol", "text", "expected"), GOLDEN)
def test_golden_frame_decodes(source: str, protocol: str, text: str, expected: dict) -> None:
    data = parse_hex(text)
    _protocol, found = decode_any(data, protocol)
    assert not isinstance(found, DecodeFailure), (source, found)
    described = found.describe()
    for key, value in expected.items():
        if key == "values":
            for name, v in value.items():
                assert described["values"][name] == v, (source, name)
        else:
            assert described[key] == value, (source, key)
    assert frame_ok(protocol, found.raw)


@pytest.mark.parametrize(("source", "protocol", "text", "expected"), GOLDEN)
def test_golden_frame_detected(source: str, protocol: str, text: str, expected: dict) -> None:
    assert detect_protocol(parse_hex(text)) == protocol


@pytest.mark.parametrize(("source", "protocol", "text", "expected"), GOLDEN)
def test_golden_frame_fed_one_byte_at_a_time(
    source: str, protocol: str, text: str, expected: dict
) -> None:
    found = feed_bytewise(protocol, parse_hex(text))
    assert len(found) == 1 and not isinstance(found[0], DecodeFailure)


def test_published_cjt188_answer_with_wrong_checksum_is_rejected() -> None:
    # [S5] as printed: CS 08 where the bytes sum to 0x13.
    data = parse_hex(
        "FE FE FE FE 68 10 44 33 22 11 00 33 78 81 16 1F 90 00 00 77 66 55 2C 00 77 66 55 2C "
        "31 01 22 11 05 15 20 21 84 08 16"
    )
    _used, found = cjt188.decode(data)
    assert isinstance(found, DecodeFailure)
    assert isinstance(found.error, ChecksumError)
    assert (found.error.expected, found.error.actual) == (0x13, 0x08)


# Requests the builders must reproduce byte for byte.
def test_builders_reproduce_published_requests() -> None:
    assert dlt645.build_read("000102030425", "energy") == parse_hex(
        "68 25 04 03 02 01 00 68 11 04 33 33 34 33 E1 16"
    )
    assert dlt645.build_read("000000000161", 0x02010100) == parse_hex(
        "68 61 01 00 00 00 00 68 11 04 33 34 34 35 17 16"
    )
    assert dlt645.build_read_address() == parse_hex("68 AA AA AA AA AA AA 68 13 00 DF 16")
    assert dlt645_1997.build_read("000000000003", "voltage") == parse_hex(
        "68 03 00 00 00 00 00 68 01 02 44 E9 03 16"
    )
    assert dlt645_1997.build_read("000003430163", 0x9010) == parse_hex(
        "68 63 01 43 03 00 00 68 01 02 43 C3 83 16"
    )
    assert cjt188.build_read("78330011223344", di_order="1f90") == parse_hex(
        "68 10 44 33 22 11 00 33 78 01 03 1F 90 00 80 16"
    )
    assert cjt188.build_valve("78331505900569", "open", seq=1) == parse_hex(
        "68 10 69 05 90 05 15 33 78 04 04 A0 17 01 55 50 16"
    )
    assert cjt188.build_valve("78331505900569", "close", seq=1) == parse_hex(
        "68 10 69 05 90 05 15 33 78 04 04 A0 17 01 99 94 16"
    )
    assert cjt188.build_read_address(
        "AAAAAAAAAAAAAA", meter_type=0x10, di_order="1f90", seq=0xA7
    ) == parse_hex("68 10 AA AA AA AA AA AA AA 03 03 0A 81 A7 56 16")
    assert modbus.build_read(1, 3, 0, 2) == parse_hex("01 03 00 00 00 02 C4 0B")
    # [S8] trip command with N3..N8 = 00 (the builder always sends a real expiry time).
    trip = dlt645.build_control(
        "201905241006", "trip", valid_until=dt.datetime(2026, 11, 24, 10, 10, 0)
    )
    assert trip[:20] == parse_hex("68 06 10 24 05 19 20 68 1C 10 35 33 33 33 33 33 33 33 4D 33")


def test_builders_reproduce_published_responses() -> None:
    assert dlt645.build_read_response(
        "000102030425", "energy", {"energy_kwh": Decimal("1206.42")}
    ) == parse_hex("68 25 04 03 02 01 00 68 91 08 33 33 34 33 75 39 45 33 8B 16")
    assert dlt645.build_abnormal_response("910004920760", dlt645.Function.READ, 0x04) == (
        parse_hex("68 60 07 92 04 00 91 68 D1 01 37 67 16")
    )
    assert cjt188.build_read_response(
        "78330011223344",
        volume_m3=Decimal("556677.00"),
        meter_time=dt.datetime(2015, 5, 11, 22, 1, 31),
        valve="closed",
        status_extra=0x8420,
        di_order="1f90",
    ) == parse_hex(
        "68 10 44 33 22 11 00 33 78 81 16 1F 90 00 00 77 66 55 2C 00 77 66 55 2C "
        "31 01 22 11 05 15 20 21 84 13 16"
    )
    assert cjt188.build_valve_response("78331505900569", valve="open", seq=1) == parse_hex(
        "68 10 69 05 90 05 15 33 78 84 05 A0 17 01 00 00 7C 16"
    )
    assert cjt188.build_read_address_response("00000805000001", di_order="901f") == parse_hex(
        "68 10 01 00 00 05 08 00 00 83 03 81 0A 00 97 16"
    )
