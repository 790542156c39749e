"""Reading the monthly workbook back: header → column, money cells → exact fen."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

HEADER_ROW = 3


def to_fen(value: Any) -> int:
    """A money cell (yuan, as Excel stores it) → integer fen; fails on fractions of a fen."""
    fen = Decimal(str(value if value is not None else 0)) * 100
    assert fen == fen.to_integral_value(), f"{value} is not a whole number of fen"
    return int(fen)


def read_sheets(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every sheet as a list of {header: value} rows (below the header row)."""
    wb = load_workbook(path)
    out: dict[str, list[dict[str, Any]]] = {}
    for ws in wb.worksheets:
        headers = [c.value for c in ws[HEADER_ROW]]
        rows = []
        for values in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
            if values[0] is None:
                break  # the table ends at the first empty row
            rows.append(dict(zip(headers, values, strict=False)))
        out[ws.title] = rows
    return out
