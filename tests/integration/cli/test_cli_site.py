"""``site template|import|export`` as a user runs them: separate processes, real files, SQLite
and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services import Services
from tests.integration.services.test_site_import import (
    EXPECTED_PROBLEMS,
    GOOD_AND_BAD,
    fill_workbook,
    table_counts,
)

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


def test_site_cli_template_check_import_valid_only_export(
    db_url: str, services: Services, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    template = run("site", "template", str(tmp_path / "t.xlsx"), data_dir=data)
    assert template.returncode == 0, template.stderr
    assert "导入模板已写入" in template.stdout

    bad = fill_workbook(tmp_path / "bad.xlsx", GOOD_AND_BAD)
    refused = run("site", "import", str(bad), "--url", db_url, data_dir=data)
    assert refused.returncode == 1, refused.stderr
    lines = refused.stdout.splitlines()
    assert len(lines) == len(EXPECTED_PROBLEMS) + 1
    assert lines[0] == (
        "价格 第 5 行【价格参数】：价格参数中的 price 无效（价格应为不超过 4 位小数的非负数）"
    )
    assert "表具 第 5 行【总线号】：网关 GW1 没有 3 号总线" in lines
    assert lines[-1] == (
        f"共 42 行，{len(EXPECTED_PROBLEMS)} 个问题；"
        "未写入任何数据（可用 --valid-only 只导入有效行）"
    )
    assert table_counts(services.db)["rooms"] == 0

    checked = run("site", "import", str(bad), "--check", "--valid-only", "--url", db_url,
                  data_dir=data)  # fmt: skip
    assert checked.returncode == 1 and "（检查模式）" in checked.stdout
    assert table_counts(services.db)["rooms"] == 0

    partial = run("site", "import", str(bad), "--valid-only", "--url", db_url, data_dir=data)
    assert partial.returncode == 0, partial.stderr
    assert "导入完成" in partial.stdout and "期初余额流水 2 笔" in partial.stdout
    assert table_counts(services.db)["rooms"] == 2

    exported = run("site", "export", str(tmp_path / "out.xlsx"), "--url", db_url, data_dir=data)
    assert exported.returncode == 0, exported.stderr
    assert "房间 2" in exported.stdout
    again = run("site", "import", str(tmp_path / "out.xlsx"), "--url", db_url, data_dir=data)
    assert again.returncode == 0, again.stderr
    assert "新增 无" in again.stdout

    missing = run("site", "import", str(tmp_path / "nope.xlsx"), "--url", db_url, data_dir=data)
    assert missing.returncode == 2 and "文件不存在" in missing.stderr
