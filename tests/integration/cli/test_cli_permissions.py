"""SEC-2 through the CLI: once a database has operators, every account and report command runs
as the operator who logged in, with exactly that operator's permissions and building scope."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services import Services
from app.services.operators import create_first_admin
from app.services.unit_of_work import Database
from tests.fixtures.site import build_small_site

ROOT = Path(__file__).resolve().parents[3]


def _cli(url: str, login: str, password: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--url", url],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SHUIDIAN_OPERATOR": login, "SHUIDIAN_PASSWORD": password},
        cwd=ROOT,
    )


def _balance(services: Services, account_no: str, actor: object) -> int:
    return services.accounts.summary(actor, account_no).balance_fen  # type: ignore[arg-type]


def test_cli_commands_carry_the_operators_permissions_and_scope(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    db = Database(url)
    db.upgrade()
    services = Services(db)
    site = build_small_site(services)
    create_first_admin(db, "root", "系统管理员", "Admin-2026")
    admin, _ = services.operators.login("root", "Admin-2026")
    services.operators.create(
        admin, "cash-a", "A栋收费员", "cashier", "Cashier-A1",
        building_ids=[site.building_ids["A"]],
    )  # fmt: skip
    services.operators.create(admin, "elec", "电工", "electrician", "Electric-1")
    a_acc, b_acc = site.accounts["A-1-01"], site.accounts["B-1-01"]

    own = _cli(url, "cash-a", "Cashier-A1", "account", "top-up", a_acc, "50", "--key", "c-1")
    assert own.returncode == 0, own.stderr
    other = _cli(url, "cash-a", "Cashier-A1", "account", "top-up", b_acc, "50", "--key", "c-2")
    assert other.returncode != 0 and other.stderr.startswith("error: ")
    listed = _cli(url, "cash-a", "Cashier-A1", "account", "search", "1")
    assert listed.returncode == 0, listed.stderr
    rooms = {line.split("\t")[1] for line in listed.stdout.splitlines()}
    assert rooms and all(r.startswith("A-") for r in rooms)
    no_right = _cli(url, "elec", "Electric-1", "account", "top-up", a_acc, "50", "--key", "e-1")
    assert no_right.returncode != 0 and "permission" in no_right.stderr
    no_export = _cli(
        url, "cash-a", "Cashier-A1", "report", "monthly", "--month", "2026-10",
        "--out", str(tmp_path / "m.xlsx"),
    )  # fmt: skip
    assert no_export.returncode != 0 and not (tmp_path / "m.xlsx").exists()
    assert _balance(services, a_acc, admin) == 5_000
    assert _balance(services, b_acc, admin) == 0
    db.dispose()
