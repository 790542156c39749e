"""The 备份 tab of the settings page: back up now, the list, verify, restore with a confirmation,
settings saved with the page; what an administrator and a supervisor see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.services import Services
from app.services.backups import checksum_path, list_backups, sha256_of
from app.services.context import Actor
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.pages.base import PageContext
from app.ui.pages.settings import SettingsPage
from app.ui.tasks import TaskRunner
from tests.fixtures.site import ADMIN, build_small_site

SUPERVISOR = Actor(None, "sup", frozenset({"settings.manage", "audit.view", "account.view"}))


@dataclass
class Desk:
    services: Services
    tasks: TaskRunner
    accounts: dict[str, str]
    folder: Path
    pages: list[SettingsPage]

    def page(self, qtbot: QtBot, actor: Actor = ADMIN) -> SettingsPage:
        page = SettingsPage(PageContext(self.services, actor, self.tasks, "管理员", "特权操作员"))
        qtbot.addWidget(page)
        page.resize(1000, 760)
        page.show()
        page.refresh()
        page.tabs.setCurrentIndex(page.tabs.count() - 1)
        qtbot.waitUntil(lambda: self.tasks.pending == 0, timeout=10_000)
        self.pages.append(page)
        return page


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    install_translation(create_application(), "zh_CN")
    db = Database(f"sqlite:///{tmp_path / 'desk.db'}")
    db.upgrade()
    services = Services(db)
    accounts = build_small_site(services).accounts
    services.cashier.top_up(ADMIN, accounts["A-1-01"], 12_300, "cash", "seed")
    folder = tmp_path / "backups"
    services.settings.update(ADMIN, {"backup.folder": str(folder)})
    tasks = TaskRunner()
    yield Desk(services, tasks, accounts, folder, [])
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=20_000)
    tasks.shutdown()
    db.dispose()


def _cash(services: Services, account_no: str) -> int:
    return services.accounts.summary(ADMIN, account_no).cash_fen


def test_back_up_now_lists_and_verifies_the_backup(qtbot: QtBot, desk: Desk) -> None:
    page = desk.page(qtbot)
    tab = page.backup_tab
    assert page.tabs.tabText(page.tabs.count() - 1) == "备份"
    assert tab.folder_edit.text() == str(desk.folder)
    assert tab.model.rowCount() == 0
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    assert not tab.backup_button.isEnabled() and tab.progress.isVisible()  # busy, not frozen
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=20_000)
    assert tab.status_label.text().startswith("备份完成并已校验：")
    assert tab.backup_button.isEnabled() and not tab.progress.isVisible()
    [made] = list_backups(desk.folder)
    assert tab.proxy.index(0, 1).data() == made.name
    assert tab.proxy.index(0, 4).data() == "有"
    # nothing selected: say so; selected: verified
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    assert tab.status_label.text() == "请先在列表中选择一份备份。"
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "完好" in tab.status_label.text(), timeout=20_000)
    # a damaged file: the reason in Chinese, in the page
    data = bytearray(made.path.read_bytes())
    data[4000] ^= 0x01
    made.path.write_bytes(bytes(data))
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "校验值不符" in tab.status_label.text(), timeout=20_000)
    assert "不予使用" in tab.status_label.text()


def test_restore_asks_first_and_brings_back_the_balance(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = desk.page(qtbot)
    tab = page.backup_tab
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=20_000)
    no = desk.accounts["A-1-01"]
    before = _cash(desk.services, no)
    desk.services.cashier.top_up(ADMIN, no, 5_000, "cash", "after")
    tab.table.selectRow(0)
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def question(_parent: object, _title: str, text: str, *_a: object) -> object:
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "安全备份" in asked[0]
    assert desk.tasks.pending == 0 and _cash(desk.services, no) == before + 5_000
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.status_label.text().startswith("已从备份"), timeout=30_000)
    assert "被替换的数据已另存为" in tab.status_label.text()
    assert _cash(desk.services, no) == before
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=20_000)  # + the safety backup
    assert {tab.proxy.index(r, 3).data() for r in range(2)} == {"定时/手动备份", "恢复前安全备份"}


def test_a_tampered_backup_is_refused_with_the_reason(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    made = desk.services.backups.create(ADMIN).file.path
    conn = sqlite3.connect(made)
    conn.execute("UPDATE accounts SET cash_fen = cash_fen + 1")
    conn.commit()
    conn.close()
    checksum_path(made).write_text(f"{sha256_of(made)}  {made.name}\n")
    page = desk.page(qtbot)
    tab = page.backup_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    tab.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "账本校验" in tab.status_label.text(), timeout=30_000)
    assert tab.status_label.text().startswith("备份未通过账本校验，不予使用：")
    assert len(list_backups(desk.folder)) == 1  # refused before any safety backup or change


def test_backup_settings_are_saved_with_the_page_and_validated(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    page = desk.page(qtbot)
    tab = page.backup_tab
    tab.time_edit.setText("2点半")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "每日备份时间" in page.status_label.text(), timeout=10_000)
    tab.time_edit.setText("01:45")
    tab.keep_spin.setValue(14)
    tab.second_edit.setText(str(tmp_path / "nas"))
    tab.enabled_check.setChecked(False)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status_label.text() == "设置已保存。", timeout=10_000)
    values = desk.services.settings.all()
    assert values["backup.time"] == "01:45" and values["backup.keep_days"] == 14
    assert values["backup.second_folder"] == str(tmp_path / "nas")
    assert values["backup.enabled"] is False


def test_a_supervisor_backs_up_but_may_not_restore(qtbot: QtBot, desk: Desk) -> None:
    page = desk.page(qtbot, SUPERVISOR)
    tab = page.backup_tab
    assert tab.backup_button.isEnabled()
    assert not tab.restore_button.isEnabled()
    assert tab.restore_button.toolTip() == "只有特权操作员可以从备份恢复。"
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=20_000)
    assert not tab.restore_button.isEnabled()  # still not, after the busy state ends
