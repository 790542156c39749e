"""Monthly report on real databases: rows add up, totals reconcile with SQL sums over the ledger
to the fen, month boundaries are Shanghai midnights."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import ColumnElement, func, select

from app.domain.enums import Category, EntryKind, Pocket
from app.domain.permissions import ALL_PERMISSIONS, ROLES
from app.errors import PermissionDeniedError, ValidationError
from app.models import Account, LedgerEntry
from app.reports.monthly import MOVEMENT_COLUMNS, column_for
from app.services import Services
from app.services.context import Actor
from app.services.ledger import lock_account, post
from app.services.reports import month_bounds, parse_month
from tests.fixtures.site import ADMIN, build_small_site
from tests.xlsx_tools import read_sheets, to_fen

OCT_START = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)  # 2026-10-01 00:00 in Shanghai
OCT_END = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 in Shanghai
SECOND = OCT_START - datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC)
MONEY_HEADERS = [h for _k, h in MOVEMENT_COLUMNS]


def _at(month: int, day: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _post(
    services: Services,
    account_no: str,
    kind: EntryKind,
    category: Category,
    amount_fen: int,
    at: datetime,
    *,
    pocket: Pocket = Pocket.CASH,
    quantity: Decimal | None = None,
) -> int:
    """A charge or grant straight through the ledger (the billing services are not built yet)."""
    with services.db.uow() as uow:
        acc = lock_account(uow.session, account_no=account_no, for_update=uow.for_update)
        posted = post(
            uow.session,
            acc,
            kind=kind,
            category=category,
            pocket=pocket,
            amount_fen=amount_fen,
            operator_id=None,
            channel="system",
            quantity=quantity,
            at=at,
        )
        uow.commit()
    return posted.entry_id


def _book_two_months(services: Services) -> dict[str, str]:
    acc = build_small_site(services).accounts
    services.accounts.open_account(ADMIN, "B-1-03", "赵空户", move_in=_at(9, 1))
    a1, a2, b1, b2 = acc["A-1-01"], acc["A-1-02"], acc["B-1-01"], acc["B-1-02"]
    top = services.cashier.top_up
    E, W = EntryKind, Category
    # September (local)
    top(ADMIN, a1, 10_000, "cash", "s1", at=_at(9, 10))
    _post(
        services,
        a1,
        E.ELECTRICITY_CHARGE,
        W.ELECTRICITY,
        -3_000,
        _at(9, 20),
        quantity=Decimal("25.5"),
    )
    top(ADMIN, a2, 20_000, "wechat", "s2", at=_at(9, 15))
    top(ADMIN, b1, 5_000, "alipay", "s3", at=OCT_START - SECOND)  # 23:59:59 on 30 Sept
    # October (local)
    top(ADMIN, a1, 12_000, "wechat", "o1", at=OCT_START)  # 00:00:00 on 1 Oct
    _post(
        services,
        a1,
        E.ELECTRICITY_CHARGE,
        W.ELECTRICITY,
        -4_567,
        _at(10, 10),
        quantity=Decimal("38.0583"),
    )
    _post(services, a1, E.WATER_CHARGE, W.WATER, -1_234, _at(10, 11), quantity=Decimal("3.21"))
    _post(services, a1, E.PROPERTY_FEE, W.PROPERTY, -8_000, _at(10, 12))
    _post(services, a1, E.SUBSIDY_GRANT, W.SUBSIDY, 2_000, _at(10, 13), pocket=Pocket.SUBSIDY)
    services.cashier.refund(ADMIN, a1, 1_000, "多充退回", at=_at(10, 20))
    services.cashier.adjust(ADMIN, a1, -1, "抄表差错", at=_at(10, 21))
    wrong = _post(
        services, a2, E.ELECTRICITY_CHARGE, W.ELECTRICITY, -9_999, _at(10, 15), quantity=Decimal(80)
    )
    services.cashier.reverse(ADMIN, wrong, "重复扣费", at=_at(10, 16))
    top(ADMIN, a2, 1, "card", "o2", at=_at(10, 17))
    top(ADMIN, a2, 100_000, "bank", "o3", at=_at(10, 18))
    _post(services, b1, E.SUBSIDY_GRANT, W.SUBSIDY, 3_000, _at(10, 2), pocket=Pocket.SUBSIDY)
    _post(
        services, b1, E.SUBSIDY_EXPIRY, W.SUBSIDY, -3_000, OCT_END - SECOND, pocket=Pocket.SUBSIDY
    )
    _post(services, b1, E.WATER_CHARGE, W.WATER, -456, _at(10, 25), quantity=Decimal("1.9"))
    # November (local): not in October's report
    top(ADMIN, b2, 7_700, "cash", "n1", at=OCT_END)  # 00:00:00 on 1 Nov
    _post(services, a1, E.ELECTRICITY_CHARGE, W.ELECTRICITY, -500, _at(11, 3), quantity=Decimal(4))
    return acc


def _created(services: Services, op: str, moment: datetime) -> ColumnElement[bool]:
    """created_at compared with a whole-second instant, written independently of the service:
    on SQLite ``datetime()`` normalises both stored text forms (with and without .ffffff)."""
    if services.db.is_sqlite:
        column: Any = func.datetime(LedgerEntry.created_at)
        value: Any = moment.strftime("%Y-%m-%d %H:%M:%S")
    else:
        column, value = LedgerEntry.created_at, moment
    return column < value if op == "<" else column >= value


def _sql_sum(services: Services, *conditions: object) -> int:
    with services.db.uow() as uow:
        return int(
            uow.session.execute(
                select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(*conditions)
            ).scalar_one()
        )


def test_month_bounds_are_shanghai_midnights() -> None:
    assert month_bounds(2026, 10, "Asia/Shanghai") == (OCT_START, OCT_END)
    assert month_bounds(2026, 12, "Asia/Shanghai")[1] == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert parse_month("2026-10") == (2026, 10)
    assert parse_month(" 2026-3 ") == (2026, 3)
    for bad in ("2026-13", "2026-00", "26-10", "2026/10", "", "1899-01", "2026-10-01"):
        with pytest.raises(ValidationError):
            parse_month(bad)


def test_entries_land_in_one_column() -> None:
    assert column_for("top_up", "wechat") == "top_up_wechat"
    assert column_for("top_up", "bank") == "top_up_bank"
    assert column_for("top_up", None) == "other"
    assert column_for("electricity_charge", "system") == "electricity"
    assert column_for("transfer_out", None) == column_for("transfer_in", None) == "transfer"
    assert column_for("opening_balance", None) == "other"
    assert column_for("something_new", None) == "other"


def test_monthly_report_adds_up_and_reconciles_with_the_ledger(
    services: Services, tmp_path: Path
) -> None:
    accounts = _book_two_months(services)
    services.settings.set(ADMIN, "site.name", "阳光商业广场")
    now = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    done = services.reports.export_monthly(ADMIN, 2026, 10, tmp_path / "oct.xlsx", now=now)
    assert done.path == tmp_path / "oct.xlsx"
    assert done.report.reconciled
    sheets = read_sheets(done.path)
    assert list(sheets) == ["汇总", "A栋", "B栋"]

    # -- A-1-01 by hand ----------------------------------------------------------------------
    rows = {r["房间编码"]: r for r in sheets["A栋"] if r["房间编码"] != "合计"}
    a1 = rows["A-1-01"]
    assert (a1["户名"], a1["账户"], a1["状态"]) == ("王小明便利店", accounts["A-1-01"], "正常")
    expected_fen = {
        "期初余额": 7_000,
        "充值·现金": 0,
        "充值·微信": 12_000,
        "电费": -4_567,
        "水费": -1_234,
        "物业费": -8_000,
        "补助发放": 2_000,
        "退费": -1_000,
        "调整": -1,
        "冲正": 0,
        "期末余额": 6_198,
    }
    assert {h: to_fen(a1[h]) for h in expected_fen} == expected_fen
    assert Decimal(str(a1["用电量(kWh)"])) == Decimal("38.0583")
    assert Decimal(str(a1["用水量(m³)"])) == Decimal("3.21")
    a2 = rows["A-1-02"]
    a2_heads = ("期初余额", "充值·刷卡", "充值·银行转账", "电费", "冲正")
    assert [to_fen(a2[h]) for h in a2_heads] == [20_000, 1, 100_000, -9_999, 9_999]
    assert to_fen(a2["期末余额"]) == 120_001
    assert "A-1-03" not in rows  # opened after October with nothing booked in it
    b_rows = {r["房间编码"]: r for r in sheets["B栋"] if r["房间编码"] != "合计"}
    # B-1-01 topped up one second before October; its subsidy expired one second before November
    b1 = b_rows["B-1-01"]
    b1_heads = ("期初余额", "充值·支付宝", "补助发放", "补助清零", "期末余额")
    assert [to_fen(b1[h]) for h in b1_heads] == [5_000, 0, 3_000, -3_000, 4_544]
    assert "B-1-02" not in b_rows  # its only entry is at 00:00 on 1 November
    vacant = b_rows["B-1-03"]  # open all October, nothing booked: a row of zeros
    assert vacant["户名"] == "赵空户"
    assert {to_fen(vacant[h]) for h in ["期初余额", *MONEY_HEADERS, "期末余额"]} == {0}

    # -- every row: opening + movements = closing ----------------------------------------------
    for name, sheet_rows in sheets.items():
        for row in sheet_rows:
            movements = sum(to_fen(row[h]) for h in MONEY_HEADERS)
            assert to_fen(row["期初余额"]) + movements == to_fen(row["期末余额"]), (name, row)

    # -- totals = SQL over the ledger, to the fen -------------------------------------------
    site_total = sheets["汇总"][-1]
    assert site_total["楼栋编码"] == "合计"
    in_month = (_created(services, ">=", OCT_START), _created(services, "<", OCT_END))
    assert to_fen(site_total["期初余额"]) == _sql_sum(services, _created(services, "<", OCT_START))
    assert to_fen(site_total["期末余额"]) == _sql_sum(services, _created(services, "<", OCT_END))
    with services.db.uow() as uow:
        by_kind = uow.session.execute(
            select(LedgerEntry.kind, LedgerEntry.channel, func.sum(LedgerEntry.amount_fen))
            .where(*in_month)
            .group_by(LedgerEntry.kind, LedgerEntry.channel)
        ).all()
        kwh = uow.session.execute(
            select(func.sum(LedgerEntry.quantity)).where(
                *in_month, LedgerEntry.kind == EntryKind.ELECTRICITY_CHARGE
            )
        ).scalar_one()
        last_balance = dict(
            uow.session.execute(
                select(Account.account_no, LedgerEntry.balance_after_fen)
                .join(Account, Account.id == LedgerEntry.account_id)
                .where(
                    LedgerEntry.id.in_(
                        select(func.max(LedgerEntry.id))
                        .where(_created(services, "<", OCT_END))
                        .group_by(LedgerEntry.account_id)
                    )
                )
            ).all()
        )
    header_of = dict(MOVEMENT_COLUMNS)
    sql_by_column: dict[str, int] = dict.fromkeys(MONEY_HEADERS, 0)
    for kind, channel, total in by_kind:
        sql_by_column[header_of[column_for(kind, channel)]] += int(total)
    assert {h: to_fen(site_total[h]) for h in MONEY_HEADERS} == sql_by_column
    assert sql_by_column["充值·微信"] == 12_000 and sql_by_column["补助清零"] == -3_000
    assert Decimal(str(site_total["用电量(kWh)"])) == kwh == Decimal("118.0583")
    assert site_total["账户数"] == 4

    # -- building totals: sum of their rows, and equal to the summary's building rows -----------
    summary = {r["楼栋编码"]: r for r in sheets["汇总"][:-1]}
    for code, sheet in (("A", "A栋"), ("B", "B栋")):
        *body, total = sheets[sheet]
        assert total["房间编码"] == "合计"
        for h in ["期初余额", *MONEY_HEADERS, "期末余额"]:
            assert to_fen(total[h]) == sum(to_fen(r[h]) for r in body) == to_fen(summary[code][h])
    # the closing balance of every account is the running balance of its last entry
    for sheet in ("A栋", "B栋"):
        for row in sheets[sheet][:-1]:
            assert to_fen(row["期末余额"]) == last_balance.get(row["账户"], 0), row


def test_workbook_is_formatted_for_people(services: Services, tmp_path: Path) -> None:
    _book_two_months(services)
    path = services.reports.export_monthly(ADMIN, 2026, 10, tmp_path / "oct.xlsx").path
    wb = load_workbook(path)
    summary, a = wb["汇总"], wb["A栋"]
    assert "2026年10月" in str(summary["A1"].value)
    assert "2026-10-01 00:00 至 2026-11-01 00:00" in str(summary["A2"].value)
    assert summary.freeze_panes == "C4" and a.freeze_panes == "D4"
    headers = [c.value for c in a[3]]
    assert headers[:5] == ["房间编码", "房间名称", "户名", "账户", "状态"]
    money_col = headers.index("电费") + 1
    assert "¥" in a.cell(row=4, column=money_col).number_format
    assert a.column_dimensions["C"].width >= 14  # 王小明便利店 fits
    assert len(summary._charts) == 2
    chart = summary._charts[0]
    assert chart.x_axis.delete is False and chart.y_axis.delete is False
    text = "\n".join(str(c.value) for row in summary.iter_rows() for c in row if c.value)
    assert "核对结果：一致（精确到分）" in text


def test_scoped_operator_sees_own_buildings_and_bad_requests(
    services: Services, tmp_path: Path
) -> None:
    site = build_small_site(services)
    services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 1_000, "cash", "a", at=_at(10, 3))
    services.cashier.top_up(ADMIN, site.accounts["B-1-01"], 2_000, "cash", "b", at=_at(10, 3))
    only_b = Actor(None, "boss-b", ALL_PERMISSIONS, frozenset({site.building_ids["B"]}))
    report = services.reports.monthly(only_b, 2026, 10)
    assert [b.code for b in report.buildings] == ["B"]
    assert report.reconciled
    assert (report.ledger.movement_fen, report.totals.total_movement_fen) == (2_000, 2_000)
    with pytest.raises(PermissionDeniedError):
        services.reports.monthly(Actor(None, "c", ROLES["cashier"][1]), 2026, 10)
    with pytest.raises(ValidationError):
        services.reports.monthly(ADMIN, 2100, 1)  # has not begun
    with pytest.raises(ValidationError):
        services.reports.monthly(ADMIN, 2026, 13)
    with pytest.raises(OSError):
        services.reports.export_monthly(ADMIN, 2026, 10, tmp_path / "no" / "x.xlsx")
    assert not (tmp_path / "no").exists()
