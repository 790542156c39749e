"""Regenerate docs/screenshots/*.png: the desktop windows on the demo site, offscreen, in Chinese.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--db demo.db]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="demo database (built in a temporary folder if missing)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from app.cli.desktop import ensure_demo_database
    from app.services import Services
    from app.ui.application import create_application, install_translation
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    tmp = tempfile.mkdtemp()
    db_path = Path(args.db) if args.db else Path(tmp) / "demo.db"
    ensure_demo_database(db_path, fresh=False)
    copy = Path(tmp) / "screens.db"  # live conditions go into a copy, never the demo file
    shutil.copyfile(db_path, copy)
    for ext in ("-wal", "-shm"):
        if Path(f"{db_path}{ext}").exists():
            shutil.copyfile(f"{db_path}{ext}", f"{copy}{ext}")
    app = create_application()
    install_translation(app, "zh_CN")
    services = Services.for_url(f"sqlite:///{copy}")
    actor = _add_live_conditions(services)
    tasks = TaskRunner()
    window = MainWindow(
        services, actor, tasks, db_label="演示数据库 demo.db", operator_name="系统管理员"
    )
    window.resize(1280, 800)
    window.show()

    def settle(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            QApplication.instance().thread().msleep(20)  # type: ignore[union-attr]

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for spec in window.specs:
        page = window.open_page(spec.key)
        settle(0.3)
        while tasks.pending:
            settle(0.1)
        settle(0.5)
        if spec.key == "overview":  # show a room's panel: the first one in arrears
            grid = getattr(page, "grid", None)
            tile = next((t for t in grid.tiles() if t.state == "arrears"), None) if grid else None
            if tile is not None:
                grid.selected_room_id = tile.room_id
                grid.tile_clicked.emit(tile)
                settle(0.3)
        target = out / f"{spec.key}.png"
        window.grab().save(str(target))
        print(f"wrote {target}")
    tasks.shutdown()
    services.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
