"""The monthly workbook from hand-made figures: exact money, sheet names, the 不一致 warning."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from app.reports.monthly import (
    BuildingSection,
    LedgerCheck,
    MonthlyReport,
    MonthlyRow,
    render_monthly,
    sheet_title,
)

TZ = ZoneInfo("Asia/Shanghai")


def _report(ledger_opening: int = 1_234_567_891) -> MonthlyReport:
    big = MonthlyRow(
        room_code="X-1",
        room_name="大户",
        tenant_name="某某集团有限公司",
        account_no="X-1/1",
        state="suspended",
        opening_fen=1_234_567_891,
        movements_fen={"top_up_bank": 10, "electricity": -3, "other": 7},
        electricity_kwh=Decimal("12.3456"),
    )
    return MonthlyReport(
        site_name="测试",
        year=2026,
        month=2,
        timezone="Asia/Shanghai",
        period_start=datetime(2026, 2, 1, tzinfo=TZ),
        period_end=datetime(2026, 3, 1, tzinfo=TZ),
        generated_at=datetime(2026, 2, 20, 9, 0, tzinfo=TZ),
        buildings=(
            BuildingSection("X", "X/Y栋:南[1]", (big,)),
            BuildingSection("Z", "X/Y栋:南[1]", ()),
        ),
        ledger=LedgerCheck(opening_fen=ledger_opening, movement_fen=14),
    )


def test_money_is_exact_and_rows_close() -> None:
    report = _report()
    row = report.buildings[0].rows[0]
    assert row.closing_fen == 1_234_567_905
    assert report.reconciled
    wb = load_workbook(io.BytesIO(render_monthly(report)))
    assert wb.sheetnames == ["汇总", "X_Y栋_南_1_", "X_Y栋_南_1_(2)"]
    ws = wb["X_Y栋_南_1_"]
    headers = [c.value for c in ws[3]]
    values = dict(zip(headers, [c.value for c in ws[4]], strict=True))
    assert values["状态"] == "停用"
    assert Decimal(str(values["期初余额"])) == Decimal("12345678.91")
    assert Decimal(str(values["期末余额"])) == Decimal("12345679.05")
    assert Decimal(str(values["充值·银行转账"])) == Decimal("0.10")
    assert Decimal(str(values["用电量(kWh)"])) == Decimal("12.3456")
    empty = wb["X_Y栋_南_1_(2)"]
    assert [c.value for c in empty[4]][:3] == ["合计", None, "0 户"]
    summary_text = [str(c.value) for r in wb["汇总"].iter_rows() for c in r if c.value]
    assert any("本月尚未结束" in t for t in summary_text)  # generated on 20 February
    assert "核对结果：一致（精确到分）" in summary_text


def test_a_report_that_does_not_reconcile_says_so() -> None:
    report = _report(ledger_opening=1)
    assert not report.reconciled
    wb = load_workbook(io.BytesIO(render_monthly(report)))
    text = [str(c.value) for r in wb["汇总"].iter_rows() for c in r if c.value]
    assert any(t.startswith("核对结果：不一致") for t in text)


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "很长的楼栋名称" * 6
    first = sheet_title(long, taken)
    second = sheet_title(long, taken)
    assert len(first) == len(second) == 31 and first != second
    assert sheet_title("A?B*C", taken) == "A_B_C"
    assert sheet_title("", taken) == "楼栋"
