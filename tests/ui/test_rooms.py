"""房间/账户 page on a real database, offscreen: building/floor tree, details, ledger filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import Services
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.pages.base import PageContext
from app.ui.pages.rooms import CUSTOM, LAST7, RoomsPage, site_today
from app.ui.tasks import TaskRunner
from tests.fixtures.site import ADMIN, build_small_site


@pytest.fixture
def rooms(qtbot: QtBot, tmp_path: Path) -> Iterator[RoomsPage]:
    app = create_application()
    install_translation(app, "zh_CN")
    db = Database(f"sqlite:///{tmp_path / 'rooms.db'}")
    db.upgrade()
    services = Services(db)
    site = build_small_site(services)
    a101 = site.accounts["A-1-01"]
    now = datetime.now(UTC)
    services.cashier.top_up(ADMIN, a101, 10000, "cash", "old", at=now - timedelta(days=40))
    services.cashier.top_up(ADMIN, a101, 2000, "wechat", "new", reference="WX-0001")
    services.cashier.refund(ADMIN, a101, 500, "多收退回")
    tasks = TaskRunner()
    page = RoomsPage(PageContext(services, ADMIN, tasks))
    qtbot.addWidget(page)
    page.resize(1120, 760)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=10_000)
    yield page
    tasks.shutdown()
    db.dispose()


def _rooms(page: RoomsPage) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def test_tree_of_buildings_and_floors_filters_the_table(rooms: RoomsPage, qtbot: QtBot) -> None:
    root = rooms.tree.topLevelItem(0)
    assert root is not None and root.text(0) == "全部房间（5）"
    assert [root.child(i).text(0) for i in range(root.childCount())] == ["A栋 (3)", "B栋 (2)"]
    assert root.child(0).child(0).text(0) == "1 层（3）"
    rooms.select_place("B")
    assert _rooms(rooms) == ["B-1-01", "B-1-02"]
    rooms.search_edit.insert("陈静")  # the text filter works inside the building
    assert _rooms(rooms) == ["B-1-01"]
    rooms.search_edit.clear()
    rooms.select_place("A", 1)
    assert _rooms(rooms) == ["A-1-01", "A-1-02", "A-1-03"]
    rooms.select_place(None)
    assert len(_rooms(rooms)) == 5
    rooms.refresh()  # a reload keeps the chosen place
    rooms.select_place("B")
    qtbot.waitUntil(lambda: rooms.summary_label.text().startswith("共 5 户"), timeout=10_000)
    assert _rooms(rooms) == ["B-1-01", "B-1-02"]


def test_details_and_ledger_of_the_selected_account(rooms: RoomsPage, qtbot: QtBot) -> None:
    rooms.table.selectRow(0)
    qtbot.waitUntil(lambda: rooms.ledger is not None and rooms.details is not None, timeout=10_000)
    v = rooms.detail_values
    assert v["tenant"].text() == "王小明便利店"
    assert v["phone"].text() == "13800000001"
    assert v["room"].text() == "A-1-01 A栋101室"
    assert v["area"].text() == "35.5 m²，2 人"
    assert v["type"].text() == "商铺"
    assert v["balance"].text() == "¥115.00"
    assert v["cash"].text() == "¥115.00" and v["subsidy"].text() == "¥0.00"
    model = rooms.ledger_model
    kinds = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert kinds == ["退款", "充值", "充值"]
    assert model.index(0, 8).data() == "多收退回"
    assert model.index(1, 8).data() == "WX-0001"
    assert model.index(1, 5).data() == "微信"
    assert rooms.ledger_label.text() == "第 1–3 条，共 3 条"

    rooms.kind_combo.setCurrentIndex(rooms.kind_combo.findText("充值"))
    qtbot.waitUntil(lambda: rooms.ledger_model.rowCount() == 2, timeout=10_000)
    rooms.period_combo.setCurrentIndex(LAST7)
    qtbot.waitUntil(lambda: rooms.ledger_model.rowCount() == 1, timeout=10_000)
    assert rooms.ledger_model.index(0, 2).data() == "¥20.00"

    rooms.kind_combo.setCurrentIndex(0)
    rooms.period_combo.setCurrentIndex(CUSTOM)
    old = site_today() - timedelta(days=40)
    rooms.from_edit.setDate(old - timedelta(days=1))
    rooms.to_edit.setDate(old + timedelta(days=1))
    qtbot.waitUntil(
        lambda: [e.amount_fen for e in rooms.ledger.entries] == [10000] if rooms.ledger else False,
        timeout=10_000,
    )

    rooms.table.selectRow(3)  # another account: its own details and ledger
    qtbot.waitUntil(lambda: rooms.detail_values["tenant"].text() == "陈静", timeout=10_000)
    qtbot.waitUntil(lambda: rooms.ledger_label.text() == "没有账目。", timeout=10_000)


def test_search_keeps_the_selected_account_and_its_details(rooms: RoomsPage, qtbot: QtBot) -> None:
    rooms.table.selectRow(3)  # B-1-01 (the table is sorted by room)
    qtbot.waitUntil(lambda: rooms.detail_values["tenant"].text() == "陈静", timeout=10_000)
    rooms.search_edit.insert("b-1")
    assert _rooms(rooms) == ["B-1-01", "B-1-02"]
    selected = rooms.table.selectionModel().selectedRows()
    assert [rooms.proxy.index(i.row(), 0).data() for i in selected] == ["B-1-01"]
    assert rooms.details is not None and rooms.details.summary.room_code == "B-1-01"
    rooms.search_edit.clear()  # widening: still the same account, at its place again
    assert len(_rooms(rooms)) == 5
    assert [i.row() for i in rooms.table.selectionModel().selectedRows()] == [3]
    assert rooms.detail_values["tenant"].text() == "陈静"
    rooms.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # balance, as a number
    balances = [rooms.proxy.index(r, 7).data() for r in range(rooms.proxy.rowCount())]
    assert balances[0] == "¥115.00"
