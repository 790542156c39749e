"""``payments import`` and ``payments order`` as a cashier runs them: real processes, files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.models import LedgerEntry
from app.services import Services
from tests.fixtures.payments import STATEMENTS, add_orders
from tests.fixtures.site import build_small_site

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SHUIDIAN_DATA_DIR": str(data_dir)},
        cwd=ROOT,
    )


def _entries(services: Services) -> int:
    with services.db.uow() as uow:
        return int(uow.session.execute(select(func.count(LedgerEntry.id))).scalar_one())


def test_import_prints_a_summary_and_books_once(
    db_url: str, services: Services, tmp_path: Path
) -> None:
    accounts = build_small_site(services).accounts
    add_orders(services, accounts)
    file = str(STATEMENTS / "wechat_20261105_utf8bom.csv")
    first = run(
        "payments", "import", file, "--channel", "wechat", "--url", db_url, data_dir=tmp_path
    )
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "微信支付对账单 wechat_20261105_utf8bom.csv" in out
    assert "新入账 3 笔，共 ¥350.00" in out and "待核对 5 笔" in out
    assert f"入账 {accounts['A-1-01']} ¥100.00" in out
    assert "待核对[未知订单]" in out and "待核对[金额不符]" in out and "待核对[已退款]" in out
    entries = _entries(services)
    again = run(
        "payments", "import", file, "--channel", "wechat", "--url", db_url, data_dir=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "新入账 0 笔" in again.stdout and "此前已入账 3 笔" in again.stdout
    assert _entries(services) == entries


def test_malformed_file_and_bad_input_fail_cleanly(sqlite_url: str, tmp_path: Path) -> None:
    services = Services.for_url(sqlite_url)
    services.db.upgrade()
    accounts = build_small_site(services).accounts
    add_orders(services, accounts)
    entries = _entries(services)
    bad = run(
        "payments", "import", str(STATEMENTS / "wechat_truncated.csv"), "--channel", "wechat",
        "--url", sqlite_url, data_dir=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "对账单格式错误，未入账任何一笔" in bad.stderr and "Traceback" not in bad.stderr
    missing = run(
        "payments", "import", str(tmp_path / "nope.csv"), "--channel", "alipay",
        "--url", sqlite_url, data_dir=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 2 and "文件不存在" in missing.stderr
    assert _entries(services) == entries
    order = run(
        "payments", "order", accounts["B-1-02"], "--amount", "50", "--url", sqlite_url,
        data_dir=tmp_path,
    )  # fmt: skip
    assert order.returncode == 0, order.stderr
    assert "支付订单 SD" in order.stdout and "¥50.00" in order.stdout
    unknown = run("payments", "order", "X-9/9", "--url", sqlite_url, data_dir=tmp_path)
    assert unknown.returncode == 1 and "找不到" in unknown.stderr
    services.db.dispose()
