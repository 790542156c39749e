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
    parser.add_argument(
        "--pages", nargs="*", help="page keys to capture (default: every page), e.g. devices"
    )
    args = parser.parse_args()

    from app.cli.desktop import ensure_demo_database
    from app.services import Services
    from app.services.context import Actor
    from app.ui.application import create_application, install_translation
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    tmp = tempfile.mkdtemp()
    # remembered column widths and window geometry of this PC must not change the pictures
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
    db_path = Path(args.db) if args.db else Path(tmp) / "demo.db"
    url = ensure_demo_database(db_path, fresh=False)
    app = create_application()
    install_translation(app, "zh_CN")
    services = Services.for_url(url)
    tasks = TaskRunner()
    window = MainWindow(services, Actor.system("admin"), tasks, db_label="演示数据库 demo.db")
    window.resize(1280, 800)
    window.show()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    keys = args.pages or [spec.key for spec in window.specs]
    for key in keys:
        window.open_page(key)
        _settle(app, tasks)
        target = out / f"{key}.png"
        window.grab().save(str(target))
        print(f"wrote {target}")
    tasks.shutdown()
    services.db.dispose()
    return 0


def _settle(app: object, tasks: object, timeout_s: float = 20.0) -> None:
    """Let the page load: pump events until no background operation is pending for a moment."""
    import time

    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout_s
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if getattr(tasks, "pending", 0) == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 0.5:
                break
        else:
            quiet_since = None
        time.sleep(0.02)
    QCoreApplication.processEvents()


if __name__ == "__main__":
    raise SystemExit(main())
