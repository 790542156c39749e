"""Regenerate docs/screenshots/{operators,settings,login,first_run}.png on the demo site,
offscreen, in Chinese.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_admin.py [--db demo.db]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="demo database (built in a temporary folder if missing)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("SHUIDIAN_DATA_DIR", tmp)  # the wizard's default path, no user files

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from app.cli.desktop import ensure_demo_database
    from app.services import Services
    from app.ui.application import create_application, install_translation
    from app.ui.dialogs.login import LoginDialog
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner
    from app.ui.wizards.first_run import FirstRunWizard

    db_path = Path(args.db) if args.db else Path(tmp) / "demo.db"
    url = ensure_demo_database(db_path, fresh=False)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
    app = create_application()
    install_translation(app, "zh_CN")
    services = Services.for_url(url)
    tasks = TaskRunner()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def settle(until: Callable[[], bool], ms: int = 10_000) -> None:
        for _ in range(ms // 50):
            app.processEvents()
            if until() and tasks.pending == 0:
                break
            QApplication.instance().thread().msleep(50)  # type: ignore[union-attr]
        app.processEvents()

    def save(widget: QWidget, name: str) -> None:
        target = out / name
        widget.grab().save(str(target))
        print(f"wrote {target}")

    site = str(services.settings.get("site.name", ""))
    login = LoginDialog(services.operators, tasks, site_name=site)
    login.show()
    login.login_edit.setText("admin")
    settle(lambda: True, 300)
    save(login, "login.png")
    login.close()

    actor, info = services.operators.login("admin", "admin123")
    window = MainWindow(
        services,
        actor,
        tasks,
        db_label="演示数据库 demo.db",
        operator_name=info.name,
        role_name=info.role_name,
    )
    window.resize(1280, 800)
    window.show()
    page = window.open_page("operators")
    settle(lambda: page.model.rowCount() > 0)  # type: ignore[attr-defined]
    page.select_login("cashier1")  # type: ignore[attr-defined]
    settle(lambda: True, 200)
    save(window, "operators.png")
    settings_page = window.open_page("settings")
    settle(lambda: settings_page.edits["site.name"].text() != "")  # type: ignore[attr-defined]
    save(window, "settings.png")

    wizard = FirstRunWizard()
    wizard.show()
    wizard.database_page.path_edit.setText(str(Path(tmp) / "shuidian.db"))
    wizard.database_page.test_button.click()
    settle(lambda: wizard.database_page.isComplete())
    save(wizard, "first_run.png")
    wizard.close()
    window.close()
    tasks.shutdown()
    services.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
