"""``main.py frame decode/encode`` (COMM-5 technician tools)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import run

ROOT = Path(__file__).resolve().parents[3]
KEYS = {
    "protocol",
    "valid",
    "direction",
    "control",
    "address",
    "meter_type",
    "data_id",
    "abnormal",
    "error",
    "values",
}


def _decode(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict]]:
    code = run(["frame", "decode", *argv])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    return code, [json.loads(line) for line in lines]


def test_decode_one_frame(capsys: pytest.CaptureFixture[str]) -> None:
    code, [obj] = _decode(capsys, "68 25 04 03 02 01 00 68 91 08 33 33 34 33 75 39 45 33 8B 16")
    assert code == 0
    assert KEYS <= obj.keys()
    assert obj["protocol"] == "dlt645" and obj["valid"] is True
    assert obj["direction"] == "response" and obj["control"] == 0x91
    assert obj["address"] == "000102030425" and obj["data_id"] == "00010000"
    assert obj["meter_type"] is None and obj["abnormal"] is False and obj["error"] is None
    assert obj["values"] == {"energy_kwh": "1206.42"}


def test_decode_hex_as_separate_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, [obj] = _decode(capsys, *"68 AA AA AA AA AA AA 68 13 00 DF 16".split())
    assert code == 0 and obj["address"] == "AAAAAAAAAAAA" and obj["direction"] == "request"


def test_decode_cjt188_with_meter_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, [obj] = _decode(
        capsys, "68 10 01 00 00 05 08 00 00 83 03 81 0A 00 97 16", "--protocol", "cjt188"
    )
    assert code == 0 and obj["meter_type"] == "10" and obj["data_id"] == "810A"


def test_bad_frame_exit_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, [obj] = _decode(capsys, "68 AA AA AA AA AA AA 68 13 00 DE 16")
    assert code == 1
    assert obj["valid"] is False
    assert obj["error"] == "checksum mismatch: frame carries 0xDE, computed 0xDF"


def test_bad_hex_exit_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, [obj] = _decode(capsys, "68 XY")
    assert code == 1 and obj["valid"] is False and "hex" in obj["error"]


def test_abnormal_answer_is_valid_with_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, [obj] = _decode(capsys, "FE FE FE FE 68 60 07 92 04 00 91 68 D1 01 37 67 16")
    assert code == 0 and obj["valid"] and obj["abnormal"]
    assert "wrong password" in obj["error"]


def test_stdin_mode(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lines = "\n".join(
        [
            "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16",
            "",
            "# a comment",
            "01 03 00 00 00 02 C4 0B",
            "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8B 16",
        ]
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines + "\n"))
    code, objs = _decode(capsys, "-")
    assert code == 1
    assert [o["valid"] for o in objs] == [True, True, False]
    assert [o["protocol"] for o in objs] == ["dlt645", "modbus", "dlt645"]


def test_stdin_mode_all_good(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("68 AA AA AA AA AA AA 68 13 00 DF 16\n"))
    code, objs = _decode(capsys, "-")
    assert code == 0 and len(objs) == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["dlt645", "read", "--address", "000102030425", "--item", "energy"],
            "68 25 04 03 02 01 00 68 11 04 33 33 34 33 E1 16",
        ),
        (["dlt645", "read-address"], "68 AA AA AA AA AA AA 68 13 00 DF 16"),
        (
            ["dlt645", "time", "--at", "2026-11-24 10:00:00"],
            "68 99 99 99 99 99 99 68 08 06 33 33 43 57 44 59 11 16",
        ),
        (
            [
                "dlt645",
                "control",
                "--address",
                "000000000001",
                "--action",
                "trip",
                "--password",
                "02000000",
                "--operator",
                "00000000",
                "--valid-until",
                "2026-11-24 10:10:00",
            ],
            "68 01 00 00 00 00 00 68 1C 10 35 33 33 33 33 33 33 33 4D 33 33 43 43 57 44 59 C4 16",
        ),
        (
            ["dlt645-1997", "read", "--address", "000000000003", "--item", "B611"],
            "68 03 00 00 00 00 00 68 01 02 44 E9 03 16",
        ),
        (
            ["cjt188", "read", "--address", "78330011223344", "--type", "10", "--di-order", "1f90"],
            "68 10 44 33 22 11 00 33 78 01 03 1F 90 00 80 16",
        ),
        (
            ["cjt188", "valve", "--address", "78331505900569", "--action", "open", "--seq", "1"],
            "68 10 69 05 90 05 15 33 78 04 04 A0 17 01 55 50 16",
        ),
        (
            ["modbus", "read", "--unit", "1", "--function", "3", "--register", "0", "--count", "2"],
            "01 03 00 00 00 02 C4 0B",
        ),
    ],
)
def test_encode(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert run(["frame", "encode", *argv]) == 0
    assert capsys.readouterr().out.strip() == expected


def test_encode_round_trips_through_decode(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            [
                "frame",
                "encode",
                "--wake-up",
                "4",
                "cjt188",
                "valve",
                "--address",
                "00000000000001",
                "--action",
                "close",
            ]
        )
        == 0
    )
    hex_text = capsys.readouterr().out.strip()
    assert hex_text.startswith("FE FE FE FE 68 10")
    code, [obj] = _decode(capsys, hex_text)
    assert code == 0 and obj["values"] == {"valve_command": "close"}


def test_encode_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["frame", "encode", "dlt645", "read", "--address", "1", "--item", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("error: unknown data item 'bogus'")


def test_decode_via_main_py_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "frame", "decode", "-"],
        input="68 AA AA AA AA AA AA 68 13 00 DF 16\n68 AA\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    objs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert result.returncode == 1
    assert [o["valid"] for o in objs] == [True, False]
    assert "incomplete" in objs[1]["error"]
