"""Site import from Excel (SITE-3): every bad row reported, all-or-nothing, valid rows only,
idempotent re-import, and export → import → export of the demo site, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from app.domain import site_sheet as ss
from app.domain.enums import EntryKind
from app.domain.permissions import ROLES, Perm
from app.errors import PermissionDeniedError, SiteFileError
from app.models import (
    Account,
    AuditEntry,
    Base,
    LedgerEntry,
    MeasurementPoint,
    Meter,
    Reading,
    Room,
)
from app.services import Services
from app.services.context import Actor
from app.services.demo import build_demo_database
from app.services.ledger_check import verify_ledger
from app.services.site_import import write_workbook
from app.services.unit_of_work import Database

ADMIN = Actor.system("import-test")

# (sheet title, rows from row 3 on, each as {header: value})
GOOD_AND_BAD: dict[str, list[dict[str, object]]] = {
    "价格": [
        {"价格编码": "E-RES", "名称": "居民电价", "类别": "电", "计价方式": "单一价",
         "生效时间": "2026-06-01 00:00:00", "价格参数": '{"price": "0.6800"}'},
        {"价格编码": "W-STD", "名称": "水价", "类别": "水", "计价方式": "单一价",
         "生效时间": "2026-06-01 00:00:00", "价格参数": '{"price": "4.2000"}'},
        {"价格编码": "E-BAD", "名称": "坏价格", "类别": "电", "计价方式": "单一价",
         "生效时间": "2026-06-01 00:00:00", "价格参数": '{"price": "abc"}'},
    ],
    "楼栋": [
        {"楼栋编码": "A", "名称": "A栋"},
        {"楼栋编码": "B"},
        {"楼栋编码": "A", "名称": "A栋又一次"},
    ],
    "房间": [
        {"房间编码": "A-1-01", "楼栋编码": "A", "楼层": 1, "名称": "A101", "类型": "门面",
         "面积(m²)": "35.5", "人数": 2},
        {"房间编码": "A-1-02", "楼栋编码": "A", "楼层": 1, "名称": "A102", "类型": "宿舍"},
        {"房间编码": "Z-1-01", "楼栋编码": "Z", "楼层": 1, "名称": "Z101", "类型": "门面"},
        {"房间编码": "A-1-01", "楼栋编码": "A", "楼层": 1, "名称": "重复", "类型": "门面"},
        {"房间编码": "A-1-03", "楼栋编码": "A", "楼层": "一楼", "名称": "A103", "类型": "门面"},
        {"房间编码": "A-1-04", "楼栋编码": "A", "楼层": 1, "名称": "A104", "类型": "仓库"},
        {"房间编码": "A-1-05", "楼栋编码": "A", "楼层": 1, "名称": "A105", "类型": "办公",
         "面积(m²)": "12.345"},
    ],
    "租户": [
        {"房间编码": "A-1-01", "租户名称": "王小明便利店", "电话": "13800000001"},
        {"房间编码": "A-1-99", "租户名称": "李四"},
        {"房间编码": "A-1-02", "租户名称": "张三", "电话": "电话号码"},
    ],
    "网关": [
        {"网关编码": "GW1", "名称": "1号网关", "接入方式": "TCP透传", "主机": "127.0.0.1"},
        {"网关编码": "GW2", "名称": "2号网关", "接入方式": "TCP透传"},
        {"网关编码": "GW3", "名称": "3号网关", "接入方式": "卫星"},
    ],
    "总线": [
        {"网关编码": "GW1", "总线号": 1, "TCP端口": 20000},
        {"网关编码": "GW1", "总线号": 2, "TCP端口": 20001},
        {"网关编码": "GW1", "总线号": 7, "TCP端口": 20002},
        {"网关编码": "GW9", "总线号": 1, "TCP端口": 20003},
    ],
    "表具": [
        {"网关编码": "GW1", "总线号": 1, "表地址": "000000000001", "表类型": "单相电表",
         "规约": "dlt645-2007"},
        {"网关编码": "GW1", "总线号": 2, "表地址": "00000000000001", "表类型": "冷水表",
         "规约": "cjt188"},
        {"网关编码": "GW1", "总线号": 3, "表地址": "000000000002", "表类型": "单相电表",
         "规约": "dlt645-2007"},
        {"网关编码": "GW1", "总线号": 1, "表地址": "0000000000AB", "表类型": "单相电表",
         "规约": "dlt645-2007"},
        {"网关编码": "GW1", "总线号": 1, "表地址": "000000000001", "表类型": "三相电表",
         "规约": "dlt645-2007"},
        {"网关编码": "GW1", "总线号": 1, "表地址": "000000000003", "表类型": "冷水表",
         "规约": "dlt645-2007"},
        {"网关编码": "GW1", "总线号": 1, "表地址": "000000000004", "表类型": "单相电表",
         "规约": "dlt645-2007"},
        {"网关编码": "GW1", "总线号": 1, "表地址": "000000000005", "表类型": "单相电表",
         "规约": "dlt645-2007", "有继电器/阀门": "也许"},
    ],
    "计量点": [
        {"计量点编码": "E1", "网关编码": "GW1", "总线号": 1, "表地址": "000000000001",
         "房间编码": "A-1-01", "价格编码": "E-RES"},
        {"计量点编码": "W1", "网关编码": "GW1", "总线号": 2, "表地址": "00000000000001",
         "房间编码": "A-1-01", "价格编码": "W-STD"},
        {"计量点编码": "E2", "网关编码": "GW1", "总线号": 1, "表地址": "000000000009"},
        {"计量点编码": "E3", "网关编码": "GW1", "总线号": 1, "表地址": "000000000004",
         "价格编码": "E-NONE"},
        {"计量点编码": "E4", "网关编码": "GW1", "总线号": 1, "表地址": "000000000004",
         "价格编码": "W-STD"},
    ],
    "期初余额": [
        {"房间编码": "A-1-01", "现金余额(元)": "100.50", "补贴余额(元)": "10"},
        {"房间编码": "A-1-02", "现金余额(元)": "12.345"},
    ],
    "期初读数": [
        {"计量点编码": "E1", "读数": "1234.5", "抄表时间": "2026-11-01 00:00:00"},
        {"计量点编码": "E1", "读数": "abc", "抄表时间": "2026-11-02 00:00:00"},
        {"计量点编码": "E9", "读数": "1", "抄表时间": "2026-11-01 00:00:00"},
        {"计量点编码": "W1", "读数": "5", "抄表时间": "昨天"},
    ],
}  # fmt: skip

# every bad row above: (sheet, row, column, problem code)
EXPECTED_PROBLEMS = [
    ("价格", 5, "价格参数", "bad_price"),
    ("楼栋", 4, "名称", "required"),
    ("楼栋", 5, "", "duplicate"),
    ("房间", 5, "楼栋编码", "unknown_building"),
    ("房间", 6, "", "duplicate"),
    ("房间", 7, "楼层", "bad_int"),
    ("房间", 8, "类型", "bad_choice"),
    ("房间", 9, "面积(m²)", "bad_decimal"),
    ("租户", 4, "房间编码", "unknown_room"),
    ("租户", 5, "电话", "bad_phone"),
    ("网关", 4, "主机", "host_required"),
    ("网关", 5, "接入方式", "bad_choice"),
    ("总线", 5, "总线号", "out_of_range"),
    ("总线", 6, "网关编码", "unknown_gateway"),
    ("表具", 5, "总线号", "unknown_bus"),
    ("表具", 6, "表地址", "bad_address"),
    ("表具", 7, "", "duplicate"),
    ("表具", 8, "规约", "protocol_kind"),
    ("表具", 10, "有继电器/阀门", "bad_bool"),
    ("计量点", 5, "表地址", "unknown_meter"),
    ("计量点", 6, "价格编码", "unknown_tariff"),
    ("计量点", 7, "价格编码", "tariff_utility"),
    ("期初余额", 4, "现金余额(元)", "bad_money"),
    ("期初读数", 4, "读数", "bad_decimal"),
    ("期初读数", 5, "计量点编码", "unknown_point"),
    ("期初读数", 6, "抄表时间", "bad_datetime"),
]

SITE_TABLES = (
    "tariffs",
    "tariff_versions",
    "buildings",
    "floors",
    "rooms",
    "tenants",
    "occupancies",
    "accounts",
    "gateways",
    "buses",
    "meters",
    "measurement_points",
    "ledger_entries",
    "readings",
    "audit_entries",
)


def fill_workbook(path: Path, sheets: dict[str, list[dict[str, object]]]) -> Path:
    """The app's own template with rows written under its headers."""
    write_workbook(path)
    wb = load_workbook(path)
    for title, rows in sheets.items():
        ws = wb[title]
        headers = {
            str(c.value).rstrip("*"): c.column for c in ws[ss.HEADER_ROW] if c.value is not None
        }
        for i, row in enumerate(rows, start=ss.FIRST_DATA_ROW):
            for header, value in row.items():
                ws.cell(row=i, column=headers[header], value=value)
    wb.save(path)
    return path


def table_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in SITE_TABLES
        }


def test_every_bad_row_is_reported_and_nothing_is_written(
    services: Services, tmp_path: Path
) -> None:
    path = fill_workbook(tmp_path / "bad.xlsx", GOOD_AND_BAD)
    before = table_counts(services.db)

    result = services.site_import.import_file(ADMIN, path)

    got = [(p.sheet, p.row, p.column, p.code) for p in result.problems]
    assert got == EXPECTED_PROBLEMS
    assert len({code for *_, code in got}) >= 20  # twenty different kinds at least
    assert not result.written
    assert table_counts(services.db) == before == dict.fromkeys(SITE_TABLES, 0)
    texts = [p.text() for p in result.problems]
    assert "表具 第 5 行【总线号】：网关 GW1 没有 3 号总线" in texts
    assert "表具 第 6 行【表地址】：表地址 0000000000AB 无效：应为 12 位数字（BCD）" in texts
    assert "楼栋 第 5 行：与第 3 行重复（A）" in texts
    assert "期初余额 第 4 行【现金余额(元)】：金额无效：12.345（最多 2 位小数）" in texts
    assert (
        "计量点 第 5 行【表地址】：计量点对应的表具不存在：网关 GW1 1 号总线 地址 000000000009"
        in (texts)
    )
    assert "计量点 第 6 行【价格编码】：价格 E-NONE 不存在（价格表和系统中都没有）" in texts


def test_valid_only_writes_the_valid_rows_and_what_they_depend_on(
    services: Services, tmp_path: Path
) -> None:
    path = fill_workbook(tmp_path / "bad.xlsx", GOOD_AND_BAD)

    result = services.site_import.import_file(ADMIN, path, valid_only=True)

    assert result.written
    assert len(result.problems) == len(EXPECTED_PROBLEMS)
    assert dict(result.new) == {
        "tariffs": 2, "buildings": 1, "rooms": 2, "tenants": 1, "gateways": 1, "buses": 2,
        "meters": 3, "points": 2, "balances": 1, "readings": 1,
    }  # fmt: skip
    counts = table_counts(services.db)
    assert counts["rooms"] == 2 and counts["accounts"] == 1 and counts["meters"] == 3
    assert counts["measurement_points"] == 2 and counts["readings"] == 1
    assert counts["audit_entries"] == 1
    summary = services.accounts.summary(ADMIN, "A-1-01/1")
    assert (summary.cash_fen, summary.subsidy_fen) == (10050, 1000)
    assert summary.tenant_name == "王小明便利店"
    with services.db.uow() as uow:
        s = uow.session
        kinds = s.execute(select(LedgerEntry.kind, LedgerEntry.amount_fen)).all()
        assert sorted(kinds) == [(EntryKind.OPENING, 1000), (EntryKind.OPENING, 10050)]
        reading = s.execute(select(Reading.value, Reading.source, Reading.meter_time)).one()
        # 2026-11-01 00:00 on the site's wall clock (UTC+8)
        assert reading == (ss.Decimal("1234.5"), "import", datetime(2026, 10, 31, 16, tzinfo=UTC))
        point = s.execute(
            select(MeasurementPoint.utility, Room.code)
            .join(Room, Room.id == MeasurementPoint.room_id)
            .where(MeasurementPoint.code == "W1")
        ).one()
        assert tuple(point) == ("water", "A-1-01")
    assert verify_ledger(services.db).ok

    # the same file again: the valid rows are all there, nothing more is written
    before = table_counts(services.db)
    again = services.site_import.import_file(ADMIN, path, valid_only=True)
    assert again.total_new == 0
    assert sum(again.existing.values()) == sum(result.new.values())
    assert table_counts(services.db) == before


def test_a_changed_row_of_an_imported_file_is_a_conflict_not_an_update(
    services: Services, tmp_path: Path
) -> None:
    good = {k: [r for r in rows[:1]] for k, rows in GOOD_AND_BAD.items()}
    services.site_import.import_file(ADMIN, fill_workbook(tmp_path / "a.xlsx", good))
    before = table_counts(services.db)
    changed = {**good, "房间": [{**good["房间"][0], "名称": "改过的名称"}],
               "期初余额": [{**good["期初余额"][0], "现金余额(元)": "99"}],
               "期初读数": [{**good["期初读数"][0], "读数": "1234.6"}]}  # fmt: skip

    result = services.site_import.import_file(ADMIN, fill_workbook(tmp_path / "b.xlsx", changed))

    assert [(p.sheet, p.row, p.code) for p in result.problems] == [
        ("房间", 3, "conflict"),
        ("期初余额", 3, "conflict"),
        ("期初读数", 3, "conflict"),
    ]
    assert "房间 第 3 行：系统中已有 A-1-01，但内容不同（名称）" == result.problems[0].text()
    assert not result.written
    assert table_counts(services.db) == before


def test_import_needs_device_account_and_adjust_rights_and_the_whole_site(
    services: Services, tmp_path: Path
) -> None:
    path = fill_workbook(tmp_path / "a.xlsx", {k: rows[:1] for k, rows in GOOD_AND_BAD.items()})
    for role in ("cashier", "electrician", "supervisor"):
        actor = Actor(7, role, ROLES[role][1])
        with pytest.raises(PermissionDeniedError):
            services.site_import.import_file(actor, path)
    no_adjust = Actor(7, "setup", ROLES["admin"][1] - {Perm.ADJUST})
    with pytest.raises(PermissionDeniedError):  # the file books opening balances
        services.site_import.import_file(no_adjust, path)
    scoped = Actor(7, "scoped", ROLES["admin"][1], frozenset({1}))
    with pytest.raises(PermissionDeniedError):
        services.site_import.import_file(scoped, path)
    with pytest.raises(PermissionDeniedError):
        services.site_import.export(scoped, tmp_path / "out.xlsx")
    assert table_counts(services.db)["rooms"] == 0


def test_template_has_every_sheet_and_imports_as_nothing(
    services: Services, tmp_path: Path
) -> None:
    path = services.site_import.write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [ss.INSTRUCTIONS_TITLE, *(s.title for s in ss.SHEETS)]
    rooms = wb["房间"]
    assert [c.value for c in rooms[1]][:3] == ["房间编码*", "楼栋编码*", "楼层*"]
    assert rooms.cell(row=2, column=5).value == "门面 / 宿舍 / 办公 / 企业"
    assert rooms.cell(row=1, column=1).comment is not None
    result = services.site_import.import_file(ADMIN, path)
    assert result.problems == () and result.total_new == 0
    (tmp_path / "junk.xlsx").write_text("not a workbook")
    with pytest.raises(SiteFileError):
        services.site_import.import_file(ADMIN, tmp_path / "junk.xlsx")


# --- the demo site: export → import into an empty database → export ---------------------------


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The demo site (three days of history) built in SQLite and exported once per module."""
    tmp = tmp_path_factory.mktemp("demo")
    db = Database(f"sqlite:///{tmp / 'demo.db'}")
    db.upgrade()
    build_demo_database(db, now=datetime(2026, 11, 20, 9, tzinfo=UTC), history_days=3)
    path = Services(db).site_import.export(ADMIN, tmp / "demo.xlsx").path
    with db.uow() as uow:
        s = uow.session
        facts = {
            "balances": dict(
                s.execute(select(Account.account_no, Account.cash_fen + Account.subsidy_fen)).all()
            ),
            "meters": s.scalar(select(func.count()).where(Meter.status == "active")),
        }
    db.dispose()
    yield path, facts


def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in r) for r in ws.iter_rows()] for ws in wb.worksheets}


def test_demo_site_export_imports_into_an_empty_database_and_exports_the_same(
    services: Services, demo_export: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    path, facts = demo_export
    first = cells(path)
    assert len(first["房间"]) - 2 == 638 and len(first["表具"]) - 2 == facts["meters"]

    result = services.site_import.import_file(ADMIN, path)

    assert result.problems == ()
    assert result.new["rooms"] == 638 and result.new["meters"] == facts["meters"]
    assert result.seconds < 30
    with services.db.uow() as uow:
        balances = dict(
            uow.session.execute(
                select(Account.account_no, Account.cash_fen + Account.subsidy_fen)
            ).all()
        )
    assert balances == facts["balances"]  # to the fen, every account
    assert verify_ledger(services.db).ok
    again = services.site_import.export(ADMIN, tmp_path / "again.xlsx").path
    assert cells(again) == first  # cell by cell, every sheet

    # importing the same file again changes nothing: no row, no ledger entry, no audit entry
    before = table_counts(services.db)
    second = services.site_import.import_file(ADMIN, path)
    assert second.problems == () and second.total_new == 0 and second.ledger_entries == 0
    assert sum(second.existing.values()) == sum(result.new.values())
    assert table_counts(services.db) == before


def test_models_cover_every_table_the_import_counts() -> None:
    assert set(SITE_TABLES) <= set(Base.metadata.tables)
    assert AuditEntry.__tablename__ == "audit_entries"
