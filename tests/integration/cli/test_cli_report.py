"""``report receipt`` and ``report monthly`` as a user runs them: separate processes, real files,
SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import LedgerEntry, Receipt
from app.services import Services
from tests.fixtures.site import ADMIN, build_small_site
from tests.pdf_tools import pdf_text
from tests.xlsx_tools import read_sheets, to_fen

ROOT = Path(__file__).resolve().parents[3]
BOOKED = datetime(2026, 10, 5, 6, 5, tzinfo=UTC)


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SHUIDIAN_DATA_DIR": str(data_dir)},
        cwd=ROOT,
    )


def _flat(text: str) -> str:
    return "".join(text.split())


def _print_count(services: Services) -> int:
    with services.db.uow() as uow:
        return int(uow.session.execute(select(func.sum(Receipt.print_count))).scalar_one() or 0)


def test_receipt_original_then_reprint(db_url: str, services: Services, tmp_path: Path) -> None:
    site = build_small_site(services)
    booked = services.cashier.top_up(
        ADMIN, site.accounts["A-1-01"], 12_000, "wechat", "k", at=BOOKED
    )
    assert booked.receipt_no == "2026-000001"
    data = tmp_path / "data"

    first = run("report", "receipt", "2026-000001", "--layout", "a5", "--out",
                str(tmp_path / "r1.pdf"), "--url", db_url, data_dir=data)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "原件" in first.stdout
    text = _flat(pdf_text(tmp_path / "r1.pdf", tmp_path))
    for expected in (
        "2026-000001",
        "王小明便利店",
        "¥120.00",
        "壹佰贰拾元整",
        "微信",
        "2026-10-0514:05",
    ):
        assert expected in text, expected
    assert "补打" not in text
    assert (data / "receipts" / "2026" / "2026-000001.pdf").is_file()

    second = run("report", "receipt", "2026-000001", "--layout", "dot241", "--out",
                 str(tmp_path / "r2.pdf"), "--url", db_url, data_dir=data)  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "补打" in second.stdout
    text2 = _flat(pdf_text(tmp_path / "r2.pdf", tmp_path))
    assert "补打" in text2 and "壹佰贰拾元整" in text2
    assert (data / "receipts" / "2026" / "2026-000001-reprint1.pdf").is_file()

    third = run("report", "receipt", "--entry", str(booked.entry_id), "--out",
                str(tmp_path / "r3.pdf"), "--url", db_url, data_dir=data)  # fmt: skip
    assert third.returncode == 0, third.stderr
    assert "thermal80" in third.stdout and "第 3 次打印" in third.stdout
    assert _print_count(services) == 3


def test_monthly_report_reconciles(db_url: str, services: Services, tmp_path: Path) -> None:
    site = build_small_site(services)
    top = services.cashier.top_up
    top(ADMIN, site.accounts["A-1-01"], 10_000, "cash", "s", at=datetime(2026, 9, 3, tzinfo=UTC))
    top(ADMIN, site.accounts["A-1-01"], 2_550, "alipay", "o", at=BOOKED)
    top(ADMIN, site.accounts["B-1-02"], 99, "card", "o2", at=BOOKED)
    services.cashier.refund(ADMIN, site.accounts["A-1-01"], 1_234, "退租", at=BOOKED)
    top(ADMIN, site.accounts["B-1-01"], 500, "cash", "n", at=datetime(2026, 11, 2, tzinfo=UTC))
    out = tmp_path / "月报-2026-10.xlsx"

    done = run("report", "monthly", "--month", "2026-10", "--out", str(out), "--url", db_url,
               data_dir=tmp_path / "data")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "与台账核对一致" in done.stdout
    assert "期末 ¥114.15" in done.stdout
    sheets = read_sheets(out)
    total = sheets["汇总"][-1]
    with services.db.uow() as uow:
        october = uow.session.execute(
            select(func.sum(LedgerEntry.amount_fen)).where(
                LedgerEntry.created_at >= datetime(2026, 9, 30, 16, tzinfo=UTC),
                LedgerEntry.created_at < datetime(2026, 10, 31, 16, tzinfo=UTC),
            )
        ).scalar_one()
    assert to_fen(total["期末余额"]) - to_fen(total["期初余额"]) == int(october) == 1_415
    assert (to_fen(total["充值·支付宝"]), to_fen(total["退费"])) == (2_550, -1_234)
    assert load_workbook(out)["汇总"].freeze_panes == "C4"


def test_bad_input_fails_cleanly(sqlite_url: str, tmp_path: Path) -> None:
    from app.services.unit_of_work import Database

    db = Database(sqlite_url)
    db.upgrade()
    services = Services(db)
    site = build_small_site(services)
    services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 100, "cash", "k", at=BOOKED)
    data = tmp_path / "data"
    out = tmp_path / "out"
    out.mkdir()

    def report(*args: str) -> subprocess.CompletedProcess[str]:
        return run("report", *args, "--url", sqlite_url, data_dir=data)

    bad_month = report("monthly", "--month", "2026-13", "--out", str(out / "m.xlsx"))
    assert bad_month.returncode == 2 and "月份无效" in bad_month.stderr
    for month in ("26-10", "2026/10", "2100-01"):
        r = report("monthly", "--month", month, "--out", str(out / "m.xlsx"))
        assert r.returncode != 0 and r.stderr.startswith("error: "), (month, r.stderr)

    kept = out / "kept.pdf"
    kept.write_bytes(b"old")
    unknown = report("receipt", "2026-000099", "--out", str(kept))
    assert unknown.returncode == 1 and "找不到凭条 2026-000099" in unknown.stderr
    assert kept.read_bytes() == b"old"
    malformed = report("receipt", "abc", "--out", str(out / "x.pdf"))
    assert malformed.returncode == 2 and "2026-000123" in malformed.stderr
    neither = report("receipt", "--out", str(out / "x.pdf"))
    assert neither.returncode == 2 and "凭条号" in neither.stderr
    no_dir = report("receipt", "2026-000001", "--out", str(tmp_path / "nowhere" / "r.pdf"))
    assert no_dir.returncode == 2 and "无法写入" in no_dir.stderr
    a_dir = report("monthly", "--month", "2026-10", "--out", str(out))
    assert a_dir.returncode == 2 and "无法写入" in a_dir.stderr
    bad_layout = report("receipt", "2026-000001", "--layout", "a4", "--out", str(out / "x.pdf"))
    assert bad_layout.returncode == 2

    # nothing half-written: no new files, no temporaries, no print counted, no archive
    assert sorted(p.name for p in out.iterdir()) == ["kept.pdf"]
    assert not (tmp_path / "nowhere").exists()
    assert _print_count(services) == 0
    assert not (data / "receipts").exists()

    missing_db = run("report", "monthly", "--month", "2026-10", "--out", str(out / "m.xlsx"),
                     "--url", f"sqlite:///{tmp_path / 'none.db'}", data_dir=data)  # fmt: skip
    assert missing_db.returncode == 2 and "数据库文件不存在" in missing_db.stderr
    assert not (tmp_path / "none.db").exists()
    db.dispose()


def test_help_lists_report() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "report", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0
    assert "monthly" in out.stdout and "receipt" in out.stdout
