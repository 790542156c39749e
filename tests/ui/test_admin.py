"""Operators, settings, first run, idle lock and language switch, offscreen on real databases:
what an administrator and a cashier see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from app.errors import PermissionDeniedError
from app.services import Services
from app.services.context import Actor
from app.services.operators import OperatorInfo, create_first_admin
from app.services.unit_of_work import Database
from app.ui.application import _DeskSession, create_application, install_translation
from app.ui.dialogs.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from tests.fixtures.site import build_small_site

ADMIN_PW = "Admin-2026"
CASHIER_PW = "Cash-2026"


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> Iterator[None]:
    """Machine-local UI state (language, geometry) goes to a temporary INI file."""
    create_application()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    install_translation(QApplication.instance(), "zh_CN")  # type: ignore[arg-type]
    yield
    install_translation(QApplication.instance(), "zh_CN")  # type: ignore[arg-type]


@dataclass
class Desk:
    services: Services
    tasks: TaskRunner
    admin: Actor
    admin_info: OperatorInfo
    cashier: Actor
    cashier_info: OperatorInfo
    windows: list[MainWindow]


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    db = Database(f"sqlite:///{tmp_path / 'admin.db'}")
    db.upgrade()
    services = Services(db)
    build_small_site(services)
    create_first_admin(db, "root", "系统管理员", ADMIN_PW)
    admin, admin_info = services.operators.login("root", ADMIN_PW)
    services.operators.create(admin, "li", "收费员小李", "cashier", CASHIER_PW)
    cashier, cashier_info = services.operators.login("li", CASHIER_PW)
    tasks = TaskRunner()
    windows: list[MainWindow] = []
    yield Desk(services, tasks, admin, admin_info, cashier, cashier_info, windows)
    # let the pages receive what they asked for before the windows go away (pytest-qt closes
    # the widgets it was given before fixtures end, so the windows are closed here)
    qtbot.wait(50)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    for w in windows:
        if shiboken6.isValid(w):
            w.close()
            w.deleteLater()
    qtbot.wait(10)
    tasks.shutdown()
    db.dispose()


def _window(qtbot: QtBot, desk: Desk, actor: Actor, info: OperatorInfo) -> MainWindow:
    w = MainWindow(
        desk.services,
        actor,
        desk.tasks,
        db_label="admin.db",
        operator_name=info.name,
        role_name=info.role_name,
    )
    desk.windows.append(w)
    w.show()
    return w


def _nav_titles(w: MainWindow) -> list[str]:
    return [w.nav.item(i).text() for i in range(w.nav.count())]


def _column(page: object, col: int) -> list[str]:
    proxy = page.proxy  # type: ignore[attr-defined]
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def test_cashier_cannot_open_the_operators_page(qtbot: QtBot, desk: Desk) -> None:
    w = _window(qtbot, desk, desk.cashier, desk.cashier_info)
    assert "操作员" not in _nav_titles(w) and "设置" not in _nav_titles(w)
    with pytest.raises(KeyError):
        w.open_page("operators")
    with pytest.raises(PermissionDeniedError):
        desk.services.operators.list_operators(desk.cashier)
    admin_window = _window(qtbot, desk, desk.admin, desk.admin_info)
    assert _nav_titles(admin_window)[-2:] == ["操作员", "设置"]


def test_operators_page_lists_adds_and_releases_lockout(qtbot: QtBot, desk: Desk) -> None:
    w = _window(qtbot, desk, desk.admin, desk.admin_info)
    page = w.open_page("operators")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    headers = [page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["账号", "姓名", "角色", "管辖楼栋", "状态", "锁定至"]
    assert _column(page, 0) == ["li", "root"]
    assert _column(page, 2) == ["收费员", "特权操作员"]
    assert "共 2 名操作员" in page.status_label.text()

    # add an operator limited to building A, with a weak password first
    page._on_add_button_clicked()
    dialog = page.dialog
    qtbot.keyClicks(dialog.login_edit, "zhang")
    dialog.name_edit.insert("电管员老张")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("电管员"))
    dialog.all_buildings_check.setChecked(False)
    dialog.buildings_list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.repeat_edit, "short")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "密码至少需要 8 个字符。"
    for edit in (dialog.password_edit, dialog.repeat_edit):
        edit.clear()
        qtbot.keyClicks(edit, "Elec-2026")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    row = _column(page, 0).index("zhang")
    assert page.proxy.index(row, 2).data() == "电管员"
    assert page.proxy.index(row, 3).data() == "A栋"

    # the cashier types a wrong password five times: the Chinese lock message
    login = LoginDialog(desk.services.operators, desk.tasks)
    qtbot.addWidget(login)
    login.show()
    qtbot.keyClicks(login.login_edit, "li")
    for _ in range(5):
        qtbot.keyClicks(login.password_edit, "wrong-pw")
        qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: login.ok_button.isEnabled(), timeout=10_000)
    assert login.error_label.text() == "密码错误次数过多：操作员 li 已被锁定 15 分钟。"
    qtbot.keyClicks(login.password_edit, CASHIER_PW)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: login.ok_button.isEnabled(), timeout=10_000)
    assert "已被锁定" in login.error_label.text() and login.actor is None

    page.refresh()
    qtbot.waitUntil(lambda: "锁定 1 名" in page.status_label.text(), timeout=10_000)
    page.select_login("li")
    li_row = _column(page, 0).index("li")
    assert page.proxy.index(li_row, 4).data() == "已锁定"
    assert page.proxy.index(li_row, 5).data() != ""
    assert page.unlock_button.isEnabled()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "li 已解除锁定" in page.status_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "锁定 0 名" in page.status_label.text(), timeout=10_000)
    qtbot.keyClicks(login.password_edit, CASHIER_PW)
    with qtbot.waitSignal(login.accepted, timeout=10_000):
        qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)


def test_the_last_administrator_cannot_be_deactivated(qtbot: QtBot, desk: Desk) -> None:
    w = _window(qtbot, desk, desk.admin, desk.admin_info)
    page = w.open_page("operators")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.select_login("root")
    root = page.selected()
    assert root is not None
    page.set_active(root, False)
    qtbot.waitUntil(
        lambda: page.status_label.text() == "不能停用当前登录的操作员。", timeout=10_000
    )
    page.select_login("li")
    li = page.selected()
    assert li is not None
    page.set_active(li, False)
    qtbot.waitUntil(lambda: "li 已停用" in page.status_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "启用 1 名" in page.status_label.text(), timeout=10_000)


def test_change_my_password_from_the_system_menu(qtbot: QtBot, desk: Desk) -> None:
    w = _window(qtbot, desk, desk.cashier, desk.cashier_info)
    w.password_action.trigger()
    dialog = w.password_dialog
    qtbot.keyClicks(dialog.current_edit, "not-mine-1")
    qtbot.keyClicks(dialog.new_edit, "Newer-2026")
    qtbot.keyClicks(dialog.repeat_edit, "Newer-2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.text() == "当前密码不正确。", timeout=10_000)
    dialog.current_edit.clear()
    qtbot.keyClicks(dialog.current_edit, CASHIER_PW)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert w.statusBar().currentMessage() == "密码已修改。"
    assert desk.services.operators.login("li", "Newer-2026")[0].login == "li"


def test_idle_lock_and_ctrl_l(qtbot: QtBot, desk: Desk) -> None:
    w = _window(qtbot, desk, desk.cashier, desk.cashier_info)
    qtbot.waitUntil(lambda: w.idle.interval_ms == 10 * 60_000, timeout=10_000)  # the default
    w.idle.set_interval_ms(300)
    qtbot.waitUntil(lambda: w.locked, timeout=5_000)
    assert w.cover.currentWidget() is w.lock_panel
    assert not w.menuBar().isEnabled()
    dialog = w.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "解锁" and dialog.login_edit.text() == "li"
    assert dialog.login_edit.isReadOnly()
    qtbot.keyClicks(dialog.password_edit, "wrong-pw")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.text() == "操作员或密码错误。", timeout=10_000)
    assert w.locked
    qtbot.keyClicks(dialog.password_edit, CASHIER_PW)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked, timeout=10_000)
    assert w.cover.currentIndex() == 0 and w.menuBar().isEnabled()
    # input keeps the desk open; no input locks it again
    w.idle.set_interval_ms(60_000)
    assert w.idle.is_counting()
    w.password_action.trigger()  # a dialog left open when the desk locks is cancelled
    assert w.password_dialog.isVisible()
    w.lock_action.trigger()  # Ctrl+L
    assert w.locked and w.unlock_dialog is not None
    assert not w.password_dialog.isVisible()
    with qtbot.waitSignal(w.logout_requested, timeout=5_000):
        w.unlock_dialog.reject()  # 注销


def test_settings_page_validates_and_saves(qtbot: QtBot, desk: Desk) -> None:
    w = _window(qtbot, desk, desk.admin, desk.admin_info)
    page = w.open_page("settings")
    qtbot.waitUntil(lambda: page.edits["site.name"].text() != "", timeout=10_000)
    assert page.edits["alerts.warn_fen"].text() == "50.00"
    page.edits["alerts.warn_fen"].setText("abc")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status_label.text() == "余额预警：请输入金额（元，最多两位小数），如 50 或 12.50。"
    page.edits["alerts.warn_fen"].setText("5")
    page.edits["alerts.urgent_fen"].setText("20")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.status_label.text() == "余额预警值不能低于紧急预警值。", timeout=10_000
    )
    page.edits["collector.time_sync_at"].setText("3点")
    page.edits["alerts.warn_fen"].setText("80")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.status_label.text() == "每日校时时间：请按 时:分 输入时间，如 03:10。",
        timeout=10_000,
    )
    page.edits["collector.time_sync_at"].setText("04:20")
    page.edits["site.name"].setText("阳光花园")
    page.idle_spin.setValue(3)
    page.read_interval_spin.setValue(10)
    page.tenant_checks["sms"].setChecked(True)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status_label.text() == "设置已保存。", timeout=10_000)
    values = desk.services.settings.all()
    assert values["site.name"] == "阳光花园" and values["alerts.warn_fen"] == 8000
    assert values["alerts.urgent_fen"] == 2000 and values["collector.time_sync_at"] == "04:20"
    assert values["collector.read_interval_s"] == 600
    assert values["notify.tenant_channels"] == ["sms"]
    assert w.idle.interval_ms == 3 * 60_000  # applied to this desk at once
    # a channel without its settings: the test message says what is missing, in Chinese
    page.test_channel_combo.setCurrentIndex(page.test_channel_combo.findData("webhook"))
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.test_result_label.text() == "该渠道尚未配置：请先填写并保存其设置。",
        timeout=10_000,
    )


def test_language_switch_rebuilds_the_window_in_english(qtbot: QtBot, desk: Desk) -> None:
    session = _DeskSession(desk.services, desk.tasks, "admin.db", "采集服务：本机运行", "")
    assert session.start(("root", ADMIN_PW))
    w = session.window
    assert w is not None
    desk.windows.append(w)
    chinese = _nav_titles(w)
    assert {"房间/账户", "操作员", "设置"} <= set(chinese)
    page = w.open_page("settings")
    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))
    qtbot.mouseClick(page.language_button, Qt.MouseButton.LeftButton)
    english = session.window
    assert english is not None and english is not w
    desk.windows.append(english)
    assert english.windowTitle() == "Unified Water & Power Prepaid Billing Platform"
    titles = _nav_titles(english)
    assert len(titles) == len(chinese)
    assert {"Rooms & accounts", "Operators", "Settings"} <= set(titles)
    assert not [t for t in titles if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert english.nav.currentItem().text() == "Settings"
    settings_page = english.pages["settings"]
    assert settings_page.tabs.tabText(0) == "Site and billing"
    assert settings_page.save_button.text() == "Save settings"
    assert english.collector_label.text() == "Collector: running in this desk"
    assert english.operator_label.text() == "Operator: 系统管理员（Administrator）"
    assert QSettings().value("ui/language") == "en"
    ops = english.open_page("operators")
    qtbot.waitUntil(lambda: ops.model.rowCount() == 2, timeout=10_000)
    assert ops.proxy.headerData(2, Qt.Orientation.Horizontal) == "Role"
    assert set(_column(ops, 2)) == {"Administrator", "Cashier"}
    # and back to Chinese
    page = english.pages["settings"]
    page.language_combo.setCurrentIndex(page.language_combo.findData("zh_CN"))
    qtbot.mouseClick(page.language_button, Qt.MouseButton.LeftButton)
    assert session.window is not None
    desk.windows.append(session.window)
    assert _nav_titles(session.window) == chinese


def test_first_run_wizard_creates_sqlite_and_the_admin_logs_in(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from app.config import configured_db_url
    from app.ui.wizards.first_run import FirstRunWizard

    path = tmp_path / "office" / "shuidian.db"
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.windowTitle() == "首次运行 — 水电统一收费监管平台"
    db_page = wizard.database_page
    assert db_page.sqlite_radio.isChecked()
    db_page.path_edit.setText(str(path))
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # not tested yet
    qtbot.mouseClick(db_page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: next_button.isEnabled(), timeout=10_000)
    assert db_page.result_label.text() == "连接成功，将创建新的空数据库。"
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    admin = wizard.admin_page
    assert wizard.currentPage() is admin
    admin.login_edit.setText("boss")
    admin.name_edit.insert("站长")
    qtbot.keyClicks(admin.password_edit, "boss")
    qtbot.keyClicks(admin.repeat_edit, "boss")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is admin
    assert admin.error_label.text() == "密码至少需要 8 个字符。"
    admin.password_edit.setText("Boss-2026")
    admin.repeat_edit.setText("Boss-2026")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.demo_page
    assert not wizard.demo_page.demo_check.isChecked()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: finish.isEnabled() and finish.isVisible(), timeout=20_000)
    assert wizard.apply_page.status_label.text() == "完成。请点击“完成”后登录。"
    with qtbot.waitSignal(wizard.accepted, timeout=5_000):
        qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert path.is_file()
    assert configured_db_url() == f"sqlite:///{path}"
    db = Database(wizard.full_db_url())
    tasks = TaskRunner()
    try:
        login = LoginDialog(Services(db).operators, tasks)
        qtbot.addWidget(login)
        login.show()
        qtbot.keyClicks(login.login_edit, "boss")
        qtbot.keyClicks(login.password_edit, "Boss-2026")
        with qtbot.waitSignal(login.accepted, timeout=10_000):
            qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
        assert login.operator is not None and login.operator.role_code == "admin"
    finally:
        tasks.shutdown()
        db.dispose()


def test_main_opens_the_wizard_only_when_nothing_is_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app.config import DeskConfig, save_desk_config
    from app.ui import application
    from app.ui.wizards.first_run import FirstRunWizard

    shown: list[str] = []

    def fake_exec(self: FirstRunWizard) -> int:
        shown.append(self.database_page.path_edit.text())
        return int(FirstRunWizard.DialogCode.Rejected)

    monkeypatch.setattr(FirstRunWizard, "exec", fake_exec)
    assert application.run_desktop([]) == 0  # cancelled: nothing opened, nothing written
    assert len(shown) == 1 and shown[0].endswith("shuidian.db")
    assert not Path(shown[0]).exists()
    save_desk_config(DeskConfig(f"sqlite:///{tmp_path / 'desk.db'}"))
    assert application._configured_or_first_run() == f"sqlite:///{tmp_path / 'desk.db'}"
    assert len(shown) == 1  # configured: no wizard


def test_send_test_message_through_the_group_robot(qtbot: QtBot, desk: Desk) -> None:
    import keyring

    from tests.fixtures.notify import MemoryKeyring, http_server

    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with http_server() as server:
            w = _window(qtbot, desk, desk.admin, desk.admin_info)
            page = w.open_page("settings")
            qtbot.waitUntil(lambda: page.edits["site.name"].text() != "", timeout=10_000)
            page.edits["notify.webhook.url"].setText(f"{server.base_url}/cgi-bin/webhook/send")
            page.edits["notify.webhook.key_secret"].setText("webhook.key")
            qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: page.status_label.text() == "设置已保存。", timeout=10_000)
            desk.services.settings.store_secret(desk.admin, "webhook.key", "robot-key-123")
            assert backend.entries[("shuidian", "webhook.key")] == "robot-key-123"
            page.test_channel_combo.setCurrentIndex(page.test_channel_combo.findData("webhook"))
            qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(
                lambda: page.test_result_label.text() == "已发送：HTTP 200 errcode=0",
                timeout=10_000,
            )
            assert len(server.requests) == 1
            assert server.requests[0].path.endswith("key=robot-key-123")
            assert "测试消息" in server.requests[0].json()["text"]["content"]
    finally:
        keyring.set_keyring(previous)
    # the key itself is in no setting
    assert "robot-key-123" not in repr(desk.services.settings.all())
