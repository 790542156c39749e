"""The self-filtering, self-sorting table models of the rooms and monitoring pages
(``app/ui/table_models/fast.py``): which rows a search text shows, narrowing and widening as the
text grows and shrinks, a place/state predicate on top, sorting by raw values (money as numbers),
and the selection following its row. Behaviour only; the timings are in bench/ui_bench.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)
from pytestqt.qtbot import QtBot

from app.services.dto import AccountSummary
from app.services.monitoring import CommandProgress, MonitorPoint
from app.ui.application import create_application, install_translation
from app.ui.table_models.accounts import AccountTableModel
from app.ui.table_models.monitoring import MonitorTableModel

OPENED = datetime(2026, 1, 1, tzinfo=UTC)


def account(
    room: str,
    tenant: str,
    cash: int,
    *,
    phone: str | None = None,
    state: str = "active",
    building: str = "A",
    floor: int = 1,
) -> AccountSummary:
    return AccountSummary(
        account_no=f"AC-{room}",
        state=state,
        room_code=room,
        room_name=f"{building}栋{room[-2:]}室",
        building_code=building,
        building_name=f"{building}栋",
        floor=floor,
        tenant_name=tenant,
        tenant_phone=phone,
        cash_fen=cash,
        subsidy_fen=0,
        overdraft_limit_fen=0,
        warn_threshold_fen=1000,
        urgent_threshold_fen=500,
        opened_at=OPENED,
    )


ROWS = [
    account("A-1-01", "王小明", 12345, phone="13800000001"),
    account("A-1-02", "李芳", -500, phone="13700000002"),
    account("A-2-01", "Zhang Wei", 900, floor=2),
    account("B-1-01", "陈静", 100000, building="B", state="suspended"),
    account("B-1-02", "赵强", 2000, phone="13700000003", building="B"),
]


@pytest.fixture
def table(qtbot: QtBot) -> Iterator[tuple[AccountTableModel, QTableView]]:
    install_translation(create_application(), "zh_CN")
    model = AccountTableModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    model.set_rows(ROWS)
    view.resize(800, 400)
    view.show()
    yield model, view


def shown(model: AccountTableModel, column: int = 0) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_a_search_shows_exactly_the_rows_with_the_text_in_a_column(
    table: tuple[AccountTableModel, QTableView],
) -> None:
    model, _view = table
    model.set_filter("李芳")
    assert shown(model) == ["A-1-02"]
    model.set_filter("a-1-0")  # case-insensitive
    assert shown(model) == ["A-1-01", "A-1-02"]
    model.set_filter("1370000000")  # phone
    assert shown(model) == ["A-1-02", "B-1-02"]
    model.set_filter("zhang")
    assert shown(model) == ["A-2-01"]
    model.set_filter("暂停")  # the state as shown
    assert shown(model) == ["B-1-01"]
    model.set_filter("¥1,000.00")  # money as shown
    assert shown(model) == ["B-1-01"]
    model.set_filter("  李芳  ")  # surrounding blanks do not count
    assert shown(model) == ["A-1-02"]
    # never across two columns: room code "A-1-01" followed by room name "A栋01室"
    model.set_filter("01a")
    assert shown(model) == []
    model.set_filter("")
    assert shown(model) == ["A-1-01", "A-1-02", "A-2-01", "B-1-01", "B-1-02"]


def test_narrowing_and_widening_key_by_key(table: tuple[AccountTableModel, QTableView]) -> None:
    model, _view = table
    typed = "a-1-01"
    expected = {
        "a": ["A-1-01", "A-1-02", "A-2-01"],
        "a-": ["A-1-01", "A-1-02", "A-2-01"],
        "a-1": ["A-1-01", "A-1-02"],
        "a-1-": ["A-1-01", "A-1-02"],
        "a-1-0": ["A-1-01", "A-1-02"],
        "a-1-01": ["A-1-01"],
    }
    for i in range(1, len(typed) + 1):
        model.set_filter(typed[:i])
        assert shown(model) == expected[typed[:i]], typed[:i]
    for i in range(len(typed) - 1, 0, -1):  # backspace, key by key
        model.set_filter(typed[:i])
        assert shown(model) == expected[typed[:i]], typed[:i]
    # a text that does not extend the previous one searches every row again
    model.set_filter("a-1-01")
    model.set_filter("b-1")
    assert shown(model) == ["B-1-01", "B-1-02"]


def test_a_place_predicate_combines_with_the_text(
    table: tuple[AccountTableModel, QTableView],
) -> None:
    model, _view = table
    in_a = lambda a: a.building_code == "A"  # noqa: E731
    model.set_filter("137", in_a, "A")
    assert shown(model) == ["A-1-02"]
    model.set_filter("13", in_a, "A")
    assert shown(model) == ["A-1-01", "A-1-02"]
    # another place with the same text: rows of the other building come back
    model.set_filter("13", lambda a: a.building_code == "B", "B")
    assert shown(model) == ["B-1-02"]
    model.set_filter("13", None, None)
    assert shown(model) == ["A-1-01", "A-1-02", "B-1-02"]


def test_sorting_uses_raw_values_money_as_numbers(
    table: tuple[AccountTableModel, QTableView],
) -> None:
    model, view = table
    view.sortByColumn(7, Qt.SortOrder.AscendingOrder)  # balance
    assert shown(model, 7) == ["-¥5.00", "¥9.00", "¥20.00", "¥123.45", "¥1,000.00"]
    view.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    assert shown(model, 7) == ["¥1,000.00", "¥123.45", "¥20.00", "¥9.00", "-¥5.00"]
    model.set_filter("13")  # the filter keeps the order
    assert shown(model, 7) == ["¥123.45", "¥20.00", "-¥5.00"]
    model.set_filter("")
    assert shown(model) == ["B-1-01", "A-1-01", "B-1-02", "A-2-01", "A-1-02"]
    view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # text columns sort as text
    assert shown(model, 2)[0] == "Zhang Wei"
    # a reload keeps filter and order
    model.set_filter("13")
    model.set_rows([*ROWS, account("C-1-01", "孙丽", 0, phone="13900000009", building="C")])
    # by tenant, as Qt compares text (code points): 孙 李 王 赵
    assert shown(model, 0) == ["C-1-01", "A-1-02", "A-1-01", "B-1-02"]
    assert model.total_count() == 6
    assert model.index(2, 5).data(Qt.ItemDataRole.UserRole) == 12345  # raw sort value


def test_selection_follows_its_row_and_leaves_with_it(
    table: tuple[AccountTableModel, QTableView],
) -> None:
    model, view = table
    view.selectRow(3)  # B-1-01
    assert model.row_at(view.currentIndex().row()).room_code == "B-1-01"
    view.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # B-1-01 has the largest balance
    assert view.currentIndex().row() == 0
    assert [i.row() for i in view.selectionModel().selectedRows()] == [0]
    model.set_filter("陈")
    assert model.row_at(view.currentIndex().row()).room_code == "B-1-01"
    model.set_filter("李")  # hidden: no longer selected
    assert view.selectionModel().selectedRows() == []
    assert not view.currentIndex().isValid()


def test_a_replaced_row_is_filtered_and_sorted_again(
    table: tuple[AccountTableModel, QTableView],
) -> None:
    model, view = table
    view.sortByColumn(7, Qt.SortOrder.AscendingOrder)
    model.set_filter("a-")
    assert shown(model) == ["A-1-02", "A-2-01", "A-1-01"]
    model.replace(replace(ROWS[1], cash_fen=50000))  # A-1-02 tops up
    assert shown(model) == ["A-2-01", "A-1-01", "A-1-02"]
    assert model.index(2, 7).data() == "¥500.00"
    model.set_filter("¥500.00")
    assert shown(model) == ["A-1-02"]


def point(pid: int, room: str, building_id: int) -> MonitorPoint:
    return MonitorPoint(
        point_id=pid,
        point_code=f"P{pid}",
        point_name=f"点{pid}",
        utility="electricity",
        building_id=building_id,
        building_name=f"{building_id}号楼",
        floor=1,
        room_code=room,
        room_name=f"{room}室",
        meter_id=pid,
        meter_address=f"0000000000{pid:02d}",
        protocol="dlt645",
        gateway_code="GW1",
        bus_number=1,
        has_switch=True,
        last_value=None,
        last_read_at=None,
        relay_state="closed",
        trip_cause=None,
        tripped_at=None,
        keep_power=False,
        billing_hold=False,
        online="online",
        last_command=None,
    )


def test_monitor_rows_follow_command_changes_under_a_filter(qtbot: QtBot) -> None:
    install_translation(create_application(), "zh_CN")
    model = MonitorTableModel("electricity")
    model.sort(MonitorTableModel.ROOM, Qt.SortOrder.DescendingOrder)
    model.set_rows([point(1, "R-01", 1), point(2, "R-02", 1), point(3, "R-03", 2)])
    rooms = lambda: [  # noqa: E731
        model.index(r, MonitorTableModel.ROOM).data() for r in range(model.rowCount())
    ]
    assert rooms() == ["R-03", "R-02", "R-01"]
    model.set_filter("00000000000")  # meter address
    assert rooms() == ["R-03", "R-02", "R-01"]
    model.set_filter("0000000000 02")  # blanks separate the fields searched
    assert rooms() == []
    busy = lambda p: (c := model.command_of(p.point_id)) is not None and not c.final  # noqa: E731
    model.set_filter("", busy, "busy")
    assert rooms() == []
    now = datetime(2026, 11, 2, tzinfo=UTC)
    model.update_commands({2: CommandProgress(7, 2, "trip", "pending", None, now, None)})
    assert rooms() == ["R-02"]
    assert model.index(0, MonitorTableModel.COMMAND).data() == "拉闸：等待执行"
    model.update_commands({2: CommandProgress(7, 2, "trip", "confirmed", "ok", now, now)})
    assert rooms() == []
    model.set_filter("", None, None)
    assert rooms() == ["R-03", "R-02", "R-01"]
    assert model.index(1, MonitorTableModel.COMMAND).data() == "拉闸：已确认"
    assert model.index(1, MonitorTableModel.COMMAND).data(Qt.ItemDataRole.ToolTipRole) == "ok"
    assert model.view_row(model.row_of(1) or 0) == 2


class _Delegate(QStyledItemDelegate):
    def option(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initStyleOption(option, index)  # asks the model for every role of the cell at once
        return option


def test_painting_a_cell_shows_its_own_values_only(
    table: tuple[AccountTableModel, QTableView],
) -> None:
    model, _view = table
    delegate = _Delegate()
    first = delegate.option(model.index(0, 0))
    plain = QColor(first.palette.color(QPalette.ColorRole.Text))
    red = delegate.option(model.index(1, 7))  # A-1-02 in arrears: balance in red, right-aligned
    assert red.text == "-¥5.00"
    assert red.palette.color(QPalette.ColorRole.Text).name() == "#c62828"
    assert red.displayAlignment & Qt.AlignmentFlag.AlignRight
    # the next cell painted (the delegate reuses its request) has neither colour nor alignment
    cell = delegate.option(model.index(1, 0))
    assert cell.text == "A-1-02"
    assert cell.palette.color(QPalette.ColorRole.Text) == plain
    assert not cell.displayAlignment & Qt.AlignmentFlag.AlignRight
