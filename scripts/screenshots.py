"""Regenerate docs/screenshots/*.png: the desktop windows on the demo site, offscreen, in Chinese.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--db demo.db]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="demo database (built in a temporary folder if missing)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.cli.desktop import ensure_demo_database
    from app.services import Services
    from app.services.context import Actor
    from app.ui.application import create_application, install_translation
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    tmp = tempfile.mkdtemp()
    db_path = Path(args.db) if args.db else Path(tmp) / "demo.db"
    url = ensure_demo_database(db_path, fresh=False)
    app = create_application()
    install_translation(app, "zh_CN")
    services = Services.for_url(url)
    tasks = TaskRunner()
    window = MainWindow(services, Actor.system("admin"), tasks, db_label="演示数据库 demo.db")
    window.resize(1280, 800)
    window.show()

    def settle(ticks: int = 400) -> None:
        """Run the event loop until the background work is done (at most ~20 s)."""
        idle = 0
        for _ in range(ticks):
            app.processEvents()
            idle = idle + 1 if tasks.pending == 0 else 0
            if idle > 5:
                return
            QApplication.instance().thread().msleep(50)  # type: ignore[union-attr]

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        settle()
        target = out / f"{name}.png"
        window.grab().save(str(target))
        print(f"wrote {target}")

    # 充值缴费: a tenant found by phone, the amount typed (nothing is booked)
    cashier = window.open_page("cashier")
    settle()
    first = cashier.results_model.row_at(0) if cashier.results_model.rowCount() else None
    if first is not None and first.tenant_phone:
        cashier.search_edit.setText(first.tenant_phone[:7])
        settle()
        cashier._choose_current()
        cashier.amount_edit.setText("200")
    shoot("cashier")

    # 房间/账户: the first floor of the second building, an account with its ledger
    rooms = window.open_page("rooms")
    settle()
    root = rooms.tree.topLevelItem(0)
    if root is not None and root.childCount() > 1:
        building = root.child(1).data(0, Qt.ItemDataRole.UserRole)[0]
        rooms.select_place(building, 1)
        rooms.table.selectRow(2)
    shoot("rooms")
    tasks.shutdown()
    services.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
