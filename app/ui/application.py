"""Qt application setup: fonts, translations, the main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import APP_NAME
from app.config import RESOURCES_DIR, cjk_font_path

if TYPE_CHECKING:
    from app.services import Services
    from app.services.collector import Collector
    from app.services.scheduler import CollectorScheduler
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)

I18N_DIR = RESOURCES_DIR / "i18n"


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(argv if argv is not None else [sys.argv[0]])
    font_path = cjk_font_path()
    if font_path is not None:
        font_id = QFontDatabase.addApplicationFont(str(font_path))
        families = QFontDatabase.applicationFontFamilies(font_id)
        if families:
            app.setFont(QFont(families[0], 10))
    else:
        logger.warning("no CJK font found: Chinese text may not render")
    install_translation(app, str(QSettings().value("ui/language", "zh_CN")))
    return app


_translators: list[QTranslator] = []


def install_translation(app: QCoreApplication, language: str) -> bool:
    """Load our .qm and Qt's own translations for ``language`` (zh_CN by default; en = none)."""
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    if language.startswith("en"):
        QLocale.setDefault(QLocale("en_US"))
        return True
    ours = QTranslator()
    loaded = ours.load(str(I18N_DIR / f"shuidian_{language}.qm"))
    if loaded:
        app.installTranslator(ours)
        _translators.append(ours)
    qt = QTranslator()
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _translators.append(qt)
    QLocale.setDefault(QLocale(language))
    return loaded


def run_desktop(
    argv: list[str],
    *,
    db_url: str | None = None,
    on_started: Callable[[], None] | None = None,
    collector: bool = True,
    demo_logins: list[tuple[str, str, str]] | None = None,
    auto_login: tuple[str, str] | None = None,
) -> int:
    """Open the desktop app on ``db_url`` (default: the configured database): the login dialog,
    then the main window. ``collector``: run the collector's jobs in this process (reads,
    settlement, cut/restore, notifications). ``auto_login`` (demo smoke runs and screenshots
    only) logs in without showing the dialog."""
    from app.services import Services
    from app.ui.tasks import TaskRunner

    app = create_application(argv)
    if db_url is None:
        db_url = _configured_or_first_run()
        if db_url is None:
            return 0
    services = Services.for_url(db_url)
    services.db.upgrade()
    tasks = TaskRunner()
    jobs = _start_collector(services) if collector else None
    db_label = services.db.engine.url.render_as_string(hide_password=True)
    collector_label = (
        QCoreApplication.translate("Application", "Collector: running in this desk")
        if jobs is not None
        else QCoreApplication.translate("Application", "Collector: not in this desk")
    )
    login_hint = ""
    if demo_logins:
        login_hint = QCoreApplication.translate(
            "Application", "Demo operators (login / password):"
        ) + "".join(f"\n  {name}: {login} / {pw}" for login, name, pw in demo_logins)
    try:
        session = _DeskSession(services, tasks, db_label, collector_label, login_hint)
        if not session.start(auto_login):
            return 0
        if on_started is not None:
            on_started()
        return app.exec()
    finally:
        if jobs is not None:
            jobs.stop()
        tasks.shutdown()
        services.db.dispose()


def _ask_db_password(name: str) -> str | None:
    """Fallback when the keyring cannot give the database password (SEC-4): ask, keep it in
    memory for this run only."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from app.services.secrets import no_backend_message

    text, ok = QInputDialog.getText(
        None,
        QCoreApplication.translate("Application", "Database password"),
        QCoreApplication.translate(
            "Application",
            "The database password is not in the system keyring. Enter it for this session:",
        )
        + "\n\n"
        + no_backend_message(name),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def _configured_or_first_run() -> str | None:
    """The desk's database: ``$SHUIDIAN_DB_URL`` or the saved configuration (password from the
    keyring); an existing default SQLite file (desks set up before the configuration file);
    otherwise the first-run wizard (UX-4). ``None``: the user cancelled."""
    import os
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox

    from app.config import DB_URL_ENV, data_dir, default_db_url
    from app.services.first_run import desk_db_url
    from app.services.secrets import SecretError

    env = os.environ.get(DB_URL_ENV)
    if env:
        return env
    try:
        url = desk_db_url(prompt=_ask_db_password)
    except SecretError as exc:
        QMessageBox.critical(
            None, QCoreApplication.translate("Application", "Database password"), str(exc)
        )
        return None
    if url is not None:
        return url
    if Path(data_dir() / "shuidian.db").is_file():
        return default_db_url()
    from app.ui.wizards.first_run import FirstRunWizard

    wizard = FirstRunWizard()
    if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
        return None
    return wizard.full_db_url()


class _DeskSession:
    """Login → main window → (switch operator → login → new main window) until exit."""

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        db_label: str,
        collector_label: str,
        login_hint: str,
    ) -> None:
        self.services, self.tasks = services, tasks
        self.db_label, self.collector_label, self.login_hint = (
            db_label,
            collector_label,
            login_hint,
        )
        self.window: MainWindow | None = None
        self.collector_running = collector_label == QCoreApplication.translate(
            "Application", "Collector: running in this desk"
        )

    def start(self, auto_login: tuple[str, str] | None = None) -> bool:
        from app.services.operators import OperatorService

        operators = OperatorService(self.services.db)
        if auto_login is not None:
            actor, info = operators.login(*auto_login)
        else:
            from app.ui.dialogs.login import LoginDialog

            site = str(self.services.settings.get("site.name", "") or "")
            dialog = LoginDialog(operators, self.tasks, site_name=site, hint=self.login_hint)
            if dialog.exec() != LoginDialog.DialogCode.Accepted:
                return False
            assert dialog.actor is not None and dialog.operator is not None
            actor, info = dialog.actor, dialog.operator
        self.actor, self.info = actor, info
        self.window = self._build_window()
        self.window.show()
        return True

    def _build_window(self) -> MainWindow:
        from app.ui.admin_messages import role_label
        from app.ui.main_window import MainWindow

        window = MainWindow(
            self.services,
            self.actor,
            self.tasks,
            db_label=self.db_label,
            collector_label=self.collector_label,
            operator_name=self.info.name,
            role_name=role_label(self.info.role_code, self.info.role_name),
        )
        window.logout_requested.connect(self._on_logout_requested)
        window.language_changed.connect(self._on_language_changed)
        return window

    def _on_language_changed(self, _code: str) -> None:
        """Rebuild the main window in the new language (translations are read when widgets are
        built), keeping the operator logged in and the settings page open."""
        old = self.window
        if old is None:
            return
        geometry = old.saveGeometry()
        self.collector_label = self._retranslated_collector_label()
        self.window = self._build_window()
        self.window.restoreGeometry(geometry)
        if "settings" in self.window.pages:
            self.window.open_page("settings")
        self.window.show()
        old.hide()
        old.close()
        old.deleteLater()

    def _retranslated_collector_label(self) -> str:
        if self.collector_running:
            return QCoreApplication.translate("Application", "Collector: running in this desk")
        return QCoreApplication.translate("Application", "Collector: not in this desk")

    def _on_logout_requested(self) -> None:
        old = self.window
        if old is not None:
            old.hide()
        if self.start():
            if old is not None:
                old.close()
                old.deleteLater()
        elif old is not None:
            old.close()
            QApplication.quit()


def _start_collector(services: Services) -> _CollectorHandle | None:
    """The collector in-process, off the GUI thread; a failure to start is logged and the desk
    works on (e.g. another PC runs the headless collector)."""
    from app.services.collector import Collector
    from app.services.notifications import NotificationDispatcher
    from app.services.scheduler import CollectorScheduler

    db = services.db
    try:
        collector = Collector(db, dispatcher=NotificationDispatcher(db)).start()
        jobs = CollectorScheduler(collector)
        jobs.start(run_now=True)
    except Exception:
        logger.exception("the in-process collector could not start")
        return None
    return _CollectorHandle(collector, jobs)


class _CollectorHandle:
    def __init__(self, collector: Collector, jobs: CollectorScheduler) -> None:
        self.collector, self.jobs = collector, jobs

    def stop(self) -> None:
        self.jobs.stop(wait=False)
        self.collector.stop()
