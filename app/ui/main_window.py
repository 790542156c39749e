"""The main window: navigation on the left, pages on the right, status bar at the bottom."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.services import Services
from app.services.context import Actor
from app.ui.dialogs.login import LoginDialog
from app.ui.idle import IdleWatcher
from app.ui.pages import Page, PageContext, PageSpec, visible_pages
from app.ui.tasks import TaskRunner

ALARM_POLL_MS = 15_000


class MainWindow(QMainWindow):
    """``pages`` maps page key → page for the pages this operator may open."""

    logout_requested = Signal()
    language_changed = Signal(str)  # the desk switched language: rebuild the window
    locked_changed = Signal(bool)

    def __init__(
        self,
        services: Services,
        actor: Actor,
        tasks: TaskRunner,
        *,
        db_label: str,
        collector_label: str = "",
        operator_name: str = "",
        role_name: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Unified Water & Power Prepaid Billing Platform"))
        self.ctx = PageContext(services, actor, tasks, operator_name or actor.login, role_name)
        self.nav = QListWidget()
        self.nav.setObjectName("Navigation")
        self.nav.setFixedWidth(160)
        self.nav.setStyleSheet("QListWidget#Navigation::item { padding: 8px 10px; }")
        self.stack = QStackedWidget()
        self.specs: list[PageSpec] = visible_pages(self.ctx)
        self.pages: dict[str, Page] = {}
        for spec in self.specs:
            page = spec.factory(self.ctx)
            page.setObjectName(page.objectName() or f"{spec.key}_page")
            self.pages[spec.key] = page
            item = QListWidgetItem(QCoreApplication.translate("Navigation", spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._on_nav_row_changed)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        # the work area and the panel that covers it while the desk is locked
        self.cover = QStackedWidget()
        self.cover.addWidget(central)
        self.lock_panel = self._build_lock_panel()
        self.cover.addWidget(self.lock_panel)
        self.setCentralWidget(self.cover)
        self.locked = False
        self.site_name = ""
        self.unlock_dialog: LoginDialog | None = None
        self._build_menus()
        self._build_status_bar(db_label, collector_label)
        self.setMinimumSize(1024, 640)
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        for page in self.pages.values():
            relay = getattr(page, "language_changed", None)
            if relay is not None:
                relay.connect(self.language_changed)
            saved = getattr(page, "settings_saved", None)
            if saved is not None:
                saved.connect(self._on_settings_saved)
        QTimer.singleShot(0, self, self._load_desk_settings)
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if self.specs:
            self.nav.setCurrentRow(0)

    # -- navigation ------------------------------------------------------------------------

    @property
    def rooms_page(self) -> Page:
        return self.pages["rooms"]

    def open_page(self, key: str) -> Page:
        """Show the page ``key`` (KeyError when this operator may not open it)."""
        page = self.pages[key]
        self.nav.setCurrentRow([s.key for s in self.specs].index(key))
        return page

    def _on_nav_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.stack.widget(row)
        assert isinstance(page, Page)
        QTimer.singleShot(0, page, page.refresh)

    # -- menus and status bar ----------------------------------------------------------------

    def _build_menus(self) -> None:
        system = self.menuBar().addMenu(self.tr("System"))
        self.lock_action = QAction(self.tr("Lock the desk"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        system.addAction(self.lock_action)
        self.password_action = QAction(self.tr("Change my password…"), self)
        self.password_action.triggered.connect(self._on_password_triggered)
        system.addAction(self.password_action)
        self.logout_action = QAction(self.tr("Switch operator"), self)
        self.logout_action.triggered.connect(self._on_logout_triggered)
        system.addAction(self.logout_action)
        system.addSeparator()
        quit_action = QAction(self.tr("Exit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        system.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("Help"))
        about = QAction(self.tr("About"), self)
        about.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about)

    def _build_status_bar(self, db_label: str, collector_label: str) -> None:
        bar = self.statusBar()
        who = self.ctx.operator_name
        if self.ctx.role_name:
            who = f"{who}（{self.ctx.role_name}）"
        self.operator_label = QLabel(self.tr("Operator: {0}").format(who))
        self.db_label = QLabel(self.tr("Database: {0}").format(db_label))
        self.collector_label = QLabel(collector_label)
        self.alarms_label = QLabel()
        self.alarms_label.setObjectName("alarms_count")
        for w in (self.operator_label, self.db_label, self.collector_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.alarms_label)
        self._alarm_timer = QTimer(self)
        self._alarm_timer.setInterval(ALARM_POLL_MS)
        self._alarm_timer.timeout.connect(self.refresh_alarm_count)
        self._alarm_timer.start()
        QTimer.singleShot(0, self, self.refresh_alarm_count)

    def set_collector_state(self, text: str) -> None:
        self.collector_label.setText(text)

    def refresh_alarm_count(self) -> None:
        alarms = self.ctx.services.alarms
        self.ctx.tasks.run_op(
            lambda: alarms.count_open(self.ctx.actor), self._on_alarm_count, lambda _e: None
        )

    def _on_alarm_count(self, n: int) -> None:
        self.alarms_label.setText(self.tr("Active alarms: {0}").format(n))
        self.alarms_label.setStyleSheet("color: #c0392b; font-weight: bold" if n else "")

    def _on_logout_triggered(self) -> None:
        self.logout_requested.emit()

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About"),
            self.tr("Unified Water & Power Prepaid Billing Platform\nVersion {0}").format(
                __version__
            ),
        )

    # -- idle lock and passwords -----------------------------------------------------------------

    def _build_lock_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("LockPanel")
        title = QLabel(self.tr("The desk is locked"))
        font = QFont(title.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        title.setFont(font)
        who = QLabel(
            self.tr("Operator {0} — enter the password to continue.").format(self.ctx.operator_name)
        )
        layout = QVBoxLayout(panel)
        layout.addStretch(1)
        for w in (title, who):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)
        layout.addStretch(2)
        return panel

    def _load_desk_settings(self) -> None:
        settings = self.ctx.services.settings
        self.ctx.tasks.run_op(
            settings.all, self._on_settings_loaded, lambda _e: self.idle.set_minutes(10)
        )

    def _on_settings_loaded(self, values: dict[str, object]) -> None:
        self.site_name = str(values.get("site.name") or "")
        minutes = values.get("ui.idle_lock_minutes", 10)
        self.idle.set_minutes(minutes if isinstance(minutes, int) else 10)

    def _on_settings_saved(self, values: dict[str, object]) -> None:
        self.site_name = str(values.get("site.name") or self.site_name)
        minutes = values.get("ui.idle_lock_minutes")
        if isinstance(minutes, int):
            self.idle.set_minutes(minutes)

    def lock(self) -> None:
        """Cover the work area and ask the same operator for the password (Ctrl+L or idle)."""
        if self.locked:
            return
        self.locked = True
        self.idle.pause()
        # nothing stays usable behind the lock: open dialogs are cancelled, menus closed
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and isinstance(w, QDialog):
                w.reject()
            elif w.isVisible() and isinstance(w, QMenu):
                w.close()
        self.cover.setCurrentWidget(self.lock_panel)
        self.menuBar().setEnabled(False)
        self.locked_changed.emit(True)
        dialog = LoginDialog(
            self.ctx.services.operators,
            self.ctx.tasks,
            site_name=self.site_name,
            fixed_login=self.ctx.actor.login,
        )
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.finished.connect(self._on_unlock_dialog_finished)
        self.unlock_dialog = dialog
        dialog.open()

    def _on_unlock_dialog_finished(self, result: int) -> None:
        dialog = self.unlock_dialog
        self.unlock_dialog = None
        if dialog is not None:
            dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and dialog is not None and dialog.actor:
            self.locked = False
            self.cover.setCurrentIndex(0)
            self.menuBar().setEnabled(True)
            self.idle.resume()
            self.locked_changed.emit(False)
        else:
            self.logout_requested.emit()  # 注销: back to the login dialog

    def _on_password_triggered(self) -> None:
        from app.ui.dialogs.passwords import PasswordDialog

        operators, actor = self.ctx.services.operators, self.ctx.actor

        def submit(current: str, new: str, repeated: str) -> None:
            operators.change_own_password(actor, current, new, repeated=repeated)

        self.password_dialog = PasswordDialog(
            self.ctx.tasks, submit, login=actor.login, ask_current=True, parent=self
        )
        self.password_dialog.accepted.connect(self._on_password_changed)
        self.password_dialog.open()

    def _on_password_changed(self) -> None:
        self.statusBar().showMessage(self.tr("Your password was changed."), 8000)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self._alarm_timer.stop()
        self.idle.detach()
        super().closeEvent(event)
