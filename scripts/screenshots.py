"""Regenerate docs/screenshots/*.png: every page of the desktop app on the demo site, offscreen,
in Chinese, as the demo administrator sees it (plus the login dialog and the first-run wizard).

    .venv/bin/python scripts/screenshots.py [--db demo.db] [--out docs/screenshots] [--page KEY]

The demo database is copied first (the screenshots do not change it); it is built in a temporary
folder when --db is not given. Each page is shown, refreshed, and captured once its data has
arrived (no background work pending).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="shuidian-shots-")  # no saved layouts


def _settle(app: object, tasks: object, seconds: float = 0.6, timeout: float = 30.0) -> None:
    """Process events until no background operation is pending, then a little longer."""
    from PySide6.QtWidgets import QApplication

    qapp = QApplication.instance()
    assert qapp is not None
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        qapp.processEvents()
        if tasks.pending == 0:  # type: ignore[attr-defined]
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= seconds:
                return
        else:
            quiet_since = None
        time.sleep(0.02)


def _add_live_conditions(services: object) -> object:
    """The demo's history has no live events: give the copy a few (two meters silent for hours,
    three tenants in arrears cut off, alarms of several kinds, one acknowledged) so the overview
    and alarms pages show what a running site shows. Returns the demo administrator's actor."""
    from sqlalchemy import select, update

    from app.domain.permissions import ALL_PERMISSIONS
    from app.models import Account, Alarm, MeasurementPoint, Operator
    from app.models.base import utcnow
    from app.services.alarms import AlarmKind, raise_alarm
    from app.services.context import Actor

    now = utcnow()
    with services.db.uow() as uow:  # type: ignore[attr-defined]
        s = uow.session
        points = s.execute(
            select(MeasurementPoint.id, MeasurementPoint.code).order_by(MeasurementPoint.id)
        ).all()
        admin_id = s.execute(select(Operator.id).where(Operator.login == "admin")).scalar()
        silent = [points[40], points[41]]
        s.execute(
            update(MeasurementPoint)
            .where(MeasurementPoint.id.in_([p[0] for p in silent]))
            .values(last_read_at=now - timedelta(hours=5))
        )
        debtors = s.execute(
            select(Account.id, Account.room_id).where(Account.cash_fen < 0).order_by(Account.id)
        ).all()
        for account_id, room_id in debtors[:3]:
            s.execute(
                update(MeasurementPoint)
                .where(
                    MeasurementPoint.room_id == room_id,
                    MeasurementPoint.utility == "electricity",
                )
                .values(relay_state="open", trip_cause="arrears", tripped_at=now)
            )
            raise_alarm(
                s,
                AlarmKind.ARREARS_CUT,
                f"screens:cut:{account_id}",
                "欠费断电：余额低于断电阈值",
                account_id=account_id,
                now=now - timedelta(minutes=20),
            )
        for minutes, kind, point, message in (
            (
                240,
                AlarmKind.COMM_OFFLINE,
                silent[0],
                f"通讯中断：{silent[0][1]} 连续 3 次无应答",
            ),
            (120, AlarmKind.READING_ANOMALY, points[100], "读数异常：用量超过上限，读数已挂起待核"),
            (60, AlarmKind.CLOCK_DRIFT, points[200], "时钟偏差 412 秒，已广播校时"),
            (5, AlarmKind.CONTROL_FAILURE, points[300], "关断控制失效：拉闸后回读仍为合闸"),
        ):
            raise_alarm(
                s,
                kind,
                f"screens:{kind}",
                message,
                point_id=point[0],
                now=now - timedelta(minutes=minutes),
            )
        s.execute(
            update(Alarm)
            .where(Alarm.kind == AlarmKind.CLOCK_DRIFT)
            .values(state="acknowledged", acked_by_id=admin_id, acked_at=now)
        )
        uow.commit()
    return Actor(admin_id, "admin", ALL_PERMISSIONS, None)


def _stage_cashier(page: Any, settle: Callable[[], None]) -> None:
    """充值缴费: a tenant found by phone, the amount typed (nothing is booked)."""
    first = page.results_model.row_at(0) if page.results_model.rowCount() else None
    if first is not None and first.tenant_phone:
        page.search_edit.setText(first.tenant_phone[:7])
        settle()
        page._choose_current()
        page.amount_edit.setText("200")


def _stage_rooms(page: Any, settle: Callable[[], None]) -> None:
    """房间/账户: the first floor of the second building, an account with its ledger."""
    from PySide6.QtCore import Qt

    root = page.tree.topLevelItem(0)
    if root is not None and root.childCount() > 1:
        building = root.child(1).data(0, Qt.ItemDataRole.UserRole)[0]
        page.select_place(building, 1)
        settle()
        page.table.selectRow(2)


def _stage_operators(page: Any, settle: Callable[[], None]) -> None:
    """操作员: the cashier selected, so the row actions are enabled."""
    page.select_login("cashier1")


# what a page shows in its picture beyond its first view (page key → staging)
STAGING: dict[str, Callable[[Any, Callable[[], None]], None]] = {
    "cashier": _stage_cashier,
    "rooms": _stage_rooms,
    "operators": _stage_operators,
}


def _first_run(app: object, out: Path, folder: Path) -> None:
    """首次运行 wizard, database page, after a successful connection test."""
    from app.ui.wizards.first_run import FirstRunWizard

    wizard = FirstRunWizard()
    wizard.show()
    wizard.database_page.path_edit.setText(str(folder / "shuidian.db"))
    wizard.database_page.test_button.click()
    _settle(app, wizard.tasks, 0.3)
    wizard.grab().save(str(out / "first_run.png"))
    print(f"wrote {out / 'first_run.png'}")
    wizard.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", help="demo database (built in a temporary folder if missing)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--page", action="append", help="only these page keys")
    args = parser.parse_args()

    from app.cli.desktop import ensure_demo_database
    from app.services import Services
    from app.ui.application import create_application, install_translation
    from app.ui.dialogs.login import LoginDialog
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    tmp = Path(tempfile.mkdtemp())
    source = Path(args.db) if args.db else tmp / "demo-source.db"
    ensure_demo_database(source, fresh=False)
    db_path = tmp / "demo.db"
    shutil.copyfile(source, db_path)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    app = create_application()
    install_translation(app, "zh_CN")
    services = Services.for_url(f"sqlite:///{db_path}")
    _add_live_conditions(services)
    tasks = TaskRunner()
    try:
        if not args.page or "login" in args.page:
            dialog = LoginDialog(
                services.operators,
                tasks,
                site_name=str(services.settings.get("site.name", "")),
                hint="演示操作员（账号 / 密码）：\n  系统管理员: admin / admin123",
            )
            dialog.show()
            _settle(app, tasks, 0.3)
            dialog.grab().save(str(out / "login.png"))
            print(f"wrote {out / 'login.png'}")
            dialog.close()
        if not args.page or "first_run" in args.page:
            _first_run(app, out, tmp)
        actor, info = services.operators.login("admin", "admin123")
        window = MainWindow(
            services,
            actor,
            tasks,
            db_label="演示数据库 demo.db",
            collector_label="采集服务：本机运行",
            operator_name=info.name,
            role_name=info.role_name,
        )
        window.resize(1280, 800)
        window.show()
        for spec in window.specs:
            if args.page and spec.key not in args.page:
                continue
            page = window.open_page(spec.key)
            _settle(app, tasks)
            staging = STAGING.get(spec.key)
            if staging is not None:
                staging(page, lambda: _settle(app, tasks))
                _settle(app, tasks)
            target = out / f"{spec.key}.png"
            window.grab().save(str(target))
            print(f"wrote {target}")
        window.close()
    finally:
        tasks.shutdown()
        services.db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
