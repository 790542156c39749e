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
    deadline = 200
    while window.rooms_page.model.rowCount() == 0 and deadline:
        app.processEvents()
        QApplication.instance().thread().msleep(50)  # type: ignore[union-attr]
        deadline -= 1
    app.processEvents()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "rooms.png"
    window.grab().save(str(target))
    print(f"wrote {target}")
    tasks.shutdown()
    services.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
