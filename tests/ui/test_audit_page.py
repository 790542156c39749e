"""The 审计日志 page: entries with Chinese action names, filters, export, the chain check naming
the first edited entry; only operators with audit.view see it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.services import Services
from app.services.context import Actor
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.pages import visible_pages
from app.ui.pages.audit import AuditPage
from app.ui.pages.base import PageContext
from app.ui.tasks import TaskRunner
from tests.fixtures.site import ADMIN, build_small_site

SUPERVISOR = Actor(None, "sup", frozenset({"audit.view", "account.view"}))
CASHIER = Actor(None, "li", frozenset({"cashier.top_up", "account.view"}))


@dataclass
class Desk:
    services: Services
    tasks: TaskRunner
    accounts: dict[str, str]
    page: AuditPage


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    install_translation(create_application(), "zh_CN")
    db = Database(f"sqlite:///{tmp_path / 'audit.db'}")
    db.upgrade()
    services = Services(db)
    accounts = build_small_site(services).accounts
    services.cashier.top_up(ADMIN, accounts["A-1-01"], 1000, "cash", "t1")
    services.cashier.top_up(ADMIN, accounts["B-1-01"], 2000, "cash", "t2")
    tasks = TaskRunner()
    page = AuditPage(PageContext(services, SUPERVISOR, tasks, "主管", "主管"))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: tasks.pending == 0 and page.model.rowCount() > 0, timeout=10_000)
    yield Desk(services, tasks, accounts, page)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    tasks.shutdown()
    db.dispose()


def _column(page: AuditPage, col: int) -> list[str]:
    return [page.proxy.index(r, col).data() for r in range(page.proxy.rowCount())]


def test_only_audit_viewers_get_the_page() -> None:
    keys = {p.key for p in visible_pages(PageContext(None, SUPERVISOR, None))}  # type: ignore[arg-type]
    assert "audit" in keys
    keys = {p.key for p in visible_pages(PageContext(None, CASHIER, None))}  # type: ignore[arg-type]
    assert "audit" not in keys


def test_entries_shown_in_chinese_and_filtered(qtbot: QtBot, desk: Desk) -> None:
    page = desk.page
    actions = _column(page, 3)
    assert actions.count("充值") == 2 and "开户" in actions
    assert page.summary_label.text() == f"共 {page.model.rowCount()} 条"
    assert page.action_combo.itemText(0) == "全部动作"
    page.action_combo.setCurrentIndex(page.action_combo.findData("top_up"))
    page.text_edit.setText(desk.accounts["B-1-01"])
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert _column(page, 3) == ["充值"]
    assert desk.accounts["B-1-01"] in _column(page, 4)[0]
    page.from_edit.setDate(page.to_edit.date().addDays(1))
    page.to_edit.setDate(page.to_edit.date().addDays(1))
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    assert page.summary_label.text() == "共 0 条"


def test_export_to_excel(
    qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = desk.page
    target = tmp_path / "审计"
    monkeypatch.setattr(page, "choose_export_path", lambda: target.with_suffix(".xlsx"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.summary_label.text().startswith("已导出到"), timeout=10_000)
    rows = list(load_workbook(target.with_suffix(".xlsx")).active.iter_rows(values_only=True))
    assert rows[0][3] == "动作" and len(rows) - 1 == page.model.rowCount()


def test_verify_chain_names_and_selects_the_edited_entry(qtbot: QtBot, desk: Desk) -> None:
    page = desk.page
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.verify_label.text().startswith("审计日志完好"), timeout=10_000)
    with desk.services.db.uow() as uow:
        victim = uow.session.execute(
            text("SELECT min(id) FROM audit_entries WHERE action = 'top_up'")
        ).scalar_one()
        uow.session.execute(
            text("UPDATE audit_entries SET operator_login = 'ghost' WHERE id = :i"), {"i": victim}
        )
        uow.commit()
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.verify_label.text().startswith("审计日志被改动"), timeout=10_000)
    assert f"第 {victim} 条" in page.verify_label.text()
    selected = page.table.selectionModel().selectedRows()
    assert [page.proxy.index(i.row(), 0).data() for i in selected] == [str(victim)]
