"""Cells of the site workbook: money to the fen, readings exact, times on the site's clock, and
the fast .xlsx reader returning exact values (never float)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.domain import site_sheet as ss
from app.services.xlsx_reader import XlsxReader


@pytest.mark.parametrize(
    ("cell", "fen"),
    [("120", 12000), ("120.5", 12050), ("-3.20", -320), (7, 700), (12.5, 1250),
     (Decimal("0.01"), 1), ("¥8.00", 800)],
)  # fmt: skip
def test_money_cells_become_whole_fen(cell: object, fen: int) -> None:
    assert ss.parse_money_cell(cell) == fen


@pytest.mark.parametrize("cell", ["12.345", "abc", "1,000", True, 0.001])
def test_bad_money_cells_are_problems(cell: object) -> None:
    with pytest.raises(ss._Bad) as bad:
        ss.parse_money_cell(cell)
    assert bad.value.code == "bad_money"


def test_times_are_the_sites_wall_clock() -> None:
    assert ss.parse_local_time("2026-11-01 08:00") == datetime(2026, 11, 1, tzinfo=UTC)
    assert ss.parse_local_time(datetime(2026, 11, 1, 8)) == datetime(2026, 11, 1, tzinfo=UTC)
    assert ss.to_local(datetime(2026, 11, 1, 0, 0, 0, 500, tzinfo=UTC)) == datetime(2026, 11, 1, 8)


def test_meter_addresses_are_checked_per_protocol() -> None:
    assert ss.check_meter_address("dlt645-2007", " 000000000001 ") == "000000000001"
    assert ss.check_meter_address("modbus", "007") == "7"
    for protocol, address in (("dlt645-2007", "00000000001"), ("cjt188", "0000000000000A"),
                              ("modbus", "248")):  # fmt: skip
        with pytest.raises(ss._Bad):
            ss.check_meter_address(protocol, address)


def test_reader_returns_exact_values(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "表"
    ws.append(["文本", 42, 12.5, True, datetime(2026, 11, 1, 8, 30, 15), None, "=1+1"])
    ws.append([])
    ws.append([None, None, "C3"])
    wb.save(tmp_path / "x.xlsx")

    with XlsxReader(tmp_path / "x.xlsx") as r:
        assert r.sheet_names == ["表"]
        rows = list(r.rows("表"))
    number, values = rows[0]
    assert number == 1
    assert values[:5] == ["文本", 42, Decimal("12.5"), True, datetime(2026, 11, 1, 8, 30, 15)]
    assert isinstance(values[2], Decimal)
    assert rows[-1] == (3, [None, None, "C3"])
