"""The minimal main window on a real database, offscreen: what the user sees."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from app.config import RESOURCES_DIR
from app.services import Services
from app.ui.application import create_application, install_translation
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from tests.fixtures.site import ADMIN, build_small_site


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    from app.services.unit_of_work import Database

    app = create_application()
    install_translation(app, "zh_CN")
    db = Database(f"sqlite:///{tmp_path / 'ui.db'}")
    db.upgrade()
    services = Services(db)
    site = build_small_site(services)
    services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 12345, "cash", "ui-1")
    services.cashier.adjust(ADMIN, site.accounts["B-1-01"], -500, "测试欠费")
    tasks = TaskRunner()
    w = MainWindow(services, ADMIN, tasks, db_label="test.db")
    qtbot.addWidget(w)
    w.show()
    w.open_page("rooms")
    qtbot.waitUntil(lambda: w.rooms_page.model.rowCount() == 5, timeout=10_000)
    yield w
    tasks.shutdown()
    db.dispose()


def _visible_rows(w: MainWindow) -> list[list[str]]:
    proxy = w.rooms_page.proxy
    return [
        [proxy.index(r, c).data() for c in range(proxy.columnCount())]
        for r in range(proxy.rowCount())
    ]


def test_rooms_and_balances_in_chinese(window: MainWindow) -> None:
    assert window.windowTitle() == "水电统一收费监管平台"
    headers = [window.rooms_page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers == ["房间号", "房间名称", "商户/住户", "电话", "状态", "现金", "补助", "余额"]
    rows = _visible_rows(window)
    by_room = {r[0]: r for r in rows}
    assert by_room["A-1-01"][2:] == [
        "王小明便利店",
        "13800000001",
        "正常",
        "¥123.45",
        "¥0.00",
        "¥123.45",
    ]
    assert by_room["B-1-01"][-1] == "-¥5.00"
    assert "共 5 户" in window.rooms_page.summary_label.text()
    assert "欠费 1 户" in window.rooms_page.summary_label.text()


def test_search_filters_as_you_type(window: MainWindow, qtbot: QtBot) -> None:
    # Chinese arrives from the input method as committed text (QTest types ASCII only)
    window.rooms_page.search_edit.insert("李芳")
    assert [r[0] for r in _visible_rows(window)] == ["A-1-02"]
    window.rooms_page.search_edit.clear()
    qtbot.keyClicks(window.rooms_page.search_edit, "a-1-0")
    assert [r[0] for r in _visible_rows(window)] == ["A-1-01", "A-1-02", "A-1-03"]
    window.rooms_page.search_edit.clear()
    qtbot.keyClicks(window.rooms_page.search_edit, "wxm")  # pinyin initials of 王小明便利店
    assert [r[0] for r in _visible_rows(window)] == ["A-1-01"]
    window.rooms_page.search_edit.clear()
    qtbot.keyClicks(window.rooms_page.search_edit, "1370000000")
    assert [r[0] for r in _visible_rows(window)] == ["B-1-01", "B-1-02"]


def test_sort_by_balance_is_numeric(window: MainWindow) -> None:
    window.rooms_page.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)
    balances = [r[7] for r in _visible_rows(window)]
    assert balances[0] == "-¥5.00" and balances[-1] == "¥123.45"


def test_english_is_available(window: MainWindow, qtbot: QtBot) -> None:
    app = create_application()
    install_translation(app, "en")
    tasks = TaskRunner()
    try:
        w2 = MainWindow(window.ctx.services, ADMIN, tasks, db_label="x")
        qtbot.addWidget(w2)
        w2.open_page("rooms")
        assert w2.windowTitle() == "Unified Water & Power Prepaid Billing Platform"
        qtbot.waitUntil(lambda: "accounts" in w2.rooms_page.summary_label.text(), timeout=10_000)
        assert w2.rooms_page.proxy.headerData(7, Qt.Orientation.Horizontal) == "Balance"
    finally:
        tasks.shutdown()
        install_translation(app, "zh_CN")


def test_translation_file_is_complete() -> None:
    tree = ET.parse(RESOURCES_DIR / "i18n" / "shuidian_zh_CN.ts")
    unfinished = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
    ]
    assert unfinished == []
    assert (RESOURCES_DIR / "i18n" / "shuidian_zh_CN.qm").stat().st_size > 0


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the PySide6 6.12 defect affects 3.11 only")
def test_pyside_does_not_leak_none_references() -> None:
    """Canary for the PySide6 6.12.0 defect on CPython 3.11 (see docs/PLATFORM.md)."""
    create_application()
    before = sys.getrefcount(None)
    obj = QObject()
    for _ in range(1000):
        obj.setObjectName("x")
    assert sys.getrefcount(None) >= before - 10


def test_every_ui_string_has_a_chinese_translation() -> None:
    """lupdate over app/ui, filled from resources/i18n/zh_CN/*.json: nothing missing, nothing
    stale (the .ts/.qm are rebuilt by scripts/update_translations.py)."""
    import subprocess

    root = RESOURCES_DIR.parent
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_login_dialog_checks_the_password(qtbot: QtBot, tmp_path: Path) -> None:
    from sqlalchemy import insert, select

    from app.models.operator import Operator, Role
    from app.services.operators import hash_password
    from app.services.unit_of_work import Database
    from app.ui.dialogs.login import LoginDialog

    app = create_application()
    install_translation(app, "zh_CN")
    db = Database(f"sqlite:///{tmp_path / 'login.db'}")
    db.upgrade()
    with db.uow() as uow:
        s = uow.session
        role_id = s.execute(select(Role.id).where(Role.code == "cashier")).scalar()
        if role_id is None:
            role_id = s.execute(
                insert(Role)
                .values(code="cashier", name="收费员", permissions=["account.view"])
                .returning(Role.id)
            ).scalar_one()
        s.execute(
            insert(Operator).values(
                login="li",
                name="收费员小李",
                password_hash=hash_password("secret-1"),
                role_id=role_id,
            )
        )
        uow.commit()
    tasks = TaskRunner()
    try:
        services = Services(db)
        dialog = LoginDialog(services.operators, tasks, site_name="测试小区")
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.windowTitle() == "登录"
        qtbot.keyClicks(dialog.login_edit, "li")
        qtbot.keyClicks(dialog.password_edit, "wrong")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.error_label.text() == "操作员或密码错误。", timeout=10_000)
        assert dialog.result() == 0 and dialog.actor is None
        qtbot.keyClicks(dialog.password_edit, "secret-1")
        with qtbot.waitSignal(dialog.accepted, timeout=10_000):
            qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        assert dialog.actor is not None and dialog.actor.login == "li"
        assert dialog.operator is not None and dialog.operator.name == "收费员小李"
    finally:
        tasks.shutdown()
        db.dispose()
